"""Spreadsheet safety: text that a spreadsheet would read as a formula is written as plain text.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula by
Excel and LibreOffice (CSV/formula injection, OWASP). Every text cell an export writes goes through
``safe_cell``, which keeps the text visible but prefixes an apostrophe so it is never evaluated; numbers,
dates and other values pass unchanged.
"""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """``value`` unchanged unless it is text a spreadsheet would evaluate; then ``"'" + value``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
