"""Past panel sessions of the demo (§6.2.10), written as rows: review groups, experts with duties,
dossier distribution with opinions, secret ballots, and the confirmed tally the engine's guard reads.

A committee meets on fixed days; each past meeting is a closed (tallied) session whose tallies moved
its dossiers on. The sessions still open, with the dossiers now in panel review, are brought to
where they stand through the panel services (core.setup.demo.meetings). Experts never review or vote
on someone from their own unit (回避). Choices are kept only as counters; who voted is recorded apart
(rules.md, secret ballot).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core.declaring.catalogue import SERIES
from core.workflow import Actor
from core.setup.demo.clock import at
from core.setup.demo.context import Ctx
from core.setup.demo.people import ExpertInfo
from core.panel.voting import result_hash
from db.models import (Committee, DossierAssignment, GroupDeclaration, PanelMember, PanelSession, ReviewGroup,
                       TallyResult, VoteCount, VoteParticipation)

COMMITTEE_SIZE = 11
GROUP_SIZE = 3
SPECIALTY_ZH = {code: zh for s in SERIES for code, zh, _en in s[4]}


@dataclass
class Seat:
    member: PanelMember
    expert: ExpertInfo


@dataclass
class SessionInfo:
    session: PanelSession
    committee: Committee
    day: dt.date
    groups: dict[str, ReviewGroup] = field(default_factory=dict)
    group_seats: dict[str, list[Seat]] = field(default_factory=dict)
    committee_seats: list[Seat] = field(default_factory=list)

    @property
    def chair(self) -> ExpertInfo:
        return next(s.expert for s in self.committee_seats if s.member.duty == "chair")


def session_for(ctx: Ctx, committee: Committee, day: dt.date) -> SessionInfo:
    """The committee's past session on that day, drawn and staffed on first use."""
    key = (committee.id, day)
    if key not in ctx.sessions:
        ctx.sessions[key] = _new_session(ctx, committee, day)
    return ctx.sessions[key]


def _new_session(ctx: Ctx, committee: Committee, day: dt.date) -> SessionInfo:
    session = PanelSession(committee_id=committee.id, year=committee.year, blind_review=ctx.rng.random() < 0.4,
                           defense=committee.series_code in ("health", "engineering"),
                           title=f"{committee.year}年度{committee.name}评审会",
                           status="tallied", meeting_on=day, tallied_at=at(day, 15, 0),
                           created_at=at(day - dt.timedelta(days=6), 10, ctx.rng.randint(0, 59)))
    ctx.session.add(session)
    ctx.session.flush()
    info = SessionInfo(session, committee, day)
    pool = [e for e in ctx.experts[committee.series_code]
            if not (committee.self_review and e.unit_id == committee.organizer_unit_id)]
    ctx.rng.shuffle(pool)
    forced = ctx.demo_experts if committee.id == ctx.committees["prov_health"].id else {}
    used = {e.expert_id for e in forced.values()}
    for code, _zh in _specialties(committee.series_code):
        group = ReviewGroup(session_id=session.id, name=f"{SPECIALTY_ZH[code]}评议组", status="group_voted")
        ctx.session.add(group)
        ctx.session.flush()
        info.groups[code] = group
        seats = [(e, d) for d, e in forced.items() if d in ("group_leader", "expert") and code in e.specialties[:1]]
        for e in pool:
            if len(seats) >= GROUP_SIZE:
                break
            if code in e.specialties and e.expert_id not in used:
                seats.append((e, "group_leader" if not any(d == "group_leader" for _, d in seats) else "expert"))
                used.add(e.expert_id)
        info.group_seats[code] = [_seat(ctx, info, e, duty, group.id) for e, duty in seats]
    _committee_seats(ctx, info, pool, forced, used)
    ctx.session.flush()
    return info


def _specialties(series: str) -> list[tuple[str, str]]:
    return [(code, zh) for s in SERIES if s[0] == series for code, zh, _en in s[4]]


def _committee_seats(ctx: Ctx, info: SessionInfo, pool: list[ExpertInfo], forced: dict, used: set) -> None:
    chosen = [(e, d) for d, e in forced.items() if d in ("chair", "vice_chair", "committee_member")]
    for e in pool:
        if len(chosen) >= COMMITTEE_SIZE:
            break
        if e.expert_id not in used:
            used.add(e.expert_id)
            duty = "committee_member"
            if not any(d == "chair" for _, d in chosen):
                duty = "chair"
            elif not any(d == "vice_chair" for _, d in chosen):
                duty = "vice_chair"
            chosen.append((e, duty))
    info.committee_seats = [_seat(ctx, info, e, duty, None) for e, duty in chosen]


def _seat(ctx: Ctx, info: SessionInfo, expert: ExpertInfo, duty: str, group_id: int | None) -> Seat:
    member = PanelMember(session_id=info.session.id, expert_id=expert.expert_id, group_id=group_id, duty=duty,
                         signed_in_at=at(info.day, 8, ctx.rng.randint(10, 55)),
                         signed_out_at=at(info.day, 17, ctx.rng.randint(30, 59)))
    ctx.session.add(member)
    if duty != "expert":
        key = (expert.actor.account_id, duty, info.committee.id)
        if key not in ctx.granted:
            ctx.granted.add(key)
            ctx.grant(expert.actor, duty, committee_id=info.committee.id, year=info.committee.year)
    return Seat(member, expert)


def chair_actor(info: SessionInfo) -> Actor:
    chair = info.chair
    return Actor(account_id=chair.actor.account_id, role="chair", person_id=chair.person_id,
                 committee_id=info.committee.id, year=info.committee.year)


def _reviewed(ctx: Ctx, info: SessionInfo, declaration_id: int, specialty: str, unit_id: int) -> list[Seat]:
    """Put the dossier in its group and give it to the group's eligible experts, one main reviewer, each
    with a final opinion."""
    ctx.session.add(GroupDeclaration(group_id=info.groups[specialty].id, declaration_id=declaration_id))
    eligible = [s for s in info.group_seats[specialty] if s.expert.unit_id != unit_id]
    when = at(info.day, 9, ctx.rng.randint(0, 59))
    for i, seat in enumerate(eligible):
        ctx.session.add(DossierAssignment(group_id=info.groups[specialty].id, declaration_id=declaration_id,
                                          member_id=seat.member.id, is_main=i == 0,
                                          opinion=opinion(ctx, main=i == 0), final=True, updated_at=when))
    return eligible


def opinion(ctx: Ctx, *, main: bool) -> dict:
    """A reviewer's opinion: the main reviewer's full evaluation, a deputy's overall opinion."""
    overall = ctx.rng.choice(("业绩突出，同意推荐。", "专业基础扎实，工作成绩较好，同意通过。", "论文质量一般，建议加强科研能力。"))
    if not main:
        return {"overall": overall}
    return {"academic": "理论基础扎实，掌握本专业前沿动态。", "performance": "任现职以来工作量饱满，业绩较突出。",
            "defense_question": "请结合本人业绩谈谈本专业新技术的应用体会。",
            "defense_evaluation": "答辩思路清晰，回答问题准确。", "defense_score": ctx.rng.randint(72, 95),
            "overall": overall}


def tally(ctx: Ctx, info: SessionInfo, declaration_id: int, specialty: str, unit_id: int, passed: bool,
          now: dt.datetime) -> None:
    """Review, group vote, committee vote and the chair's confirmed tally for one dossier."""
    reviewers = _reviewed(ctx, info, declaration_id, specialty, unit_id)
    ctx.session.flush()
    _votes(ctx, info, declaration_id, "group", reviewers, passed)
    voters = [s for s in info.committee_seats if s.expert.unit_id != unit_id]
    absent = 1 if len(voters) > 9 and ctx.rng.random() < 0.3 else 0
    present = voters[absent:]
    yes = _yes_count(ctx, len(present), passed)
    counts = _votes(ctx, info, declaration_id, "committee", present, passed, yes=yes)
    row = TallyResult(session_id=info.session.id, declaration_id=declaration_id, stage="committee",
                      members=len(info.committee_seats), present=len(present), yes=counts["yes"],
                      no=counts["no"], abstain=counts["abstain"], passed=passed, record_hash="",
                      confirmed_by=info.chair.actor.account_id, confirmed_at=now)
    row.record_hash = result_hash(row)
    ctx.session.add(row)
    ctx.session.flush()


def _yes_count(ctx: Ctx, present: int, passed: bool) -> int:
    need = -(-2 * present // 3)  # 3*yes >= 2*present
    return ctx.rng.randint(need, present) if passed else ctx.rng.randint(max(0, need - 5), need - 1)


def _votes(ctx: Ctx, info: SessionInfo, declaration_id: int, stage: str, seats: list[Seat], passed: bool,
           yes: int | None = None) -> dict:
    """Participations by member, ballots without voter, in shuffled order."""
    if yes is None:
        yes = len(seats) if passed else ctx.rng.randint(0, max(0, len(seats) - 2))
    rest = len(seats) - yes
    abstain = ctx.rng.randint(0, min(1, rest))
    choices = ["approve"] * yes + ["reject"] * (rest - abstain) + ["abstain"] * abstain
    ctx.rng.shuffle(choices)
    when = at(info.day, 14 if stage == "committee" else 11, ctx.rng.randint(0, 59))  # the tally follows at 15:00
    for seat in seats:
        ctx.session.add(VoteParticipation(session_id=info.session.id, declaration_id=declaration_id, stage=stage,
                                          member_id=seat.member.id, voted_at=when))
    ctx.session.add_all(VoteCount(session_id=info.session.id, declaration_id=declaration_id, stage=stage,
                                  choice=c, count=choices.count(c)) for c in ("approve", "reject", "abstain"))
    return {"yes": yes, "no": rest - abstain, "abstain": abstain}
