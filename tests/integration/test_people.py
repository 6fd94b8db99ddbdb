"""Self-registration with a validated ID number, fuzzy unit search, and binding to an employer."""
import pytest
from sqlalchemy import select
from stdnum.cn import ric

from core.identity import people
from core.identity.account_rules import contexts
from core.identity.accounts import authenticate
from core.common.errors import NotFound, ValidationError
from core.declaring.transitions import act
from db.models import Person
from tests.world import World

GOOD = "Kq7#mVx2pLw9"


def valid_id(body: str = "52010219900307123") -> str:
    return body + ric.calc_check_digit(body + "0")


def test_registration_validates_every_field_and_lists_all_problems(uow):
    with uow.write() as s, pytest.raises(ValidationError) as bad:
        people.register_applicant(s, name="王", id_number="520102199003071231", phone="12345", password="short")
    assert {"person.name_invalid", "person.id_invalid", "person.phone_invalid", "password.too_short"} \
        <= set(bad.value.details)


def test_a_registered_id_number_is_told_to_log_in(uow):
    with uow.write() as s:
        account = people.register_applicant(s, name="王小明", id_number=valid_id(), phone="13800001234",
                                            password=GOOD)
        assert [c.role for c in contexts(s, account.id)] == ["applicant"]
        assert authenticate(s, valid_id().lower(), GOOD).person_id == account.person_id
    with uow.write() as s, pytest.raises(ValidationError) as again:
        people.register_applicant(s, name="王小明", id_number=valid_id(), phone="13800001234", password=GOOD)
    assert again.value.message() == "已注册，请直接登录"


def test_units_are_found_by_fragments_of_their_name(uow):
    with uow.write() as s:
        World.build(s)
        assert [name for _, name in people.search_units(s, "建筑 设计")] == ["市建筑设计院"]
        assert people.search_units(s, "%") == []


def test_declaring_waits_until_the_unit_accepts_the_binding(uow):
    with uow.write() as s:
        w = World.build(s)
        person = s.get(Person, w.applicant_person_id)
        person.unit_id = None
        declaration = w.new_declaration()
        binding = people.request_binding(s, w.actor("applicant"), w.units["employer"])
        assert people.binding_status(s, person.id) == ("pending", "市建筑设计院")
        with pytest.raises(Exception) as refused:
            act(s, w.actor("applicant"), declaration, "submit", {"pledge": "x"})
        assert "guard.not_bound" in refused.value.details
        with pytest.raises(NotFound):
            people.decide_binding(s, w.actor("sibling_op"), binding.id, True)
        assert people.pending_bindings(s, w.actor("unit_op"))[0][1] == "张三"
        people.decide_binding(s, w.actor("unit_op"), binding.id, True)
        assert people.binding_status(s, person.id) == ("bound", "市建筑设计院")
        assert s.scalar(select(Person.unit_id).where(Person.id == person.id)) == w.units["employer"]
