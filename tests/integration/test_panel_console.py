"""The chair's console (core.panel.console) on a small PanelWorld: every figure against hand counts.

The world is set up so each rule of the figures matters: a voter with a declared conflict on one dossier,
a voter who is the applicant of another, a voter whose unit is the applicants' (recused from every
dossier), a voter signed out, a group member
signed out, a few committee ballots cast, and a second, tallied session of the same committee whose rows
must not leak into this session's figures.
"""
from __future__ import annotations

from sqlalchemy import select, update

from core.panel import attendance, console, distribution, rules, voting
from db.models import (Declaration, DossierAssignment, Expert, ExpertConflict, PanelMember, PanelSession, Person,
                       Unit, VoteParticipation)
from tests.panel_world import PanelWorld


def _hand_counts(pw: PanelWorld, stage: str) -> dict:
    """The console's figures computed in Python from plain rows."""
    with pw.uow.read() as s:
        members = s.scalars(select(PanelMember).where(PanelMember.session_id == pw.session_id)).all()
        experts = {e.id: e for e in s.scalars(select(Expert))}
        conflicts = {(c.expert_id, c.person_id) for c in s.scalars(select(ExpertConflict))}
        decls = {d.id: d for d in s.scalars(select(Declaration).where(Declaration.id.in_(pw.dossiers)))}
        names = {p.id: p.name for p in s.scalars(select(Person))}
        units = {u.id: u.name for u in s.scalars(select(Unit))}
        assignments = [a for a in s.scalars(select(DossierAssignment)) if a.group_id == pw.group_id]
        ballots = [v for v in s.scalars(select(VoteParticipation)) if v.session_id == pw.session_id]
        s.expunge_all()  # plain rows from here on

    def here(m):
        return m.declined_at is None and m.signed_in_at is not None and m.signed_out_at is None

    def recused(m, d):
        e = experts[m.expert_id]
        return (e.unit_id == d.unit_id or e.person_id == d.applicant_person_id
                or (e.id, d.applicant_person_id) in conflicts)

    voting_members = [m for m in members if m.declined_at is None and m.duty in rules.VOTING_DUTIES]
    voters = voting_members if stage == "committee" else [m for m in members if m.group_id == pw.group_id
                                                          and m.declined_at is None]
    dossiers = []
    for d in sorted(decls):
        eligible = sum(1 for m in voters if here(m) and not recused(m, decls[d]))
        voted = sum(1 for v in ballots if v.declaration_id == d and v.stage == stage)
        label = f"{names[decls[d].applicant_person_id]}（{units[decls[d].unit_id]}）"
        dossiers.append((d, label, "土木评议组", eligible, voted))
    return dict(members=len(voting_members), present=sum(1 for m in voting_members if here(m)),
                groups=[(pw.group_id, len(pw.dossiers), len(assignments), sum(1 for a in assignments if a.final),
                         sum(1 for v in ballots if v.stage == "group"))],
                dossiers=dossiers)


def _figures(c: console.Console) -> dict:
    return dict(members=c.members, present=c.present,
                groups=[(g.id, g.dossiers, g.reviews, g.reviews_final, g.group_votes) for g in c.groups],
                dossiers=[(d.declaration_id, d.label, d.group, d.eligible, d.voted) for d in c.dossiers])


def test_console_figures_equal_hand_counts(uow):
    # an earlier session of the same committee, tallied: its groups, distributions and ballots stay out
    past = PanelWorld.build(uow, dossiers=2, experts=12)
    past.run_to("tallied")

    pw = PanelWorld(uow, past.world, [], experts=dict(past.experts))
    with uow.write() as s:
        for n in range(4):
            person = Person(name=f"本届申报人{n}", id_number=f"11010119910307{n:03d}X"[:18], unit_id=pw.world.units["employer"])
            s.add(person)
            s.flush()
            d = Declaration(applicant_person_id=person.id, unit_id=pw.world.units["employer"], year=2026,
                            level_code="associate_senior", series_code="engineering", specialty_code="eng_civil",
                            review_type="socialized", committee_id=pw.world.committee_id, state="panel_review",
                            holder_unit_id=pw.world.units["organizer"], relay_route=[], version=11)
            s.add(d)
            s.flush()
            pw.dossiers.append(d.id)
        units = ["sibling", "dept", "city", "prov", "other_dept"]
        for n in range(14):
            pw._expert(s, f"本届专家{n:02d}", pw.world.units[units[n % len(units)]], 100 + n)
    pw.run_to("reviewing")

    # group stage, under review: nothing voted yet; one group member signed out
    group_members = [m for m in pw.members() if m.group_id == pw.group_id]
    attendance.sign(uow, pw.operator, pw.session_id, [group_members[-1].id], signed_in=False)
    c = console.console(uow, pw.chair(), pw.session_id)
    assert c.stage == "group"
    assert _figures(c) == _hand_counts(pw, "group")
    attendance.sign(uow, pw.operator, pw.session_id, [group_members[-1].id], signed_in=True)

    # on to the committee vote (run_to always starts from setup, so the remaining steps by hand)
    pw.distribute_all()
    distribution.group_step(uow, pw.leader(), pw.group_id, "start_group_review")
    pw.review_all()
    distribution.group_step(uow, pw.leader(), pw.group_id, "open_group_vote")
    pw.vote_group()
    voting.close_group_vote(uow, pw.leader(), pw.group_id)
    voting.open_committee_vote(uow, pw.operator, pw.session_id)
    voters = [m for m in pw.members() if m.duty in rules.VOTING_DUTIES]
    chair = next(m for m in voters if m.duty == "chair")
    conflicted, own_unit, away, busy, own_person = [m for m in voters if m is not chair][:5]
    with uow.write() as s:
        applicant = s.get(Declaration, pw.dossiers[1]).applicant_person_id
        s.add(ExpertConflict(expert_id=conflicted.expert_id, person_id=applicant, reason="师生"))
        s.execute(update(Expert).where(Expert.id == own_unit.expert_id).values(unit_id=pw.world.units["employer"]))
        himself = s.get(Expert, own_person.expert_id).person_id  # the applicant of dossier 3 sits on the committee
        s.execute(update(Declaration).where(Declaration.id == pw.dossiers[3]).values(applicant_person_id=himself))
    attendance.sign(uow, pw.operator, pw.session_id, [away.id], signed_in=False)
    voting.cast(uow, pw.member_actor(busy), pw.session_id, "committee", {pw.dossiers[0]: "approve",
                                                                       pw.dossiers[2]: "reject"})
    voting.cast(uow, pw.member_actor(chair), pw.session_id, "committee", {pw.dossiers[0]: "abstain"})

    c = console.console(uow, pw.chair(), pw.session_id)
    want = _hand_counts(pw, "committee")
    assert c.stage == "committee"
    assert _figures(c) == want
    # the world makes the rules visible: someone absent, someone recused once, someone recused everywhere
    assert want["present"] == want["members"] - 1
    eligible = [d[3] for d in want["dossiers"]]
    assert eligible[1] == eligible[3] == eligible[0] - 1 == want["present"] - 2
    assert c.votes_cast == 3 and c.votes_expected == sum(eligible)
    assert c.quorum and c.needed_present == -(-2 * want["members"] // 3)

    # blind review: numbers in declaration order, never names
    with uow.read() as s:
        blind = console.build(s, s.get(PanelSession, pw.session_id), blind=True)
    assert [d.label for d in blind.dossiers] == [f"材料 {n:03d}" for n in range(1, 5)]
    assert [(d.eligible, d.voted) for d in blind.dossiers] == [(d[3], d[4]) for d in want["dossiers"]]
