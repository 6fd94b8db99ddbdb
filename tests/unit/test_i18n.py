"""The one message catalogue: both languages for every key, the same placeholders, no unknown keys in code."""
import re
import string
from pathlib import Path

from core.i18n import t
from core.messages import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "core").rglob("*.py")), *sorted((ROOT / "ui").rglob("*.py")),
           *sorted((ROOT / "pages").rglob("*.py")), ROOT / "Home.py"]
LITERAL_CALL = re.compile(r"\b(?:t|tr)\(\s*([\"'])([\w.]+)\1\s*[,)]")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _used_keys() -> dict[str, str]:
    found = {}
    for path in SOURCES:
        for match in LITERAL_CALL.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(2), str(path.relative_to(ROOT)))
    return found


def test_every_key_has_non_empty_chinese_and_english():
    empty = [k for k, entry in MESSAGES.items()
             if not entry.get("zh", "").strip() or not entry.get("en", "").strip()]
    assert not empty, empty


def test_both_languages_use_the_same_placeholders():
    differ = [k for k, e in MESSAGES.items() if _placeholders(e["zh"]) != _placeholders(e["en"])]
    assert not differ, differ


def test_every_literal_key_used_in_code_exists_in_the_catalogue():
    used = _used_keys()
    assert len(used) > 50, "the scan found suspiciously few keys"
    missing = {key: where for key, where in used.items() if key not in MESSAGES}
    assert not missing, f"keys used but not in core/messages.py: {missing}"


def test_chinese_is_the_default_language_and_english_is_available():
    assert t("nav.home") == "首页"
    assert t("nav.home", "en") == "Home"


def test_an_unknown_key_falls_back_to_the_key_itself():
    assert t("no.such.key") == "no.such.key"
