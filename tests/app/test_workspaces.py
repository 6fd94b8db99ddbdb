"""Each demo user signs in through the real login form and gets exactly their workspaces; pages render."""
from __future__ import annotations

import pytest

from core.common.i18n import t
from core.desks.workspaces import workspaces_for
from core.setup.demo import DEMO_LOGINS, DEMO_PASSWORD
from db.uow import UnitOfWork
from tests.app.support import assert_ok, nav, registered_url_paths, sign_in, start

EXPECTED = {
    "demo_applicant": ["my_declarations"],
    "demo_unit_admin": ["unit_accounts", "org_admin", "audit_log", "calendar", "analytics"],
    "demo_prov_admin": ["unit_accounts", "org_admin", "audit_log", "calendar", "analytics"],
    "demo_unit_op": ["unit_verify", "unit_publicity", "unit_recommend", "analytics"],
    "demo_dept_op": ["relay", "org_admin", "analytics"],
    "demo_county_hr": ["relay", "filing", "org_admin", "authority", "audit_log", "analytics"],
    "demo_city_hr": ["relay", "filing", "org_admin", "authority", "audit_log", "analytics"],
    "demo_prov_hr": ["relay", "filing", "org_admin", "authority", "audit_log", "analytics"],
    "demo_committee_op": ["material_receipt", "committee_publicity", "panel_admin", "panel_console", "filing",
                          "authority", "reviewer_accounts", "analytics"],
    "demo_reviewer": ["policy_review", "committee_publicity"],
    "demo_expert": ["expert_review", "panel_vote"],
    "demo_leader": ["panel_group", "expert_review", "panel_vote"],
    "demo_chair": ["panel_console", "expert_review", "panel_vote"],
    "demo_vice_chair": ["panel_console", "expert_review", "panel_vote"],
    "demo_member": ["expert_review", "panel_vote"],
}


def test_every_demo_login_has_an_expected_workspace_list():
    assert set(EXPECTED) == set(DEMO_LOGINS)


@pytest.mark.parametrize("login_name", list(EXPECTED))
def test_a_demo_user_sees_exactly_their_workspaces_and_each_page_renders(app_db, login_name):
    at = sign_in(start(), login_name, DEMO_PASSWORD)
    contexts = tuple(dict.fromkeys(at.session_state["app.principal"].contexts))
    if len(contexts) > 1:  # experts hold several panel duties: act as the one this login demonstrates
        wanted = next(i for i, c in enumerate(contexts) if c.role == DEMO_LOGINS[login_name])
        at.sidebar.selectbox(key="app.context").select(wanted).run()
        assert_ok(at)
    actor = at.session_state["app.actor"]
    assert actor.role == DEMO_LOGINS[login_name]
    expected = ["home", *EXPECTED[login_name], "password"]
    assert nav(at) == expected
    assert nav(at)[1:-1] == [w.id for w in workspaces_for([actor])]
    assert registered_url_paths(at) == {"", "change-password", "public-notices", *(f"ws-{w.replace('_', '-')}"
                                                                 for w in EXPECTED[login_name])}
    for workspace_id in EXPECTED[login_name]:
        at.switch_page(f"pages/{workspace_id}.py").run()
        assert_ok(at)
        assert at.title[0].value
    at.switch_page("pages/home.py").run()
    assert_ok(at)


def test_a_page_outside_the_users_workspaces_cannot_be_reached(app_db):
    at = sign_in(start(), "demo_applicant", DEMO_PASSWORD)
    with pytest.raises(ValueError):
        at.switch_page("pages/unit_verify.py")


def test_the_home_page_shows_the_to_do_count_of_each_workspace(app_db):
    from core.desks.workspaces import todo_counts

    at = sign_in(start(), "demo_unit_op", DEMO_PASSWORD)
    with UnitOfWork.from_url(app_db).read() as s:
        expected = todo_counts(s, at.session_state["app.actor"])
    metrics = {m.label: m.value for m in at.metric}
    assert {w: metrics[t(f"ws.{w}")] for w in expected} == {w: str(n) for w, n in expected.items()}
    assert int(metrics[t("home.total")]) > 0
    assert len(at.get("plotly_chart")) >= 2 and len(at.get("vega_lite_chart")) >= 1


def test_a_user_with_several_roles_picks_the_context_and_gets_its_workspaces(app_db):
    from sqlalchemy import select

    from core.identity.accounts import create_account, grant_role
    from db.models import Account, RoleGrant

    with UnitOfWork.from_url(app_db).write() as s:
        units = {login: s.scalar(select(RoleGrant.unit_id).join(Account, Account.id == RoleGrant.account_id)
                                 .where(Account.login_name == login)) for login in ("demo_unit_op", "demo_dept_op")}
        account, _ = create_account(s, login_name="two_hats", display_name="两个身份", password="Kq7#mVx2pLw9")
        grant_role(s, account.id, "unit_operator", units["demo_unit_op"])
        grant_role(s, account.id, "dept_operator", units["demo_dept_op"])
    at = sign_in(start(), "two_hats", "Kq7#mVx2pLw9")
    picker = at.sidebar.selectbox(key="app.context")
    assert picker.options == [t("context.option", role=t("role.unit_operator"), unit="筑南市第一人民医院"),
                              t("context.option", role=t("role.dept_operator"), unit="筑南市卫生健康局")]
    assert nav(at) == ["home", "unit_verify", "unit_publicity", "unit_recommend", "analytics", "password"]
    picker.select(1).run()
    assert nav(at) == ["home", "relay", "org_admin", "analytics", "password"]
    assert at.session_state["app.actor"].role == "dept_operator"
