"""The script of a narration: what is said, in which order, with which pauses and chapters.

Order: title; date line; category; lead; the body (headings and paragraphs, in order),
each caption that adds something read where its photo stands (after the block the photo
follows); the author. Every segment is cut into sentences
(:func:`vnreader.normalizer.split_sentences`); each sentence keeps its written text (for
the transcript) and gets its spoken form from the normalizer. Lines the script adds (the
date line, "Chuyên mục: …", "Bài: …", "Ảnh: …") are built in written form from the phrases
in ``data/script.toml`` and spoken by the same normalizer, so the transcript and the voice
never disagree. Decisions and their reasons: docs/narration.md.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from vnreader.article import Article, Block
from vnreader.errors import DataError, VnreaderError
from vnreader.imagenames import is_image_file_name
from vnreader.normalizer import Normalizer, split_sentences
from vnreader.packagedata import read_text
from vnreader.speech.model import Script, Segment, SegmentKind, Utterance

__all__ = [
    "ScriptSettings",
    "build_script",
    "chapter_title",
    "placed_captions",
    "settings",
    "useful_captions",
]


@dataclass(frozen=True)
class ScriptSettings:
    """``data/script.toml`` read once: pauses (ms), phrases, caption and chapter rules."""

    sentence_ms: int
    paragraph_ms: int
    heading_ms: int
    section_ms: int
    end_ms: int
    phrases: dict[str, str]
    as_is_prefixes: tuple[str, ...]
    publication_prefixes: tuple[str, ...]
    credit_words: tuple[str, ...]
    bare_credits: tuple[str, ...]
    long_body_paragraphs: int
    paragraphs_per_chapter: int
    min_chapter_paragraphs: int
    title_max_chars: int


@functools.cache
def settings() -> ScriptSettings:
    """The shipped script settings (``vnreader/speech/data/script.toml``)."""
    name = "script.toml"
    raw = read_text("vnreader.speech", "data", name)
    try:
        data = tomllib.loads(unicodedata.normalize("NFC", raw))
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"vnreader/speech/data/{name}: {exc}") from None
    try:
        pauses, phrases = data["pauses"], data["phrases"]
        author, captions, chapters = data["author"], data["captions"], data["chapters"]
        return ScriptSettings(
            sentence_ms=_ms(pauses, "sentence_ms"),
            paragraph_ms=_ms(pauses, "paragraph_ms"),
            heading_ms=_ms(pauses, "heading_ms"),
            section_ms=_ms(pauses, "section_ms"),
            end_ms=_ms(pauses, "end_ms"),
            phrases={str(k): str(v) for k, v in phrases.items()},
            as_is_prefixes=tuple(author["as_is_prefixes"]),
            publication_prefixes=tuple(author["publication_prefixes"]),
            credit_words=tuple(captions["credit_words"]),
            bare_credits=tuple(captions["bare_credits"]),
            long_body_paragraphs=int(chapters["long_body_paragraphs"]),
            paragraphs_per_chapter=max(1, int(chapters["paragraphs_per_chapter"])),
            min_chapter_paragraphs=int(chapters["min_chapter_paragraphs"]),
            title_max_chars=max(10, int(chapters["title_max_chars"])),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"vnreader data file {name} is malformed: {exc!r}") from exc


def _ms(table: dict[str, Any], key: str) -> int:
    value = int(table[key])
    if not 0 <= value <= 10_000:
        raise ValueError(f"pauses.{key} = {value} is not between 0 and 10000 ms")
    return value


# --- building ---------------------------------------------------------------------------


@dataclass
class _Draft:
    """A segment before its sentences are spoken and empty ones dropped."""

    kind: SegmentKind
    sentences: list[str]
    pause_after_ms: int
    chapter: str | None = None


def build_script(
    article: Article, *, normalizer: Normalizer, portal_name: str | None = None
) -> Script:
    """The script of ``article``: segments in reading order, with pauses and chapters.

    ``portal_name`` is accepted for the narrate API's symmetry; the script itself does
    not read the portal's name aloud (the player shows it as the artist).
    """
    del portal_name  # not read aloud: see the docstring
    s = settings()
    drafts: list[_Draft] = []

    title = article.title.strip()
    opening = title or s.phrases["opening_chapter"]
    if title:
        drafts.append(_Draft("title", _sentences(title), s.section_ms))
    if article.published is not None:
        drafts.append(_Draft("date", [date_line(article.published)], s.section_ms))
    if article.category and article.category.strip():
        line = s.phrases["category"].format(category=article.category.strip())
        drafts.append(_Draft("category", [line], s.section_ms))
    if article.lead and article.lead.strip():
        drafts.append(_Draft("lead", _sentences(article.lead), s.section_ms))
    if drafts:
        drafts[0].chapter = opening

    # A caption is read where its photo stands, after the block the photo follows, in the
    # chapter of that block (captions never open a chapter); a photo before the first block
    # is read after the lead.
    captions: dict[int, list[str]] = {}
    for place, caption in placed_captions(article):
        captions.setdefault(place, []).append(caption)

    def read_captions(place: int) -> None:
        for caption in captions.get(place, []):
            drafts.append(_Draft("caption", _caption_sentences(caption, s), s.paragraph_ms))

    chapters = _body_chapters(article.blocks, s)
    starts = {group[0]: title for title, group in chapters}
    audible = {i for _, group in chapters for i in group}
    for index, block in enumerate(article.blocks):
        read_captions(index)
        if index not in audible:
            continue
        kind: SegmentKind = "heading" if block.kind == "heading" else "paragraph"
        pause = s.heading_ms if kind == "heading" else s.paragraph_ms
        drafts.append(_Draft(kind, _sentences(block.text), pause, starts.get(index)))
    read_captions(len(article.blocks))

    # The author folds into the last chapter (no chapter mark of its own).
    if article.author and article.author.strip():
        drafts.append(_Draft("author", [author_line(article.author)], s.paragraph_ms))

    segments = _speak(drafts, normalizer, s)
    if not segments:
        raise VnreaderError("the article has nothing to read aloud (no title, no text)")
    return Script(title=opening, segments=segments, sentence_pause_ms=s.sentence_ms)


def _speak(drafts: list[_Draft], normalizer: Normalizer, s: ScriptSettings) -> tuple[Segment, ...]:
    """Spoken forms; silent sentences and empty segments dropped; pauses at chapter ends.

    The article is normalized as one document, in reading order, so an abbreviation the
    article defines ("Trung tâm Phục vụ hành chính công (TTPVHCC)") is read in full
    wherever it comes back."""
    document = normalizer.document()
    kept: list[_Draft] = []
    utterances: list[tuple[Utterance, ...]] = []
    carried: str | None = None  # a chapter mark whose segment turned out empty
    for draft in drafts:
        utts = tuple(
            Utterance(written=w, spoken=sp)
            for w in draft.sentences
            if _audible(sp := document.normalize(w).strip())
        )
        if draft.chapter is not None:
            carried = draft.chapter
        if not utts:
            continue
        draft.chapter, carried = carried, None
        kept.append(draft)
        utterances.append(utts)
    out: list[Segment] = []
    for i, (draft, utts) in enumerate(zip(kept, utterances, strict=True)):
        pause = draft.pause_after_ms
        if i + 1 == len(kept):
            pause = s.end_ms
        elif kept[i + 1].chapter is not None:
            # A new chapter (a heading, a new group of paragraphs) is a change of part.
            pause = max(pause, s.section_ms)
        out.append(Segment(draft.kind, utts, pause, draft.chapter))
    return tuple(out)


def _audible(spoken: str) -> bool:
    """Whether a spoken form says anything: at least one letter or digit."""
    return any(ch.isalnum() for ch in spoken)


def _sentences(text: str) -> list[str]:
    return [sentence.text for sentence in split_sentences(text)]


# --- the lines the script adds ------------------------------------------------------------


def date_line(published: datetime) -> str:
    """The written date line: "Đăng lúc 15:53, ngày 19/12/2019" (spoken by the normalizer).

    The time is the portal's own (Vietnam time, as extracted); midnight exactly means the
    page gave a date only.
    """
    s = settings()
    date = published.strftime(s.phrases["date_format"])
    if (published.hour, published.minute, published.second) == (0, 0, 0):
        return s.phrases["published_on"].format(date=date)
    time = published.strftime(s.phrases["time_format"])
    return s.phrases["published_at"].format(time=time, date=date)


def author_line(author: str) -> str:
    """ "Bài: Tiến Đức" for a writer; "Theo Báo Kiên Giang" for a publication."""
    s = settings()
    author = " ".join(author.split())
    if _starts_with_word(author, s.as_is_prefixes):
        return author
    if _starts_with_word(author, s.publication_prefixes):
        return s.phrases["source"].format(author=author)
    return s.phrases["author"].format(author=author)


def _starts_with_word(text: str, prefixes: Iterable[str]) -> bool:
    folded = text.casefold()
    for prefix in prefixes:
        p = prefix.casefold()
        if folded.startswith(p) and (len(folded) == len(p) or not folded[len(p)].isalnum()):
            return True
    return False


# --- captions -------------------------------------------------------------------------------


def useful_captions(article: Article) -> list[str]:
    """The captions worth reading, credits cut, in reading order (see
    :func:`placed_captions`)."""
    return [text for _, text in placed_captions(article)]


def placed_captions(article: Article) -> list[tuple[int, str]]:
    """The captions worth reading, credits cut, each with the number of body blocks
    before its photo (:meth:`Article.placed_images`), in reading order.

    Not read: a file name ("IMG_1234.jpg"), a credit alone ("Ảnh: Quang Vinh", "Ảnh minh
    họa"), a caption whose text is already read (in the title, lead or body: some portals
    repeat a sentence of the body under the photo) and a repeat of an earlier caption.
    """
    s = settings()
    already = _fold(" ".join([article.title, article.lead or "", *article.paragraphs]))
    seen: set[str] = set()
    out: list[tuple[int, str]] = []
    for place, image in article.placed_images():
        if not image.caption:
            continue
        text = strip_credit(" ".join(image.caption.split()), s)
        if not text or _is_file_name(text):
            continue
        key = _fold(text)
        if not key or key in seen or key in already:
            continue
        seen.add(key)
        out.append((place, text))
    return out


def strip_credit(caption: str, s: ScriptSettings | None = None) -> str:
    """``caption`` without its credit: "… - Ảnh: QUANG VINH" → "…"; "" if only a credit.

    A labelled tail ("Ảnh: …", "Nguồn: …") after a description is a credit when short
    (up to six words: "VGP/Nhật Bắc", "Sở Y tế"). A caption that starts with the label
    is only a credit when the rest reads as names (each word capitalized: "Ảnh: TTXVN");
    "Ảnh: Quang cảnh hội nghị" is a description with a label: the label goes, the
    description stays (the script says "Ảnh:" itself).
    """
    s = s or settings()
    labelled, bare = _credit_regexes(s.credit_words, s.bare_credits)
    text = " ".join(caption.split())
    while True:
        shorter = bare.sub("", text).strip()
        if shorter == text:
            break
        text = shorter
    matches = list(labelled.finditer(text))
    if matches:
        m = matches[-1]
        tail = text[m.end() :].strip().rstrip(").").strip()
        # After a description, a short labelled tail is a credit whatever its case
        # ("(Nguồn: Sở Y tế)"); at the start it must read as names to be one.
        short = 0 < len(tail.split()) <= 6
        if _reads_as_names(tail) or (m.start() > 0 and short):
            text = text[: m.start()]
        elif m.start() == 0:
            text = text[m.end() :]
    text = text.strip().rstrip(" -–—|(").strip()
    return text if _audible(text) else ""


@functools.cache
def _credit_regexes(
    words: tuple[str, ...], bare: tuple[str, ...]
) -> tuple[re.Pattern[str], re.Pattern[str]]:
    def alternatives(items: tuple[str, ...]) -> str:
        # Longest first, so "Ảnh minh họa" is not taken for "Ảnh" then "minh họa".
        return "|".join(re.escape(w) for w in sorted(items, key=len, reverse=True))

    # A credit starts the caption or follows a separator: " - ", ". ", " (", " | ".
    before = r"(?:^|(?<=[.!?…])\s+|\s*[-–—|]\s*|\s*\(\s*|\s+)"
    labelled = re.compile(rf"{before}(?:{alternatives(words)})\s*:\s*", re.IGNORECASE)
    bare_re = re.compile(rf"{before}(?:{alternatives(bare)})\s*\)?\s*\.?\s*$", re.IGNORECASE)
    return labelled, bare_re


def _reads_as_names(tail: str) -> bool:
    words = [w for w in re.split(r"[\s/,&;]+|\s-\s", tail) if w and w not in "-–—"]
    if not words or len(words) > 8:
        return False
    return all(not w[0].isalpha() or w[0].isupper() for w in words)


def _is_file_name(text: str) -> bool:
    if any(ch.isspace() for ch in text):
        return False
    if is_image_file_name(text):
        return True
    # One token with digits or underscores and no Vietnamese diacritics: "DSC01234".
    return text.isascii() and bool(re.search(r"[\d_]", text))


def _caption_sentences(caption: str, s: ScriptSettings) -> list[str]:
    sentences = _sentences(caption)
    sentences[0] = s.phrases["caption"].format(caption=sentences[0])
    return sentences


def _fold(text: str) -> str:
    """Text compared loosely: case, spacing and punctuation ignored."""
    words = re.findall(r"\w+", unicodedata.normalize("NFC", text).casefold())
    return " " + " ".join(words) + " " if words else ""


# --- chapters -------------------------------------------------------------------------------


def _body_chapters(blocks: Sequence[Block], s: ScriptSettings) -> list[tuple[str, list[int]]]:
    """The body cut into chapters (each a title and the indices of its blocks): one per
    heading, or groups of paragraphs when long.

    Paragraphs before the first heading (or a body without headings) form one chapter,
    cut into groups of ``paragraphs_per_chapter`` when there are more than
    ``long_body_paragraphs`` of them; a chapter's title is its heading or the first words
    of its first sentence. A block with nothing to say is in no chapter.
    """
    sections: list[list[int]] = []
    for index, block in enumerate(blocks):
        if not _audible(block.text):
            continue  # "…", "—", "./.": nothing to say, so no chapter title from it
        if block.kind == "heading" or not sections:
            sections.append([index])
        else:
            sections[-1].append(index)
    out: list[tuple[str, list[int]]] = []
    for section in sections:
        first = blocks[section[0]]
        if first.kind == "heading":
            out.append((chapter_title(first.text, whole=True), section))
            continue
        for group in _groups(section, s):
            out.append((chapter_title(blocks[group[0]].text), group))
    return out


_T = TypeVar("_T")


def _groups(paragraphs: list[_T], s: ScriptSettings) -> list[list[_T]]:
    if len(paragraphs) <= s.long_body_paragraphs:
        return [paragraphs]
    n = s.paragraphs_per_chapter
    groups = [paragraphs[i : i + n] for i in range(0, len(paragraphs), n)]
    if len(groups) > 1 and len(groups[-1]) < s.min_chapter_paragraphs:
        groups[-2].extend(groups.pop())
    return groups


def chapter_title(text: str, max_chars: int | None = None, *, whole: bool = False) -> str:
    """A chapter title from ``text``: its first sentence (all of it when ``whole``: a
    heading such as "1. Triệu chứng" is one title), cut on a word boundary.

    "Sáng ngày 09 -12-2019, Huyện ủy Tân Hiệp đã tổ chức Hội nghị BCH…" — the cut gets
    an ellipsis; a trailing full stop or comma is dropped.
    """
    limit = max_chars or settings().title_max_chars
    sentences = [] if whole else split_sentences(text)
    first = " ".join((sentences[0].text if sentences else text).split())
    first = first.rstrip(" .,;:-–—")
    if len(first) <= limit:
        return first
    cut = first[: limit + 1]
    space = cut.rfind(" ")
    # A single very long word has no boundary: cut it rather than return nothing.
    head = cut[:space] if space > limit // 2 else first[:limit]
    return head.rstrip(" .,;:-–—(“\"'") + "…"
