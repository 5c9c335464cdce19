"""The article's text as HTML for its reading page: sentence by sentence, with its photos
where they stand.

The only HTML assembled in Python. Each sentence the narration speaks is a
``<span class="vr-s">`` carrying the start and end of its cue in the WebVTT transcript (so
the player highlights the sentence being spoken); abbreviations are ``<abbr>``; each photo
is a ``<figure>`` with its ``<img>`` (stored in the site) and ``<figcaption>`` at its place
in the text, between the blocks the narration reads its caption between. It is built from
escaped text and then cleaned by nh3 with a strict allowlist, so portal text can never
inject markup or a ``javascript:`` URL.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from vnreader.article import Article, Image
from vnreader.publishing.abbreviations import Abbreviations
from vnreader.publishing.transcript import Aligner

if TYPE_CHECKING:
    from markupsafe import Markup

__all__ = ["body_html", "clean", "local_images", "sentences_html"]

#: The tags and attributes the sentence-level article HTML may contain (nh3 allowlist).
_ALLOWED_TAGS = {"span", "p", "h2", "figure", "figcaption", "img", "a", "abbr"}
_ALLOWED_ATTRIBUTES = {
    "span": {"class", "data-cue", "data-start", "data-end"},
    "abbr": {"title", "tabindex"},
    "img": {"src", "alt", "loading", "decoding", "width", "height"},
    "a": {"href"},
    "p": {"class"},
    "h2": {"class"},
    "figure": {"class"},
}

#: A stored image: (file under the site, width, height).
Stored = tuple[str, int, int]


def sentences_html(
    text: str,
    aligner: Aligner,
    first_said_as: str | None = None,
    abbreviations: Abbreviations | None = None,
) -> str:
    """``text`` escaped, each sentence with a cue wrapped in ``<span class="vr-s">``.

    ``first_said_as`` formats the first sentence as the narration says it (a caption is
    read "Ảnh: …"), so that cue is found too. With ``abbreviations``, each abbreviation
    the narration expands is an ``<abbr title="…">`` inside its sentence.
    """
    from vnreader.normalizer import split_sentences

    parts: list[str] = []
    for n, sentence in enumerate(split_sentences(text)):
        said = first_said_as.format(caption=sentence.text) if first_said_as and n == 0 else None
        cue = aligner.match(sentence.text, *([said] if said else []))
        if abbreviations is not None:
            escaped = abbreviations.html(sentence.text)
        else:
            escaped = html.escape(sentence.text, quote=False)
        if cue is None:
            parts.append(escaped)
        else:
            parts.append(
                f'<span class="vr-s" data-cue="{html.escape(cue.ident)}" '
                f'data-start="{cue.start:.3f}" data-end="{cue.end:.3f}">{escaped}</span>'
            )
    return " ".join(parts)


def _caption_html(
    caption: str, aligner: Aligner, said_as: str, abbreviations: Abbreviations | None = None
) -> str:
    """A caption the narration reads, shown whole; its credit ("… - Ảnh: Quang Vinh"),
    which the narration does not read, is left outside the highlighted sentences."""
    from vnreader.speech.script import strip_credit

    text = " ".join(caption.split())
    core = strip_credit(text)
    if core and core != text and text.startswith(core):
        rest = html.escape(text[len(core) :], quote=False)
        return sentences_html(core, aligner, said_as, abbreviations) + rest
    return sentences_html(text, aligner, said_as, abbreviations)


def local_images(article: Article, stored: dict[str, Stored]) -> list[tuple[str, Stored]]:
    """The article's images that the site stores (``stored``: source address → file):
    (the image's src as written, its stored file)."""
    page_url = article.url if (article.url or "").startswith(("http://", "https://")) else None
    found = []
    for image in article.images:
        if not image.src:
            continue
        absolute = urljoin(page_url, image.src) if page_url else image.src
        file = stored.get(absolute)
        if file is not None:
            found.append((image.src, file))
    return found


def body_html(
    article: Article,
    aligner: Aligner,
    *,
    stored: dict[str, Stored],
    root: str,
    abbreviations: Abbreviations | None = None,
) -> str:
    """The body, block by block (``<p>``, ``<h2>``), each photo's ``<figure>`` before the
    block it precedes in the article (:meth:`Article.placed_images`): the order the
    narration reads them in, so the sentence spans follow the transcript's cues."""
    from vnreader.speech.script import placed_captions, strip_credit
    from vnreader.speech.script import settings as script_settings

    said_as = script_settings().phrases["caption"]
    local = dict(local_images(article, stored))
    spoken = placed_captions(article)  # (place, caption as read), in reading order
    placed = article.placed_images()
    out: list[str] = []
    k = 0
    for index in range(len(article.blocks) + 1):
        while k < len(placed) and placed[k][0] == index:
            image = placed[k][1]
            k += 1
            read = False
            if image.caption:
                # each caption read aloud belongs to one photo: the first at its place
                key = (index, strip_credit(" ".join(image.caption.split())))
                if key in spoken:
                    spoken.remove(key)
                    read = True
            file = local.get(image.src or "")
            if file is None and not image.caption:
                continue  # nothing to show: a portal photo the site could not store
            img = _img(image, file, root)
            caption = _figcaption(image, aligner, said_as if read else None, abbreviations)
            out.append(f'<figure class="vr-figure">{img}{caption}</figure>')
        if index < len(article.blocks):
            block = article.blocks[index]
            tag = "h2" if block.kind == "heading" else "p"
            text = sentences_html(block.text, aligner, None, abbreviations)
            out.append(f"<{tag}>{text}</{tag}>")
    return "\n".join(out)


def _img(image: Image, stored: Stored | None, root: str) -> str:
    """The photo's ``<img>``, or "" when the site does not store it.

    Served from the site (fetched at publish time): the page loads nothing from the
    portal, and its size is known before it arrives. Its alt text is the caption; a photo
    without one is decoration for the listener.
    """
    if stored is None:
        return ""
    file, width, height = stored
    alt = html.escape(" ".join((image.caption or "").split()))
    return (
        f'<img src="{root}{html.escape(file)}" alt="{alt}" width="{width}" '
        f'height="{height}" loading="lazy" decoding="async">'
    )


def _figcaption(
    image: Image, aligner: Aligner, said_as: str | None, abbreviations: Abbreviations | None
) -> str:
    """The ``<figcaption>`` (empty without a caption). ``said_as``: the caption is read
    aloud (its sentences get their cues); None: shown as written, with no cue looked for,
    so it can never take a later sentence's cue."""
    if not image.caption:
        return ""
    if said_as is not None:
        text = _caption_html(image.caption, aligner, said_as, abbreviations)
    else:
        text = html.escape(" ".join(image.caption.split()), quote=False)
    return f"<figcaption>{text}</figcaption>"


def clean(fragment: str) -> Markup:
    """The fragment through nh3's allowlist, marked safe for the templates."""
    import nh3
    from markupsafe import Markup

    cleaned = nh3.clean(
        fragment,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return Markup(cleaned)  # cleaned by nh3 just above
