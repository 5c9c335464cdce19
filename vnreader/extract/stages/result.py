"""Clean-up of the result: the raw blocks of the body walk cleaned into the article's
paragraphs, headings and images (file names, uploader lines and boilerplate phrases
dropped; captions attached; title, stamp and lead copies trimmed), its closing signature
taken as the author, and a bold first paragraph as the lead when the page set none apart."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from vnreader.article import Block, Image
from vnreader.extract import metadata
from vnreader.extract.stages.blocks import PHOTO_CREDIT, Raw
from vnreader.extract.stages.byline import (
    author_from_line,
    block_caps,
    is_account,
    is_block_line,
    is_signer_title,
    is_uploader_line,
)
from vnreader.extract.stages.dom import SPLIT_END, same_text
from vnreader.extract.stages.lexicon import boilerplate, clean_text, date_labels
from vnreader.imagenames import is_image_file_name as is_file_name

_PUNCT_ONLY = re.compile(r"^[\W_]*$")


_STAMP_LINE = re.compile(
    r"^(?:ngày\s+đăng|đăng\s+ngày|ngày\s+cập\s+nhật|cập\s+nhật|ngày\s+xuất\s+bản|"
    r"người\s+đăng|người\s+viết|đăng\s+bởi|posted|lượt\s+xem|ngày(?=\s*:))",
    re.IGNORECASE,
)


def _is_stamp_line(text: str) -> bool:
    """A stamp line opening the body ("Ngày đăng: 04/06/2022 15:30 Người đăng: Quản trị
    viên"): labelled, short, holding a date."""
    if metadata.is_date_stamp(text) or _account_and_stamp(text):
        return True
    # "Ngày 10/3/2021, Trung tâm … khai giảng lớp học." opens many articles: a sentence
    # (a clause after the date, a full stop) is not a stamp
    if re.search(r"\d{4}\s*,\s*[^\d\s]", text) and SPLIT_END.search(text):
        return False
    return (
        len(text) <= 120 and bool(_STAMP_LINE.match(text)) and metadata.parse_date(text) is not None
    )


def _account_and_stamp(text: str) -> bool:
    """A CMS account's name beside a stamp ("Quản trị viên 08/08/2024 3:40 CH", mojoPortal's
    ``blogdate`` line): the uploader and the date, not a line of the article."""
    words = text.split()
    if len(text) > 100 or len(words) < 2:
        return False
    for k in range(1, min(5, len(words))):
        head, tail = " ".join(words[:k]), " ".join(words[k:])
        if is_account(head.strip(" -|,:")) and metadata.is_date_stamp(tail):
            return True
        head, tail = " ".join(words[-k:]), " ".join(words[:-k])
        if is_account(head.strip(" -|,:")) and metadata.is_date_stamp(tail):
            return True
    return False


def _without_stamp_tail(text: str) -> str | None:
    """The text before a labelled stamp ending the line ("… Ngày trả lời: 06/02/2024
    10:20"), or ``None`` when the line does not end so."""
    for m in reversed(list(date_labels().label.finditer(text))):
        if m.start() and metadata.is_date_stamp(text[m.end() :].lstrip(" :：")):
            return text[: m.start()].strip(" -–|,;") or None
    return None


@dataclass
class Signature:
    """The signature closing (or a byline opening) the text."""

    author: str | None = None
    by_writer: bool = False  # a writer's name signs the text (not only a source line)


@dataclass
class Finished:
    """The article's text once cleaned: what :func:`finish` gives back."""

    blocks: list[Block]
    images: list[Image]
    lead: str | None
    signature: Signature


def finish(raws: list[Raw], *, title: str | None, lead: str | None) -> Finished:
    """Clean the raw blocks of the body walk into the article's blocks, images, lead and
    signature, step by step.

    Each image keeps its place: the number of the article's blocks that come before it
    in the walk, counted once the edges, the signature and the lead are taken off (a
    caption box left without its image stands where it was, as an image without ``src``).
    """
    items = _kept_lines(raws)
    out = _attach_captions(items)
    for n, raw in enumerate(out):
        raw.order = n
    texts = [r for r in out if r.kind in ("text", "heading")]
    texts = _trim_edges(texts, title=title, lead=lead)
    signature = _take_signature(texts)
    if lead is None:
        lead = _bold_lead(texts)
    blocks, orders = _to_blocks(texts)
    images = [
        Image(r.src, r.caption, bisect_left(orders, r.order))
        if r.kind == "image"
        else Image(None, r.text, bisect_left(orders, r.order))
        for r in out
        if r.kind in ("image", "caption")
    ]
    return Finished(blocks, images, lead, signature)


def _kept_lines(raws: list[Raw]) -> list[Raw]:
    """Lines cleaned; empty lines, file names, uploader lines and boilerplate dropped; a
    "stop" phrase (a related list's heading) after the text ends the article."""
    phrases = boilerplate()
    items: list[Raw] = []
    for raw in raws:
        raw.text = clean_text(raw.text)
        if raw.kind == "image":
            items.append(raw)
            continue
        if not raw.text or _PUNCT_ONLY.match(raw.text) or is_file_name(raw.text):
            continue
        if is_uploader_line(raw.text):
            continue  # "Gửi bởi admin vào …": the CMS account, not the article
        action = phrases.action(raw.text)
        if action == "drop":
            continue
        if action == "stop":
            if any(r.kind == "text" for r in items):
                break
            continue
        items.append(raw)
    return items


#: A line closed by its photo credit: "… trao quà cho các hộ nghèo (Ảnh: Minh Anh)",
#: "… năm 2023. Ảnh: TTXVN", "… - Ảnh minh họa".
_CREDIT_END = re.compile(
    r"(?:[(\[]\s*|[.!?…]\s+|\s[-–—|]\s*)"
    r"(?:ảnh|hình|photo|nguồn\s+ảnh)(?:\s+minh\s+h(?:ọa|oạ))?\s*(?::[^()\[\]:]{1,60})?"
    r"\s*[)\]]?\s*\.?$",
    re.IGNORECASE,
)


def is_photo_caption(text: str) -> bool:
    """Whether a line reads as a photo's caption by its credit: it opens with the label
    ("Ảnh: Quang cảnh hội nghị") or closes with a credit ("… (Ảnh: Minh Anh)")."""
    return bool(PHOTO_CREDIT.match(text) or _CREDIT_END.search(text))


def _attach_captions(items: list[Raw]) -> list[Raw]:
    """Captions: a caption box, a text in the image's own table, or an italic, centred or
    credited (:func:`is_photo_caption`) short line right after an image, becomes the
    image's caption: shown under the photo, never also a paragraph of the body."""
    out: list[Raw] = []
    i = 0
    while i < len(items):
        raw = items[i]
        if raw.kind == "image" and raw.caption is None and i + 1 < len(items):
            nxt = items[i + 1]
            short = len(nxt.text) <= 300
            if nxt.kind == "caption" or (
                nxt.kind == "text"
                and short
                and (
                    (raw.group and nxt.group == raw.group)
                    or nxt.italic
                    or (nxt.align == "center" and not SPLIT_END.search(nxt.text[-1:] or "x"))
                    or (nxt.align == "center" and len(nxt.text) <= 200)
                    or is_photo_caption(nxt.text)
                )
            ):
                raw.caption = nxt.text
                out.append(raw)
                i += 2
                continue
        if raw.kind == "image" and raw.caption is None and i + 2 < len(items):
            # a photo heading the article, its caption set under the bold sapo (Drupal
            # image field above the body field): a centred italic line, or the line
            # repeating the image's own title text
            mid, nxt = items[i + 1], items[i + 2]
            if (
                mid.kind == "text"
                and mid.bold
                and nxt.kind == "text"
                and len(nxt.text) <= 300
                and (
                    (nxt.italic and nxt.align == "center")
                    or (raw.label and same_text(raw.label, nxt.text))
                )
            ):
                raw.caption = nxt.text
                out += [raw, mid]
                i += 3
                continue
        out.append(raw)
        i += 1
    return out


def _trim_edges(texts: list[Raw], *, title: str | None, lead: str | None) -> list[Raw]:
    """Title, stamp and lead copies at the edges of the body, removed."""
    while texts and (
        (title and same_text(texts[0].text, title)) or metadata.is_date_stamp(texts[0].text)
    ):
        texts.pop(0)
    texts = [r for n, r in enumerate(texts) if n >= 3 or not _is_stamp_line(r.text)]
    if lead:
        texts = [r for r in texts if not same_text(r.text, lead)]
        if texts and texts[0].text.startswith(lead) and len(lead) > 40:
            rest = texts[0].text[len(lead) :].strip()
            if rest:
                texts[0].text = rest
            else:
                texts.pop(0)
    while texts and metadata.is_date_stamp(texts[-1].text):
        texts.pop()
    return texts


def _take_signature(texts: list[Raw]) -> Signature:
    """The signature at the end (writer lines beat source lines), or a byline opening the
    body; the lines taken are removed from ``texts``."""
    writers: list[str] = []
    sources: list[str] = []
    for _ in range(3):
        if len(texts) < 2:
            break
        last = texts[-1]
        emphasized = last.bold or last.align == "right" or last.italic
        found = author_from_line(last.text, emphasized=emphasized)
        if found is None:
            # "Cơ quan trả lời: Phòng … huyện Ngày trả lời: 06/02/2024 10:20": a byline
            # and its labelled stamp on one line
            head = _without_stamp_tail(last.text)
            found = author_from_line(head, emphasized=emphasized) if head else None
        if found is None or is_signer_title(last.text):
            break
        if is_block_line(texts[-2].text):
            # a signature block closing a letter or an appeal ("T/M BAN THƯỜNG VỤ" /
            # "BÍ THƯ" / "(Đã ký)" / "Nguyễn Thanh Bình"): the signer is the author and
            # the block is no paragraph to read
            writers.insert(0, found[1])
            texts.pop()
            _drop_signature_block(texts)
            break
        (writers if found[0] == "writer" else sources).insert(0, found[1])
        texts.pop()
        while texts and metadata.is_date_stamp(texts[-1].text):
            texts.pop()
    signature = Signature()
    if writers:
        signature = Signature(writers[0], by_writer=True)
    elif sources:
        signature = Signature(sources[0])

    # a byline line opening the body ("Tin, ảnh: X") is the author too
    if texts and len(texts) > 1:
        found = author_from_line(texts[0].text, emphasized=False)
        if found and re.search(r"[:：]", texts[0].text):
            if signature.author is None:
                signature = Signature(found[1])
            texts.pop(0)
    return signature


def _drop_signature_block(texts: list[Raw]) -> None:
    """The lines of a signature block above its signer, and a line in capitals right
    above a signer's title ("ỦY BAN NHÂN DÂN HUYỆN" / "KT. CHỦ TỊCH")."""
    below_title = False
    while len(texts) > 1:
        line = texts[-1].text
        if is_block_line(line):
            below_title = is_signer_title(line)
        elif below_title and block_caps(line):
            below_title = False
        else:
            break
        texts.pop()


def _bold_lead(texts: list[Raw]) -> str | None:
    """No lead set apart: a bold first paragraph is the sapo — only when it is a short
    part of the text and normal paragraphs follow it (a wholly bold article is not a
    sapo plus nothing). Taken out of ``texts``."""
    if len(texts) < 2:
        return None
    first = texts[0]
    rest = [r for r in texts[1:] if r.kind == "text" and not r.bold]
    rest_len = sum(len(r.text) for r in rest)
    if (
        first.kind == "text"
        and first.bold
        and 60 <= len(first.text) <= 1000
        and rest
        and len(first.text) <= rest_len
    ):
        texts.pop(0)
        return first.text
    return None


def _to_blocks(texts: list[Raw]) -> tuple[list[Block], list[int]]:
    """Paragraphs and headings; a short bold line between paragraphs titles a section.
    With them, the ``order`` of the line each block was made of (ascending)."""
    blocks: list[Block] = []
    orders: list[int] = []
    for n, raw in enumerate(texts):
        kind = "heading" if raw.kind == "heading" else "paragraph"
        if (
            kind == "paragraph"
            and raw.bold
            and len(raw.text) <= 120
            and n + 1 < len(texts)
            and not SPLIT_END.search(raw.text)
        ):
            kind = "heading"
        if blocks and blocks[-1].text == raw.text:
            continue
        blocks.append(Block(kind, raw.text))  # type: ignore[arg-type]
        orders.append(raw.order)
    return blocks, orders
