"""Each demo user signs in through the real login form and gets exactly their workspaces; pages render."""
from __future__ import annotations

import pytest

from core.workspaces import workspaces_for
from db.demo import DEMO_LOGINS, DEMO_PASSWORD
from tests.app.support import assert_ok, nav, registered_url_paths, sign_in, start

EXPECTED = {
    "demo_applicant": ["my_declarations"],
    "demo_unit_admin": ["unit_accounts"],
    "demo_unit_op": ["unit_verify", "unit_publicity", "unit_recommend"],
    "demo_dept_op": ["relay"],
    "demo_county_hr": ["relay", "filing"],
    "demo_city_hr": ["relay", "filing"],
    "demo_prov_hr": ["relay", "filing"],
    "demo_committee_op": ["material_receipt", "committee_publicity", "filing"],
    "demo_reviewer": ["policy_review"],
    "demo_expert": [], "demo_leader": [], "demo_chair": [], "demo_vice_chair": [], "demo_member": [],
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
    assert registered_url_paths(at) == {"", "change-password", *(f"ws-{w.replace('_', '-')}"
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
