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


def test_surrounding_whitespace_does_not_leak_characters():
    assert mask_phone(" 13812341234 ") == "138****1234"
