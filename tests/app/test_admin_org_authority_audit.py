"""The organization workspace (tree with counts, unit details, a parent link asked and approved), the
review-authority filing approved by the province, and the scoped audit trail with a filter."""
from __future__ import annotations

from sqlalchemy import select

from core.common.i18n import t
from core.setup.demo import DEMO_PASSWORD
from db.models import Committee, Unit
from db.session import make_engine, read_session
from tests.app.support import assert_ok, click, nav, row_actions, sign_in, start


def _page(login: str, page: str):
    at = sign_in(start(), login, DEMO_PASSWORD)
    at.switch_page(f"pages/{page}.py").run()
    assert_ok(at)
    return at


def _ok(at) -> bool:
    return t("accounts.done") in [s.value for s in at.success]


def test_the_unit_admin_sees_the_tree_edits_the_unit_and_a_parent_link_is_approved(app_db):
    at = _page("demo_unit_admin", "org_admin")
    tree = at.dataframe[0].value
    assert len(tree) >= 1 and tree[t("org.col_accounts")].iloc[0] >= 1
    at.text_input(key="org_admin.unit_rep").input("王院长")
    at.text_input(key="org_admin.unit_phone").input("0854-8221234")
    click(at, "org_admin", "save_unit")
    assert_ok(at) and _ok(at)
    with read_session(make_engine(app_db)) as s:
        prov = s.scalar(select(Unit).where(Unit.kind == "hr_bureau", Unit.region_level == "province"))
        prov_id, prov_name = prov.id, prov.name
    at.text_input(key="org_admin.parent_search").input(prov_name).run()
    at.selectbox(key="org_admin.parent").set_value(prov_id).run()
    at.text_input(key="org_admin.link_reason").input("直接归口省厅")
    click(at, "org_admin", "link_request")
    assert_ok(at) and _ok(at)
    hr = _page("demo_prov_hr", "org_admin")
    accept = row_actions(hr, "org_admin", "link_accept")
    assert len(accept) == 1
    accept[0].click().run()
    assert_ok(hr) and _ok(hr)
    with read_session(make_engine(app_db)) as s:
        unit = s.scalar(select(Unit).where(Unit.legal_representative == "王院长"))
        assert unit.parent_id == prov_id


def test_a_committee_organizer_files_authority_and_the_province_approves(app_db):
    at = _page("demo_committee_op", "authority")
    at.text_input(key="authority.name").input("省卫生系列中级评委会（新）")
    at.multiselect(key="authority.levels").set_value(["intermediate"]).run()
    with read_session(make_engine(app_db)) as s:
        prov_id = s.scalar(select(Unit.id).where(Unit.kind == "hr_bureau", Unit.region_level == "province"))
    at.selectbox(key="authority.region").set_value(prov_id).run()
    click(at, "authority", "submit")
    assert_ok(at) and _ok(at)
    hr = _page("demo_prov_hr", "authority")
    accept = row_actions(hr, "authority", "accept")
    assert len(accept) == 1
    accept[0].click().run()
    assert_ok(hr) and _ok(hr)
    with read_session(make_engine(app_db)) as s:
        assert s.scalar(select(Committee.authority_status).where(Committee.name == "省卫生系列中级评委会（新）")) \
            == "approved"


def test_the_audit_trail_is_shown_to_admins_with_filters_and_to_no_one_else(app_db):
    at = _page("demo_unit_admin", "audit_log")
    table = at.dataframe[0].value
    assert "demo_unit_admin" in list(table[t("auditview.login")])
    at.selectbox(key="audit_log.kind").set_value("login").run()
    assert_ok(at)
    assert set(at.dataframe[0].value[t("auditview.kind")]) == {"login"}
    operator = sign_in(start(), "demo_unit_op", DEMO_PASSWORD)
    assert "audit_log" not in nav(operator) and "org_admin" not in nav(operator)
    assert "audit_log" in nav(sign_in(start(), "demo_city_hr", DEMO_PASSWORD))
