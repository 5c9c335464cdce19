"""vnreader: an accessible reader for Vietnamese public information.

Three calls follow the data flow, HTML → Article → MP3 → site::

    >>> import vnreader
    >>> article = vnreader.clean("tests/fixtures/pages/tanhiep_seed.html")  # doctest: +SKIP
    >>> vnreader.narrate(article, "bai-viet.mp3")  # doctest: +SKIP
    >>> vnreader.publish(["https://example.gov.vn/rss"], "site")  # doctest: +SKIP

and the normalizer is usable on its own::

    >>> vnreader.normalize("Dự hội nghị có các đ/c trong BCH HU.")  # doctest: +SKIP
    'Dự hội nghị có các đồng chí trong Ban Chấp hành Huyện ủy.'

Importing ``vnreader`` (or ``vnreader.normalizer``) loads the normalizer only; extraction,
speech and publishing are loaded the first time a call needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vnreader.api import clean, narrate, publish
from vnreader.article import Article, Block, Image
from vnreader.errors import VnreaderError
from vnreader.normalizer import Normalizer, Replacement, Sentence, normalize, split_sentences

if TYPE_CHECKING:
    from vnreader.extract import discover, extract_article

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Block",
    "Image",
    "Normalizer",
    "Replacement",
    "Sentence",
    "VnreaderError",
    "__version__",
    "clean",
    "discover",
    "extract_article",
    "narrate",
    "normalize",
    "publish",
    "split_sentences",
]

#: Names served from other modules on first use, so that ``import vnreader`` stays light.
_LAZY = {"discover": "vnreader.extract", "extract_article": "vnreader.extract"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vnreader' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
