"""Other roles through the same workspace renderer: typed pledge, committee choice, opinions, blocked actions."""
from __future__ import annotations

from sqlalchemy import select

from core.common.i18n import t
from core.machines.pledge import PLEDGE_TEXT
from core.setup.demo import DEMO_PASSWORD
from db.models import AuditEvent, Declaration
from db.uow import UnitOfWork

from tests.app.support import action, assert_ok, click, confirm, errors, sign_in, start, submit, unescaped
from ui import workspace as workspace_ui


def _open(at, ws: str, state: str) -> int:
    """Open the first declaration of the workspace's inbox that is in ``state``."""
    at.switch_page(f"pages/{ws}.py").run()
    assert_ok(at)
    pick = at.selectbox(key=f"{ws}.pick")
    label = next(o for o in pick.options[1:] if o.endswith(t(f"state.{state}")))
    declaration_id = int(label.split()[0].lstrip("#"))
    pick.select(declaration_id).run()
    assert_ok(at)
    return declaration_id


def _row(url: str, declaration_id: int):
    with UnitOfWork.from_url(url).read() as s:
        return s.execute(select(Declaration.state, Declaration.committee_id)
                         .where(Declaration.id == declaration_id)).one()


def test_the_applicant_submits_a_draft_only_with_the_pledge_typed_exactly(app_db):
    at = sign_in(start(), "demo_applicant", DEMO_PASSWORD)
    ws = "my_declarations"
    declaration_id = _open(at, ws, "draft")
    id_line = next(m.value for m in at.markdown if m.value.startswith(f"**{t('detail.id_number')}**"))
    assert "**********" in unescaped(id_line)  # masked
    click(at, ws, "submit")
    assert any(PLEDGE_TEXT in m.value for m in at.markdown)  # shown for reference
    at.text_area(key=f"{ws}.pledge").input("本人承诺所提交的材料真实有效。")
    submit(at, ws)  # refused before any confirmation
    assert_ok(at)
    assert t("guard.pledge_mismatch") in errors(at)[0]
    assert _row(app_db, declaration_id).state == "draft"
    at.text_area(key=f"{ws}.pledge").input(PLEDGE_TEXT)
    submit(at, ws)
    confirm(at, ws)
    assert_ok(at)
    assert _row(app_db, declaration_id).state == "unit_verify"


def test_the_provincial_hr_bureau_assigns_an_authorised_committee(app_db):
    at = sign_in(start(), "demo_prov_hr", DEMO_PASSWORD)
    declaration_id = _open(at, "relay", "relay")
    assert action(at, "relay", "approve").disabled  # the top of the route must assign instead
    assert any(t("guard.top_must_assign") in w.value for w in at.warning)
    click(at, "relay", "assign_committee")
    committee = at.selectbox(key="relay.committee")
    assert committee.options  # only committees with approved authority are offered
    chosen = committee.value
    submit(at, "relay")
    confirm(at, "relay")
    assert_ok(at)
    row = _row(app_db, declaration_id)
    assert row.state == "material_receipt" and row.committee_id == chosen


def test_a_policy_reviewer_records_an_initial_review_without_a_confirmation_step(app_db):
    at = sign_in(start(), "demo_reviewer", DEMO_PASSWORD)
    declaration_id = _open(at, "policy_review", "policy_review")
    click(at, "policy_review", "initial_review")
    at.radio(key="policy_review.result").set_value("fail")
    at.text_area(key="policy_review.opinion").input("任职年限不足")
    submit(at, "policy_review")
    assert_ok(at)
    with UnitOfWork.from_url(app_db).read() as s:
        event = s.execute(select(AuditEvent.action, AuditEvent.comment, AuditEvent.detail)
                          .where(AuditEvent.declaration_id == declaration_id)
                          .order_by(AuditEvent.id.desc()).limit(1)).one()
    assert event.action == "initial_review" and event.comment == "任职年限不足" and event.detail["result"] == "fail"
    assert _row(app_db, declaration_id).state == "policy_review"


def test_the_inbox_filters_by_series_and_year(app_db):
    at = sign_in(start(), "demo_prov_hr", DEMO_PASSWORD)
    at.switch_page("pages/relay.py").run()
    everything = len(at.selectbox(key="relay.pick").options)
    at.selectbox(key="relay.series").select("health").run()
    assert_ok(at)
    assert 1 < len(at.selectbox(key="relay.pick").options) < everything
    oldest = at.selectbox(key="relay.year").options[-1]
    at.selectbox(key="relay.year").select(int(oldest)).run()
    assert_ok(at)
    assert at.selectbox(key="relay.pick").options == [t("ws.select_none")]
    assert t("ws.empty") in [i.value for i in at.info]


def test_the_inbox_pages_forward_with_the_next_page_button(app_db, monkeypatch):
    monkeypatch.setattr(workspace_ui, "PAGE_SIZE", 5)
    at = sign_in(start(), "demo_prov_hr", DEMO_PASSWORD)
    at.switch_page("pages/relay.py").run()
    first = at.selectbox(key="relay.pick").options[1:]
    assert len(first) == 5
    at.button(key="relay.next").click().run()
    assert_ok(at)
    second = at.selectbox(key="relay.pick").options[1:]
    assert second and not set(first) & set(second)
    assert t("ws.page", n=2) in [c.value for c in at.caption]
    at.button(key="relay.first").click().run()
    assert at.selectbox(key="relay.pick").options[1:] == first


def test_the_inbox_lists_each_rows_ready_actions_and_leaves_out_blocked_ones(app_db):
    at = sign_in(start(), "demo_prov_hr", DEMO_PASSWORD)
    at.switch_page("pages/relay.py").run()
    assert_ok(at)
    table = next(d.value for d in at.dataframe if t("col.ready") in d.value.columns)
    first = table[t("col.ready")].iloc[0].split("、")
    assert t("action.assign_committee") in first and t("action.reject") in first
    assert t("action.approve") not in first  # blocked at the top of the route, as the dossier's button is
