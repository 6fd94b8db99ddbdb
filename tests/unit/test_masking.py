"""ID numbers and phones are masked for display (rules.md, PIPL)."""
from core.common.masking import mask_id_number, mask_phone


def test_an_id_number_shows_only_its_first_four_and_last_four_characters():
    assert mask_id_number("52010219900307123X") == "5201**********123X"


def test_a_phone_shows_only_its_first_three_and_last_four_digits():
    assert mask_phone("13812341234") == "138****1234"


def test_short_values_are_masked_entirely_and_empty_values_stay_empty():
    assert mask_phone("1234567") == "*******"
    assert mask_id_number("1234") == "****"
    assert mask_id_number(None) == "" and mask_phone("") == ""


def test_a_chinese_mobile_stored_in_e164_is_masked_as_its_national_number():
    assert mask_phone("+8613812341234") == "138****1234"
    assert mask_phone("+441632960961") == "+44******0961"


def test_surrounding_whitespace_does_not_leak_characters():
    assert mask_phone(" 13812341234 ") == "138****1234"


# --- free text (public notices): ID numbers and phones however they are written ---------------------

import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from core.common.masking import scrub  # noqa: E402


@pytest.mark.parametrize("written", [
    "522225 19910717 3810", "522225-19910717-381X", "5222.2519.9107.1738.10", "52222519910717381x",
    "177 9293 6902", "177-9293-6902", "177.9293.6902", "+8617792936902", "+86 177 9293 6902",
    "0086-177-9293-6902", "(+86)177 9293 6902", "86 177 9293 6902", "0851-1234567", "0851 1234 5678"])
def test_an_id_number_or_a_phone_is_starred_with_its_spaces_dashes_dots_or_country_code(written):
    text = scrub(f"联系人{written}，详见附件")
    assert text.startswith("联系人") and text.endswith("，详见附件")
    assert "".join(c for c in text[3:-5] if c.isdigit()) in ("", "86")  # a country code may stay


@pytest.mark.parametrize("ordinary", [
    "2026-11-27", "2026.11.27", "2026年11月27日", "人社发〔2026〕12号", "文号202609071", "共 125 人",
    "第1、2、3项", "公示期 2026-11-27 至 2026-12-03，共 5 个工作日", "12 345 678", "(2026)12号"])
def test_dates_document_numbers_and_counts_stay(ordinary):
    assert scrub(ordinary) == ordinary


def test_a_phone_next_to_a_date_is_starred_and_the_date_stays():
    assert scrub("2026-11-27 13812341234 共3人") == "2026-11-27 *********** 共3人"
    assert scrub("2026-11-27 177 9293 6902") == "2026-11-27 *************"


ID_NUMBER = st.from_regex(r"[1-6]\d{16}[\dX]", fullmatch=True)
MOBILE = st.from_regex(r"1[3-9]\d{9}", fullmatch=True)
SEPARATOR = st.sampled_from([" ", "-", ".", "  ", " - "])
COUNTRY = st.sampled_from(["", "+86", "+86 ", "0086", "0086-", "86-", "86 ", "(+86)"])


@st.composite
def written_as(draw, number: st.SearchStrategy[str], country: bool) -> tuple[str, str]:
    """(digits, the way someone typed them): split into groups of 3 or more at random cuts."""
    digits = draw(number)
    cuts = sorted(draw(st.sets(st.integers(3, len(digits) - 3), max_size=3)))
    cuts = [c for k, c in enumerate(cuts) if k == 0 or c - cuts[k - 1] >= 3]
    parts = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)])]
    text = draw(SEPARATOR).join(parts) if len(parts) > 1 and draw(st.booleans()) else \
        "".join(p + (draw(SEPARATOR) if k < len(parts) - 1 else "") for k, p in enumerate(parts))
    return digits, (draw(COUNTRY) if country else "") + text


@settings(max_examples=300, deadline=None)
@given(id_number=written_as(ID_NUMBER, False), phone=written_as(MOBILE, True),
       before=st.sampled_from(["", "电话", "身份证号：", "2026-11-27 ", "共 3 人，"]))
def test_no_written_form_of_an_id_number_or_a_phone_survives_scrubbing(id_number, phone, before):
    text = scrub(f"{before}{phone[1]}，身份证{id_number[1]}。")
    kept = "".join(c for c in text if c.isdigit() or c in "Xx")
    for digits in (id_number[0], phone[0]):
        assert digits[3:-1] not in kept  # not even most of it, in any grouping
    assert text.startswith(before.rstrip()) and "身份证" in text
