"""The open panel sessions of the demo (§6.2.10), each brought to where it stands through the panel
services (core.panel), click by click, by the people who would click: the committee unit's operator
creates the session, adds groups and dossiers, sets the needs, draws experts, appoints duties, signs
members in and starts the review; the group leader distributes and starts the group review; experts
save drafts and final opinions; members vote; the committee unit opens the committee vote.

The provincial health committee has a session in every sub-phase, with its featured experts
(core.setup.demo.accounts.DEMO_EXPERTS) on duty, so that each demo panel login finds work waiting:

* ``committee_voting``: every group voted; some members have voted, the demo chair, vice chair and
  committee member have not (the chair's console shows the progress);
* ``reviewing``, its internal medicine group ``reviewing``: the demo expert has a final opinion, a
  draft and an untouched dossier; its nursing group ``group_voting``, partly voted;
* ``reviewing``, its group ``distributing``: the demo group leader has given out one dossier of three;
* ``setup``: groups with dossiers and needs, one group drawn, the other and the committee not yet;
  the committee's other dossiers in panel review wait for a session.

Every other committee with dossiers in panel review has one session under review, partly reviewed
(or still in setup when its library cannot staff a group).

Two things differ from a real click. The app's clock (db.clock) is set to each click's planned moment
on the meeting day and put back afterwards. A drawing's seed comes from the demo's random stream
(the services' ``seed`` argument, which pages never pass), chosen so that the featured experts are drawn: the build stays deterministic
and the drawing record replays like any other (core.panel.drawing.replay).
"""
from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import cycle

from sqlalchemy import select

from core.panel import attendance, distribution, drawing, reviews, sessions, voting
from core.panel.facts import PanelFacts
from core.panel.views import ballot_sheet, leader_board
from core.setup.demo.clock import at, local_date, workday_on_or_before, workdays_forward
from core.setup.demo.context import Ctx
from core.setup.demo.panel import COMMITTEE_SIZE, GROUP_SIZE, SPECIALTY_ZH, opinion
from core.setup.demo.people import ExpertInfo
from core.workflow import Actor
from db import clock
from db.models import Committee, Declaration, DossierAssignment, PanelMember, PanelSession

FEATURED_COMMITTEE = "prov_health"
ABSENT = 2  # committee members not signed in (the quorum still holds)


@dataclass(frozen=True)
class GroupPlan:
    specialty: str
    units: tuple[str, ...]     # the employers of its dossiers (each one a planned declaration)
    stage: str = "reviewing"   # distributing / reviewing / group_voting / group_voted; in setup: drawn / undrawn
    featured: str | None = None  # the demo expert's duty in this group (group_leader or expert)


@dataclass(frozen=True)
class SessionPlan:
    stage: str                 # setup / reviewing / committee_voting
    groups: tuple[GroupPlan, ...]
    voters: tuple[str, ...] = ("chair",)  # the featured committee duties (the demo chair chairs every session)


# the provincial health committee's open sessions, oldest first; no group has a dossier of its featured
# expert's unit, and the featured voters' units (qj_zxyy, yl_rmyy) leave them dossiers to vote on
HEALTH_SESSIONS = (
    SessionPlan("committee_voting", (GroupPlan("hea_internal", ("zn_yy1", "lx_rmyy"), "group_voted"),
                                     GroupPlan("hea_surgery", ("sf_rmyy",), "group_voted")),
                voters=("chair", "vice_chair", "committee_member")),
    SessionPlan("reviewing", (GroupPlan("hea_internal", ("zn_yy1", "qp_rmyy", "yl_rmyy"), "reviewing", "expert"),
                              GroupPlan("hea_nursing", ("qj_zxyy", "zn_yy1"), "group_voting"))),
    SessionPlan("reviewing", (GroupPlan("hea_internal", ("zn_yy1", "sf_rmyy", "qp_rmyy"), "distributing",
                                        "group_leader"),)),
    SessionPlan("setup", (GroupPlan("hea_surgery", ("zn_yy1", "qj_zxyy"), "drawn"),
                          GroupPlan("hea_pharmacy", ("lx_rmyy",), "undrawn")), voters=()),
)


def planned_declarations() -> tuple[tuple[str, str, dict], ...]:
    """(target, level, extras) of the declarations the featured sessions need (core.setup.demo.plan.FORCED)."""
    levels = cycle(("associate_senior", "associate_senior", "full_senior"))
    return tuple(("panel_review", next(levels), {"specialty": g.specialty, "unit": unit})
                 for plan in HEALTH_SESSIONS for g in plan.groups for unit in g.units)


class Clicks:
    """The build's transaction as the unit of work the services take (one savepoint per click), and the
    meeting day's clock: each click happens a little after the previous one."""

    def __init__(self, ctx: Ctx, start: dt.datetime) -> None:
        self.ctx, self.t = ctx, start

    @contextlib.contextmanager
    def write(self) -> Iterator:
        with self.ctx.session.begin_nested():
            yield self.ctx.session

    @contextlib.contextmanager
    def read(self) -> Iterator:
        yield self.ctx.session

    def tick(self) -> None:
        self.t += dt.timedelta(seconds=self.ctx.rng.randint(10, 60))
        clock.set_clock(self.t)

    def click(self, service: Callable, *args, **kwargs):
        self.tick()
        return service(self, *args, **kwargs)


@contextlib.contextmanager
def _clock_kept() -> Iterator[None]:
    saved = clock.offset()
    try:
        yield
    finally:
        clock.set_clock(dt.datetime.now(dt.timezone.utc) + saved if saved else None)


def open_sessions(ctx: Ctx) -> None:
    """Every committee's open sessions, over the dossiers now in panel review."""
    waiting: dict[int, list[tuple[int, str, int]]] = {}
    for did, committee_id, specialty, unit_id in ctx.session.execute(
            select(Declaration.id, Declaration.committee_id, Declaration.specialty_code, Declaration.unit_id)
            .where(Declaration.flow == "review", Declaration.state == "panel_review").order_by(Declaration.id)):
        waiting.setdefault(committee_id, []).append((did, specialty, unit_id))
    day = workday_on_or_before(ctx.today - dt.timedelta(days=1))  # the meeting day, from 08:15 on
    clicks = Clicks(ctx, at(day, 8, 15))
    featured = ctx.committees[FEATURED_COMMITTEE]
    with _clock_kept():
        for committee in sorted(ctx.committees.values(), key=lambda c: c.id):
            dossiers = waiting.get(committee.id, [])
            if committee.id == featured.id:
                for n, plan in enumerate(HEALTH_SESSIONS, start=1):
                    Meeting(clicks, committee, plan, n, featured=True).run(_take(ctx, plan, dossiers))
            elif dossiers:
                specialties = sorted({s for _, s, _ in dossiers})
                plan = SessionPlan("reviewing", tuple(GroupPlan(s, ()) for s in specialties), voters=())
                Meeting(clicks, committee, plan, 1, featured=False).run(
                    [[d for d, s, _ in dossiers if s == specialty] for specialty in specialties])


def _take(ctx: Ctx, plan: SessionPlan, dossiers: list[tuple[int, str, int]]) -> list[list[int]]:
    """The committee's waiting dossiers each group of the plan gets (taken from the list)."""
    taken = []
    for g in plan.groups:
        ids = []
        for slug in g.units:
            row = next(r for r in dossiers if r[1] == g.specialty and r[2] == ctx.units[slug].id)
            dossiers.remove(row)
            ids.append(row[0])
        taken.append(ids)
    return taken


class Meeting:
    """One open session, driven to its planned stage."""

    def __init__(self, clicks: Clicks, committee: Committee, plan: SessionPlan, n: int, *, featured: bool) -> None:
        self.clicks, self.ctx, self.committee, self.plan, self.n = clicks, clicks.ctx, committee, plan, n
        self.featured = featured
        self.op = self.ctx.committee_ops[committee.organizer_unit_id]
        self.experts = {e.expert_id: e for infos in self.ctx.experts.values() for e in infos}
        self.session_id = 0

    def _demo(self, duty: str | None) -> set[int]:
        return {self.ctx.demo_experts[duty].expert_id} if self.featured and duty else set()

    def run(self, dossiers: list[list[int]]) -> None:
        c, plan, ctx = self.clicks, self.plan, self.ctx
        meeting_on = workdays_forward(ctx.today, 5) if plan.stage == "setup" else local_date(c.t)
        title = f"{self.committee.name[:-8]}{self.committee.year}年度评审会（第{self.n}批）"
        self.session_id = c.click(sessions.create, self.op, self.committee.id, title, meeting_on=meeting_on,
                                  blind_review=ctx.rng.random() < 0.4,
                                  defense=self.committee.series_code in ("health", "engineering"))
        groups = []
        for g, ids in zip(plan.groups, dossiers):
            group_id = c.click(sessions.add_group, self.op, self.session_id, f"{SPECIALTY_ZH[g.specialty]}评议组")
            c.click(sessions.assign, self.op, group_id, ids)
            c.click(sessions.set_need, self.op, group_id, g.specialty, GROUP_SIZE)
            groups.append(group_id)
        # the featured experts' groups first, then the committee, leaving the other groups enough experts
        for g, group_id in zip(plan.groups, groups):
            if g.featured:
                self._draw(group_id, g.specialty, self._demo(g.featured))
        rest = [(g, group_id) for g, group_id in zip(plan.groups, groups) if not g.featured and g.stage != "undrawn"]
        if plan.stage != "setup":
            voters = set().union(*(self._demo(d) for d in plan.voters))
            self._draw(None, None, voters, keep=[self._pool(group_id, g.specialty) for g, group_id in rest])
        for g, group_id in rest:
            self._draw(group_id, g.specialty, set())
        if plan.stage == "setup":
            return
        for g, group_id in zip(plan.groups, groups):
            members = self._members(group_id)
            if members:
                c.click(sessions.set_duty, self.op, self._leader(g, members).id, "group_leader")
        self._staff_committee()
        if self.featured or not PanelFacts(ctx.session).setup_problems(self.session_id):
            c.click(sessions.start_review, self.op, self.session_id)
        else:
            return  # the library cannot staff it: the committee unit has work left in setup
        for g, group_id in zip(plan.groups, groups):
            self._group(g, group_id)
        if plan.stage == "committee_voting":
            c.click(voting.open_committee_vote, self.op, self.session_id)
            self._committee_votes()

    # --- setup ---------------------------------------------------------------------------------------

    def _seed(self, pool: list[int], wanted: int, must: set[int], keep: list[set[int]]) -> str:
        """A seed that draws the featured experts this drawing is for, no other featured expert (they are
        on duty where the plan puts them) and leaves each pool in ``keep`` a group's worth of experts;
        failing that (a small library), any seed that draws the featured experts."""
        if not must <= set(pool):
            raise RuntimeError(f"featured experts {sorted(must - set(pool))} are not eligible for this drawing")
        avoid = {e.expert_id for e in self.ctx.demo_experts.values()} - must
        for strict in (True, False):
            for _ in range(5_000):
                seed = f"{self.ctx.rng.getrandbits(128):032x}"
                drawn = set(drawing.pick(pool, wanted, seed))
                if must <= drawn and not (strict and (drawn & avoid or any(
                        len(p - drawn) < min(GROUP_SIZE, len(p)) for p in keep))):
                    return seed
        raise RuntimeError("no seed draws the featured experts")

    def _pool(self, group_id: int | None, specialty: str | None) -> set[int]:
        panel = self.ctx.session.get(PanelSession, self.session_id)
        return set(drawing.eligible_pool(self.ctx.session, panel, group_id, specialty, local_date(clock.now()))[0])

    def _draw(self, group_id: int | None, specialty: str | None, must: set[int], keep: list[set[int]] = ()) -> None:
        """One drawing through the service, with a seed from the demo's random stream."""
        s, c = self.ctx.session, self.clicks
        c.tick()
        pool = sorted(self._pool(group_id, specialty))
        if not pool and not must:
            return  # nobody left to draw: the committee unit sees the group short of experts
        wanted = drawing.still_needed(s, group_id, specialty) if group_id is not None else COMMITTEE_SIZE
        seed = self._seed(pool, wanted, must, list(keep))
        if group_id is None:
            drawing.draw_committee(c, self.op, self.session_id, wanted, seed=seed)
        else:
            drawing.draw_for_group(c, self.op, group_id, specialty, seed=seed)

    def _leader(self, g: GroupPlan, members: list[PanelMember]) -> PanelMember:
        """The featured group leader, else the first drawn member who is not the featured expert."""
        if g.featured == "group_leader":
            return next(m for m in members if m.expert_id in self._demo("group_leader"))
        return next((m for m in members if m.expert_id not in self._demo(g.featured)), members[0])

    def _members(self, group_id: int | None) -> list[PanelMember]:
        where = PanelMember.group_id == group_id if group_id is not None else PanelMember.group_id.is_(None)
        return list(self.ctx.session.scalars(select(PanelMember).where(
            PanelMember.session_id == self.session_id, where).order_by(PanelMember.id)))

    def _staff_committee(self) -> None:
        """Appoint the chair and a vice chair (and the featured member) of the drawn committee, sign members in."""
        c = self.clicks
        committee = self._members(None)
        duties = {self.ctx.demo_experts[d].expert_id: d for d in self.plan.voters} if self.featured else {}
        for duty in ("chair", "vice_chair"):
            free = next((m for m in committee if m.expert_id not in duties), None)
            if duty not in duties.values() and free is not None:
                duties[free.expert_id] = duty
        for m in committee:
            if duties.get(m.expert_id, "committee_member") != "committee_member":
                c.click(sessions.set_duty, self.op, m.id, duties[m.expert_id])
        others = [m.id for m in committee if m.expert_id not in duties]
        absent = set(self.ctx.rng.sample(others, min(ABSENT, len(others))))
        present = [m.id for m in self.ctx.session.scalars(select(PanelMember).where(
            PanelMember.session_id == self.session_id).order_by(PanelMember.id)) if m.id not in absent]
        c.click(attendance.sign, self.op, self.session_id, present, signed_in=True)

    # --- the groups ------------------------------------------------------------------------------------

    def _actor(self, member: PanelMember, role: str) -> Actor:
        e: ExpertInfo = self.experts[member.expert_id]
        return Actor(account_id=e.actor.account_id, role=role, person_id=e.person_id,
                     committee_id=None if role == "expert" else self.committee.id,
                     year=None if role == "expert" else self.committee.year)

    def _group(self, g: GroupPlan, group_id: int) -> None:
        c, rng = self.clicks, self.ctx.rng
        members = {m.id: m for m in self._members(group_id)}
        leader = self._actor(next(m for m in members.values() if m.duty == "group_leader"), "group_leader")
        board = leader_board(c, leader, group_id)
        featured = [m for m in members.values() if m.expert_id in self._demo(g.featured)]
        for i, dossier in enumerate(board.group.dossiers):
            if g.stage == "distributing" and i > 0:
                break  # the leader has the others still to give out
            reviewers = list(board.eligible[dossier.declaration_id])
            main = featured[0].id if featured and i == 0 and g.featured == "expert" else reviewers[i % len(reviewers)]
            c.click(distribution.distribute, leader, group_id, dossier.declaration_id, reviewers, main)
        if g.stage == "distributing":
            return
        c.click(distribution.group_step, leader, group_id, "start_group_review")
        featured_done = iter(("final", "draft"))  # the demo expert: one final, one draft, the rest untouched
        for a in self.ctx.session.scalars(select(DossierAssignment).where(
                DossierAssignment.group_id == group_id).order_by(DossierAssignment.id)).all():
            member = members[a.member_id]
            if g.stage != "reviewing":
                done = "final"
            elif member in featured:
                done = next(featured_done, "none")
            else:
                done = rng.choices(("final", "draft", "none"), (5, 3, 2))[0]
            if done != "none":
                text = opinion(self.ctx, main=a.is_main)
                if done == "draft":
                    text = {k: v for k, v in text.items() if k == "overall" or rng.random() < 0.5}
                c.click(reviews.save, self._actor(member, "expert"), a.id, text, final=done == "final")
        if g.stage == "reviewing":
            return
        c.click(distribution.group_step, leader, group_id, "open_group_vote")
        voters = list(members.values())
        if g.stage == "group_voting":
            voters = voters[:-1]  # one member still has to vote
        for m in voters:
            self._vote(self._actor(m, "expert"), "group")
        if g.stage == "group_voted":
            c.click(voting.close_group_vote, leader, group_id)

    def _vote(self, actor: Actor, stage: str) -> None:
        lines = [line for line in ballot_sheet(self.clicks, actor)
                 if line.session_id == self.session_id and line.stage == stage and not line.voted]
        choices = {line.dossier.declaration_id: self.ctx.rng.choices(("approve", "reject", "abstain"), (17, 2, 1))[0]
                   for line in lines}
        if choices:
            self.clicks.click(voting.cast, actor, self.session_id, stage, choices)

    def _committee_votes(self) -> None:
        """Some present members vote; the featured ones (the demo logins) still have to."""
        waiting = self._demo("chair") | self._demo("vice_chair") | self._demo("committee_member")
        voters = [m for m in self._members(None) if m.expert_id not in waiting and m.signed_in_at is not None
                  and m.signed_out_at is None]
        for m in voters[:max(1, len(voters) - 2)]:
            self._vote(self._actor(m, m.duty), "committee")
