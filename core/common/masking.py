"""Masking of personal data for display (PIPL, rules.md): ID numbers and phones in every list and page.

``mask_id_number("520102199003071234")`` -> ``"5201**********1234"`` (first 4 and last 4 kept);
``mask_phone("13812341234")`` -> ``"138****1234"`` (first 3 and last 4 kept). Short or empty values
are masked entirely rather than partly revealed.
"""
from __future__ import annotations

import re

_STAR = "*"


def _mask(value: str | None, head: int, tail: int) -> str:
    text = (value or "").strip()
    if not text:
        return ""
    if len(text) <= head + tail:
        return _STAR * len(text)
    return text[:head] + _STAR * (len(text) - head - tail) + text[-tail:]


def mask_id_number(value: str | None) -> str:
    """A resident ID number with only its first four and last four characters shown."""
    return _mask(value, 4, 4)


def mask_phone(value: str | None) -> str:
    """A phone number with only its first three and last four digits shown; a Chinese number stored in
    E.164 (``+8613812341234``) shows as the national number it is (``138****1234``)."""
    text = (value or "").strip()
    if text.startswith("+86") and len(text) == 14 and text[3:].isdigit():
        text = text[3:]
    return _mask(text, 3, 4)


# --- free text: numbers shaped like an ID number or a phone, however they are written -----------------
#
# An operator types "522225 19910717 3810", "177-9293-6902" or "+86 177 9293 6902" as readily as the
# bare digits. ``scrub`` reads runs of digit groups joined by at most three separator characters (space,
# dash, dot, brackets) and, from the left, stars the longest run of consecutive groups that is a shape: one
# group alone an ID number (18 characters, the last may be X, or the old 15 digits), a mobile (11 digits
# from 1, after an optional country code 86 or 0086) or a landline (0, a 2-3 digit area code, 7-8
# digits); several groups together an 18-character ID number, a mobile, a landline, or an area code and a
# number ("851-1234567"), provided every group but the last has three or more digits (a country code
# aside). Dates ("2026-11-27"), document numbers ("人社发〔2026〕12号") and counts have fewer digits than
# any shape or short groups, and no group is ever split, so they stay.

_GROUP = r"\+?\d+(?:[Xx](?![A-Za-z]))?"
_RUN = re.compile(rf"(?<![\d+]){_GROUP}(?:[\s\-.()（）]{{1,3}}{_GROUP})*")
_GROUP_IN_RUN = re.compile(_GROUP)
_BARE = re.compile(r"\d{17}[\dXx]|\d{15}|(?:0086|86)?1\d{10}|0\d{9,11}")
_JOINED = re.compile(r"\d{17}[\dXx]|(?:0086|86)?1\d{10}|0\d{9,11}")
_LANDLINE = re.compile(r"\d{3,4}-\d{7,8}")  # an area code without its 0: "851-1234567"
_COUNTRY = frozenset({"+86", "86", "0086", "+0086"})


def _digits(group: re.Match) -> str:
    return group.group(0).lstrip("+")


def _shaped(groups: list[re.Match], i: int) -> int | None:
    """The last group j >= i such that groups i..j are the longest shaped number starting at i: one
    group alone by ``_BARE``, several joined by ``_JOINED`` (or an area code and a number)."""
    first = i + 1 if groups[i].group(0) in _COUNTRY and i + 1 < len(groups) else i
    digits, best = "", None
    for j in range(i, len(groups)):
        if j > first and len(_digits(groups[j - 1])) < 3 or j == first and j > i and len(_digits(groups[j])) < 3:
            break  # only the last group may be short ("…1738 1X"); a date's "-11-" never joins
        digits += _digits(groups[j])
        if len(digits) > 20:
            break
        pair = j == i + 1 and _LANDLINE.fullmatch(f"{_digits(groups[i])}-{_digits(groups[j])}")
        if (_BARE if j == i else _JOINED).fullmatch(digits) or pair:
            best = j
    return best


def _scrub_run(run: str) -> str:
    groups = list(_GROUP_IN_RUN.finditer(run))
    text, i = list(run), 0
    while i < len(groups):
        j = _shaped(groups, i)
        if j is None:
            i += 1
            continue
        start, stop = groups[i].start(), groups[j].end()
        text[start:stop] = _STAR * (stop - start)
        i = j + 1
    return "".join(text)


def scrub(text: str | None) -> str:
    """Free text with anything shaped like an ID number or a phone number starred out."""
    return _RUN.sub(lambda m: _scrub_run(m.group(0)), text or "")
