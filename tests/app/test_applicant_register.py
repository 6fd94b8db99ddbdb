"""Self-registration from the login page, and an applicant who is not yet bound to an employer."""
from __future__ import annotations

from core.common.i18n import t
from tests.app.support import assert_ok, errors, infos, sign_in, start

ID_NUMBER = "110105199003071239"  # a valid GB 11643 check digit
PASSWORD = "Kq7#mWz2Lp"


def _register(at, id_number: str, password: str = PASSWORD, repeat: str | None = None):
    at.text_input(key="reg.name").input("林晓雨")
    at.text_input(key="reg.id_number").input(id_number)
    at.text_input(key="reg.phone").input("13912345678")
    at.text_input(key="reg.password").input(password)
    at.text_input(key="reg.repeat").input(password if repeat is None else repeat)
    at.button(key="reg.submit").click().run()
    assert_ok(at)
    return at


def _open_registration():
    at = start()
    at.button(key="login.register").click().run()
    assert_ok(at)
    assert at.title[0].value == t("reg.title")
    return at


def test_a_bad_id_number_is_refused_with_its_message_and_nothing_else_wrong_is_hidden(app_db):
    at = _register(_open_registration(), "110105199003071238", password="short")
    text = errors(at)[0]
    assert t("person.id_invalid") in text and t("password.too_short") in text


def test_registration_names_the_account_and_a_second_registration_is_told_to_log_in(app_db):
    at = _register(_open_registration(), ID_NUMBER)
    assert t("reg.done", login=ID_NUMBER.lower()) in [s.value for s in at.success]
    at.button(key="reg.back_done").click().run()
    assert_ok(at)
    at.button(key="login.register").click().run()
    at = _register(at, ID_NUMBER)
    assert t("person.already_registered") in errors(at)[0]


def test_mismatched_passwords_are_refused_before_anything_is_saved(app_db):
    at = _register(_open_registration(), ID_NUMBER, repeat="Other#Pass9")
    assert errors(at) == [t("reg.mismatch")]


def test_an_unbound_applicant_is_told_why_declaring_is_refused_and_asks_to_join_a_unit(app_db):
    at = _register(_open_registration(), ID_NUMBER)
    at.button(key="reg.back_done").click().run()
    at = sign_in(at, ID_NUMBER, PASSWORD)
    at.switch_page("pages/my_declarations.py").run()
    assert_ok(at)
    assert t("guard.not_bound") in [w.value for w in at.warning]
    assert at.button(key="my_declarations.new_review").disabled
    assert at.button(key="my_declarations.new_initial").disabled
    at.text_input(key="my_declarations.unit_search").input("人民医院").run()
    unit = at.selectbox(key="my_declarations.unit_pick")
    assert unit.options and all("人民医院" in o for o in unit.options)
    at.button(key="my_declarations.bind_request").click().run()
    assert_ok(at)
    assert t("mine.requested") in [s.value for s in at.success]
    assert any(i.startswith(t("mine.pending", unit="")[:6]) for i in infos(at))
    assert at.button(key="my_declarations.new_review").disabled  # still waiting for the unit
