"""The one message catalogue: every user-facing string, zh-CN first, English second.

``t(key, lang, **params)`` formats a message; a parameter whose value is itself a catalogue
key (``state.x``, ``action.y``, ...) is translated first. A missing key falls back to the key.
"""
from __future__ import annotations

from core.messages import MESSAGES

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
_NESTED = ("state.", "action.", "role.", "missing.", "input.", "guard.", "kind.", "level.", "flow.")


def t(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry[DEFAULT_LANG]
    if not params:
        return text
    resolved = {k: t(v, lang) if isinstance(v, str) and v.startswith(_NESTED) else v for k, v in params.items()}
    return text.format(**resolved)
