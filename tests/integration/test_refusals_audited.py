"""A refused service call leaves one denial in the audit trail (rules, Audit), whichever package refused it.

Calls a sample of entry points of several packages (panel, review, desks, declaring, calendar, identity) as
an actor of another unit or person, on a record outside their scope: each is refused as before and writes
one audit row of kind ``denial`` naming the entry point and the records of the call. Identical refusals
in a burst write a bounded number of rows (``core.audit.denials``); a declaration transition, which audits
its refusal itself, still writes exactly one; an allowed call writes none.
"""
from __future__ import annotations

import datetime as dt

import logging

import pytest
from sqlalchemy import func, select

from core import refusals
from core.audit import denials
from core.calendar import desk as calendar_desk
from core.common.errors import DomainError, Forbidden, NotFound, ValidationError
from core.declaring.transitions import execute
from core.desks import applicant as applicant_desk
from core.desks import unit as unit_desk
from core.identity import unit_accounts
from core.machines.pledge import PLEDGE_TEXT
from core.panel import views, voting
from core.review import committee_publicity, policy_review
from db.models import AuditEvent, PanelSession
from tests.world import YEAR, World


def _world(uow):
    with uow.write() as s:
        w = World.build(s)
        declaration = w.new_declaration()
        batch = w.publicize(declaration, "unit")
        panel = PanelSession(committee_id=w.committee_id, year=YEAR)
        s.add(panel)
        s.flush()
        ids = {"declaration": declaration, "batch": batch, "panel": panel.id,
               "sibling_op_account": w.actor("sibling_op").account_id}
    return w, ids


def _denials(uow, since: int = 0) -> list[tuple[str, str, int | None, str | None]]:
    with uow.read() as s:
        return list(s.execute(select(AuditEvent.action, AuditEvent.target, AuditEvent.account_id, AuditEvent.role)
                              .where(AuditEvent.kind == "denial", AuditEvent.id > since).order_by(AuditEvent.id)).all())


def _last_event(uow) -> int:
    with uow.read() as s:
        return s.scalar(select(func.max(AuditEvent.id))) or 0


# entry point, who calls it, its arguments (from the world's ids), the error, the audited action and target
SAMPLE = [
    (views.board, "own_committee_op", lambda i: [i["panel"]], NotFound, "views.board", "session:{panel}"),
    (voting.cast, "sibling_op", lambda i: [i["panel"], "group", {i["declaration"]: "approve"}], NotFound,
     "voting.cast", "session:{panel}"),
    (committee_publicity.batch, "own_committee_op", lambda i: [i["batch"]], NotFound,
     "committee_publicity.batch", "batch:{batch}"),
    (policy_review.load_initial_reviews, "other_reviewer", lambda i: [i["declaration"]], NotFound,
     "policy_review.initial_reviews", "declaration:{declaration}"),
    (unit_desk.batch, "sibling_op", lambda i: [i["batch"]], NotFound, "unit.batch", "batch:{batch}"),
    (applicant_desk.editor, "other_applicant", lambda i: [i["declaration"]], NotFound, "applicant.editor",
     "declaration:{declaration}"),
    (applicant_desk.save_fields, "unit_op", lambda i: [i["declaration"], {"method": "normal"}], Forbidden,
     "applicant.save_fields", "declaration:{declaration}"),
    (calendar_desk.add_year, "unit_op", lambda i: [YEAR + 1], NotFound, "desk.add_year", ""),
    (unit_accounts.do_unlock, "unit_admin", lambda i: [i["sibling_op_account"]], NotFound,
     "unit_accounts.do_unlock", "account:{sibling_op_account}"),
]


def test_each_refusal_out_of_scope_writes_one_denial_naming_the_call(uow):
    w, ids = _world(uow)
    for entry_point, who, arguments, error, action, target in SAMPLE:
        before = _last_event(uow)
        with pytest.raises(DomainError) as refused:
            entry_point(uow, w.actor(who), *arguments(ids))
        assert type(refused.value) is error, (action, refused.value)
        actor = w.actor(who)
        assert _denials(uow, before) == [(action, target.format(**ids), actor.account_id, actor.role)], action


def test_identical_refusals_write_a_bounded_number_of_rows(uow, clock):
    w, ids = _world(uow)
    before = _last_event(uow)
    clock(dt.datetime(2026, 9, 9, 10, 30, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))))  # a minute's first second:
    # the thousand refusals fall in one minute's window, however slow the machine
    for _ in range(1000):
        with pytest.raises(NotFound):
            unit_desk.batch(uow, w.actor("sibling_op"), ids["batch"])
    written = _denials(uow, before)
    assert len(written) == denials.written_of(1000) < 20
    assert set(written) == {("unit.batch", f"batch:{ids['batch']}", w.actor("sibling_op").account_id, "unit_operator")}


def test_a_transition_refusal_audited_by_the_declaration_is_written_once(uow):
    w, ids = _world(uow)
    before = _last_event(uow)
    with pytest.raises(NotFound):
        execute(uow, w.actor("other_applicant"), ids["declaration"], "submit", {"pledge": PLEDGE_TEXT})
    with pytest.raises(NotFound):  # through the applicant's desk, an entry point around an entry point
        applicant_desk.act(uow, w.actor("other_applicant"), ids["declaration"], "submit", {"pledge": PLEDGE_TEXT}, 0)
    target = f"declaration:{ids['declaration']}"
    account = w.actor("other_applicant").account_id
    assert _denials(uow, before) == [("submit", target, account, "applicant")] * 2


def test_an_allowed_call_and_a_refusal_that_is_no_denial_write_none(uow):
    w, ids = _world(uow)
    before = _last_event(uow)
    assert unit_desk.batch(uow, w.actor("unit_op"), ids["batch"]) is not None
    assert views.board(uow, w.actor("committee_op"), ids["panel"]) is not None
    with pytest.raises(ValidationError):  # refused, but not for scope: no denial
        applicant_desk.save_fields(uow, w.actor("applicant"), ids["declaration"], {"title": "x"})
    assert _denials(uow, before) == []


def test_an_anonymous_caller_is_recorded_without_an_account(uow):
    _, ids = _world(uow)
    before = _last_event(uow)
    with pytest.raises(NotFound):
        calendar_desk.add_year(uow, None, YEAR + 1)
    assert _denials(uow, before) == [("desk.add_year", "", None, None)]


def test_a_failure_to_record_never_masks_the_refusal(uow, monkeypatch, caplog):
    w, ids = _world(uow)

    def broken(*args, **kwargs):
        raise RuntimeError("the trail is down")

    monkeypatch.setattr(denials, "record", broken)
    with caplog.at_level(logging.ERROR, logger=refusals.__name__), pytest.raises(NotFound) as refused:
        unit_desk.batch(uow, w.actor("sibling_op"), ids["batch"])
    assert not isinstance(refused.value.__context__, RuntimeError)
    assert "unit.batch" in caplog.text and "the trail is down" in caplog.text
    assert not getattr(refused.value, "audited", False)
