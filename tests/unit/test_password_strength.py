"""Issue 14 §6: known-weak passwords, guessable ones and runs of the owner's ID number or phone are
refused with a clear message; strong passwords pass."""
from __future__ import annotations

import pytest

from core.common.i18n import t
from core.identity.passwords import is_known_weak, policy_problems, weak_forms

ID_NUMBER, PHONE = "110101199003070016", "13912345678"


@pytest.mark.parametrize("password", [
    "Demo#2026", "Abc12345", "Qq123456", "Woaini1314",      # the examples
    "Aini5201314!", "WoAiNi@520", "5201314Aa!", "Admin@2026", "P@ssw0rd1", "Passw0rd!2025",
    "Qwerty@123", "1qaz2WSX!", "Zxcvbn#2024", "Asdf1234!", "Huawei@123", "Beijing@2024", "Wang@1988",
])
def test_known_weak_passwords_are_refused_as_weak(password):
    assert "password.weak" in policy_problems(password)
    assert t("password.weak") == "该密码过于常见，请换一个"


@pytest.mark.parametrize("password", ["Aa1!aaaaaaaa", "Abcd1234!xyz", "Nn8$abcdEFgh", "Zz9#zzzzzzzz"])
def test_guessable_passwords_are_refused_with_their_own_message(password):
    assert policy_problems(password) == ["password.guessable"]
    assert "容易被猜到" in t("password.guessable")


def test_normalisation_reads_case_decorations_and_leetspeak():
    assert {"woaini", "demo", "qq", "abc", "password"} <= set().union(
        *(weak_forms(p) for p in ("Woaini1314", "Demo#2026", "Qq123456", "Abc12345", "P@ssw0rd1")))
    assert not is_known_weak("Kq7#mVx2pLw9")


@pytest.mark.parametrize("password", [
    "Xy#" + ID_NUMBER[-8:],          # the last 8 digits of the ID number
    "Xy#" + ID_NUMBER[-6:] + "qZ",   # its last 6
    "Qa!" + ID_NUMBER[6:12] + "kP",  # the birth year and month
    "Kz#" + PHONE[-8:] + "m",        # most of the phone
    "Kz#" + PHONE[:6] + "vW",        # the phone's first 6
])
def test_six_consecutive_characters_of_the_id_number_or_phone_are_refused(password):
    assert "password.personal" in policy_problems(password, id_number=ID_NUMBER, phone=PHONE)
    assert "连续6位" in t("password.personal")


def test_five_consecutive_characters_of_the_phone_are_allowed():
    assert policy_problems("Kz#" + PHONE[:5] + "vWq!", id_number=ID_NUMBER, phone=PHONE) == []


@pytest.mark.parametrize("password", ["Kq7#mVx2pLw9", "Xk4!Tz8#Lm2q", "tR7$vB2@nQ5w", "Hq3%Lw9^Xz2&",
                                      "Correct-Horse-Battery-7"])
def test_strong_passwords_are_accepted(password):
    assert policy_problems(password, id_number=ID_NUMBER, phone=PHONE, login_name=ID_NUMBER) == []


def test_the_strength_rule_is_configuration(monkeypatch):
    import dataclasses

    from core.identity import passwords
    monkeypatch.setattr(passwords, "RULES", dataclasses.replace(passwords.RULES, password_min_strength=0))
    assert policy_problems("Nn8$abcdEFgh") == []
