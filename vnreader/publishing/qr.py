"""The QR code of the feed's address, drawn at publish time (``feeds/podcast-qr.svg``).

A relative or a neighbour scans it with a phone's camera to open the feed's address, then
subscribes in a podcast app. Drawn by segno (pure Python) as an SVG: black modules on white
with the standard four-module quiet zone, so it scans in every theme of the pages (the
image keeps its own white background). Error correction M (15 %), enough for a code
shown on a screen or printed on a notice board. The same address gives the same bytes.
"""

from __future__ import annotations

import io

from vnreader.publishing.layout import QR_FILE

__all__ = ["QR_FILE", "feed_qr_svg"]

#: CSS pixels per module in the SVG's width and height (the page may scale it).
SCALE = 6


def _code(url: str):  # type: ignore[no-untyped-def]
    import segno

    return segno.make(url, error="m", micro=False, boost_error=False)


def feed_qr_svg(url: str) -> tuple[bytes, int]:
    """(the SVG bytes of ``url``'s QR code, its side in CSS pixels)."""
    code = _code(url)
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        scale=SCALE,
        border=4,
        xmldecl=False,
        svgclass=None,
        lineclass=None,
        dark="#000",
        light="#fff",
    )
    side = code.symbol_size(scale=SCALE, border=4)[0]
    return out.getvalue(), side
