"""Bylines and signatures: whether a line names a writer, a source or an office
(``author_from_line``), uploader accounts that are never the author, signature blocks of
letters and appeals, and the page's author box or labelled author field."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from vnreader.extract.stages.dom import (
    CAPTION_CLASS,
    SPLIT_END,
    Found,
    Page,
    in_chrome,
    names_of,
    text_of,
)
from vnreader.extract.stages.lexicon import (
    agencies,
    author_roles,
    clean_text,
    generic_selectors,
    office_heads,
    role_split,
    signer_titles,
    uploaders,
    writer_labels,
)

_PLACE_WORDS = frozenset(
    "xã phường huyện tỉnh quận thị trấn thành phố và các của khu ấp thôn bản tổ".split()
)


def _office_like(text: str) -> bool:
    """Whether text names an office: it starts with an office word of
    ``data/office_words.tsv`` ("Văn phòng HĐND và UBND xã", "Trung tâm VH-TT&TT huyện")
    and reads as a name, not a sentence."""
    words = text.split()
    if not 1 <= len(words) <= 14 or re.search(r"[!?;…:]|\.\s|\.$|\d{2,}", text):
        return False
    if not _NAME_WORD.match(words[0]):
        return False
    low = [w.casefold() for w in words]
    head = max((len(h) for h in office_heads() if tuple(low[: len(h)]) == h), default=0)
    if not head or not all(re.fullmatch(r"[\wÀ-ỹ&./()\-–]+", w) for w in words):
        return False
    # after its head an office's name goes on with a capitalised name or a place
    # ("Trung tâm Kiểm soát bệnh tật tỉnh", "UBND xã"); "Hội nghị đã thành công" is a
    # sentence
    rest = words[head:]
    free = [w for w in rest if not w[0].isupper() and w.casefold() not in _PLACE_WORDS]
    if rest and not (rest[0][0].isupper() or rest[0].casefold() in _PLACE_WORDS):
        return False
    return len(free) <= 3


def _person_office(text: str) -> bool:
    """ "NAME - OFFICE": a person's name, then the office the person writes for ("Phạm Thị
    Lụa - Văn phòng HĐND và UBND xã", "Văn Toàn - Trung tâm VH-TT&TT huyện")."""
    m = re.fullmatch(r"(.+?)\s+[-–—]\s+(.+)", text)
    if m is None:
        return False
    person, office = m.group(1), m.group(2)
    return (
        name_like(person, strict=True)
        and 2 <= len(person.split()) <= 5
        and not person.isupper()
        and _office_like(office)
    )


def is_signer_title(text: str) -> bool:
    """A line of a document's signature block: "CHỦ TỊCH", "KT. GIÁM ĐỐC", "TM. UBND",
    "T/M BAN THƯỜNG VỤ HUYỆN ỦY"."""
    low = clean_text(text).casefold()
    if len(low) > 80:
        return False
    if re.match(r"^(?:(?:tm|kt|tl|tuq|q|t/m|k/t)\s*[./]|(?:t/m|k/t|t/l)\s)", low):
        return True
    return low.strip(" .:") in signer_titles()


_SIGNED_MARK = re.compile(
    r"[(\[]?\s*(?:đã\s+ký|đã\s+ký\s+và\s+đóng\s+dấu|ký\s+tên(?:\s*,?\s*đóng\s+dấu)?|"
    r"ký,?\s+ghi\s+rõ\s+họ\s+tên|signed)\s*[)\]]?\.?",
    re.IGNORECASE,
)


def is_block_line(text: str) -> bool:
    """A line of a signature block: a signer's title or the "(Đã ký)" mark."""
    return is_signer_title(text) or bool(_SIGNED_MARK.fullmatch(clean_text(text)))


def block_caps(text: str) -> bool:
    """A short line in capitals above a signer's title ("ỦY BAN NHÂN DÂN HUYỆN")."""
    text = clean_text(text)
    return text.isupper() and len(text.split()) <= 10 and not SPLIT_END.search(text)


def is_uploader_line(text: str) -> bool:
    """Whether a line names the CMS account that posted the article ("Được đăng bởi Super
    User", "Gửi bởi admin vào Thứ năm, 11/03/2021 - 14:02"): never author, never body."""
    text = clean_text(text)
    return len(text) <= 160 and bool(uploaders().label.match(text))


def is_account(name: str) -> bool:
    """Whether a name is a CMS account that never signs an article (``data/uploaders.tsv``)."""
    return clean_text(name).casefold().strip(" .:") in uploaders().accounts


_NAME_WORD = re.compile(r"^[A-ZÀ-ỸĐ][\wÀ-ỹ.'’]*$")


def name_like(name: str, *, strict: bool) -> bool:
    """Whether text reads as a byline: capitalised names, agencies, "A - B", "X (TTXVN)"."""
    name = name.strip()
    if not name or len(name) > (60 if strict else 90) or re.search(r"\d{2,}", name):
        return False
    if name.casefold() in agencies():
        return True
    if re.search(r"[!?;…]|\.\s|\.$|:", name):
        return False
    core = re.sub(r"\(([^()]{1,40})\)", " ", name)  # "(TTXVN)", "(Báo Kiên Giang)"
    parts = [p for p in re.split(r"\s*(?:[-–—,&/]|\bvà\b)\s*", core) if p.strip()]
    if not parts:
        return False
    words_total = 0
    for part in parts:
        if part.casefold() in agencies():
            continue
        words = part.split()
        words_total += len(words)
        for word in words:
            if _NAME_WORD.match(word):
                continue
            if strict or not word.isalpha():
                return False
        if strict and not 1 <= len(words) <= 5:
            return False
        if not strict and not _NAME_WORD.match(words[0]):
            return False
    return 1 <= words_total <= (10 if strict else 14)


def author_from_line(text: str, *, emphasized: bool = False) -> tuple[str, str] | None:
    """``(kind, name)`` when a line is a byline: kind "writer" or "source"; else ``None``.

    "Tin, ảnh: Nguyễn Văn A" → ("writer", "Nguyễn Văn A"); "Theo Báo Kiên Giang" →
    ("source", "Báo Kiên Giang"); "(Nguồn: TTXVN)" → ("source", "TTXVN"); a bare name
    ("Tiến Đức", "Minh Khôi - Thanh Tâm", "Ngọc Trâm (TTXVN)", "PV") → ("writer", name).
    A single capitalised word counts only when bold or right-aligned (``emphasized``).
    """
    text = clean_text(text)
    if not text or len(text) > 100 or is_uploader_line(text):
        return None  # "Được đăng bởi Super User": the account that posted it, not a writer
    inner = text
    if inner.startswith(("(", "[")) and inner.endswith((")", "]")):
        inner = inner[1:-1].strip()
    inner = inner.rstrip(" .")
    # "Tin: Minh Khôi - Ảnh: Thanh Tâm": one line, several roles; the first writer counts
    segments = role_split().split(inner)
    if len(segments) > 1:
        found = [author_from_line(seg, emphasized=emphasized) for seg in segments]
        hits = [f for f in found if f is not None]
        if hits and len(hits) == len(segments):
            writers = [h for h in hits if h[0] == "writer"]
            return (writers or hits)[0]
    for pattern in author_roles():
        m = pattern.match(inner)
        if m:
            groups = m.groupdict()
            kind = "source" if "source" in groups else "writer"
            name = m.group("name").strip(" .,;:-–")
            if name.startswith(("(", "[")) and name.endswith((")", "]")):
                name = name[1:-1].strip()
            if is_account(name):
                return None
            if "office" in groups:
                # "Cơ quan trả lời: Phòng Lao động - Thương binh và Xã hội huyện"
                ok = name_like(name, strict=False) or _office_like(name)
            else:
                ok = name_like(name, strict=kind == "writer") or (
                    kind == "writer" and _person_office(name)
                )
            return (kind, name) if ok else None
    if is_account(inner):
        return None
    if name_like(inner, strict=True):
        single = len(inner.split()) == 1 and inner.casefold() not in agencies()
        if single and not emphasized:
            return None
        if inner.isupper() and len(inner.split()) > 3 and not emphasized:
            return None  # an all-capitals line of four words or more is a heading
        return "writer", inner
    if _person_office(inner):
        return "writer", inner  # "Phạm Thị Lụa - Văn phòng HĐND và UBND xã"
    if emphasized and len(inner.split()) <= 9 and name_like(inner, strict=False):
        # a right-aligned or bold office signs the article: "Phòng Kinh tế và Hạ tầng"
        return "writer", inner
    return None


def find_author(page: Page, title_el: HtmlElement | None, body: list[HtmlElement]) -> Found:
    """The author's element: the profile's author box, a generic byline box after the title
    that reads as a name, or a labelled "Tác giả" field in the article's box."""
    if page.profile:
        for found in page.select(page.profile.author):
            for el in found:
                text = text_of(el)
                if not text:
                    continue
                if is_uploader_line(text) or is_account(text):
                    continue  # the CMS account that posted it ("admin"), not a writer
                hit = author_from_line(text, emphasized=True)
                if hit:
                    return Found(hit[1], el)
                if len(text) <= 60:
                    return Found(text, el)
    # a byline box of the generic names: believed only when it reads as a name and sits
    # after the title, not in a related list or the page chrome
    t_idx = page.index(title_el)
    body_end = max((page.index(b) + sum(1 for _ in b.iter()) for b in body), default=10**9)
    for found in page.select(generic_selectors().author):
        for el in found:
            idx = page.index(el)
            if (title_el is not None and idx < t_idx) or idx > body_end + 60 or in_chrome(el):
                continue
            if _in_caption(el):
                continue  # "ẢNH: NHẬT THỊNH" (class author_caption): the photo's credit
            hit = author_from_line(text_of(el), emphasized=True)
            if hit:
                return Found(hit[1], el)
    return _labelled_author(page, body)


def _in_caption(el: HtmlElement) -> bool:
    """Whether an element sits in a figure or a caption box (its names say so)."""
    for node in (el, *el.iterancestors()):
        if node.tag == "figure":
            return True
        if node is not el and CAPTION_CLASS.search(names_of(node)):
            return True
    return False


def _labelled_author(page: Page, body: list[HtmlElement]) -> Found:
    """A labelled field anywhere in the article's box: a label element reading "Tác giả",
    "Người viết", "Phóng viên" (no colon needed: Drupal's ``field__label``, a ``<dt>``, a
    table cell) with the name in the element after it."""
    labels = writer_labels()
    scopes: list[HtmlElement] = []
    for b in body:
        box = b.getparent()
        if box is not None and box.getparent() is not None and box.tag != "body":
            box = box.getparent() if box.getparent().tag != "body" else box
        scopes.append(box if box is not None else b)
    for scope in scopes:
        for el in scope.iter("div", "span", "label", "dt", "th", "td", "b", "strong", "p"):
            if len(el) or in_chrome(el, scope):
                continue
            label = " ".join((el.text or "").strip(" :：\t\n").casefold().split())
            if label not in labels:
                continue
            nxt = el.getnext()
            value = text_of(nxt) if nxt is not None else clean_text(el.tail or "")
            value = value.strip(" :：")
            if not value or len(value) > 60 or is_uploader_line(value) or is_account(value):
                continue
            if name_like(value, strict=False):
                field = el.getparent()
                return Found(value, (field if field is not None and len(field) <= 3 else el))
    return Found()
