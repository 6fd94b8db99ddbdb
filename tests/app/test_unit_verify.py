"""单位内部核验 in AppTest: status lists, filters, batch approve with a confirmation, returns, withdraw."""
from __future__ import annotations

import math

from sqlalchemy import select

from core.common.i18n import t
from core.setup.demo import DEMO_PASSWORD
from db.models import AuditEvent, Declaration
from db.session import make_engine, read_session
from tests.app.support import asks_to_confirm, assert_ok, click, confirm, errors, held, sign_in, start, submit, unit_of

WS = "unit_verify"


def _open(app_db):
    at = sign_in(start(), "demo_unit_op", DEMO_PASSWORD)
    at.switch_page(f"pages/{WS}.py").run()
    assert_ok(at)
    return at


def _pending(url: str, **equal) -> tuple[list[int], list[int]]:
    """(first verifications, supplements) waiting in the demo unit, found by query."""
    unit = unit_of(url, "demo_unit_op")
    return held(url, unit, "unit_verify", **equal), held(url, unit, "supplement_verify", **equal)


def _states(url: str, ids) -> dict[int, str]:
    with read_session(make_engine(url)) as s:
        return dict(s.execute(select(Declaration.id, Declaration.state).where(Declaration.id.in_(list(ids)))).all())


def test_the_pending_list_renders_with_supplements_marked_and_an_export_button(app_db):
    at = _open(app_db)
    assert at.title[0].value == t(f"ws.{WS}")
    first, supplements = _pending(app_db)
    assert first and supplements  # the demo unit has both kinds waiting
    picks = at.multiselect(key=f"{WS}.chosen").options
    assert sorted(_ids(picks)) == sorted(first + supplements)
    assert sum(t("state.supplement_verify") in p for p in picks) == len(supplements)
    marks = sum(t("worklist.supplement_mark") == v for d in at.dataframe for v in d.value.astype(str).values.ravel())
    assert marks == len(supplements)
    assert at.get("download_button")  # the Excel export
    total = len(first) + len(supplements)
    assert t("worklist.page_of", n=1, m=1, total=total) in [c.value for c in at.caption]


def _ids(options) -> list[int]:
    return [int(o.split()[0].lstrip("#")) for o in options]


def test_filters_sorting_and_status_change_the_list(app_db):
    at = _open(app_db)
    at.selectbox(key=f"{WS}.level").select("intermediate").run()
    assert_ok(at)
    first, supplements = _pending(app_db, level_code="intermediate")
    assert first or supplements
    assert sorted(_ids(at.multiselect(key=f"{WS}.chosen").options)) == sorted(first + supplements)
    assert _pending(app_db, level_code="intermediate", series_code="engineering") == ([], [])  # a hospital
    at.selectbox(key=f"{WS}.series").select("engineering").run()
    assert t("ws.empty") in [i.value for i in at.info]
    at.selectbox(key=f"{WS}.series").select("__all__").run()
    at.selectbox(key=f"{WS}.level").select("__all__").run()
    at.selectbox(key=f"{WS}.sort").select("id").run()
    ascending = _ids(at.multiselect(key=f"{WS}.chosen").options)
    at.toggle(key=f"{WS}.descending").set_value(True).run()
    assert _ids(at.multiselect(key=f"{WS}.chosen").options) == sorted(ascending, reverse=True)
    for status in ("passed", "failed"):
        at.radio(key=f"{WS}.status").set_value(status).run()
        assert_ok(at)
        assert not [m for m in at.multiselect if m.key == f"{WS}.chosen"]  # batch approve only on pending


def test_batch_approve_asks_for_confirmation_then_moves_all(app_db):
    at = _open(app_db)
    at.selectbox(key=f"{WS}.sort").select("id").run()
    chosen = at.multiselect(key=f"{WS}.chosen")
    first, supplements = _pending(app_db)
    ids = [first[0], supplements[0]]  # one first verification, one supplement
    assert set(ids) <= set(_ids(chosen.options))
    chosen.set_value(ids).run()
    click(at, WS, "batch_approve")
    assert _states(app_db, ids) == {ids[0]: "unit_verify", ids[1]: "supplement_verify"}  # nothing before "yes"
    confirm(at, WS)
    assert_ok(at)
    assert _states(app_db, ids) == {ids[0]: "unit_publicity", ids[1]: "policy_recheck"}  # supplements: re-examination
    assert t("verify.batch_done", count=2) in [s.value for s in at.success]


def test_reject_one_with_a_reason_via_the_dossier(app_db):
    at = _open(app_db)
    declaration_id = _pending(app_db)[0][0]
    at.selectbox(key=f"{WS}.pick").select(declaration_id).run()
    click(at, WS, "reject")
    at.text_area(key=f"{WS}.reason").input("学历证书不清晰")
    submit(at, WS)
    if asks_to_confirm(at, WS):
        confirm(at, WS)
    assert_ok(at)
    assert not errors(at)
    assert _states(app_db, [declaration_id])[declaration_id] in ("returned", "supplement")
    with read_session(make_engine(app_db)) as s:
        comment = s.scalar(select(AuditEvent.comment).where(AuditEvent.declaration_id == declaration_id)
                           .order_by(AuditEvent.id.desc()).limit(1))
    assert comment == "学历证书不清晰"


def test_the_returned_and_withdraw_tabs_render(app_db):
    at = _open(app_db)
    labels = [tab.label for tab in at.tabs]
    assert t("tab.returned") in labels and t("tab.withdraw") in labels
    at.session_state[f"{WS}.tab"] = t("tab.returned")
    at.run()
    assert any(d.value.shape[0] for d in at.dataframe)  # the demo unit has returned declarations
    at.session_state[f"{WS}.tab"] = t("tab.withdraw")
    at.run()
    assert at.selectbox(key=f"{WS}.withdraw_pick").options


def test_an_approved_declaration_can_be_withdrawn_from_the_withdraw_tab(app_db):
    at = _open(app_db)
    approved = _pending(app_db)[0][0]
    at.selectbox(key=f"{WS}.pick").select(approved).run()
    click(at, WS, "approve")
    confirm(at, WS)
    assert _states(app_db, [approved]) == {approved: "unit_publicity"}
    at.session_state[f"{WS}.tab"] = t("tab.withdraw")
    at.run()
    at.selectbox(key=f"{WS}.withdraw_pick").select(approved).run()
    click(at, WS, "withdraw")
    assert _states(app_db, [approved]) == {approved: "unit_publicity"}  # not before "yes"
    confirm(at, WS)
    assert_ok(at)
    assert _states(app_db, [approved]) == {approved: "unit_verify"}


def test_paging_is_done_in_sql_with_previous_and_next(app_db, monkeypatch):
    from ui import unit_verify as page

    monkeypatch.setattr(page, "PAGE_SIZE", 3)
    total = sum(map(len, _pending(app_db)))
    assert total > 3  # more than one page
    at = _open(app_db)
    at.selectbox(key=f"{WS}.sort").select("id").run()
    first = _ids(at.multiselect(key=f"{WS}.chosen").options)
    pages = math.ceil(total / 3)
    assert len(first) == 3 and t("worklist.page_of", n=1, m=pages, total=total) in [c.value for c in at.caption]
    at.button(key=f"{WS}.page_no.next").click().run()
    second = _ids(at.multiselect(key=f"{WS}.chosen").options)
    assert len(second) == min(3, total - 3) and max(first) < min(second)
    at.button(key=f"{WS}.page_no.prev").click().run()
    assert _ids(at.multiselect(key=f"{WS}.chosen").options) == first
    at.button(key=f"{WS}.page_no.next").click().run()
    at.selectbox(key=f"{WS}.level").select("intermediate").run()  # a new filter starts at the first page
    intermediate = sum(map(len, _pending(app_db, level_code="intermediate")))
    expected = t("worklist.page_of", n=1, m=math.ceil(intermediate / 3), total=intermediate)
    assert expected in [c.value for c in at.caption]
