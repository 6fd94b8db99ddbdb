"""Control characters (Cc), lone surrogates and bidi overrides are refused in typed text (issue 14 §10)."""
import re
from pathlib import Path

import pytest

from core.common.errors import ValidationError
from core.common.i18n import MESSAGES, t
from core.common.text import bad_characters, clean_line, clean_text

ROOT = Path(__file__).resolve().parents[2]
REFUSED = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\r", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
           "\u2066", "\u2067", "\u2068", "\u2069", "\ud800"]


@pytest.mark.parametrize("ch", REFUSED)
def test_a_line_and_a_text_refuse_control_and_bidi_characters(ch):
    for clean in (clean_line, clean_text):
        with pytest.raises(ValidationError) as caught:
            clean(f"张{ch}三", "field.person_name")
        assert caught.value.key == "text.control_chars" and caught.value.details == ["field.person_name"]
        assert "控制字符" in caught.value.message("zh") and "姓名" in caught.value.detail_messages("zh")


def test_a_line_refuses_line_feeds_and_tabs_a_text_keeps_them():
    for ch in ("\n", "\t"):
        with pytest.raises(ValidationError):
            clean_line(f"张{ch}三", "field.person_name")
    assert clean_text("  第一行\r\n\t第二行  ", "field.reason") == "第一行\n\t第二行"


def test_ordinary_text_passes_stripped():
    assert clean_line("  张三·阿依古丽 O'Neil (主任) ", "field.person_name") == "张三·阿依古丽 O'Neil (主任)"
    assert clean_line(None, "field.person_name") == ""
    assert clean_text("emoji 👍 和 ZWJ 👨‍⚕️", "field.reason") == "emoji 👍 和 ZWJ 👨‍⚕️"
    assert bad_characters("a\u202eb\x00\u202e") == ["\u202e", "\x00"]


def test_every_field_label_a_service_names_is_in_the_catalogue():
    used = set()
    for path in (ROOT / "core").rglob("*.py"):
        used |= set(re.findall(r"clean_(?:line|text)\([^,]+,\s*f?\"([\w.]+)\"", path.read_text(encoding="utf-8")))
    assert len(used) > 10
    assert not {k for k in used if k not in MESSAGES and "{" not in k}
    assert t("field.unit_name", "en") == "unit name"
