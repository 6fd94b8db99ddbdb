"""Which roles get which workspaces: declared once in core.desks.workspaces, checked here against the issue."""
import pytest

from core.workflow import ROLES, Actor, Option
from core.desks.workspaces import WORKSPACES, may_use, shown_actions, workspaces_for

EXPECTED = {
    "applicant": ["my_declarations"],
    "unit_admin": ["unit_accounts", "org_admin", "audit_log", "calendar", "analytics"],
    "unit_operator": ["unit_verify", "unit_publicity", "unit_recommend", "analytics"],
    "dept_operator": ["relay", "org_admin", "analytics"],
    "hr_operator": ["relay", "filing", "org_admin", "authority", "audit_log", "analytics"],
    "committee_operator": ["material_receipt", "committee_publicity", "panel_admin", "panel_console", "filing",
                           "authority", "reviewer_accounts", "analytics"],
    "policy_reviewer": ["policy_review", "committee_publicity"],
    "expert": ["expert_review", "panel_vote"],
    "group_leader": ["panel_group", "expert_review", "panel_vote"],
    "chair": ["panel_console", "expert_review", "panel_vote"],
    "vice_chair": ["panel_console", "expert_review", "panel_vote"],
    "committee_member": ["expert_review", "panel_vote"],
}


def _actor(role: str, unit_id: int | None = 1) -> Actor:
    return Actor(account_id=1, role=role, unit_id=unit_id)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_workspaces(role):
    assert [w.id for w in workspaces_for([_actor(role)])] == EXPECTED[role]


def test_several_contexts_get_the_union_in_menu_order_each_once():
    spaces = workspaces_for([_actor("hr_operator"), _actor("committee_operator"), _actor("dept_operator")])
    assert [w.id for w in spaces] == ["relay", "material_receipt", "committee_publicity", "panel_admin",
                                      "panel_console", "filing", "org_admin", "authority", "audit_log",
                                      "reviewer_accounts", "analytics"]


def test_every_workspace_has_a_page_file_and_a_title_in_the_catalogue():
    from pathlib import Path

    from core.common.i18n import MESSAGES
    from ui.pages_map import ICONS, page_file

    root = Path(__file__).resolve().parents[2]
    for w in WORKSPACES:
        assert (root / page_file(w.id)).is_file(), w.id
        assert w.id in ICONS
        assert w.title_key in MESSAGES


def test_a_role_outside_the_workspace_may_not_use_it():
    assert may_use(_actor("unit_operator"), "unit_verify")
    assert not may_use(_actor("applicant"), "unit_verify")
    assert not may_use(None, "my_declarations")


def test_the_draft_save_action_is_not_offered_as_a_button():
    options = [Option("save", "draft", False, (), False), Option("submit", "unit_verify", False, ("pledge",), True)]
    assert [o.action for o in shown_actions(options)] == ["submit"]
