"""The Content-Security-Policy every published page carries (in a ``<meta>``: the site is
static), and the inline scripts it allows by their hash."""

from __future__ import annotations

import hashlib

__all__ = ["EMBED_PREFS_SCRIPT", "PREFS_SCRIPT", "content_security_policy", "script_hash"]

#: The reader's settings, applied in ``<head>`` before the page is drawn (no flash of the
#: wrong theme or size). Inline, so allowed by its hash in the policy.
PREFS_SCRIPT = (
    'try{var p=JSON.parse(localStorage.getItem("vnreader:prefs")||"{}"),'
    "d=document.documentElement;if(p.theme)d.dataset.theme=p.theme;"
    "if(p.spacing)d.dataset.spacing=p.spacing;if(p.measure)d.dataset.measure=p.measure;"
    'if(p.size)d.style.setProperty("--vr-scale",p.size/100)}catch(e){}'
)
#: The same for the embedded player (theme and size only; size capped at 200 %).
EMBED_PREFS_SCRIPT = (
    'try{var p=JSON.parse(localStorage.getItem("vnreader:prefs")||"{}"),'
    "d=document.documentElement;if(p.theme)d.dataset.theme=p.theme;"
    'if(p.size)d.style.setProperty("--vr-scale",Math.min(p.size,200)/100)}catch(e){}'
)


def script_hash(script: str) -> str:
    """``'sha256-…'``: the CSP source that allows exactly this inline script."""
    import base64

    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(*inline_scripts: str) -> str:
    """The policy every page carries in ``<meta http-equiv="Content-Security-Policy">``.

    Only the site itself: scripts from the site's files (plus the named inline scripts, by
    hash), styles, images, fonts, audio and transcripts from the site; no plugins, no
    ``<base>``, no forms. A static site cannot send the header, and a ``<meta>`` policy
    cannot say ``frame-ancestors`` (the embed page is meant to be framed anyway).
    """
    scripts = " ".join(["'self'", *(script_hash(s) for s in inline_scripts)])
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {scripts}",
            "style-src 'self'",
            "img-src 'self'",
            "font-src 'self'",
            "media-src 'self'",
            "connect-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
