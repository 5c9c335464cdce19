"""The body walked into raw blocks: paragraphs split at ``<br><br>`` (a single ``<br>``
splits only at a sentence end, a list item, a stamp or a change of emphasis), headings,
images with their figure or table captions, data tables one row a line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml.html import HtmlElement

from vnreader.extract import metadata
from vnreader.extract.stages.dom import (
    BLOCK_TAGS,
    CAPTION_CLASS,
    HEADINGS,
    SPLIT_END,
    align_of,
    is_bold,
    is_italic,
    names_of,
    text_of,
)
from vnreader.extract.stages.lexicon import clean_text


@dataclass
class Raw:
    """One raw block of the body walk: a line of text, a heading, an image or a caption,
    with the emphasis and alignment the later clean-up reads."""

    kind: str  # "text", "heading", "image", "caption"
    text: str = ""
    src: str | None = None
    bold: bool = False
    italic: bool = False
    align: str = ""
    group: int = 0  # id of the image table/figure it came from (0: none)
    caption: str | None = None
    label: str = ""  # an image's title/alt text: only to recognise its caption line
    order: int = 0  # place in the cleaned walk: where an image stands among the blocks


PHOTO_CREDIT = re.compile(r"^[(\[]?\s*(?:ảnh|nguồn ảnh|photo|hình)\s*:", re.IGNORECASE)


_BULLET = re.compile(r"^[-–—+•*·●▪◦]\s")


class Walker:
    """Walks body elements in reading order into :class:`Raw` blocks (``out``): block
    elements are boundaries, ``<br><br>`` splits paragraphs, figures and image tables give
    images with their captions, data tables one row a line."""

    def __init__(self, base_url: str | None, skip: Iterable[HtmlElement] = ()) -> None:
        self.base = base_url
        self.skip = set(skip)
        self.out: list[Raw] = []
        # (text, bold, italic) runs of inline text; None where a <br> stands
        self.pieces: list[tuple[str, bool, bool] | None] = []
        self.align: list[str] = [""]
        self.group: list[int] = [0]
        self.caption = 0
        self.groups = 0

    # inline text
    def add(self, text: str | None, *, bold: bool, italic: bool) -> None:
        if text:
            self.pieces.append((text, bold, italic))

    def flush(self) -> None:
        if not self.pieces:
            return
        pieces, self.pieces = self.pieces, []
        paragraphs: list[list[list[tuple[str, bool, bool]]]] = [[[]]]
        brs = 0
        for piece in pieces:
            if piece is None:
                brs += 1
                continue
            text, bold, italic = piece
            if brs and text.strip():
                if brs >= 2:
                    paragraphs.append([[]])
                else:
                    paragraphs[-1].append([])
                brs = 0
            paragraphs[-1][-1].append((text, bold, italic))
        for lines in paragraphs:
            texts = [clean_text("".join(t for t, _, _ in line)) for line in lines]
            merged: list[tuple[str, list[tuple[str, bool, bool]]]] = []
            for text, line in zip(texts, lines, strict=True):
                if not text:
                    continue
                if merged and not self._split(merged[-1][0], text, merged[-1][1], line):
                    merged[-1] = (merged[-1][0] + " " + text, merged[-1][1] + line)
                else:
                    merged.append((text, list(line)))
            for text, line in merged:
                visible = [(b, i) for t, b, i in line if t.strip()]
                self.out.append(
                    Raw(
                        "caption" if self.caption else "text",
                        text,
                        bold=bool(visible) and all(b for b, _ in visible),
                        italic=bool(visible) and all(i for _, i in visible),
                        align=self.align[-1],
                        group=self.group[-1],
                    )
                )

    @staticmethod
    def _split(
        prev: str,
        nxt: str,
        prev_line: list[tuple[str, bool, bool]],
        next_line: list[tuple[str, bool, bool]],
    ) -> bool:
        # a single <br>: a new paragraph when the line before ends a sentence, the next is
        # a list item, a stamp or a byline, or the line before is a bold heading; otherwise
        # the break only wrapped a line (joined with a space)
        if SPLIT_END.search(prev) or _BULLET.match(nxt):
            return True
        if metadata.is_date_stamp(prev) or metadata.is_date_stamp(nxt):
            return True

        def bold(line: list[tuple[str, bool, bool]]) -> bool:
            visible = [b for t, b, _ in line if t.strip()]
            return bool(visible) and all(visible)

        return bold(prev_line) != bold(next_line) and len(prev) <= 150

    def walk(self, el: HtmlElement, *, bold: bool = False, italic: bool = False) -> None:
        if el.text:
            self.add(el.text, bold=bold, italic=italic)
        for child in el:
            self.visit(child, bold=bold, italic=italic)
            if child.tail:
                self.add(child.tail, bold=bold, italic=italic)

    def visit(self, el: HtmlElement, *, bold: bool = False, italic: bool = False) -> None:
        tag = el.tag
        if not isinstance(tag, str):
            return
        if tag == "br":
            self.pieces.append(None)
            return
        if el in self.skip:
            self.flush()  # the title inside the body: not body text, and a line break
            before = [r for r in self.out if r.kind in ("text", "heading")]
            if sum(len(r.text) for r in before) <= 300:
                # a section label or a crumb above the title ("Tin tức - Sự kiện"): the
                # article starts at its title
                self.out = [r for r in self.out if r.kind not in ("text", "heading")]
            return
        if tag == "img":
            self.flush()
            self.image(el)
            return
        if tag in HEADINGS:
            self.flush()
            if el.find(".//img") is not None:
                self.walk(el, bold=bold, italic=italic)
                self.flush()
                return
            text = text_of(el)
            if text:
                self.out.append(Raw("caption" if self.caption else "heading", text, bold=True))
            return
        if tag == "figure":
            self.flush()
            self.figure(el)
            return
        if tag == "table":
            self.flush()
            self.table(el)
            return
        is_caption = bool(CAPTION_CLASS.search(names_of(el))) and el.tag != "body"
        if tag in BLOCK_TAGS or is_caption:
            self.flush()
            self.align.append(align_of(el) or self.align[-1])
            outer_caption = is_caption and not self.caption
            start = len(self.out)
            self.caption += is_caption
            self.walk(el, bold=bold or is_bold(el), italic=italic or is_italic(el))
            self.flush()
            self.caption -= is_caption
            if outer_caption:
                self._join_caption(start)
            self.align.pop()
            return
        self.walk(el, bold=bold or is_bold(el), italic=italic or is_italic(el))

    def _join_caption(self, start: int) -> None:
        """One caption box is one caption: its lines ("… hồi tháng 3" and the credit
        "ẢNH: NHẬT THỊNH" in their own <p>) are joined with a space."""
        lines = [r for r in self.out[start:] if r.kind == "caption"]
        if len(lines) < 2 or sum(len(r.text) for r in lines) > 400:
            return
        first = lines[0]
        first.text = " ".join(r.text for r in lines)
        self.out[start:] = [r for r in self.out[start:] if r.kind != "caption" or r is first]

    def image(self, el: HtmlElement) -> None:
        src = None
        for attr in ("data-src", "data-original", "data-lazy-src", "data-full", "src"):
            value = (el.get(attr) or "").strip()
            if value and not value.startswith("data:"):
                src = value
                break
        if src is None:
            return
        low = src.lower()
        if any(w in low for w in ("spacer", "blank.gif", "pixel", "/icon", "icon_", "loading")):
            return
        for attr in ("width", "height"):
            value = el.get(attr) or ""
            if value.isdigit() and int(value) < 40:
                return
        if self.base:
            src = urljoin(self.base, src)
        label = clean_text(el.get("title") or el.get("alt") or "")
        self.out.append(Raw("image", src=src, group=self.group[-1], label=label))

    def figure(self, el: HtmlElement) -> None:
        imgs = list(el.iter("img"))
        if not imgs:
            self.align.append(align_of(el) or self.align[-1])
            self.walk(el)
            self.flush()
            self.align.pop()
            return
        cap_el = el.find(".//figcaption")
        if cap_el is None:
            for sub in el.iterdescendants():
                if isinstance(sub.tag, str) and CAPTION_CLASS.search(names_of(sub)):
                    cap_el = sub
                    break
        caption = text_of(cap_el) if cap_el is not None else ""
        if cap_el is not None:
            # a photo credit set beside the figcaption in the same figure joins it
            for sub in el.iter("p", "span", "div", "small", "cite"):
                if sub is cap_el or cap_el in sub.iterancestors():
                    continue
                credit = text_of(sub)
                if len(credit) <= 80 and PHOTO_CREDIT.match(credit) and credit not in caption:
                    caption = f"{caption} {credit}"
        start = len(self.out)
        for img in imgs:
            self.image(img)
        images = [r for r in self.out[start:] if r.kind == "image"]
        if images and caption:
            images[0].caption = caption
        elif caption:
            self.out.append(Raw("caption", caption))

    def table(self, el: HtmlElement) -> None:
        cells = [c for c in el.iter("td", "th")]
        has_img = el.find(".//img") is not None
        text_len = len(el.text_content().strip())
        layout = any(
            c.find(".//p") is not None
            or c.find(".//div") is not None
            or c.find(".//table") is not None
            or c.find(".//ul") is not None
            or len(c.text_content()) > 400
            for c in cells
        )
        if has_img and text_len < 600:
            self.groups += 1
            self.group.append(self.groups)
            self.walk(el)
            self.flush()
            self.group.pop()
            return
        if layout or has_img:
            self.walk(el)
            self.flush()
            return
        # a data table: one paragraph per row, its cells joined by a space (the
        # development set's convention: a row reads as one line, in cell order)
        for row in el.iter("tr"):
            texts = [text_of(c) for c in row if c.tag in ("td", "th")]
            texts = [t for t in texts if t]
            if texts:
                self.out.append(Raw("text", " ".join(texts)))
        caption = el.find("caption")
        if caption is not None and text_of(caption):
            self.out.insert(len(self.out), Raw("text", text_of(caption)))
