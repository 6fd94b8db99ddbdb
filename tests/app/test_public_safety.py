"""AppTest of the public objection limit, the bulk dismissal and the audit checkpoint (issue 14 §7, §8).

A visitor who reloads the portal (a new browser session) from the same address is still limited, and
is told when to try again; the unit dismisses a flood of objections at once, after a confirmation; the
audit view shows the latest signed checkpoint and names a cut tail."""
from __future__ import annotations

import itertools
import json

from sqlalchemy import delete, select, update

from core.common.i18n import t
from core.desks.unit import today
from core.review.objections import raise_objection
from core.setup.demo import DEMO_PASSWORD
from db.models import AuditChainHead, AuditEvent, Objection
from db.uow import UnitOfWork

from tests.app.support import assert_ok, click, confirm, errors, sign_in, start
from tests.app.test_review_pages import _portal, _running_notice
from tests.app.test_unit_publicity import WS, _open, _open_batch_with_objection


def _object_from_a_fresh_session(batch: int, contact: str):
    """A new AppTest is a new browser session: what a reload or a new tab gives."""
    at = _portal(start())
    at.selectbox(key="portal.pick").select(batch).run()
    at.text_input(key="portal.object_name").input("王五")
    at.text_input(key="portal.object_contact").input(contact)
    at.text_area(key="portal.object_text").input("该同志的业绩材料与实际不符")
    at.button(key="portal.object_submit").click().run()
    assert_ok(at)
    return at


def _behind_a_proxy(monkeypatch, addresses) -> None:
    """The app behind one trusted proxy, which reports each new session's address from ``addresses``."""
    monkeypatch.setenv("TITLES_TRUSTED_PROXIES", "1")
    monkeypatch.setattr("streamlit.runtime.context.ContextProxy.headers",
                        property(lambda self: {"X-Forwarded-For": next(addresses)}))


def test_reloading_the_portal_does_not_reset_the_limit_of_the_address(app_db, monkeypatch):
    _behind_a_proxy(monkeypatch, itertools.repeat("1.2.3.4, 203.0.113.7"))  # a forged entry, then the real one
    batch, *_ = _running_notice(app_db)
    for i in range(3):
        at = _object_from_a_fresh_session(batch, f"1391234567{i}")
        assert errors(at) == [] and at.success
    at = _object_from_a_fresh_session(batch, "13912345679")
    assert not at.success
    (error,) = errors(at)
    assert error.startswith("提交过于频繁，请于 ") and error.endswith(" 后再试")
    with UnitOfWork.from_url(app_db).read() as s:
        assert len(s.scalars(select(Objection.id).where(Objection.batch_id == batch)).all()) == 3


def test_one_phone_spelled_three_ways_is_one_contact_on_the_portal(app_db, monkeypatch):
    _behind_a_proxy(monkeypatch, (f"198.51.{i // 250}.{i % 250 + 1}" for i in itertools.count()))  # a new address each read
    batch, *_ = _running_notice(app_db)
    for spelled in ("177 9293 6902", "+86 177-9293-6902", "0086 17792936902"):
        assert errors(_object_from_a_fresh_session(batch, spelled)) == []
    (error,) = errors(_object_from_a_fresh_session(batch, "17792936902"))
    assert "后再试" in error
    with UnitOfWork.from_url(app_db).read() as s:  # three addresses, one contact
        clients = s.scalars(select(AuditEvent.target).where(AuditEvent.action == "objection_client")).all()
        contacts = s.scalars(select(Objection.contact).where(Objection.batch_id == batch)).all()
    assert len(set(clients)) == 3 and contacts == ["+8617792936902"] * 3


def test_the_unit_dismisses_several_objections_at_once_after_confirmation(app_db):
    batch_id, first = _open_batch_with_objection(app_db)
    with UnitOfWork.from_url(app_db).write() as s:
        declaration = s.get(Objection, first).declaration_id
        more = [raise_objection(s, declaration, "赵六", f"1380000000{i}", "重复举报内容", batch_id, today=today())
                for i in range(3)]
    at = _open("publicity.tab.batches")
    at.selectbox(key=f"{WS}.batch").select(batch_id).run()
    chosen = [first, *more[:2]]
    at.multiselect(key=f"{WS}.dismiss_ids").set_value(chosen).run()
    at.text_area(key=f"{WS}.dismiss_reason").input("同一来源的恶意重复举报，经核实不属实")
    click(at, WS, "dismiss_many")
    with UnitOfWork.from_url(app_db).read() as s:  # nothing before "yes"
        assert {s.get(Objection, i).status for i in chosen} == {"open"}
    confirm(at, WS)
    assert_ok(at)
    assert errors(at) == []
    with UnitOfWork.from_url(app_db).read() as s:
        rows = {i: (s.get(Objection, i).status, s.get(Objection, i).resolution) for i in [*chosen, more[2]]}
    assert rows == {**{i: ("dismissed", "同一来源的恶意重复举报，经核实不属实") for i in chosen}, more[2]: ("open", None)}
    assert t("objection.bulk_done", count=3) in [s.value for s in at.success]


# --- the audit view's external checkpoint (issue 14 §8) -------------------------------------------------

def test_the_audit_view_shows_the_latest_signed_checkpoint_and_a_cut_tail(app_db, tmp_path, monkeypatch):
    monkeypatch.delenv("TITLES_AUDIT_KEY", raising=False)
    monkeypatch.setenv("TITLES_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    monkeypatch.setenv("TITLES_AUDIT_ANCHOR_LOG", str(tmp_path / "audit-anchors.log"))
    at = sign_in(start(), "demo_unit_admin", DEMO_PASSWORD)  # the app's start signs a checkpoint
    at.switch_page("pages/audit_log.py").run()
    assert_ok(at)
    latest = json.loads((tmp_path / "audit-anchors.log").read_text().splitlines()[-1])
    shown = "\n".join(e.value for e in at.text)
    assert latest["hmac"] in shown and latest["heads_hash"] in shown and latest["at"] in shown
    assert [s.value for s in at.success] == [t("auditview.checkpoint.ok")]
    chain, seq, event_id, *_ = next(h for h in latest["heads"] if h[0] >= 0 and h[1] > 1)
    with UnitOfWork.from_url(app_db).write() as s:  # cut that chain's checkpointed row, set the head back
        s.execute(delete(AuditEvent).where(AuditEvent.chain == chain, AuditEvent.chain_seq >= seq))
        last = s.scalars(select(AuditEvent).where(AuditEvent.chain == chain)
                         .order_by(AuditEvent.chain_seq.desc()).limit(1)).one()
        s.execute(update(AuditChainHead).where(AuditChainHead.chain == chain)
                  .values(last_seq=last.chain_seq, last_event_id=last.id, last_hash=last.row_hash))
    at.run()
    assert_ok(at)
    assert any(f"#{last.id}" in e for e in errors(at)) and any("缺失" in e for e in errors(at))
