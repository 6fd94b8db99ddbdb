"""Masking of personal data for display (PIPL, rules.md): ID numbers and phones in every list and page.

``mask_id_number("520102199003071234")`` -> ``"5201**********1234"`` (first 4 and last 4 kept);
``mask_phone("13812341234")`` -> ``"138****1234"`` (first 3 and last 4 kept). Short or empty values
are masked entirely rather than partly revealed.
"""
from __future__ import annotations

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
    """A phone number with only its first three and last four digits shown."""
    return _mask(value, 3, 4)
