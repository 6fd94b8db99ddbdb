"""The demo province: realistic in size, every state of both flows, coherent histories, valid
identities, featured accounts with work in their inboxes, and demo logins only in demo mode."""
from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict

import pytest
from sqlalchemy import func, select

from core.identity.account_rules import contexts
from core.identity.accounts import authenticate, login_gate
from core.audit.trail import verify
from core.common.errors import AuthError
from core.files.store import read_blob, sniff_media_type
from core.identity.passwords import check_password
from core.declaring.transitions import options
from core.workflow import FLOWS, ROLES, STATES, replay
from core.setup.demo import DEMO_LOGINS, DEMO_PASSWORD, build_demo_province, ensure_demo_data, list_demo_accounts
from core.setup.demo.__main__ import main as demo_cli
from core.setup.demo.accounts import DEMO_EXPERTS
from core.panel import console, views
from core.panel.facts import PanelFacts
from core.setup.demo.identity import valid_id_number, valid_uscc
from db.migrate import upgrade_to_head
from db.models import (Account, Attachment, AuditEvent, Committee, Declaration, DossierAssignment, Expert,
                       GroupDeclaration, PanelMember, PanelSession, Person, ReviewGroup, Unit)
from db.uow import UnitOfWork

NOW = dt.datetime(2026, 11, 20, 3, 30, tzinfo=dt.timezone.utc)
CHINA = dt.timezone(dt.timedelta(hours=8))
SMALL = 64  # the featured panel sessions plan 13 declarations of their own


@pytest.fixture(autouse=True)
def _file_store(tmp_path, monkeypatch, clock):
    monkeypatch.setenv("TITLES_FILE_STORE", str(tmp_path / "files"))
    monkeypatch.setenv("TITLES_DEMO", "1")
    clock(NOW)  # the services the checks below call see the day the demo was built for


def _build(uow, applicants: int = SMALL):
    with uow.write() as session:
        return build_demo_province(session, applicants=applicants, now=NOW)


def _assert_coherent(session) -> None:
    """Every history replays to its state with version = 1 + events, in time order; the chain holds."""
    events = defaultdict(list)
    for row in session.execute(select(AuditEvent.declaration_id, AuditEvent.action, AuditEvent.from_state,
                                      AuditEvent.to_state, AuditEvent.at)
                               .where(AuditEvent.kind == "transition").order_by(AuditEvent.id)):
        events[row.declaration_id].append(row)
    for d in session.scalars(select(Declaration)):
        history = events[d.id]
        assert replay([(e.action, e.from_state, e.to_state) for e in history], d.flow) == d.state, d.id
        assert d.version == 1 + len(history), d.id
        times = [e.at for e in history]
        assert times == sorted(times) and len(set(times)) == len(times), d.id
        assert all(d.created_at <= t <= NOW for t in times), d.id
    assert verify(session) is None


def _assert_every_state_present(session) -> None:
    present = defaultdict(set)
    for flow, state in session.execute(select(Declaration.flow, Declaration.state).distinct()):
        present[flow].add(state)
    for flow in FLOWS:
        assert present[flow] == set(STATES[flow]), (flow, set(STATES[flow]) - present[flow])


def _assert_valid_identities(session) -> None:
    numbers = list(session.scalars(select(Person.id_number)))
    assert numbers and all(valid_id_number(n) for n in numbers)
    codes = list(session.scalars(select(Unit.uscc)))
    assert all(code and valid_uscc(code) for code in codes)


def _assert_evidence_on_disk(session) -> None:
    """Every attachment is a stored, valid PDF; every recommended declaration carries its unit proof."""
    attachments = session.execute(select(Attachment.declaration_id, Attachment.purpose, Attachment.sha256)).all()
    for sha in {a.sha256 for a in attachments}:
        assert sniff_media_type(read_blob(sha)) == "application/pdf"
    proved = {a.declaration_id for a in attachments if a.purpose == "unit_proof"}
    recommended = set(session.scalars(select(AuditEvent.declaration_id).where(AuditEvent.action == "recommend")))
    assert recommended and recommended <= proved


def test_default_province_is_realistic_and_builds_within_a_minute_on_sqlite(sqlite_only):
    summary = _build(sqlite_only, applicants=320)
    assert summary.seconds < 60
    assert summary.units["hr_bureau"] == 10 and summary.units["department"] >= 10
    assert summary.units["committee_organizer"] >= 5 and summary.units["employer"] >= 20
    assert summary.experts >= 60 and summary.applicants >= 300
    with sqlite_only.read() as session:
        experts = list(session.scalars(select(Expert)))
        assert all(e.specialty_codes and e.series_code and e.level_code for e in experts)
        _assert_every_state_present(session)
        _assert_coherent(session)
        _assert_valid_identities(session)


def test_small_province_is_coherent_on_each_backend(uow):
    _build(uow)
    with uow.read() as session:
        _assert_every_state_present(session)
        _assert_coherent(session)
        _assert_valid_identities(session)
        _assert_evidence_on_disk(session)


def _actor(session, login: str, role: str):
    account_id = session.scalar(select(Account.id).where(Account.login_name == login))
    return next(a for a in contexts(session, account_id) if a.role == role)


def _can_act_on_something(session, actor, states: tuple[str, ...]) -> None:
    """The account's unit holds declarations in these states, and at least one offers an unblocked action."""
    ids = list(session.scalars(select(Declaration.id).where(Declaration.holder_unit_id == actor.unit_id,
                                                            Declaration.state.in_(states))))
    found = {session.get(Declaration, i).state for i in ids}
    assert found == set(states), (actor.role, states, found)
    assert any(not o.blocked and o.action != "withdraw" for i in ids for o in options(session, actor, i, NOW.date()))


def test_featured_accounts_have_work_in_their_inboxes(uow):
    _build(uow)
    with uow.read() as session:
        _can_act_on_something(session, _actor(session, "demo_unit_op", "unit_operator"),
                              ("unit_verify", "unit_publicity", "unit_recommend"))
        for login, role in (("demo_dept_op", "dept_operator"), ("demo_city_hr", "hr_operator"),
                            ("demo_prov_hr", "hr_operator"), ("demo_county_hr", "hr_operator")):
            _can_act_on_something(session, _actor(session, login, role), ("relay",))
        _can_act_on_something(session, _actor(session, "demo_committee_op", "committee_operator"),
                              ("material_receipt",))
        reviewer = _actor(session, "demo_reviewer", "policy_reviewer")
        waiting = list(session.scalars(select(Declaration.id).where(
            Declaration.state == "policy_review", Declaration.committee_id == reviewer.committee_id)))
        assert waiting and any(o.action == "recheck_pass" and not o.blocked for o in options(session, reviewer, waiting[0]))
        applicant = _actor(session, "demo_applicant", "applicant")
        mine = {d.state: d for d in session.scalars(select(Declaration).where(
            Declaration.applicant_person_id == applicant.person_id))}
        assert set(mine) == {"draft", "returned"}
        reason = session.scalar(select(AuditEvent.comment).where(AuditEvent.declaration_id == mine["returned"].id)
                                .order_by(AuditEvent.id.desc()).limit(1))
        assert reason
        expert = session.scalar(select(Expert.id).join(Account, Account.person_id == Expert.person_id)
                                .where(Account.login_name == "demo_expert"))
        assert session.scalar(select(func.count()).select_from(DossierAssignment)
                              .join(PanelMember, PanelMember.id == DossierAssignment.member_id)
                              .join(PanelSession, PanelSession.id == PanelMember.session_id)
                              .where(PanelMember.expert_id == expert, PanelSession.status == "reviewing",
                                     DossierAssignment.final.is_(False))) >= 1


def _featured_panels(session, op) -> dict[str, list[tuple[int, set[str]]]]:
    """status → [(session id, its groups' statuses)] of the committee unit's sessions this year."""
    found = defaultdict(list)
    for sid, status in session.execute(select(PanelSession.id, PanelSession.status)
                                       .join(Committee, Committee.id == PanelSession.committee_id)
                                       .where(Committee.organizer_unit_id == op.unit_id,
                                              Committee.year == NOW.year).order_by(PanelSession.id)):
        found[status].append((sid, set(session.scalars(select(ReviewGroup.status)
                                                           .where(ReviewGroup.session_id == sid)))))
    return found


def _assert_open_sessions_consistent(session) -> None:
    """Statuses and rows agree: every open session's dossier is in panel review, a group past distributing
    has a complete distribution, a group voting or voted has only final reviews."""
    facts = PanelFacts(session)
    states = session.scalars(select(Declaration.state).join(GroupDeclaration, GroupDeclaration.declaration_id
                                                            == Declaration.id)
                             .join(ReviewGroup, ReviewGroup.id == GroupDeclaration.group_id)
                             .join(PanelSession, PanelSession.id == ReviewGroup.session_id)
                             .where(PanelSession.status != "tallied")).all()
    assert states and set(states) == {"panel_review"}
    for group in session.scalars(select(ReviewGroup).join(PanelSession, PanelSession.id == ReviewGroup.session_id)
                                 .where(PanelSession.status != "tallied")):
        if group.status != "distributing":
            assert facts.distribution_problems(group.id) == [], group.id
        if group.status in ("group_voting", "group_voted"):
            assert facts.reviews_final(group.id), group.id


def test_the_featured_committee_has_a_session_in_every_panel_sub_phase_and_each_panel_login_has_work(uow):
    _build(uow)
    with uow.read() as session:
        op = _actor(session, "demo_committee_op", "committee_operator")
        panels = _featured_panels(session, op)
        _assert_open_sessions_consistent(session)
        duty = {role: _actor(session, login, role) for role, login in DEMO_EXPERTS.items()}
    assert {"setup", "reviewing", "committee_voting", "tallied"} <= set(panels)
    assert any("distributing" in groups for _, groups in panels["reviewing"])
    assert any("reviewing" in groups for _, groups in panels["reviewing"])
    assert all(groups == {"group_voted"} for _, groups in panels["committee_voting"])
    # the committee unit: a session in setup with groups, dossiers and needs, one group drawn, one not yet
    board = views.board(uow, op, panels["setup"][0][0])
    assert len(board.groups) >= 2 and all(g.dossiers and g.needs for g in board.groups)
    assert any(g.members for g in board.groups) and any(not g.members for g in board.groups)
    # the group leader: a group still distributing, with dossiers not yet given out
    distributing = [g for g, _name, _title, status in views.my_groups(uow, duty["group_leader"])
                    if status == "distributing"]
    assert distributing
    led = views.leader_board(uow, duty["group_leader"], distributing[0])
    assert led.group.dossiers and len(led.assigned) < len(led.group.dossiers)
    # the expert: dossiers distributed, a draft saved, one not yet final
    mine = views.my_reviews(uow, duty["expert"])
    assert any(r.final for r in mine) and any(not r.final and r.opinion for r in mine)
    assert any(not r.final and r.group_status == "reviewing" for r in mine)
    # the chair, vice chair and committee member: committee ballots still to cast
    for role in ("chair", "vice_chair", "committee_member"):
        lines = views.ballot_sheet(uow, duty[role])
        assert any(line.stage == "committee" and not line.voted for line in lines), role
    # the chair's console: attendance and the committee vote under way
    live = console.console(uow, duty["chair"], panels["committee_voting"][0][0])
    assert live.stage == "committee" and live.quorum and 0 < live.present < live.members
    assert 0 < live.votes_cast < live.votes_expected


def test_demo_accounts_cover_every_role_and_log_in_only_in_demo_mode(uow, monkeypatch):
    _build(uow)
    with uow.read() as session:
        listed = list_demo_accounts(session)
        assert {row["role"] for row in listed} == set(ROLES)
        assert {row["login_name"] for row in listed} == set(DEMO_LOGINS)
        assert all(row["display_name"] and row["unit_name"] for row in listed)
        assert session.scalar(select(func.count()).select_from(Account).where(Account.is_demo.is_(False))) == 0
        hashes = {login_gate(session, row["login_name"], NOW) for row in listed}
        assert None not in hashes and all(check_password(DEMO_PASSWORD, h) for h in hashes)
    with uow.write() as session:
        assert authenticate(session, "demo_applicant", DEMO_PASSWORD, NOW).login_name == "demo_applicant"
    monkeypatch.setenv("TITLES_DEMO", "0")
    with uow.read() as session:
        assert all(login_gate(session, login, NOW) is None for login in DEMO_LOGINS)
    with pytest.raises(AuthError):
        with uow.write() as session:
            authenticate(session, "demo_unit_op", DEMO_PASSWORD, NOW)


def test_ensure_demo_data_builds_once_even_when_two_servers_start_together(uow):
    results: list[bool] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            results.append(ensure_demo_data(uow, applicants=SMALL, now=NOW))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and sorted(results) == [False, True]
    assert ensure_demo_data(uow, applicants=SMALL, now=NOW) is False
    with uow.read() as session:
        assert session.scalar(select(func.count()).select_from(Account).where(Account.login_name == "demo_applicant")) == 1


def test_ensure_demo_data_does_nothing_outside_demo_mode(sqlite_only, monkeypatch):
    monkeypatch.setenv("TITLES_DEMO", "0")
    assert ensure_demo_data(sqlite_only, applicants=SMALL, now=NOW) is False
    with sqlite_only.read() as session:
        assert session.scalar(select(func.count()).select_from(Unit)) == 0


def test_the_same_seed_builds_the_same_province(tmp_path):
    people = []
    for name in ("a", "b"):
        uow = UnitOfWork.from_url(f"sqlite:///{tmp_path / name}.db")
        upgrade_to_head(uow.engine)
        _build(uow)
        with uow.read() as session:
            people.append(session.execute(select(Person.name, Person.id_number, Person.phone).order_by(Person.id)).all())
        uow.dispose()
    assert people[0] == people[1]


def _states_and_times(uow) -> list[tuple]:
    with uow.read() as session:
        return session.execute(select(Declaration.id, Declaration.state, Declaration.state_since)
                               .order_by(Declaration.id)).all()


def test_a_demo_for_a_given_day_is_the_same_whatever_day_the_clock_shows(tmp_path, clock):
    day = dt.date(2026, 5, 20)
    built = []
    for name, moment in (("early", dt.datetime(2026, 6, 1, 9, tzinfo=dt.timezone.utc)),
                         ("late", dt.datetime(2027, 10, 8, 9, tzinfo=dt.timezone.utc))):
        clock(moment)
        uow = UnitOfWork.from_url(f"sqlite:///{tmp_path / name}.db")
        upgrade_to_head(uow.engine)
        assert ensure_demo_data(uow, today=day, applicants=SMALL)
        built.append(_states_and_times(uow))
        uow.dispose()
    assert built[0] == built[1]
    states = {state for _, state, _ in built[0]}
    assert len(states) > 5
    assert max(since for _, _, since in built[0]).astimezone(CHINA).date() == day


def test_the_demo_follows_the_clock_when_no_day_is_given(tmp_path, clock):
    moment = dt.datetime(2026, 4, 15, 2, 30, tzinfo=dt.timezone.utc)
    clock(moment)
    uow = UnitOfWork.from_url(f"sqlite:///{tmp_path / 'clock'}.db")
    upgrade_to_head(uow.engine)
    assert ensure_demo_data(uow, applicants=SMALL)
    latest = max(since for _, _, since in _states_and_times(uow))
    uow.dispose()
    assert moment - dt.timedelta(days=3) < latest <= moment


def test_cli_builds_a_fresh_sqlite_file_and_leaves_a_built_one_alone(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TITLES_DATABASE_URL", f"sqlite:///{tmp_path / 'cli' / 'titles.db'}")
    assert demo_cli(["--reset", "--applicants", str(SMALL)]) == 0
    assert "demo_applicant" in capsys.readouterr().out
    assert demo_cli([]) == 0
    assert "nothing built" in capsys.readouterr().out
