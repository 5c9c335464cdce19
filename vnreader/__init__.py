"""vnreader: an accessible reader for Vietnamese public information.

The normalizer is usable on its own::

    >>> import vnreader
    >>> vnreader.normalize("Dự hội nghị có các đ/c trong BCH HU.")  # doctest: +SKIP
    'Dự hội nghị có các đồng chí trong Ban Chấp hành Huyện ủy.'
"""

from __future__ import annotations

from vnreader.article import Article, Block, Image
from vnreader.errors import VnreaderError
from vnreader.extract import discover, extract_article
from vnreader.normalizer import Normalizer, Replacement, Sentence, normalize, split_sentences

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
