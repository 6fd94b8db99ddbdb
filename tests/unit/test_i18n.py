"""The one message catalogue: both languages for every key, the same placeholders, no unknown keys in code."""
import re
import string
from pathlib import Path

from core.common.i18n import LANGS, LOCALES, MESSAGES, load_catalogue, t

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
    assert not missing, f"keys used but not in core/common/locales: {missing}"


def test_chinese_is_the_default_language_and_english_is_available():
    assert t("nav.home") == "首页"
    assert t("nav.home", "en") == "Home"


def test_an_unknown_key_falls_back_to_the_key_itself():
    assert t("no.such.key") == "no.such.key"


def test_every_area_file_exists_in_every_language_with_the_same_keys():
    import tomllib

    areas = {p.name for p in (LOCALES / "zh").glob("*.toml")}
    assert areas and all({p.name for p in (LOCALES / lang).glob("*.toml")} == areas for lang in LANGS)
    for area in areas:
        keys = [set(tomllib.loads((LOCALES / lang / area).read_text(encoding="utf-8"))) for lang in LANGS]
        assert keys[0] == keys[1], f"{area}: {keys[0] ^ keys[1]}"


def test_the_catalogue_is_read_from_the_language_files(tmp_path):
    for lang, text in (("zh", "你好，{name}"), ("en", "Hello, {name}")):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "x.toml").write_text(f'"greet.hello" = "{text}"\n', encoding="utf-8")
    assert load_catalogue(tmp_path) == {"greet.hello": {"zh": "你好，{name}", "en": "Hello, {name}"}}
