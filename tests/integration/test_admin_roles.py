"""The unit admin's account rules: role grants and revocations with mutual exclusion both ways, the admin
handover (exactly one admin), designation by the HR bureau, leaving, names, unit details, personal
accounts (editable only before the first business step), and scope (unit A never touches unit B)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from stdnum.cn import ric

from core.identity import account_rules, accounts

from core.identity import personal_accounts

from core.identity import sessions
from core.declaring import declarations as decl
from core.identity import unit_admin as ua
from core.common.errors import GuardFailed, NotFound, ValidationError
from core.identity.people import validate_id_number
from db.models import Account, AuditEvent, Person, RoleGrant, Unit, UnitBinding
from tests.world import LEVEL, SERIES, SPECIALTY, YEAR, World


def _id(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def _person_account(w: World, login: str, unit: str | None, body17: str) -> int:
    person_id = w._person(login, w.units[unit] if unit else None, _id(body17))
    account, _ = accounts.create_account(w.session, login_name=login, display_name=login, person_id=person_id,
                                         password="Aa1!aaaaaaaa")
    accounts.grant_role(w.session, account.id, "applicant")
    return account.id


def _roles(s, account_id: int) -> list[str]:
    return ua.active_roles(s, account_id)


def _audits(s, action: str) -> int:
    return s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def test_id_number_validation_accepts_valid_and_refuses_invalid_numbers():
    good = _id("11010119900307001")
    assert validate_id_number(good.lower()) == good.upper()
    wrong = good[:-1] + ("1" if good[-1] != "1" else "2")
    for bad in (wrong, "", "12345", "110101199013070016"):
        with pytest.raises(ValidationError):
            validate_id_number(bad)


def test_grant_and_revoke_an_operator_role_take_effect_at_the_next_request(uow):
    with uow.write() as s:
        w = World.build(s)
        admin, target = w.actor("unit_admin"), _person_account(w, "wang", "employer", "52010119850101001")
        assert ua.grantable_roles(s, admin, target) == ("unit_operator", "committee_operator")
        ua.grant(s, admin, target, "unit_operator")
        assert "unit_operator" in _roles(s, target) and _audits(s, "role_grant") == 1
        assert any(c.role == "unit_operator" and c.unit_id == w.units["employer"] for c in account_rules.contexts(s, target))
        with pytest.raises(ValidationError) as e:
            ua.grant(s, admin, target, "unit_operator")
        assert e.value.key == "admin.role_held"
        for role in ("hr_operator", "unit_admin", "policy_reviewer"):
            with pytest.raises(ValidationError):
                ua.grant(s, admin, target, role)
        ua.revoke(s, admin, target, "unit_operator")
        assert "unit_operator" not in _roles(s, target) and _audits(s, "role_revoke") == 1
        with pytest.raises(NotFound):
            ua.revoke(s, admin, target, "unit_operator")
        with pytest.raises(ValidationError):
            ua.revoke(s, admin, target, "unit_admin")


def test_a_revoked_role_leaves_the_signed_in_users_contexts_at_once(uow):
    with uow.write() as s:
        w = World.build(s)
        target = _person_account(w, "wang", "employer", "52010119850101001")
        ua.grant(s, w.actor("unit_admin"), target, "unit_operator")
        principal = sessions.start_session(s, "wang")
        assert "unit_operator" in {c.role for c in principal.contexts}
        ua.revoke(s, w.actor("unit_admin"), target, "unit_operator")
        again = sessions.resolve_session(s, principal.token)
        assert again is not None and "unit_operator" not in {c.role for c in again.contexts}
        accounts.set_enabled(s, w.actor("unit_admin"), target, False)
        assert sessions.resolve_session(s, principal.token) is None


def test_mutual_exclusion_a_declaring_person_cannot_become_operator_or_admin(uow):
    with uow.write() as s:
        w = World.build(s)
        admin, applicant = w.actor("unit_admin"), w.actor("applicant").account_id
        w.new_declaration(complete=False)  # a draft: declaring has begun
        with pytest.raises(ValidationError) as e:
            ua.grant(s, admin, applicant, "unit_operator")
        assert e.value.key == "admin.active_declaration" and "申报" in str(e.value)
        with pytest.raises(ValidationError) as e:
            ua.designate_admin(s, w.actor("prov_hr"), w.units["employer"], "applicant")
        assert e.value.key == "admin.active_declaration"


def test_mutual_exclusion_an_operator_cannot_declare(uow):
    with uow.write() as s:
        w = World.build(s)
        ua.grant(s, w.actor("unit_admin"), w.actor("applicant").account_id, "unit_operator")
        with pytest.raises(GuardFailed) as e:
            decl.create_draft(s, w.actor("applicant"), flow="review", year=YEAR, level_code=LEVEL,
                              series_code=SERIES, specialty_code=SPECIALTY)
        assert e.value.key == "admin.operator_cannot_declare" and "不能申报" in str(e.value)


def test_the_admin_hands_over_and_loses_the_role_and_there_is_one_admin(uow):
    with uow.write() as s:
        w = World.build(s)
        old = _person_account(w, "old_admin", "employer", "52010119800101001")
        accounts.grant_role(s, old, "unit_admin", w.units["employer"])
        s.execute(RoleGrant.__table__.update().where(RoleGrant.account_id == w.actor("unit_admin").account_id)
                  .values(active=False))
        admin = next(c for c in account_rules.contexts(s, old) if c.role == "unit_admin")
        new = _person_account(w, "new_admin", "employer", "52010119810101001")
        busy = _person_account(w, "busy_op", "employer", "52010119820101001")
        ua.grant(s, admin, busy, "unit_operator")
        with pytest.raises(ValidationError) as e:
            ua.hand_over(s, admin, busy)
        assert e.value.key == "admin.holds_business_role"
        with pytest.raises(NotFound):
            ua.hand_over(s, admin, w.actor("other_applicant").account_id)
        ua.hand_over(s, admin, new)
        assert "unit_admin" in _roles(s, new) and "unit_admin" not in _roles(s, old)
        assert s.scalar(select(func.count()).select_from(RoleGrant).where(
            RoleGrant.unit_id == w.units["employer"], RoleGrant.role == "unit_admin", RoleGrant.active.is_(True))) == 1
        assert _audits(s, "admin_handover") == 1


def test_the_hr_bureau_designates_the_admin_of_a_unit_without_one(uow):
    with uow.write() as s:
        w = World.build(s)
        free = _person_account(w, "free_person", None, "52010119830101001")
        with pytest.raises(NotFound):
            ua.designate_admin(s, w.actor("sibling_op"), w.units["employer"], "free_person")
        with pytest.raises(ValidationError) as e:
            ua.designate_admin(s, w.actor("city_hr"), w.units["employer"], "other_applicant")
        assert e.value.key == "admin.bound_elsewhere"
        ua.designate_admin(s, w.actor("city_hr"), w.units["employer"], "FREE_PERSON")
        assert "unit_admin" in _roles(s, free) and "unit_admin" not in _roles(s, w.actor("unit_admin").account_id)
        assert s.get(Person, s.get(Account, free).person_id).unit_id == w.units["employer"]


def test_leaving_unbinds_the_person_and_ends_the_roles_held_there(uow):
    with uow.write() as s:
        w = World.build(s)
        admin, target = w.actor("unit_admin"), _person_account(w, "leaver", "employer", "52010119840101001")
        s.add(UnitBinding(person_id=s.get(Account, target).person_id, unit_id=w.units["employer"], status="accepted"))
        ua.grant(s, admin, target, "unit_operator")
        ua.leave_unit(s, admin, target)
        assert _roles(s, target) == ["applicant"]
        assert s.get(Person, s.get(Account, target).person_id).unit_id is None
        person_id = s.get(Account, target).person_id
        assert s.scalar(select(UnitBinding.status).where(UnitBinding.person_id == person_id)) == "left"
        with pytest.raises(NotFound):  # no longer in the admin's scope
            ua.leave_unit(s, admin, target)
        with pytest.raises(ValidationError):
            ua.leave_unit(s, w.actor("unit_admin"), w.actor("unit_admin").account_id)


def test_names_and_unit_details_are_edited_and_audited(uow):
    with uow.write() as s:
        w = World.build(s)
        admin = w.actor("unit_admin")
        ua.complete_name(s, admin, w.actor("applicant").account_id, "张三丰")
        assert s.get(Person, w.applicant_person_id).name == "张三丰"
        with pytest.raises(ValidationError):
            ua.complete_name(s, admin, w.actor("applicant").account_id, "张")
        ua.edit_unit(s, admin, name="市建筑设计研究院", legal_representative="赵六", contact_phone="0851-85551234")
        assert s.get(Unit, w.units["employer"]).name == "市建筑设计研究院"
        with pytest.raises(ValidationError) as e:
            ua.edit_unit(s, admin, name="", legal_representative="", contact_phone="x")
        assert len(e.value.details) == 3
        with pytest.raises(NotFound):
            ua.edit_unit(s, w.actor("unit_op"), name="x公司", legal_representative="赵六", contact_phone="13912345678")
        assert _audits(s, "complete_name") == 1 and _audits(s, "unit_edit") == 1


def test_an_admin_of_unit_a_cannot_touch_unit_b_accounts_by_id(uow):
    with uow.write() as s:
        w = World.build(s)
        admin, foreign = w.actor("unit_admin"), w.actor("other_applicant").account_id
        for call in (lambda: ua.grant(s, admin, foreign, "unit_operator"),
                     lambda: ua.revoke(s, admin, foreign, "unit_operator"),
                     lambda: ua.hand_over(s, admin, foreign), lambda: ua.leave_unit(s, admin, foreign),
                     lambda: ua.complete_name(s, admin, foreign, "李四四"),
                     lambda: ua.grant(s, admin, 999999, "unit_operator"),
                     lambda: accounts.reset_password(s, admin, foreign),
                     lambda: accounts.set_enabled(s, admin, foreign, False),
                     lambda: personal_accounts.edit_personal_account(s, admin, foreign, name="李四", phone="13912345678"),
                     lambda: ua.grant(s, w.actor("unit_op"), w.actor("applicant").account_id, "unit_operator")):
            with pytest.raises(NotFound):
                call()


def test_personal_accounts_are_created_with_a_one_time_password_and_editable_until_they_act(uow):
    with uow.write() as s:
        w = World.build(s)
        admin = w.actor("unit_admin")
        with pytest.raises(ValidationError) as e:
            personal_accounts.create_personal_account(s, admin, name="赵", id_number="110101199003070017", phone="1")
        assert set(e.value.details) == {"person.name_invalid", "person.id_invalid", "person.phone_invalid"}
        number = _id("52010119900101002")
        account_id, temporary = personal_accounts.create_personal_account(
            s, admin, name="赵七", id_number=number, phone="13912345678")
        with pytest.raises(ValidationError) as e:
            personal_accounts.create_personal_account(s, admin, name="赵七", id_number=number, phone="13912345678")
        assert e.value.key == "admin.id_taken"
        account = s.get(Account, account_id)
        assert temporary and account.must_change_password and account.login_name == number.lower()
        assert s.get(Person, account.person_id).unit_id == w.units["employer"]
        assert personal_accounts.editable(s, admin, account_id)
        personal_accounts.edit_personal_account(s, admin, account_id, name="赵七七", phone="13912345679")
        assert account.display_name == "赵七七"
        from core.audit import trail as audit
        from db.base import utcnow
        audit.append(s, kind="transition", action="submit", at=utcnow(), account_id=account_id)
        assert not personal_accounts.editable(s, admin, account_id)
        with pytest.raises(ValidationError) as e:
            personal_accounts.edit_personal_account(s, admin, account_id, name="赵八", phone="13912345679")
        assert e.value.key == "admin.not_editable"
        with pytest.raises(NotFound):
            personal_accounts.create_personal_account(s, w.actor("unit_op"), name="赵七", id_number=number,
                                                      phone="13912345678")
