"""rules.md, password policy and masking, at their exact boundaries: 7 and 8 characters, 2 and 3
character classes, the owner's ID number and phone, bcrypt's 72 bytes; and the masked formats
``5201**********123X`` and ``138****1234`` with the lengths at which partial masking starts."""
from __future__ import annotations

import dataclasses

import pytest

from core.identity import passwords
from core.common.masking import mask_id_number, mask_phone
from core.identity.passwords import generate_temporary_password, policy_problems

ID_NUMBER, PHONE = "52010219900307123X", "13812341234"


@pytest.fixture(autouse=True)
def _no_strength_score(monkeypatch):
    """These pin length, classes, personal data and bcrypt's bytes one at a time; zxcvbn's score (which
    refuses most 8-character passwords) is pinned in test_password_strength."""
    monkeypatch.setattr(passwords, "RULES", dataclasses.replace(passwords.RULES, password_min_strength=0))


# --- length: at least 8 -------------------------------------------------------------------------

def test_a_password_of_seven_characters_is_too_short():
    assert policy_problems("Ab1#xyz") == ["password.too_short"]


def test_a_password_of_eight_characters_is_long_enough():
    assert policy_problems("Ab1#xyzw") == []


def test_the_minimum_length_is_configuration(monkeypatch):
    monkeypatch.setattr(passwords, "RULES", dataclasses.replace(passwords.RULES, password_min_length=12))
    assert policy_problems("Ab1#xyzwvut") == ["password.too_short"]
    assert policy_problems("Ab1#xyzwvuts") == []


# --- classes: at least 3 of upper, lower, digit, symbol ------------------------------------------

@pytest.mark.parametrize("password", ["KMRTpzwh", "KMRT5678", "KMRT#$%^", "kmrt5678x", "kmrt#$%^", "1234#$%^"])
def test_a_password_of_two_character_classes_is_too_simple(password):
    assert policy_problems(password) == ["password.too_simple"]


@pytest.mark.parametrize("password", ["KMRTpzw1", "KMRTpzw#", "KMRT123#", "kmrt123#"])
def test_a_password_of_any_three_character_classes_is_accepted(password):
    assert policy_problems(password) == []


@pytest.mark.parametrize("password", ["kmrtpzw1'", "KMRTpzwh|", "kmrt1234€", "KMRTPZW1 x"])
def test_any_character_that_is_no_letter_or_digit_counts_as_a_symbol(password):
    assert "password.too_simple" not in policy_problems(password)


def test_a_password_of_one_class_and_seven_characters_breaks_both_rules():
    assert policy_problems("kmrtpzw") == ["password.too_short", "password.too_simple"]


# --- not the owner's ID number or phone (nor the login name) --------------------------------------

def test_a_password_equal_to_the_owners_id_number_is_refused():
    assert "password.personal" in policy_problems(ID_NUMBER, id_number=ID_NUMBER, phone=PHONE)


def test_a_password_equal_to_the_owners_phone_is_refused():
    assert "password.personal" in policy_problems(PHONE, id_number=ID_NUMBER, phone=PHONE)


@pytest.mark.parametrize("password", ["Kq#" + ID_NUMBER.lower(), "Kq#" + PHONE, "x" + PHONE + "#A"])
def test_a_password_containing_the_id_number_or_phone_is_refused(password):
    assert policy_problems(password, id_number=ID_NUMBER, phone=PHONE) == ["password.personal"]


def test_a_password_holding_six_consecutive_digits_of_the_phone_is_personal_five_are_not():
    assert policy_problems("Kq#13812341235", id_number=ID_NUMBER, phone=PHONE) == ["password.personal"]
    assert policy_problems("Kq#812341x", id_number=ID_NUMBER, phone=PHONE) == ["password.personal"]
    assert policy_problems("Kq#13812x", id_number=ID_NUMBER, phone=PHONE) == []


def test_a_personal_value_counts_from_four_characters():
    assert policy_problems("Xabc#1234z", login_name="abc") == []
    assert policy_problems("Xkmrt#1234", login_name="kmrt") == ["password.personal"]


# --- bcrypt reads 72 bytes: longer passwords are refused, not silently cut ------------------------

def test_a_password_of_72_bytes_is_accepted_and_73_bytes_refused():
    assert policy_problems("Ab1#" + "x" * 68) == []
    assert policy_problems("Ab1#" + "x" * 69) == ["password.too_long"]


def test_the_72_bytes_are_counted_in_utf8_not_in_characters():
    assert policy_problems("Ab1#" + "密" * 22 + "xx") == []          # 4 + 66 + 2 = 72 bytes
    assert policy_problems("Ab1#" + "密" * 22 + "xxx") == ["password.too_long"]


def test_leading_or_trailing_spaces_and_known_weak_passwords_are_refused():
    assert policy_problems(" Ab1#xyzw") == ["password.whitespace"]
    assert policy_problems("Admin@2026") == ["password.weak"]


def test_generated_one_time_passwords_meet_the_policy():
    for _ in range(200):
        candidate = generate_temporary_password()
        assert len(candidate) == 14 and policy_problems(candidate) == []


# --- masking -------------------------------------------------------------------------------------

def test_an_id_number_shows_its_first_four_and_last_four_characters():
    assert mask_id_number(ID_NUMBER) == "5201**********123X"


def test_a_phone_shows_its_first_three_and_last_four_digits():
    assert mask_phone(PHONE) == "138****1234"


def test_a_value_no_longer_than_the_shown_parts_is_masked_entirely():
    assert mask_id_number("12345678") == "********" and mask_id_number("123456789") == "1234*6789"
    assert mask_phone("1234567") == "*******" and mask_phone("12345678") == "123*5678"


def test_masking_ignores_surrounding_spaces_and_gives_nothing_for_no_value():
    assert mask_phone(" 13812341234 ") == "138****1234"
    assert (mask_id_number(None), mask_phone(""), mask_phone("   ")) == ("", "", "")
