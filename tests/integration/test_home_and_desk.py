"""The home page's numbers per scope, and the workspace desk: detail, offered actions, stale clicks."""
import pytest

from core.desks import generic as desk
from core.common.errors import ConcurrentChange, NotFound
from core.desks.home import home_numbers
from core.workflow import Actor
from tests.world import World


def _world(uow, state: str = "unit_verify"):
    with uow.write() as s:
        w = World.build(s)
        d = w.new_declaration()
        w.drive(d, state)
        w.new_declaration()  # a draft
    return w, d


def test_home_numbers_count_the_scope_and_the_to_dos(uow):
    w, d = _world(uow)
    unit = home_numbers(uow, w.actor("unit_op"))
    assert unit["total"] == 1 and unit["by_state"] == {"unit_verify": 1}  # the draft is the applicant's
    assert unit["todo"] == {"unit_verify": 1, "unit_publicity": 0, "unit_recommend": 0}
    assert dict(unit["funnel"]["review"])["submitted"] == 1
    assert sum(n for _, n in unit["weekly_new"]) == 1
    sibling = home_numbers(uow, w.actor("sibling_op"))
    assert sibling["total"] == 0
    applicant = home_numbers(uow, w.actor("applicant"))
    assert applicant["total"] == 2 and applicant["todo"] == {"my_declarations": 1}
    expert = home_numbers(uow, Actor(account_id=999, role="expert"))
    assert expert["total"] == 0 and expert["todo"] == {"expert_review": 0, "panel_vote": 0}  # nothing waits


def test_the_desk_offers_the_engines_actions_and_refuses_other_workspaces(uow):
    w, d = _world(uow)
    detail = desk.load_detail(uow, w.actor("unit_op"), "unit_verify", d)
    assert [o.action for o in detail.options] == ["approve", "reject", "return_to_applicant"]
    with pytest.raises(NotFound):
        desk.load_detail(uow, w.actor("unit_op"), "relay", d)
    with pytest.raises(NotFound):
        desk.load_detail(uow, w.actor("sibling_op"), "unit_verify", d)


def test_a_click_on_a_declaration_someone_else_just_moved_reports_the_concurrent_change(uow):
    w, d = _world(uow)
    seen = desk.load_detail(uow, w.actor("unit_op"), "unit_verify", d).dossier.version
    desk.act(uow, w.actor("unit_op"), "unit_verify", d, "approve", {}, seen)  # a colleague was faster
    with pytest.raises(ConcurrentChange) as stale:
        desk.act(uow, w.actor("unit_op"), "unit_verify", d, "approve", {}, seen)
    assert stale.value.message("zh") == "该申报已被他人处理，请刷新后查看最新状态"


def test_committee_choices_are_offered_only_with_assign_committee(uow):
    w, d = _world(uow, "relay")
    with uow.write() as s:
        w.session = s
        w.do("dept_op", d, "approve")
        w.do("city_hr", d, "approve")
    detail = desk.load_detail(uow, w.actor("prov_hr"), "relay", d)
    assert "assign_committee" in [o.action for o in detail.options]
    assert detail.committees == [(w.committee_id, "省工程系列高级评委会")]


def test_a_cancelled_draft_is_counted_by_no_one_but_its_applicant(uow):
    with uow.write() as s:
        w = World.build(s)
        d = w.new_declaration()
        w.drive(d, "material_receipt")  # with the committee
        thrown_away = w.new_declaration()
        w.do("applicant", thrown_away, "cancel")  # a draft the applicant never submitted
    assert home_numbers(uow, w.actor("applicant"))["total"] == 2
    for who in ("unit_op", "city_hr", "committee_op"):
        numbers = home_numbers(uow, w.actor(who))
        assert numbers["total"] == 1 and "cancelled" not in numbers["by_state"], who
