"""单位推荐上报 in AppTest: operator, the unit's proof, recommend after a confirmation; reporting paths."""
from __future__ import annotations

from sqlalchemy import select

from core.common.i18n import t
from core.setup.demo import DEMO_PASSWORD
from core.setup.demo.files import make_pdf
from db.models import Attachment, Declaration, ReportPath
from db.session import make_engine, read_session
from tests.app.support import assert_ok, click, confirm, errors, held, sign_in, start, unit_of

WS = "unit_recommend"


def _open(login: str = "demo_unit_op"):
    at = sign_in(start(), login, DEMO_PASSWORD)
    at.switch_page(f"pages/{WS}.py").run()
    assert_ok(at)
    return at


def _states(url: str, ids) -> dict[int, str]:
    with read_session(make_engine(url)) as s:
        return dict(s.execute(select(Declaration.id, Declaration.state).where(Declaration.id.in_(list(ids)))).all())


def test_recommend_needs_the_proof_then_reports_all_after_confirmation(app_db):
    at = _open()
    assert at.get("download_button")
    ids = held(app_db, unit_of(app_db, "demo_unit_op"), "unit_recommend")[:2]
    assert len(ids) == 2, "the demo unit has two declarations to recommend"
    waiting = dict.fromkeys(ids, "unit_recommend")
    at.multiselect(key=f"{WS}.chosen").set_value(ids).run()
    at.text_input(key=f"{WS}.operator_name").input("王经办")
    at.text_input(key=f"{WS}.operator_phone").input("13800000000")
    click(at, WS, "recommend")
    confirm(at, WS)
    assert_ok(at)
    assert errors(at)  # no unit proof yet: refused, nothing moved
    assert _states(app_db, ids) == waiting
    at.multiselect(key=f"{WS}.chosen").set_value(ids).run()
    at.file_uploader(key=f"{WS}.proof0").set_value(("推荐证明.pdf", make_pdf("推荐证明", ["同意推荐"]), "application/pdf"))
    click(at, WS, "recommend")
    assert _states(app_db, ids) == waiting  # not before "yes"
    confirm(at, WS)
    assert_ok(at)
    assert not errors(at)
    assert set(_states(app_db, ids).values()) <= {"relay", "dept_review"}
    with read_session(make_engine(app_db)) as s:
        proofs = s.scalars(select(Attachment.declaration_id).where(Attachment.purpose == "unit_proof",
                                                                     Attachment.declaration_id.in_(ids))).all()
    assert sorted(proofs) == ids
    assert not [u for u in at.file_uploader if u.key == f"{WS}.proof0"]  # a fresh uploader for the next batch


def test_a_unit_applies_for_a_reporting_path_and_the_target_approves_it(app_db):
    at = _open()
    at.session_state[f"{WS}.tab"] = t("tab.paths")
    at.run()
    at.selectbox(key=f"{WS}.path_series").select("health")
    at.selectbox(key=f"{WS}.path_level").select("intermediate").run()
    at.text_input(key=f"{WS}.path_search").input("省人力资源").run()
    target = at.selectbox(key=f"{WS}.path_target")
    province = unit_of(app_db, "demo_prov_hr")  # the provincial HR bureau
    assert target.options  # departments and HR bureaus outside the unit, found by name
    target.select(province).run()
    click(at, WS, "path_apply")
    confirm(at, WS)
    assert_ok(at)
    with read_session(make_engine(app_db)) as s:
        path_id, status, target_id = s.execute(select(ReportPath.id, ReportPath.status, ReportPath.target_unit_id)).one()
    assert (status, target_id) == ("pending", province)
    assert any(t("report_path.status.pending") in d.value.to_string() for d in at.dataframe)

    hr = sign_in(start(), "demo_prov_hr", DEMO_PASSWORD)
    hr.switch_page("pages/relay.py").run()
    hr.session_state["relay.tab"] = t("tab.paths")
    hr.run()
    hr.selectbox(key="relay.path_pick").select(path_id)
    click(hr, "relay", "path_approve")
    confirm(hr, "relay")
    assert_ok(hr)
    with read_session(make_engine(app_db)) as s:
        assert s.scalar(select(ReportPath.status).where(ReportPath.id == path_id)) == "approved"
