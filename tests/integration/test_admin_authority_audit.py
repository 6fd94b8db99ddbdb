"""Review authority filing (only approved committees are offered), the scoped audit view with its
filters and paging, and the chain verification naming the first broken row."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from core.audit import trail as audit
from core.audit import checkpoint

from core.reporting import audit_log as audit_view

from core.org import authority
from core.identity import unit_admin as ua
from core.declaring.choices import open_committees
from core.common.errors import NotFound, ValidationError
from db.base import utcnow
from db.models import AuditEvent, Committee
from tests.world import LEVEL, SERIES, YEAR, World


def _form(w: World, **kw) -> authority.AuthorityForm:
    values = dict(name="省工程系列中级评委会", series_code=SERIES, level_codes=(LEVEL,), region_unit_id=w.units["prov"],
                  year=YEAR, term_start=dt.date(YEAR, 1, 1), term_end=dt.date(YEAR + 2, 12, 31), expert_count=25)
    return authority.AuthorityForm(**{**values, **kw})


def test_an_organizer_files_authority_and_the_region_approves_or_rejects(uow):
    with uow.write() as s:
        w = World.build(s)
        op, prov = w.actor("committee_op"), w.actor("prov_hr")
        with pytest.raises(ValidationError) as e:
            authority.apply(s, op, _form(w, name="", series_code="nope", level_codes=(), region_unit_id=w.units["dept"],
                                         term_end=dt.date(YEAR - 1, 1, 1), expert_count=0))
        assert set(e.value.details) == {"authority.name_invalid", "authority.series_invalid",
                                        "authority.levels_invalid", "authority.region_invalid",
                                        "authority.term_invalid", "authority.experts_invalid"}
        with pytest.raises(NotFound):
            authority.apply(s, w.actor("unit_op"), _form(w))
        cid = authority.apply(s, op, _form(w))
        assert s.get(Committee, cid).authority_status == "pending"
        assert [r.id for r in authority.pending_for(s, prov)] == [cid]
        assert authority.pending_for(s, w.actor("city_hr")) == []
        assert authority.own_filings(s, op)[0].expert_count == 25
        with pytest.raises(NotFound):
            authority.decide(s, w.actor("city_hr"), cid, True)
        authority.decide(s, prov, cid, True, "同意备案")
        assert s.get(Committee, cid).authority_status == "approved"
        with pytest.raises(ValidationError):
            authority.decide(s, prov, cid, False)
        rejected = authority.apply(s, op, _form(w, name="省工程系列初级评委会"))
        authority.decide(s, prov, rejected, False, "材料不全")
        assert s.get(Committee, rejected).authority_status == "rejected"


def test_only_committees_with_approved_authority_are_offered_to_declarations(uow):
    with uow.write() as s:
        w = World.build(s)
        filed = authority.apply(s, w.actor("committee_op"), _form(w))
        me = w.actor("applicant")

        def offered() -> set[int]:
            return {c.id for c in open_committees(s, me, YEAR, LEVEL, SERIES, "socialized")}

        assert filed not in offered() and w.committee_id in offered()
        authority.decide(s, w.actor("prov_hr"), filed, True)
        assert filed in offered()


def test_the_audit_view_is_scoped_filtered_and_paged(uow):
    with uow.write() as s:
        w = World.build(s)
        admin = w.actor("unit_admin")
        now = utcnow()
        audit.append(s, kind="login", action="login", at=now, account_id=w.actor("applicant").account_id)
        audit.append(s, kind="login", action="login", at=now, account_id=w.actor("other_applicant").account_id)
        ua.complete_name(s, admin, w.actor("applicant").account_id, "张三丰")
        for _ in range(3):
            audit.append(s, kind="admin", action="password_reset", at=now, account_id=admin.account_id,
                         role="unit_admin", unit_id=w.units["employer"], target="account:1")
        page = audit_view.search(s, admin)
        actions = [r.action for r in page.rows]
        assert actions == ["password_reset"] * 3 + ["complete_name", "login"] and page.next_before is None
        assert page.rows[-1].login_name == "applicant"
        first = audit_view.search(s, admin, limit=2)
        second = audit_view.search(s, admin, limit=2, before_id=first.next_before)
        assert len(first.rows) == 2 and first.next_before and [r.id for r in second.rows][0] < first.rows[-1].id
        logins = audit_view.search(s, admin, audit_view.AuditFilter(kind="login"))
        assert [r.login_name for r in logins.rows] == ["applicant"]  # never another unit's
        by_login = audit_view.search(s, admin, audit_view.AuditFilter(login_name="APPLICANT"))
        assert {r.action for r in by_login.rows} == {"login"}
        tomorrow = now.date() + dt.timedelta(days=1)
        assert audit_view.search(s, admin, audit_view.AuditFilter(since=tomorrow)).rows == []
        assert len(audit_view.search(s, admin, audit_view.AuditFilter(until=now.date())).rows) == 5
        hr = audit_view.search(s, w.actor("city_hr"), audit_view.AuditFilter(kind="login"))
        assert {r.login_name for r in hr.rows} == {"applicant", "other_applicant"}
        for who in ("unit_op", "applicant"):
            with pytest.raises(NotFound):
                audit_view.search(s, w.actor(who))


def test_chain_verification_names_the_first_broken_row(uow):
    with uow.write() as s:
        w = World.build(s)
        ids = [audit.append(s, kind="admin", action=f"a{i}", at=utcnow(), account_id=w.actor("unit_admin").account_id)
               for i in range(4)]
        assert audit.verify(s) is None
        s.execute(update(AuditEvent).where(AuditEvent.id == ids[1]).values(action="tampered"))
        s.execute(update(AuditEvent).where(AuditEvent.id == ids[3]).values(action="tampered"))
        assert audit.verify(s) == ids[1]


def test_the_verify_command_reports_the_first_broken_row(sqlite_only, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TITLES_DATABASE_URL", str(sqlite_only.engine.url))
    monkeypatch.setenv("TITLES_FILE_STORE", str(tmp_path / "files"))
    checkpoint.ensure_key()  # the key the first start writes outside the database
    with sqlite_only.write() as s:
        ids = [audit.append(s, kind="login", action="login", at=utcnow()) for _ in range(3)]
    assert audit.main(["verify"]) == 0 and "OK" in capsys.readouterr().out
    with sqlite_only.write() as s:
        s.execute(update(AuditEvent).where(AuditEvent.id == ids[1]).values(outcome="failed"))
    assert audit.main(["verify"]) == 1
    assert f"event id {ids[1]}" in capsys.readouterr().out
