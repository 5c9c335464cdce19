"""The one data model passed between stages: an Article and its parts (frozen).

Extraction builds it; the script, narration, feeds and pages only read it. The JSON form
(`Article.to_dict`) is what ``vnreader clean --format json`` prints (docs/extraction.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

BlockKind = Literal["paragraph", "heading"]


@dataclass(frozen=True)
class Block:
    """One block of the article body, in reading order."""

    kind: BlockKind
    text: str


@dataclass(frozen=True)
class Image:
    """An image of the body: its address, its caption (``None`` when it has none) and
    where it stands in the body.

    ``position`` is the number of body blocks before the image: ``0`` before the first
    block (a lead photo, a photo between the lead and the text), ``len(blocks)`` after the
    last one. ``None`` when unknown (an article stored before images had a position): such
    an image is shown and its caption read after the body.
    """

    src: str | None
    caption: str | None
    position: int | None = None


@dataclass(frozen=True)
class Article:
    """A cleaned article: only what a reader of the portal's article should hear.

    ``published`` is timezone-aware (Asia/Ho_Chi_Minh, +07:00) or ``None`` when the page
    gives no date: never a guess. ``blocks`` is the body only (no title, lead, byline).
    """

    title: str
    blocks: tuple[Block, ...] = ()
    lead: str | None = None
    published: datetime | None = None
    author: str | None = None
    category: str | None = None
    images: tuple[Image, ...] = ()
    url: str | None = None
    site: str | None = field(default=None, compare=False)

    @property
    def paragraphs(self) -> list[str]:
        """The body as plain strings, in order (headings inside the body included)."""
        return [b.text for b in self.blocks]

    def placed_images(self) -> list[tuple[int, Image]]:
        """Each image with the number of body blocks before it, in reading order: its
        ``position`` kept within the body; an image of unknown position after the body."""
        end = len(self.blocks)
        placed = [(end if i.position is None else min(i.position, end), i) for i in self.images]
        return sorted(placed, key=lambda pair: pair[0])  # stable: page order at one place

    @property
    def captions(self) -> list[str]:
        """Captions of the body's images, in order."""
        return [i.caption for i in self.images if i.caption]

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``vnreader clean --format json``."""
        return {
            "title": self.title,
            "lead": self.lead,
            "published": self.published.isoformat() if self.published else None,
            "author": self.author,
            "category": self.category,
            "paragraphs": self.paragraphs,
            "captions": self.captions,
            "url": self.url,
            "blocks": [{"kind": b.kind, "text": b.text} for b in self.blocks],
            "images": [_image_dict(i) for i in self.images],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """The inverse of :meth:`to_dict` (what the catalog stores); unknown keys ignored."""
        published = data.get("published")
        blocks = data.get("blocks")
        if blocks is None:  # an older dict: paragraphs only
            blocks = [{"kind": "paragraph", "text": text} for text in data.get("paragraphs") or []]
        return cls(
            title=str(data.get("title") or ""),
            blocks=tuple(
                Block("heading" if b.get("kind") == "heading" else "paragraph", str(b["text"]))
                for b in blocks
            ),
            lead=data.get("lead"),
            published=datetime.fromisoformat(published) if published else None,
            author=data.get("author"),
            category=data.get("category"),
            images=tuple(
                Image(i.get("src"), i.get("caption"), _position(i.get("position")))
                for i in data.get("images") or []
            ),
            url=data.get("url"),
        )

    def to_text(self) -> str:
        """A plain-text rendering: title, date line, category, lead, body, author."""
        lines = [self.title]
        if self.published:
            lines.append(self.published.strftime("%H:%M %d/%m/%Y"))
        if self.category:
            lines.append(self.category)
        if self.lead:
            lines += ["", self.lead]
        lines.append("")
        lines += [b.text for b in self.blocks]
        if self.author:
            lines += ["", self.author]
        return "\n".join(lines) + "\n"


def _image_dict(image: Image) -> dict[str, Any]:
    """An image in the JSON contract; ``position`` only when known, so the JSON of an
    article stored without positions reads back to the same bytes (same content hash)."""
    out: dict[str, Any] = {"src": image.src, "caption": image.caption}
    if image.position is not None:
        out["position"] = image.position
    return out


def _position(value: Any) -> int | None:
    """A stored position: a whole number of blocks, 0 or more; anything else is unknown."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None
