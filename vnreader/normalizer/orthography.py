"""Typing slips that turn a Vietnamese word into a non-syllable, repaired before speech.

Portal editors often type "thuờng" for *thường* or "nguời" for *người*: the horn of *ư*
is missing. The rime *uơ* followed by a final consonant or vowel never occurs in
Vietnamese (only *uơ* alone, as in *thuở*, *huơ*), so *uơ + final* can only be *ươ +
final*, and a speech engine reads the repaired word correctly. After *q* the *u* belongs
to the onset *qu* and nothing is changed.
"""

from __future__ import annotations

import re

from vnreader.normalizer.engine import Context, Rule

_HORNLESS = re.compile(
    r"(?<![qQ])([uU])(?=[ơờớởỡợƠỜỚỞỠỢ](?:ng|nh|n|c|t|i|m|p|u)?(?![^\W\d_]))", re.IGNORECASE
)
_PATTERN = r"[^\W\d_]{0,3}[uU][ơờớởỡợƠỜỚỞỠỢ](?:ng|n|c|t|i|m|p|u|NG|N|C|T|I|M|P|U)(?![^\W\d_])"


def _repair(m: re.Match[str], ctx: Context) -> str | None:
    word = m.group(0)
    fixed = _HORNLESS.sub(lambda u: "ư" if u.group(1) == "u" else "Ư", word)
    if fixed == word:
        return None
    # A headline in capitals is read as words, like letters.py reads them: lower-case.
    return fixed.lower() if word.isupper() else fixed


def rules() -> list[Rule]:
    return [Rule("orthography", _PATTERN, _repair, trigger="[uU][ơờớởỡợƠỜỚỞỠỢ]")]
