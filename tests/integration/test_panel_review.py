"""The online panel review (core.panel) on SQLite and PostgreSQL: the replayable drawing and avoidance,
distribution, expert reviews, secret-ballot voting and the tally, scope and blind review, the hidden
roster, and the result publicity that takes a passed dossier on to filing.

Everything runs through the services the pages call (tests.panel_world); records are found by query.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import MetaData, func, select

from core.common.config import today as clock_today
from core.common.errors import DomainError, GuardFailed, InvalidAction, NotFound, ValidationError
from core.desks import applicant as applicant_desk
from core.panel import attendance, console, distribution, drawing, reviews, rules, sessions, views, voting
from core.review import committee_publicity, portal
from db.models import (Account, Declaration, DossierAssignment, Expert, ExpertConflict, PanelDraw,
                       PanelMember, PanelSession, Person, ReviewGroup, TallyResult, VoteCount, VoteParticipation)
from tests.integration.panel_support import OTHER_SPECIALTY, add_expert, applicants, recused
from tests.panel_world import PanelWorld
from tests.world import SPECIALTY, Actor



# --- helpers ------------------------------------------------------------------------------------------

def applicant_actor(pw: PanelWorld, declaration_id: int) -> Actor:
    person = applicants(pw)[declaration_id]
    with pw.uow.read() as s:
        account = s.scalar(select(Account.id).where(Account.person_id == person))
    return Actor(account_id=account, role="applicant", person_id=person)


def new_session(pw: PanelWorld, groups: dict[str, list[int]]) -> tuple[int, dict[str, int]]:
    op = pw.operator
    sid = sessions.create(pw.uow, op, pw.world.committee_id, "2026年度评审会")
    ids = {}
    for name, dossiers in groups.items():
        ids[name] = sessions.add_group(pw.uow, op, sid, name)
        if dossiers:
            sessions.assign(pw.uow, op, ids[name], dossiers)
    return sid, ids


def avoidance_breaches(uow, session_id: int, *, drawing_too: bool = True) -> list[str]:
    """Every group member recused from a dossier of its group (unless a conflict was declared after the
    drawing: ``drawing_too=False``), every assignment and every participation of a recused member: the
    rules.md avoidance rule checked against the rows."""
    with uow.read() as s:
        experts = {e.id: (e.id, e.unit_id, e.person_id) for e in s.scalars(select(Expert))}
        decls = {d.id: (d.unit_id, d.applicant_person_id) for d in s.scalars(select(Declaration))}
        conflicts = set(s.execute(select(ExpertConflict.expert_id, ExpertConflict.person_id)).all())
        members = {m.id: m for m in s.scalars(select(PanelMember).where(PanelMember.session_id == session_id))}
        group_dossiers = s.execute(select(sa.text("group_id"), sa.text("declaration_id"))
                                   .select_from(sa.table("group_declaration"))).all()
        out = []
        for m in members.values():
            if drawing_too and m.declined_at is None and m.group_id is not None:
                out += [f"member {m.id} drawn into group {g} with dossier {d}" for g, d in group_dossiers
                        if g == m.group_id and recused(experts[m.expert_id], decls[d], conflicts)]
        for a in s.scalars(select(DossierAssignment).join(PanelMember, PanelMember.id == DossierAssignment.member_id)
                           .where(PanelMember.session_id == session_id)):
            if recused(experts[members[a.member_id].expert_id], decls[a.declaration_id], conflicts):
                out.append(f"assignment {a.id}")
        for p in s.scalars(select(VoteParticipation).where(VoteParticipation.session_id == session_id)):
            if recused(experts[members[p.member_id].expert_id], decls[p.declaration_id], conflicts):
                out.append(f"participation {p.id}")
        return out


def group_members(pw: PanelWorld, group_id: int | None = None) -> list[PanelMember]:
    """The group's active members in drawing order (the PanelWorld group unless told)."""
    with pw.uow.read() as s:
        rows = list(s.scalars(select(PanelMember).where(PanelMember.group_id == (group_id or pw.group_id),
                                                        PanelMember.declined_at.is_(None)).order_by(PanelMember.id)))
        s.expunge_all()
        return rows


def voters(pw: PanelWorld) -> list[PanelMember]:
    return [m for m in pw.members() if m.duty in rules.VOTING_DUTIES]


def member_with(pw: PanelWorld, duty: str) -> PanelMember:
    return next(m for m in pw.members() if m.duty == duty)


def to_group_review(pw: PanelWorld) -> None:
    pw.run_to("reviewing")
    pw.distribute_all()
    distribution.group_step(pw.uow, pw.leader(), pw.group_id, "start_group_review")


def to_group_vote(pw: PanelWorld) -> None:
    to_group_review(pw)
    pw.review_all()
    distribution.group_step(pw.uow, pw.leader(), pw.group_id, "open_group_vote")


def vote_counts(uow, session_id: int, stage: str) -> dict[int, dict[str, int]]:
    with uow.read() as s:
        out: dict[int, dict[str, int]] = {}
        for d, choice, n in s.execute(select(VoteCount.declaration_id, VoteCount.choice, VoteCount.count)
                                      .where(VoteCount.session_id == session_id, VoteCount.stage == stage)):
            out.setdefault(d, {})[choice] = n
        return out


def status(uow, model, record_id: int) -> str:
    with uow.read() as s:
        return s.get(model, record_id).status


# --- drawing -----------------------------------------------------------------------------------------

def test_the_drawing_excludes_every_recused_expert_and_counts_each_reason(uow):
    pw = PanelWorld.build(uow, dossiers=3, experts=6)
    people = applicants(pw)
    d0, d1, _ = pw.dossiers
    own = [add_expert(pw, "employer"), add_expert(pw, "employer")]                 # the applicants' unit
    applicant = add_expert(pw, "sibling", person_id=people[d0])                    # an applicant themselves
    conflicted = add_expert(pw, "prov", conflicts=(people[d1],))                   # a declared conflict
    add_expert(pw, "prov", specialties=(OTHER_SPECIALTY,))                         # not this specialty
    add_expert(pw, "prov", term_end=dt.date(2020, 12, 31))                          # term over
    sid, groups = new_session(pw, {"土木组": pw.dossiers})
    sessions.set_need(uow, pw.operator, groups["土木组"], SPECIALTY, 20)

    result = drawing.draw_for_group(uow, pw.operator, groups["土木组"], SPECIALTY)

    assert result.excluded == {"own_unit": 2, "applicant": 1, "conflict": 1}
    assert (result.pool_size, len(result.drawn)) == (6, 6)
    with uow.read() as s:
        record = s.scalars(select(PanelDraw).where(PanelDraw.session_id == sid)).one()
        assert record.excluded == result.excluded and list(record.drawn_expert_ids) == list(result.drawn)
        drawn = set(s.scalars(select(PanelMember.expert_id).where(PanelMember.session_id == sid)))
    assert drawn.isdisjoint({*own, applicant, conflicted}) and len(drawn) == 6
    assert avoidance_breaches(uow, sid) == []


def test_an_expert_is_never_in_two_groups_of_a_session(uow):
    pw = PanelWorld.build(uow, dossiers=4, experts=12)
    sid, groups = new_session(pw, {"一组": pw.dossiers[:2], "二组": pw.dossiers[2:]})
    for g in groups.values():
        sessions.set_need(uow, pw.operator, g, SPECIALTY, 4)
    first = drawing.draw_for_group(uow, pw.operator, groups["一组"], SPECIALTY)
    second = drawing.draw_for_group(uow, pw.operator, groups["二组"], SPECIALTY)
    committee = drawing.draw_committee(uow, pw.operator, sid, 4)

    assert second.excluded == {"in_session": 4} and committee.excluded == {"in_session": 8}
    assert set(first.drawn).isdisjoint(second.drawn) and set(committee.drawn).isdisjoint({*first.drawn, *second.drawn})
    with uow.read() as s:
        rows = s.execute(select(PanelMember.expert_id, PanelMember.group_id).where(PanelMember.session_id == sid)).all()
    assert len(rows) == len({e for e, _ in rows}) == 12
    assert {e for e, g in rows if g == groups["一组"]} == set(first.drawn)
    # the library is used up: a further drawing finds nobody rather than reusing a member
    sessions.set_need(uow, pw.operator, groups["一组"], SPECIALTY, 5)
    with pytest.raises(InvalidAction) as raised:
        drawing.draw_for_group(uow, pw.operator, groups["一组"], SPECIALTY)
    assert raised.value.key == "panel.draw_pool_empty"


def test_one_expert_covering_two_specialties_of_a_group_is_set_once(uow):
    pw = PanelWorld.build(uow, dossiers=2, experts=0)
    both = {add_expert(pw, "prov", specialties=(SPECIALTY, OTHER_SPECIALTY)) for _ in range(4)}
    only_other = {add_expert(pw, "city", specialties=(OTHER_SPECIALTY,)) for _ in range(3)}
    sid, groups = new_session(pw, {"综合组": pw.dossiers})
    g = groups["综合组"]
    sessions.set_need(uow, pw.operator, g, SPECIALTY, 2)
    sessions.set_need(uow, pw.operator, g, OTHER_SPECIALTY, 2)

    first = drawing.draw_for_group(uow, pw.operator, g, SPECIALTY)
    assert set(first.drawn) <= both and len(first.drawn) == 2
    with pytest.raises(InvalidAction) as raised:  # the two drawn already satisfy the second specialty's need
        drawing.draw_for_group(uow, pw.operator, g, OTHER_SPECIALTY)
    assert raised.value.key == "panel.draw_nothing_needed"
    assert {m.expert_id for m in group_members(pw, g)} == set(first.drawn)

    sessions.set_need(uow, pw.operator, g, OTHER_SPECIALTY, 3)  # one more: only the shortfall is drawn
    extra = drawing.draw_for_group(uow, pw.operator, g, OTHER_SPECIALTY)
    assert extra.wanted == 1 and len(extra.drawn) == 1 and set(extra.drawn) <= (both | only_other) - set(first.drawn)
    assert len(group_members(pw, g)) == 3


def test_a_declined_expert_is_replaced_by_a_further_drawing_and_never_drawn_again(uow):
    pw = PanelWorld.build(uow, dossiers=2, experts=8)
    sid, groups = new_session(pw, {"土木组": pw.dossiers})
    g = groups["土木组"]
    sessions.set_need(uow, pw.operator, g, SPECIALTY, 3)
    drawing.draw_for_group(uow, pw.operator, g, SPECIALTY)
    gone = group_members(pw, g)[1]
    drawing.decline(uow, pw.operator, gone.id)

    again = drawing.draw_for_group(uow, pw.operator, g, SPECIALTY)
    assert again.wanted == 1 and again.excluded == {"declined": 1, "in_session": 2}
    assert gone.expert_id not in again.drawn and len(group_members(pw, g)) == 3

    sessions.set_need(uow, pw.operator, g, SPECIALTY, 7)  # everyone else in the library
    rest = drawing.draw_for_group(uow, pw.operator, g, SPECIALTY)
    assert gone.expert_id not in rest.drawn and rest.excluded["declined"] == 1
    with uow.read() as s:
        assert s.scalar(select(func.count()).where(PanelMember.session_id == sid,
                                                   PanelMember.expert_id == gone.expert_id)) == 1
    with pytest.raises(InvalidAction):
        drawing.decline(uow, pw.operator, gone.id)
    with pytest.raises(InvalidAction) as raised:
        attendance.sign(uow, pw.operator, sid, [gone.id], signed_in=True)
    assert raised.value.key == "panel.member_declined"


def test_a_drawing_replays_from_its_record_and_tampering_shows(uow):
    pw = PanelWorld.build(uow, dossiers=2, experts=10)
    sid, groups = new_session(pw, {"土木组": pw.dossiers})
    sessions.set_need(uow, pw.operator, groups["土木组"], SPECIALTY, 4)
    result = drawing.draw_for_group(uow, pw.operator, groups["土木组"], SPECIALTY)

    first = drawing.replay(uow, pw.operator, result.draw_id)
    assert first.same and first.replayed == result.drawn

    with uow.write() as s:
        record = s.get(PanelDraw, result.draw_id)
        seed, pool = record.seed, list(record.pool_expert_ids)
        other = next(c for c in (f"{n:032x}" for n in range(100))
                     if drawing.pick(pool, record.wanted, c) != list(record.drawn_expert_ids))
        record.seed = other
    assert not drawing.replay(uow, pw.operator, result.draw_id).same

    with uow.write() as s:
        record = s.get(PanelDraw, result.draw_id)
        record.seed = seed
        record.pool_expert_ids = [*pool[:-1], pool[-1] + 1000]  # one expert swapped in the recorded pool
    tampered = drawing.replay(uow, pw.operator, result.draw_id)
    assert not tampered.pool_hash_ok and not tampered.same

    with uow.write() as s:
        s.get(PanelDraw, result.draw_id).pool_expert_ids = pool
    assert drawing.replay(uow, pw.operator, result.draw_id).same
    with uow.write() as s:  # a member quietly swapped for someone who was not drawn
        member = s.scalars(select(PanelMember).where(PanelMember.draw_id == result.draw_id)).first()
        member.expert_id = next(e for e in pw.experts if e not in result.drawn)
    assert not drawing.replay(uow, pw.operator, result.draw_id).same


# --- distribution ----------------------------------------------------------------------------------

def test_a_dossier_needs_two_reviewers_with_the_main_among_them(uow):
    pw = PanelWorld.build(uow)
    pw.run_to("reviewing")
    leader, (a, b, *_) = pw.leader(), group_members(pw)
    d = pw.dossiers[0]
    with pytest.raises(ValidationError) as raised:
        distribution.distribute(uow, leader, pw.group_id, d, [a.id], a.id)
    assert raised.value.key == "panel.distribution.too_few"
    with pytest.raises(ValidationError) as raised:
        distribution.distribute(uow, leader, pw.group_id, d, [a.id, a.id], a.id)  # the same expert twice is one
    assert raised.value.key == "panel.distribution.too_few"
    with pytest.raises(ValidationError) as raised:
        distribution.distribute(uow, leader, pw.group_id, d, [a.id, b.id], 999_999)
    assert raised.value.key == "panel.distribution.one_main"
    distribution.distribute(uow, leader, pw.group_id, d, [a.id, b.id], b.id)
    with uow.read() as s:
        rows = s.execute(select(DossierAssignment.member_id, DossierAssignment.is_main)
                         .where(DossierAssignment.declaration_id == d)).all()
    assert sorted(rows) == sorted([(a.id, False), (b.id, True)])


def test_a_recused_expert_is_not_given_the_dossier(uow):
    pw = PanelWorld.build(uow)
    pw.run_to("reviewing")
    d = pw.dossiers[0]
    leader_member, late = group_members(pw)[0], group_members(pw)[2]
    with uow.write() as s:  # a conflict declared after the drawing
        s.add(ExpertConflict(expert_id=late.expert_id, person_id=applicants(pw)[d], reason="近亲属"))
    with pytest.raises(InvalidAction) as raised:
        distribution.distribute(uow, pw.leader(), pw.group_id, d, [leader_member.id, late.id], leader_member.id)
    assert raised.value.key == "panel.recused"
    board = views.leader_board(uow, pw.leader(), pw.group_id)
    assert late.id not in board.eligible[d] and late.id in board.eligible[pw.dossiers[1]]
    with uow.read() as s:
        assert s.scalar(select(func.count()).where(DossierAssignment.declaration_id == d)) == 0
    pw.distribute_all()
    assert avoidance_breaches(uow, pw.session_id, drawing_too=False) == []


def test_the_group_cannot_start_review_before_every_dossier_is_distributed(uow):
    pw = PanelWorld.build(uow)
    pw.run_to("reviewing")
    ms = group_members(pw)
    distribution.distribute(uow, pw.leader(), pw.group_id, pw.dossiers[0], [ms[0].id, ms[1].id], ms[0].id)
    with pytest.raises(GuardFailed) as raised:
        distribution.group_step(uow, pw.leader(), pw.group_id, "start_group_review")
    assert "panel.distribution.too_few" in raised.value.details
    assert status(uow, ReviewGroup, pw.group_id) == "distributing"
    pw.distribute_all()
    distribution.group_step(uow, pw.leader(), pw.group_id, "start_group_review")
    assert status(uow, ReviewGroup, pw.group_id) == "reviewing"
    with pytest.raises(InvalidAction):  # the distribution is fixed once the review started
        distribution.distribute(uow, pw.leader(), pw.group_id, pw.dossiers[0], [ms[0].id, ms[2].id], ms[2].id)


# --- reviews -------------------------------------------------------------------------------------------

def _items(pw: PanelWorld, main: bool) -> tuple[Actor, views.ReviewItem]:
    for m in group_members(pw):
        actor = pw.experts[m.expert_id]
        for item in views.my_reviews(pw.uow, actor):
            if item.is_main is main:
                return actor, item
    raise AssertionError("no such review")


def _opinion(uow, assignment_id: int) -> tuple[dict, bool]:
    with uow.read() as s:
        row = s.get(DossierAssignment, assignment_id)
        return dict(row.opinion), row.final


def test_a_deputy_writes_only_the_overall_opinion(uow):
    pw = PanelWorld.build(uow)
    to_group_review(pw)
    actor, item = _items(pw, main=False)
    assert reviews.fields_for(False, item.defense) == ("overall",)
    reviews.save(uow, actor, item.assignment_id, {"academic": "学术水平高", "defense_question": "问题",
                                                 "overall": "同意"}, final=True)
    assert _opinion(uow, item.assignment_id) == ({"overall": "同意"}, True)


def test_a_main_reviewer_finishes_only_with_every_field_and_then_it_is_read_only(uow):
    pw = PanelWorld.build(uow)
    to_group_review(pw)
    actor, item = _items(pw, main=True)
    reviews.save(uow, actor, item.assignment_id, {"overall": "同意"}, final=False)  # a draft may be partial
    with pytest.raises(ValidationError) as raised:
        reviews.save(uow, actor, item.assignment_id, {"overall": "同意", "academic": "  "}, final=True)
    assert raised.value.key == "panel.review.missing"
    assert set(raised.value.details) == {"panel.field.academic", "panel.field.defense_question"}
    assert _opinion(uow, item.assignment_id) == ({"overall": "同意"}, False)

    full = {"academic": "扎实", "defense_question": "节点试验如何设计？", "overall": "同意推荐"}
    reviews.save(uow, actor, item.assignment_id, full, final=True)
    for final in (False, True):
        with pytest.raises(InvalidAction) as raised:
            reviews.save(uow, actor, item.assignment_id, {**full, "overall": "改为不同意"}, final=final)
        assert raised.value.key == "panel.review.already_final"
    assert _opinion(uow, item.assignment_id) == (full, True)


def test_an_expert_not_signed_in_cannot_review_and_nobody_writes_anothers_review(uow):
    pw = PanelWorld.build(uow)
    to_group_review(pw)
    actor, item = _items(pw, main=False)
    me = next(m for m in group_members(pw) if pw.experts[m.expert_id] == actor)
    attendance.sign(uow, pw.operator, pw.session_id, [me.id], signed_in=False)
    with pytest.raises(InvalidAction) as raised:
        reviews.save(uow, actor, item.assignment_id, {"overall": "同意"}, final=False)
    assert raised.value.key == "panel.not_signed_in"
    other = next(pw.experts[m.expert_id] for m in group_members(pw) if m.id != me.id)
    with pytest.raises(NotFound):
        reviews.save(uow, other, item.assignment_id, {"overall": "同意"}, final=False)
    assert _opinion(uow, item.assignment_id) == ({}, False)


# --- voting and the tally ----------------------------------------------------------------------------------

def test_no_vote_outside_an_open_vote(uow):
    pw = PanelWorld.build(uow)
    to_group_review(pw)
    expert = pw.experts[group_members(pw)[1].expert_id]
    with pytest.raises(InvalidAction) as raised:
        voting.cast(uow, expert, pw.session_id, "group", {pw.dossiers[0]: "approve"})
    assert raised.value.key == "panel.vote.not_open"
    chair = pw.experts[member_with(pw, "chair").expert_id]
    with pytest.raises(InvalidAction) as raised:
        voting.cast(uow, chair, pw.session_id, "committee", {pw.dossiers[0]: "approve"})
    assert raised.value.key == "panel.vote.not_open"
    pw.review_all()
    distribution.group_step(uow, pw.leader(), pw.group_id, "open_group_vote")
    pw.vote_group()
    voting.close_group_vote(uow, pw.leader(), pw.group_id)
    with pytest.raises(InvalidAction):  # closed: no late vote
        voting.cast(uow, expert, pw.session_id, "group", {pw.dossiers[0]: "reject"})
    with uow.read() as s:
        assert s.scalar(select(func.count()).where(VoteParticipation.stage == "committee")) == 0


def test_a_member_not_signed_in_cannot_vote(uow):
    pw = PanelWorld.build(uow)
    to_group_vote(pw)
    m = group_members(pw)[2]
    attendance.sign(uow, pw.operator, pw.session_id, [m.id], signed_in=False)
    with pytest.raises(InvalidAction) as raised:
        voting.cast(uow, pw.experts[m.expert_id], pw.session_id, "group", {pw.dossiers[0]: "approve"})
    assert raised.value.key == "panel.not_signed_in"
    assert vote_counts(uow, pw.session_id, "group")[pw.dossiers[0]] == {c: 0 for c in rules.CHOICES}


def test_a_second_vote_on_a_dossier_is_refused_with_a_clear_message(uow):
    pw = PanelWorld.build(uow)
    to_group_vote(pw)
    actor, d = pw.experts[group_members(pw)[1].expert_id], pw.dossiers[0]
    voting.cast(uow, actor, pw.session_id, "group", {d: "approve"})
    with pytest.raises(voting.AlreadyVoted) as raised:
        voting.cast(uow, actor, pw.session_id, "group", {pw.dossiers[1]: "approve", d: "reject"})
    assert str(raised.value) == voting.AlreadyVoted().message("zh") and raised.value.key == "panel.vote.already"
    counts = vote_counts(uow, pw.session_id, "group")
    assert counts[d] == {"approve": 1, "reject": 0, "abstain": 0}
    assert sum(counts[pw.dossiers[1]].values()) == 0, "a refused ballot counted part of itself"


def test_the_unique_constraint_refuses_a_second_vote_when_the_check_is_bypassed(uow, monkeypatch):
    pw = PanelWorld.build(uow)
    to_group_vote(pw)
    actor, d = pw.experts[group_members(pw)[1].expert_id], pw.dossiers[0]
    voting.cast(uow, actor, pw.session_id, "group", {d: "approve"})

    real_exists = voting.exists

    class NoDuplicateCheck:  # the service's "already voted?" query always says no
        def where(self, *clauses):
            if any("vote_participation" in str(c) for c in clauses):
                return real_exists().where(VoteParticipation.id.is_(None))
            return real_exists().where(*clauses)

    monkeypatch.setattr(voting, "exists", NoDuplicateCheck)
    with pytest.raises(voting.AlreadyVoted):
        voting.cast(uow, actor, pw.session_id, "group", {d: "reject"})
    assert vote_counts(uow, pw.session_id, "group")[d] == {"approve": 1, "reject": 0, "abstain": 0}
    with uow.read() as s:
        assert s.scalar(select(func.count()).where(VoteParticipation.declaration_id == d)) == 1


def test_the_committee_vote_neither_opens_nor_is_tallied_without_a_quorum(uow):
    pw = PanelWorld.build(uow)
    pw.run_to("group_voted")
    vs = voters(pw)
    assert len(vs) == 6  # chair, vice chair, three committee members and one group expert appointed to it
    absent = [m.id for m in vs[:3]]  # 3 of 6 present: 9 < 12, no quorum
    attendance.sign(uow, pw.operator, pw.session_id, absent, signed_in=False)
    with pytest.raises(GuardFailed) as raised:
        voting.open_committee_vote(uow, pw.operator, pw.session_id)
    assert raised.value.details == ["panel.guard.no_quorum"]
    attendance.sign(uow, pw.operator, pw.session_id, absent[:1], signed_in=True)  # 4 of 6: 12 >= 12
    voting.open_committee_vote(uow, pw.operator, pw.session_id)
    attendance.sign(uow, pw.operator, pw.session_id, absent, signed_in=True)
    pw.vote_committee()
    attendance.sign(uow, pw.operator, pw.session_id, absent, signed_in=False)  # three leave before the tally
    for actor in (pw.operator, pw.chair()):
        with pytest.raises(GuardFailed) as raised:
            voting.tally(uow, actor, pw.session_id)
        assert raised.value.details == ["panel.guard.no_quorum"]
    with uow.read() as s:
        assert s.get(PanelSession, pw.session_id).status == "committee_voting"
        assert s.scalar(select(func.count()).where(TallyResult.stage == "committee")) == 0


def test_the_tally_applies_the_two_thirds_threshold_to_a_mixed_vote(uow):
    pw = PanelWorld.build(uow)
    pw.run_to("committee_voting")
    members = pw.members()
    rank = {n: i for i, n in enumerate(n for n, m in enumerate(members) if m.duty in rules.VOTING_DUTIES)}
    assert len(rank) == 6
    d0, d1, d2 = pw.dossiers
    plan = {d0: ["approve"] * 6,                                                  # 6 of 6
            d1: ["approve"] * 4 + ["reject"] * 2,                                 # 4 of 6: 12 >= 12, passes
            d2: ["approve"] * 3 + ["abstain"] + ["reject"] * 2}                   # 3 of 6: 9 < 12, fails
    pw.vote_committee(choice_for=lambda n, d: plan[d][rank[n]])

    voting.tally(uow, pw.operator, pw.session_id)

    with uow.read() as s:
        got = {t.declaration_id: (t.members, t.present, t.yes, t.no, t.abstain, t.passed)
               for t in s.scalars(select(TallyResult).where(TallyResult.session_id == pw.session_id,
                                                            TallyResult.stage == "committee"))}
        states = dict(s.execute(select(Declaration.id, Declaration.state).where(Declaration.id.in_(pw.dossiers))).all())
    assert got == {d0: (6, 6, 6, 0, 0, True), d1: (6, 6, 4, 2, 0, True), d2: (6, 6, 3, 2, 1, False)}
    assert states == {d0: "result_publicity", d1: "result_publicity", d2: "not_approved"}
    assert status(uow, PanelSession, pw.session_id) == "tallied"


def test_a_confirmed_tally_is_immutable_and_carries_the_hash_of_its_figures(uow):
    pw = PanelWorld.build(uow)
    pw.run_to("tallied")
    with uow.read() as s:
        rows = list(s.scalars(select(TallyResult).where(TallyResult.session_id == pw.session_id)))
        assert {r.stage for r in rows} == {"group", "committee"} and len(rows) == 2 * len(pw.dossiers)
        assert all(r.record_hash == voting.result_hash(r) for r in rows)
        before = {r.id: (r.yes, r.no, r.abstain, r.present, r.passed, r.record_hash) for r in rows}
        rows[0].yes += 1  # changed in memory only: the hash no longer fits
        assert voting.result_hash(rows[0]) != rows[0].record_hash
        s.rollback()
    for actor in (pw.operator, pw.chair()):
        with pytest.raises(InvalidAction):
            voting.tally(uow, actor, pw.session_id)
    chair = pw.experts[member_with(pw, "chair").expert_id]
    with pytest.raises(DomainError):
        voting.cast(uow, chair, pw.session_id, "committee", {pw.dossiers[0]: "reject"})
    with uow.read() as s:
        after = {r.id: (r.yes, r.no, r.abstain, r.present, r.passed, r.record_hash)
                 for r in s.scalars(select(TallyResult).where(TallyResult.session_id == pw.session_id))}
    assert after == before


def test_only_the_chair_or_the_committee_unit_may_tally(uow):
    pw = PanelWorld.build(uow)
    pw.run_to("committee_voting")
    pw.vote_committee()
    vice = member_with(pw, "vice_chair")
    for actor in (pw.as_duty(vice.expert_id, "vice_chair"), pw.world.actor("own_committee_op"),
                  pw.world.actor("unit_op"), pw.experts[member_with(pw, "chair").expert_id]):
        with pytest.raises(NotFound):
            voting.tally(uow, actor, pw.session_id)
    assert status(uow, PanelSession, pw.session_id) == "committee_voting"
    voting.tally(uow, pw.chair(), pw.session_id)
    assert status(uow, PanelSession, pw.session_id) == "tallied"


# --- the secret ballot -------------------------------------------------------------------------------------

CHOICE_WORDS = re.compile(r"\b(approve|reject|abstain)\b|赞成|反对|弃权")
IDENTITY_TABLES = {"panel_member": "member", "account": "account", "person": "person", "expert": "expert"}
IDENTITY_NAMES = {"member_id": "member", "account_id": "account", "person_id": "person", "expert_id": "expert",
                  "created_by": "account", "drawn_by": "account", "confirmed_by": "account", "uploaded_by": "account"}


def full_dump(uow) -> dict[str, tuple[dict[str, str], set[str], list[dict]]]:
    """Every row of every table, by reflection: table -> ({column: identity kind}, columns, rows)."""
    meta = MetaData()
    meta.reflect(uow.engine)
    out = {}
    with uow.engine.connect() as conn:
        for table in meta.sorted_tables:
            kinds = {c.name: IDENTITY_NAMES[c.name] for c in table.columns if c.name in IDENTITY_NAMES}
            for fk in table.foreign_keys:
                if fk.column.table.name in IDENTITY_TABLES:
                    kinds[fk.parent.name] = IDENTITY_TABLES[fk.column.table.name]
            out[table.name] = (kinds, {c.name for c in table.columns},
                               [dict(r._mapping) for r in conn.execute(table.select())])
    return out


def ballot_links(dump, voters: dict[str, set[int]]) -> list[str]:
    """Rows that name a voter (as a member, expert, person or account column, or ``panel_member:<id>`` in
    text) and hold a choice anywhere; and tables keeping a choice column next to an identity, an id or a time."""
    found = []
    for name, (kinds, columns, rows) in dump.items():
        if {"choice", "vote", "ballot"} & columns and (kinds or {"id", "at", "voted_at", "created_at"} & columns):
            found.append(f"{name} keeps a choice next to an identity or a per-vote column")
        for row in rows:
            text = json.dumps(list(row.values()), default=str, ensure_ascii=False)  # values: a column named
            if not CHOICE_WORDS.search(text):
                continue
            named = any(row[c] in voters[kind] for c, kind in kinds.items())
            named |= any(int(i) in voters["member"] for i in re.findall(r"panel_member:(\d+)", text))
            if named:
                found.append(f"{name}: {text}")
    return found


def test_after_a_committee_vote_no_row_links_a_member_to_a_choice(uow):
    pw = PanelWorld.build(uow)
    pw.run_to("committee_voting")
    plan = ["approve", "reject", "abstain", "approve", "reject", "approve"]
    rank = {n: i for i, n in enumerate(n for n, m in enumerate(pw.members()) if m.duty in rules.VOTING_DUTIES)}
    pw.vote_committee(choice_for=lambda n, d: plan[(rank[n] + pw.dossiers.index(d)) % len(plan)])

    with uow.read() as s:
        cast = s.execute(select(VoteParticipation.member_id, PanelMember.expert_id, Expert.person_id)
                         .join(PanelMember, PanelMember.id == VoteParticipation.member_id)
                         .join(Expert, Expert.id == PanelMember.expert_id)).all()
        people = {p for _, _, p in cast}
        who = {"member": {m for m, _, _ in cast}, "expert": {e for _, e, _ in cast}, "person": people,
               "account": set(s.scalars(select(Account.id).where(Account.person_id.in_(people))))}
        committee_votes = s.scalar(select(func.count()).where(VoteParticipation.stage == "committee"))
    assert committee_votes == 6 * len(pw.dossiers) and len(who["account"]) == len(people)

    dump = full_dump(uow)
    assert ballot_links(dump, who) == []
    # the check is able to see a link: the same dump with one leaking audit row is caught
    kinds, columns, rows = dump["audit_event"]
    leak = dict(rows[-1], account_id=min(who["account"]), detail={"stage": "committee", "choice": "approve"})
    assert ballot_links({**dump, "audit_event": (kinds, columns, [leak])}, who)

    kinds, columns, counts = dump["vote_count"]
    assert not kinds and columns == {"session_id", "declaration_id", "stage", "choice", "count"}
    assert len(counts) == len(rules.CHOICES) * len(pw.dossiers) * 2  # group and committee: zeros made up front
    assert sum(r["count"] for r in counts if r["stage"] == "committee") == committee_votes
    assert dump["vote_participation"][1] == {"id", "session_id", "declaration_id", "stage", "member_id", "voted_at"}
    votes = [r for r in dump["audit_event"][2] if r["action"] == "panel_vote"]
    assert len(votes) == committee_votes + len(pw.dossiers) * len(group_members(pw))
    assert all(not CHOICE_WORDS.search(json.dumps(r, default=str, ensure_ascii=False)) for r in votes)

    if uow.engine.dialect.name == "postgresql":
        # a row version's xmin names the transaction that last wrote it: a counter bumped alone would carry
        # its last voter's transaction id, the same as that voter's participation row
        with uow.engine.connect() as conn:
            versions = conn.execute(sa.text("SELECT declaration_id, stage, choice, xmin::text FROM vote_count")).all()
            voted = set(conn.execute(sa.text("SELECT xmin::text FROM vote_participation")).scalars())
        by_dossier: dict[tuple, set[str]] = {}
        for d, stage, _choice, xmin in versions:
            by_dossier.setdefault((d, stage), set()).add(xmin)
        telling = {k: v for k, v in by_dossier.items() if len(v) > 1 and v & voted}
        assert not telling, f"counter row versions tell which choice a voter's transaction bumped: {telling}"

    if uow.engine.dialect.name == "sqlite":  # the whole file as text, the way an auditor would read it
        raw = uow.engine.raw_connection()
        try:
            text = "\n".join(raw.driver_connection.iterdump())
        finally:
            raw.close()
        for line in text.splitlines():
            if CHOICE_WORDS.search(line):
                assert not line.startswith(('INSERT INTO "vote_participation"', 'INSERT INTO "panel_member"')), line
                assert "panel_vote" not in line, line
                assert not re.search(r"panel_member:\d+", line) or "panel_set_duty" in line, line


# --- scope and blind review -----------------------------------------------------------------------------------

def test_an_expert_sees_only_the_dossiers_distributed_to_them(uow):
    pw = PanelWorld.build(uow)
    pw.run_to("reviewing")
    ms = group_members(pw)
    d0, d1, d2 = pw.dossiers
    plan = {d0: (ms[0], ms[1]), d1: (ms[1], ms[2]), d2: (ms[2], ms[3])}
    for d, (main, deputy) in plan.items():
        distribution.distribute(uow, pw.leader(), pw.group_id, d, [main.id, deputy.id], main.id)
    distribution.group_step(uow, pw.leader(), pw.group_id, "start_group_review")
    for m in pw.members():
        seen = {i.dossier.declaration_id for i in views.my_reviews(uow, pw.experts[m.expert_id])}
        with uow.read() as s:
            given = set(s.scalars(select(DossierAssignment.declaration_id).where(DossierAssignment.member_id == m.id)))
        assert seen == given, m.duty
    assert {i.dossier.declaration_id for i in views.my_reviews(uow, pw.experts[ms[3].expert_id])} == {d2}
    assert views.my_reviews(uow, pw.experts[member_with(pw, "chair").expert_id]) == []


def test_a_member_of_another_session_sees_and_does_nothing_in_this_one(uow):
    pw = PanelWorld.build(uow)
    to_group_vote(pw)
    outsiders = [add_expert(pw, "prov", specialties=(OTHER_SPECIALTY,)) for _ in range(3)]
    other, groups = new_session(pw, {"水利组": []})
    sessions.set_need(uow, pw.operator, groups["水利组"], OTHER_SPECIALTY, 3)
    drawing.draw_for_group(uow, pw.operator, groups["水利组"], OTHER_SPECIALTY)
    with uow.read() as s:
        theirs = list(s.scalars(select(PanelMember).where(PanelMember.session_id == other).order_by(PanelMember.id)))
        s.expunge_all()
    sessions.set_duty(uow, pw.operator, theirs[0].id, "group_leader")
    sessions.set_duty(uow, pw.operator, theirs[1].id, "chair")
    attendance.sign(uow, pw.operator, other, [m.id for m in theirs], signed_in=True)
    assert {m.expert_id for m in theirs} == set(outsiders)
    expert, leader = pw.experts[theirs[2].expert_id], pw.as_duty(theirs[0].expert_id, "group_leader")
    chair = pw.as_duty(theirs[1].expert_id, "chair")
    with uow.read() as s:
        assignment = s.scalars(select(DossierAssignment).where(DossierAssignment.group_id == pw.group_id)).first().id

    assert views.ballot_sheet(uow, pw.experts[group_members(pw)[1].expert_id])  # an insider has ballots
    for actor in (expert, leader, chair):
        assert views.my_reviews(uow, actor) == [] and views.ballot_sheet(uow, actor) == []
        assert pw.session_id not in {r.id for r in views.member_sessions(uow, actor, rules.CONSOLE_DUTIES)}
        assert pw.group_id not in {g[0] for g in views.my_groups(uow, actor)}
    for call in (lambda a: reviews.save(uow, a, assignment, {"overall": "x"}, final=False),
                 lambda a: voting.cast(uow, a, pw.session_id, "group", {pw.dossiers[0]: "approve"}),
                 lambda a: views.leader_board(uow, a, pw.group_id),
                 lambda a: distribution.group_step(uow, a, pw.group_id, "open_group_vote"),
                 lambda a: voting.close_group_vote(uow, a, pw.group_id),
                 lambda a: console.console(uow, a, pw.session_id),
                 lambda a: views.results(uow, a, pw.session_id),
                 lambda a: voting.tally(uow, a, pw.session_id)):
        for actor in (expert, leader, chair):
            with pytest.raises(NotFound):
                call(actor)


def _panel_snapshot(uow, session_id: int) -> tuple:
    with uow.read() as s:
        panel = s.get(PanelSession, session_id)
        return (panel.status, panel.version, panel.blind_review,
                *(s.scalar(select(func.count()).select_from(m)) for m in
                  (PanelMember, PanelDraw, ReviewGroup, DossierAssignment, VoteParticipation, TallyResult)),
                tuple(s.execute(select(PanelMember.id, PanelMember.duty, PanelMember.signed_in_at,
                                       PanelMember.declined_at).order_by(PanelMember.id)).all()))


def test_an_operator_of_another_unit_is_told_every_session_thing_does_not_exist(uow):
    pw = PanelWorld.build(uow)
    pw.run_to("reviewing")
    sid, gid, d = pw.session_id, pw.group_id, pw.dossiers[0]
    member, second = group_members(pw)[1].id, group_members(pw)[2].id
    with uow.read() as s:
        draw = s.scalar(select(PanelDraw.id).where(PanelDraw.session_id == sid))
    calls = {
        "create": lambda a: sessions.create(uow, a, pw.world.committee_id, "别人的评审会"),
        "settings": lambda a: sessions.set_settings(uow, a, sid, blind_review=True, defense=True),
        "add_group": lambda a: sessions.add_group(uow, a, sid, "新组"),
        "waiting": lambda a: sessions.waiting_dossiers(uow, a, sid),
        "assign": lambda a: sessions.assign(uow, a, gid, [d]),
        "unassign": lambda a: sessions.unassign(uow, a, gid, d),
        "need": lambda a: sessions.set_need(uow, a, gid, SPECIALTY, 9),
        "duty": lambda a: sessions.set_duty(uow, a, member, "vice_chair"),
        "start": lambda a: sessions.start_review(uow, a, sid),
        "draw": lambda a: drawing.draw_for_group(uow, a, gid, SPECIALTY),
        "draw_committee": lambda a: drawing.draw_committee(uow, a, sid, 2),
        "decline": lambda a: drawing.decline(uow, a, member),
        "replay": lambda a: drawing.replay(uow, a, draw),
        "draws": lambda a: drawing.draws(uow, a, sid),
        "sign": lambda a: attendance.sign(uow, a, sid, [member], signed_in=False),
        "open_vote": lambda a: voting.open_committee_vote(uow, a, sid),
        "tally": lambda a: voting.tally(uow, a, sid),
        "board": lambda a: views.board(uow, a, sid),
        "results": lambda a: views.results(uow, a, sid),
        "console": lambda a: console.console(uow, a, sid),
        "distribute": lambda a: distribution.distribute(uow, a, gid, d, [member, second], member),
        "group_step": lambda a: distribution.group_step(uow, a, gid, "start_group_review"),
        "leader_board": lambda a: views.leader_board(uow, a, gid),
    }
    before = _panel_snapshot(uow, sid)
    for actor in (pw.world.actor("own_committee_op"), pw.world.actor("unit_op"), pw.world.actor("prov_hr")):
        for name, call in calls.items():
            with pytest.raises(NotFound):
                call(actor)
                pytest.fail(f"{actor.role}@{actor.unit_id} got through {name}")
        assert sid not in {r.id for r in views.sessions(uow, actor)}
    assert _panel_snapshot(uow, sid) == before


def test_under_blind_review_no_expert_view_names_the_applicant(uow):
    pw = PanelWorld.build(uow)
    pw.setup()
    sessions.set_settings(uow, pw.operator, pw.session_id, blind_review=True, defense=False)
    sessions.start_review(uow, pw.operator, pw.session_id)
    with uow.read() as s:
        names = set(s.scalars(select(Person.name).where(Person.id.in_(applicants(pw).values()))))
        ids = set(s.scalars(select(Person.id_number).where(Person.id.in_(applicants(pw).values()))))
    employer = "市建筑设计院"
    secrets_ = names | ids | {employer}
    assert len(names) == len(pw.dossiers)

    def seen_by_experts() -> str:
        shown = []
        for m in pw.members():
            actor = pw.experts[m.expert_id]
            shown += [views.my_reviews(uow, actor), views.ballot_sheet(uow, actor)]
            if m.duty == "group_leader":
                leader = pw.as_duty(m.expert_id, "group_leader")
                shown += [views.leader_board(uow, leader, pw.group_id), views.my_groups(uow, leader)]
            if m.duty in rules.CONSOLE_DUTIES:
                duty = pw.as_duty(m.expert_id, m.duty)
                shown += [console.console(uow, duty, pw.session_id), views.member_sessions(uow, duty, rules.DUTIES)]
        return repr(shown)

    pw.distribute_all()
    distribution.group_step(uow, pw.leader(), pw.group_id, "start_group_review")
    pw.review_all()
    distribution.group_step(uow, pw.leader(), pw.group_id, "open_group_vote")
    during_group = seen_by_experts()
    pw.vote_group()
    voting.close_group_vote(uow, pw.leader(), pw.group_id)
    voting.open_committee_vote(uow, pw.operator, pw.session_id)
    during_committee = seen_by_experts()
    assert "材料 001" in during_group and "材料 001" in during_committee
    for text in (during_group, during_committee):
        assert not [x for x in secrets_ if x in text], [x for x in secrets_ if x in text]
    board = repr(views.board(uow, pw.operator, pw.session_id)) + repr(console.console(uow, pw.operator, pw.session_id))
    assert all(n in board for n in names) and employer in board


def test_the_roster_of_an_active_session_is_hidden_from_applicants_and_the_public(uow):
    pw = PanelWorld.build(uow)
    to_group_vote(pw)
    with uow.write() as s:  # a running public notice of the committee naming a dossier of the session
        from dataclasses import replace as _replace
        w = _replace(pw.world, session=s)
        w.publicize(pw.dossiers[0], "result", ended=False, owner="organizer")
    with uow.read() as s:
        roster = s.execute(select(Person.name, Person.id_number, Account.login_name)
                           .join(Expert, Expert.person_id == Person.id)
                           .join(PanelMember, PanelMember.expert_id == Expert.id)
                           .join(Account, Account.person_id == Person.id)
                           .where(PanelMember.session_id == pw.session_id)).all()
    secret = {v for row in roster for v in row}
    assert len(roster) == len(pw.members())

    today = clock_today()
    notices = portal.load_notices(uow, today)
    assert notices
    public = repr(notices) + "".join(repr(portal.load_notice(uow, n.id, today)) for n in notices)
    shown = ""
    for d in pw.dossiers:
        actor = applicant_actor(pw, d)
        shown += repr(applicant_desk.overview(uow, actor)) + repr(applicant_desk.editor(uow, actor, d))
    assert "申报人0" in public and "申报人0" in shown  # the views do show the applicant
    for text in (public, shown):
        assert not [x for x in secret if x and x in text]
        assert "panel_member" not in text and "group_leader" not in text
    # the portal's code does not read the panel at all
    source = Path(portal.__file__).read_text(encoding="utf-8")
    assert not re.search(r"\b(PanelMember|Expert|PanelSession|ReviewGroup|DossierAssignment)\b", source)
    with pytest.raises(NotFound):
        views.board(uow, applicant_actor(pw, pw.dossiers[0]), pw.session_id)
    with pytest.raises(NotFound):
        console.console(uow, applicant_actor(pw, pw.dossiers[0]), pw.session_id)


# --- after the tally: result publicity, then filing ------------------------------------------------------

def test_passed_dossiers_go_through_result_publicity_to_filing(uow, clock):
    pw = PanelWorld.build(uow)
    pw.run_to("committee_voting")
    failing = pw.dossiers[2]
    pw.vote_committee(choice_for=lambda n, d: "reject" if d == failing else "approve")
    voting.tally(uow, pw.chair(), pw.session_id)
    with uow.read() as s:
        waiting = sorted(s.scalars(select(Declaration.id).where(Declaration.id.in_(pw.dossiers),
                                                                Declaration.state == "result_publicity")))
    assert waiting == sorted(set(pw.dossiers) - {failing})

    op = pw.operator
    start = clock_today()
    end = start + dt.timedelta(days=14)
    with pytest.raises(DomainError):  # a dossier that did not pass is not in the result publicity
        committee_publicity.create(uow, op, "result", [failing], "结果公示", "正文", start, end)
    batch = committee_publicity.create(uow, op, "result", waiting, "2026年度评审结果公示", "公示期内可提出异议。", start, end)
    committee_publicity.publish(uow, op, batch)
    with pytest.raises(DomainError):
        committee_publicity.complete(uow, op, batch)  # still running
    clock(dt.datetime.combine(end + dt.timedelta(days=1), dt.time(10, 0), tzinfo=dt.timezone(dt.timedelta(hours=8))))
    done = committee_publicity.complete(uow, op, batch)
    assert sorted(done.completed) == waiting and done.batch_completed
    with uow.read() as s:
        states = dict(s.execute(select(Declaration.id, Declaration.state).where(Declaration.id.in_(pw.dossiers))).all())
    assert states == {**{d: "filing" for d in waiting}, failing: "not_approved"}


def test_voters_signed_out_after_voting_still_count_as_present_at_the_tally(uow):
    """Signing out two members who voted no must not turn a failing dossier into a passing one."""
    pw = PanelWorld.build(uow)
    pw.run_to("committee_voting")
    members = pw.members()
    order = [n for n, m in enumerate(members) if m.duty in rules.VOTING_DUTIES]
    assert len(order) == 6
    pw.vote_committee(choice_for=lambda n, d: "approve" if order.index(n) < 3 else "reject")  # 3 of 6: fails
    no_voters = [members[n].id for n in order[3:5] if members[n].duty != "chair"]
    attendance.sign(uow, pw.operator, pw.session_id, no_voters, signed_in=False)  # 4 of 6 left: still a quorum
    voting.tally(uow, pw.operator, pw.session_id)
    with uow.read() as s:
        rows = [(r.present, r.yes, r.no, r.abstain, r.passed)
                for r in s.scalars(select(TallyResult).where(TallyResult.stage == "committee"))]
    assert rows == [(6, 3, 3, 0, False)] * len(pw.dossiers)
