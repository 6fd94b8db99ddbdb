"""The dossier a workspace shows: masked personal data, the timeline with unit names, scope checks."""
import pytest

from core.declaring.dossier import access_declaration, authorised_committees, dossier
from core.common.errors import NotFound
from db.session import unit_of_work
from tests.world import World


def test_the_dossier_masks_personal_data_and_tells_who_holds_it_since_when(engine):
    with unit_of_work(engine) as s:
        w = World.build(s)
        d = w.new_declaration()
        w.drive(d, "unit_publicity")
        info = dossier(s, w.actor("unit_op"), d)
        assert info.applicant_name == "张三"
        assert info.id_number == "1101**********0016"
        assert info.phone == "138****1234"
        assert info.holder_name == "市建筑设计院" and info.state == "unit_publicity"
        assert info.series[0] == "工程" and info.level[0] == "副高级"
        assert set(info.records) == {"education", "qualification", "work_history", "achievement", "work_summary"}


def test_the_timeline_lists_every_step_with_the_acting_unit(engine):
    with unit_of_work(engine) as s:
        w = World.build(s)
        d = w.new_declaration()
        w.drive(d, "relay")
        w.attach(d, "unit_proof")
        steps = dossier(s, w.actor("applicant"), d).timeline
        assert [(e.action, e.from_state, e.to_state) for e in steps] == [
            ("submit", "draft", "unit_verify"), ("approve", "unit_verify", "unit_publicity"),
            ("complete_publicity", "unit_publicity", "unit_recommend"), ("recommend", "unit_recommend", "relay")]
        assert steps[1].unit_name == "市建筑设计院" and steps[0].unit_name is None
        assert steps[3].comment is None


def test_a_sibling_unit_gets_the_same_not_found_as_for_a_missing_declaration(engine):
    with unit_of_work(engine) as s:
        w = World.build(s)
        d = w.new_declaration()
        w.drive(d, "unit_verify")
        with pytest.raises(NotFound) as sibling:
            dossier(s, w.actor("sibling_op"), d)
        with pytest.raises(NotFound) as missing:
            dossier(s, w.actor("unit_op"), 999_999)
        assert str(sibling.value) == str(missing.value)
        with pytest.raises(NotFound):
            access_declaration(s, w.actor("other_applicant"), d)


def test_assigning_a_committee_offers_only_committees_with_review_authority(engine):
    with unit_of_work(engine) as s:
        w = World.build(s)
        d = w.new_declaration()
        w.drive(d, "relay")
        assert authorised_committees(s, w.actor("dept_op"), d) == [(w.committee_id, "省工程系列高级评委会")]
