"""Text people type (names, reasons, opinions, notices, objections): invisible control characters refused.

A name or reason is shown to other people, written into audit rows, exports and printed forms. Control
characters (Unicode category Cc: NUL, ESC, BEL, carriage return, ...), lone surrogates and the bidi
embedding/override/isolate characters (U+202A-U+202E, U+2066-U+2069, which can make "张三" read as
something else on screen) have no business there, so every service that accepts such text refuses them at
input with one message: ``clean_line`` for one-line fields (names, titles, contact), ``clean_text`` for
multi-line free text, where line feeds and tabs are allowed (a CR LF pair counts as a line feed).

``field`` is the catalogue key of the field's label; the error lists it as its detail.
"""
from __future__ import annotations

import unicodedata

from core.common.errors import ValidationError

BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
MULTILINE_ALLOWED = frozenset("\n\t")
MESSAGE = "text.control_chars"


def bad_characters(text: str, *, multiline: bool = False) -> list[str]:
    """The refused characters in ``text`` (each once, in order of appearance)."""
    allowed = MULTILINE_ALLOWED if multiline else frozenset()
    found: dict[str, None] = {}
    for ch in text:
        if ch in allowed:
            continue
        if ch in BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Cs"):
            found.setdefault(ch)
    return list(found)


def _checked(value: object, field: str, multiline: bool) -> str:
    text = "" if value is None else str(value)
    if multiline:
        text = text.replace("\r\n", "\n")
    if bad_characters(text, multiline=multiline):
        raise ValidationError(MESSAGE, details=[field])
    return text.strip()


def clean_line(value: object, field: str) -> str:
    """``value`` stripped; refused (ValidationError naming ``field``) if it holds any control character."""
    return _checked(value, field, multiline=False)


def clean_text(value: object, field: str) -> str:
    """Multi-line ``value`` stripped (CR LF as LF); refused if it holds a control character other than LF/tab."""
    return _checked(value, field, multiline=True)


SEARCH_MAX = 50  # characters of a search box that are looked for


def search_fragments(value: object, most: int = 5) -> list[str]:
    """What a search box asks for, as fragments a query may hold: split on spaces, every refused character
    dropped (PostgreSQL refuses NUL in text; a lone surrogate cannot be encoded), at most ``most`` fragments
    of at most ``SEARCH_MAX`` characters together. Use them with ``column.contains(f, autoescape=True)``, so
    ``%`` and ``_`` are looked for as typed rather than matching anything."""
    text = "" if value is None else str(value)
    for ch in bad_characters(text):
        text = text.replace(ch, " ")
    return text[:SEARCH_MAX].split()[:most]
