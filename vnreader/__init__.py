"""vnreader: an accessible reader for Vietnamese public information.

The normalizer is usable on its own::

    >>> import vnreader
    >>> vnreader.normalize("Dự hội nghị có các đ/c trong BCH HU.")  # doctest: +SKIP
    'Dự hội nghị có các đồng chí trong Ban Chấp hành Huyện ủy.'

Importing ``vnreader`` (or ``vnreader.normalizer``) loads the normalizer only; extraction
(``extract_article``, ``discover``) is loaded the first time it is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
    "discover",
    "extract_article",
    "normalize",
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
