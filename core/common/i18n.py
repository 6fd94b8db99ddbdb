"""The one message catalogue: every user-facing string, zh-CN first, English second.

Messages are data: one TOML file per area and language under ``core/common/locales/<lang>/``, so
translators edit data, not Python. ``t(key, lang, **params)`` formats a message; a parameter whose
value is itself a catalogue key (``state.x``, ``action.y``, ...) is translated first. A missing key
falls back to the key itself (a test checks that every key used exists in both languages).
"""
from __future__ import annotations

import tomllib
from pathlib import Path

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LOCALES = Path(__file__).with_name("locales")
NESTED = ("state.", "action.", "role.", "missing.", "input.", "guard.", "kind.", "level.", "flow.")
_NESTED = NESTED


def load_catalogue(root: Path = LOCALES) -> dict[str, dict[str, str]]:
    """key -> {lang: text}, merged over every area file of every language."""
    catalogue: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        for path in sorted((root / lang).glob("*.toml")):
            with path.open("rb") as f:
                for key, text in tomllib.load(f).items():
                    catalogue.setdefault(key, {})[lang] = text
    return catalogue


MESSAGES = load_catalogue()


def t(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry[DEFAULT_LANG]
    if not params:
        return text
    resolved = {k: t(v, lang) if isinstance(v, str) and v.startswith(_NESTED) else v for k, v in params.items()}
    return text.format(**resolved)
