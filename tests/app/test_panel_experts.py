"""The panel experts' pages through AppTest: the group leader distributes and starts the review, the expert
saves a draft and completes the review, the voter votes once per dossier; blind review hides the applicant.

The demo's open provincial health session has a group led by demo_leader with demo_expert in it; each
test puts that group in the state it needs (by query: ids depend on the day the demo was built for).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update

from core.common.i18n import t
from core.panel import distribution, reviews, views, voting
from core.setup.demo import DEMO_PASSWORD
from core.workflow import Actor
from db.models import (Account, Declaration, DossierAssignment, Expert, GroupDeclaration, PanelMember, PanelSession,
                       Person, ReviewGroup, RoleGrant, TallyResult, VoteCount, VoteParticipation)
from db.uow import UnitOfWork

from tests.app.support import asks_to_confirm, assert_ok, click, confirm, errors, sign_in, start


SIGNED = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)  # any moment: signed in or out is what counts


@dataclass(frozen=True)
class Group:
    id: int
    session_id: int
    dossiers: list[int]
    leader: Actor
    expert: Actor
    expert_member: int


def _actor(s, login: str, role: str) -> Actor:
    account = s.scalar(select(Account).where(Account.login_name == login))
    return Actor(account_id=account.id, role=role, person_id=account.person_id)


def _group(url: str) -> Group:
    """The group demo_leader leads in an open session, with demo_expert in it, everyone signed in."""
    with UnitOfWork.from_url(url).write() as s:
        leader, expert = _actor(s, "demo_leader", "group_leader"), _actor(s, "demo_expert", "expert")
        group = s.scalars(select(ReviewGroup).join(PanelMember, PanelMember.group_id == ReviewGroup.id)
                          .join(Expert, Expert.id == PanelMember.expert_id)
                          .where(Expert.person_id == leader.person_id, PanelMember.duty == "group_leader")
                          .order_by(ReviewGroup.id.desc())).first()
        member = s.scalar(select(PanelMember.id).join(Expert, Expert.id == PanelMember.expert_id)
                          .where(PanelMember.group_id == group.id, Expert.person_id == expert.person_id))
        if member is None:  # the demo seats demo_expert in another session: seat them in this group too
            expert_id = s.scalar(select(Expert.id).where(Expert.person_id == expert.person_id))
            row = PanelMember(session_id=group.session_id, expert_id=expert_id, group_id=group.id, duty="expert")
            s.add(row)
            s.flush()
            member = row.id
        s.execute(update(PanelMember).where(PanelMember.session_id == group.session_id)
                  .values(signed_in_at=SIGNED, signed_out_at=None, declined_at=None))
        dossiers = sorted(s.scalars(select(GroupDeclaration.declaration_id).where(GroupDeclaration.group_id == group.id)))
        return Group(group.id, group.session_id, dossiers, leader, expert, member)


def _set(url: str, model, where, **values) -> None:
    with UnitOfWork.from_url(url).write() as s:
        s.execute(update(model).where(where).values(**values))


def _under_review(url: str, g: Group) -> None:
    """The leader's group distributed and reviewing (through the services), whatever the demo left it in."""
    uow = UnitOfWork.from_url(url)
    board = views.leader_board(uow, g.leader, g.id)
    if board.group.status == "distributing":
        for d in g.dossiers:
            mine = [g.expert_member] if g.expert_member in board.eligible[d] else []
            chosen = mine + [m for m in board.eligible[d] if m != g.expert_member][:2 - len(mine)]
            distribution.distribute(uow, g.leader, g.id, d, chosen, chosen[0])
        distribution.group_step(uow, g.leader, g.id, "start_group_review")


def _open_reviews(url: str, g: Group) -> int:
    """The expert's assignments back to empty drafts, the first one as main reviewer; returns that one."""
    _under_review(url, g)
    with UnitOfWork.from_url(url).write() as s:
        s.execute(update(DossierAssignment).where(DossierAssignment.member_id == g.expert_member)
                  .values(final=False, opinion={}))
        first = s.scalars(select(DossierAssignment).where(DossierAssignment.member_id == g.expert_member)
                          .order_by(DossierAssignment.declaration_id)).first()
        s.execute(update(DossierAssignment).where(DossierAssignment.group_id == g.id,
                                                  DossierAssignment.declaration_id == first.declaration_id)
                  .values(is_main=DossierAssignment.id == first.id))
        return first.id


def _open_group_vote(url: str, g: Group) -> None:
    _under_review(url, g)
    _set(url, DossierAssignment, DossierAssignment.group_id == g.id, final=True)
    distribution.group_step(UnitOfWork.from_url(url), g.leader, g.id, "open_group_vote")


def _applicants(url: str, g: Group) -> list[str]:
    with UnitOfWork.from_url(url).read() as s:
        return list(s.scalars(select(Person.name).join(Declaration, Declaration.applicant_person_id == Person.id)
                              .where(Declaration.id.in_(g.dossiers))))


def _as(login: str, role: str, page: str, url: str):
    """Sign in through the form as a user whose only context is this role, and open the page. (Picking one of
    several contexts in the sidebar is lost in AppTest once an action calls st.rerun(): the other grants are
    set inactive instead.)"""
    _set(url, RoleGrant, RoleGrant.account_id.in_(select(Account.id).where(Account.login_name == login))
         & (RoleGrant.role != role), active=False)
    at = sign_in(start(), login, DEMO_PASSWORD)
    assert at.session_state["app.actor"].role == role
    at.switch_page(f"pages/{page}.py").run()
    assert_ok(at)
    return at


def _texts(at) -> str:
    parts = [e.value for kind in ("title", "subheader", "caption", "markdown", "info", "text", "success", "error")
             for e in getattr(at, kind)]
    parts += [df.value.to_csv() for df in at.dataframe]
    parts += [o for w in (*at.selectbox, *at.multiselect, *at.radio) for o in (w.label, *w.options)]
    return "\n".join(str(p) for p in parts)


# --- 小组管理 ------------------------------------------------------------------------------------------

def test_the_leader_distributes_every_dossier_through_the_page_and_starts_the_review(app_db):
    g = _group(app_db)
    with UnitOfWork.from_url(app_db).write() as s:
        s.execute(delete(DossierAssignment).where(DossierAssignment.group_id == g.id))
        s.execute(update(ReviewGroup).where(ReviewGroup.id == g.id).values(status="distributing"))
    board = views.leader_board(UnitOfWork.from_url(app_db), g.leader, g.id)
    at = _as("demo_leader", "group_leader", "panel_group", app_db)
    for d in g.dossiers:
        chosen = list(board.eligible[d])[:2]
        at.selectbox(key="panel_group.dossier").select(d).run()
        at.multiselect(key=f"panel_group.chosen.{d}").set_value(chosen).run()
        at.selectbox(key=f"panel_group.main.{d}").select(chosen[1]).run()
        click(at, "panel_group", "distribute")
        assert errors(at) == []
    click(at, "panel_group", "start_group_review")
    assert errors(at) == []
    confirm(at, "panel_group")
    assert errors(at) == []
    with UnitOfWork.from_url(app_db).read() as s:
        rows = s.execute(select(DossierAssignment.declaration_id, DossierAssignment.member_id, DossierAssignment.is_main)
                         .where(DossierAssignment.group_id == g.id)).all()
        assert s.get(ReviewGroup, g.id).status == "reviewing"
    assert sorted(rows) == sorted((d, m, m == list(board.eligible[d])[1])
                                  for d in g.dossiers for m in list(board.eligible[d])[:2])


def test_a_dossier_given_to_one_expert_only_is_refused_with_a_message(app_db):
    g = _group(app_db)
    _set(app_db, ReviewGroup, ReviewGroup.id == g.id, status="distributing")
    board = views.leader_board(UnitOfWork.from_url(app_db), g.leader, g.id)
    d = g.dossiers[0]
    at = _as("demo_leader", "group_leader", "panel_group", app_db)
    at.selectbox(key="panel_group.dossier").select(d).run()
    at.multiselect(key=f"panel_group.chosen.{d}").set_value([board.eligible[d][0]]).run()
    click(at, "panel_group", "distribute")
    assert errors(at) == [t("panel.distribution.too_few")]


def _group_voter(url: str, g: Group) -> Actor:
    """An expert of the group other than its leader, as the expert role."""
    with UnitOfWork.from_url(url).read() as s:
        account = s.execute(select(Account.id, Account.person_id).join(Expert, Expert.person_id == Account.person_id)
                            .join(PanelMember, PanelMember.expert_id == Expert.id)
                            .where(PanelMember.group_id == g.id, PanelMember.duty != "group_leader")
                            .order_by(PanelMember.id)).first()
        return Actor(account_id=account.id, role="expert", person_id=account.person_id)


def test_the_leader_opens_the_group_vote_sees_how_many_voted_never_what_and_closes_it(app_db):
    g = _group(app_db)
    _under_review(app_db, g)
    _set(app_db, DossierAssignment, DossierAssignment.group_id == g.id, final=True)
    at = _as("demo_leader", "group_leader", "panel_group", app_db)
    click(at, "panel_group", "open_group_vote")
    confirm(at, "panel_group")
    assert errors(at) == []
    voter = _group_voter(app_db, g)
    line = next(ln for ln in views.ballot_sheet(UnitOfWork.from_url(app_db), voter) if ln.stage == "group")
    voting.cast(UnitOfWork.from_url(app_db), voter, g.session_id, "group", {line.dossier.declaration_id: "approve"})
    at.run()
    assert t("panel_group.vote_progress", cast=1, total=len(views.leader_board(
        UnitOfWork.from_url(app_db), g.leader, g.id).group.members) * len(g.dossiers)) in [c.value for c in at.caption]
    assert t("panel.choice.approve") not in _texts(at)
    click(at, "panel_group", "close_group_vote")
    assert asks_to_confirm(at, "panel_group")
    confirm(at, "panel_group")
    assert errors(at) == []
    with UnitOfWork.from_url(app_db).read() as s:
        assert s.get(ReviewGroup, g.id).status == "group_voted"
        assert s.scalar(select(func.count()).where(TallyResult.session_id == g.session_id, TallyResult.stage == "group",
                                                   TallyResult.declaration_id.in_(g.dossiers))) == len(g.dossiers)


# --- 专家评审 ------------------------------------------------------------------------------------------

def test_the_expert_sees_only_their_dossiers_saves_a_draft_then_completes_the_review(app_db):
    g = _group(app_db)
    assignment = _open_reviews(app_db, g)
    _set(app_db, PanelSession, PanelSession.status != "tallied", blind_review=False)  # names, to tell dossiers apart
    with UnitOfWork.from_url(app_db).read() as s:
        mine = s.scalars(select(Person.name).join(Declaration, Declaration.applicant_person_id == Person.id)
                         .join(DossierAssignment, DossierAssignment.declaration_id == Declaration.id)
                         .join(PanelMember, PanelMember.id == DossierAssignment.member_id)
                         .join(Expert, Expert.id == PanelMember.expert_id)
                         .join(PanelSession, PanelSession.id == PanelMember.session_id)
                         .where(Expert.person_id == g.expert.person_id, PanelSession.status != "tallied")).all()
        others = set(s.scalars(select(Person.name).join(Declaration, Declaration.applicant_person_id == Person.id)
                               .join(GroupDeclaration, GroupDeclaration.declaration_id == Declaration.id)
                               .join(ReviewGroup, ReviewGroup.id == GroupDeclaration.group_id)
                               .join(PanelSession, PanelSession.id == ReviewGroup.session_id)
                               .where(PanelSession.status != "tallied"))) - set(mine)
        defense = s.get(PanelSession, g.session_id).defense
    at = _as("demo_expert", "expert", "expert_review", app_db)
    shown = list(at.dataframe[0].value[t("expert_review.col_dossier")])
    assert len(shown) == len(mine) and all(any(name in label for label in shown) for name in mine)
    assert others and not [n for n in others if n in _texts(at)]
    at.selectbox(key="expert_review.pick").select(assignment).run()
    assert [e.label for e in at.expander] == [t("reviewer_dossier.title")]  # the dossier itself, to read
    assert at.get("download_button")  # its evidence, fetched on click
    key = f"expert_review.{assignment}."
    at.text_area(key=key + "overall").input("业绩突出，同意推荐。").run()
    click(at, "expert_review", "save", assignment)
    assert errors(at) == []
    with UnitOfWork.from_url(app_db).read() as s:
        row = s.get(DossierAssignment, assignment)
        assert (row.opinion, row.final) == ({"overall": "业绩突出，同意推荐。"}, False)

    click(at, "expert_review", "finalize", assignment)  # main reviewer: the other fields are still empty
    confirm(at, "expert_review")
    assert errors(at) == [t("panel.review.missing") + "\n\n" + "\n".join(
        f"- {t(f'panel.field.{f}')}" for f in reviews.fields_for(True, defense) if f != "overall")]
    assert at.text_area(key=key + "overall").value == "业绩突出，同意推荐。"  # nothing typed is lost
    for field in reviews.fields_for(True, defense):
        if field == "defense_score":
            at.number_input(key=key + field).set_value(85).run()
        elif field != "overall":
            at.text_area(key=key + field).input(f"{field} *意见*").run()
    click(at, "expert_review", "finalize", assignment)
    confirm(at, "expert_review")
    assert errors(at) == []
    with UnitOfWork.from_url(app_db).read() as s:
        row = s.get(DossierAssignment, assignment)
        assert row.final and row.opinion["academic"] == "academic *意见*"
    assert not [w for w in at.text_area if (w.key or "").startswith(key)]
    assert not [b for b in at.button if (b.key or "").endswith(f".{assignment}")]
    assert "academic *意见*" in [e.value for e in at.text]  # shown as typed, as text


def test_an_expert_who_is_not_signed_in_is_told_so_when_saving(app_db):
    g = _group(app_db)
    assignment = _open_reviews(app_db, g)
    _set(app_db, PanelMember, PanelMember.id == g.expert_member, signed_out_at=SIGNED)
    at = _as("demo_expert", "expert", "expert_review", app_db)
    at.selectbox(key="expert_review.pick").select(assignment).run()
    at.text_area(key=f"expert_review.{assignment}.overall").input("草稿").run()
    click(at, "expert_review", "save", assignment)
    assert errors(at) == [t("panel.not_signed_in")]
    assert at.text_area(key=f"expert_review.{assignment}.overall").value == "草稿"


# --- 投票表决 ------------------------------------------------------------------------------------------

def test_the_voter_votes_through_the_page_and_a_second_vote_is_refused(app_db):
    g = _group(app_db)
    _open_group_vote(app_db, g)
    stale = _as("demo_expert", "expert", "panel_vote", app_db)  # a second tab, opened before the vote
    at = _as("demo_expert", "expert", "panel_vote", app_db)
    lines = [ln for ln in views.ballot_sheet(UnitOfWork.from_url(app_db), g.expert) if ln.stage == "group"]
    assert lines
    target = lines[0].dossier.declaration_id
    stale.radio(key=f"panel_vote.{g.session_id}.group.{target}").set_value("reject")  # picked, sent with its submit
    at.radio(key=f"panel_vote.{g.session_id}.group.{target}").set_value("approve")  # a form: sent with the submit
    click(at, "panel_vote", "cast", f"{g.session_id}.group")
    confirm(at, "panel_vote")
    assert errors(at) == [] and at.success[0].value == t("panel_vote.cast", n=1)
    with UnitOfWork.from_url(app_db).read() as s:
        assert s.scalar(select(VoteParticipation.id).where(VoteParticipation.member_id == g.expert_member,
                                                           VoteParticipation.declaration_id == target))
        counts = dict(s.execute(select(VoteCount.choice, VoteCount.count).where(
            VoteCount.session_id == g.session_id, VoteCount.declaration_id == target, VoteCount.stage == "group")).all())
    assert counts == {"approve": 1, "reject": 0, "abstain": 0}
    assert not [r for r in at.radio if r.key == f"panel_vote.{g.session_id}.group.{target}"]
    assert any(t("panel_vote.voted") in df.value.to_csv() for df in at.dataframe)

    click(stale, "panel_vote", "cast", f"{g.session_id}.group")
    confirm(stale, "panel_vote")
    assert errors(stale) == [t("panel.vote.already")]
    with UnitOfWork.from_url(app_db).read() as s:
        assert s.scalar(select(VoteCount.count).where(
            VoteCount.session_id == g.session_id, VoteCount.declaration_id == target, VoteCount.stage == "group",
            VoteCount.choice == "reject")) == 0


def test_the_committee_vote_shows_the_groups_recommendation_and_takes_the_members_vote(app_db):
    uow = UnitOfWork.from_url(app_db)
    with uow.write() as s:  # the demo's session in committee voting, where demo_member still has to vote
        member = _actor(s, "demo_member", "committee_member")
        s.execute(update(PanelMember).where(PanelMember.expert_id.in_(
            select(Expert.id).where(Expert.person_id == member.person_id))).values(signed_in_at=SIGNED, signed_out_at=None))
    lines = [ln for ln in views.ballot_sheet(uow, member) if ln.stage == "committee" and not ln.voted]
    assert lines
    session_id = lines[0].session_id
    with uow.read() as s:
        recommended = dict(s.execute(select(TallyResult.declaration_id, TallyResult.passed).where(
            TallyResult.session_id == session_id, TallyResult.stage == "group")).all())
    at = _as("demo_member", "committee_member", "panel_vote", app_db)
    table = next(d.value for d in at.dataframe if t("panel_vote.col_recommendation") in d.value.columns)
    shown = dict(zip(table[t("panel_vote.col_dossier")], table[t("panel_vote.col_recommendation")]))
    assert recommended
    for line in lines:
        if line.dossier.declaration_id in recommended:
            assert shown[line.dossier.label] == t("panel_vote.recommended" if recommended[line.dossier.declaration_id]
                                                  else "panel_vote.not_recommended")
    target = next(ln.dossier.declaration_id for ln in lines if ln.dossier.declaration_id in recommended)
    with uow.read() as s:
        before = s.scalar(select(VoteCount.count).where(
            VoteCount.session_id == session_id, VoteCount.declaration_id == target, VoteCount.stage == "committee",
            VoteCount.choice == "abstain"))
    at.radio(key=f"panel_vote.{session_id}.committee.{target}").set_value("abstain")
    click(at, "panel_vote", "cast", f"{session_id}.committee")
    confirm(at, "panel_vote")
    assert errors(at) == []
    with uow.read() as s:
        assert s.scalar(select(VoteCount.count).where(
            VoteCount.session_id == session_id, VoteCount.declaration_id == target, VoteCount.stage == "committee",
            VoteCount.choice == "abstain")) == before + 1


def test_a_long_committee_vote_draws_its_open_dossiers_a_page_at_a_time(app_db):
    from bench.panel_live import PASSWORD, meeting
    from ui.panel_vote import PAGE

    m = meeting(UnitOfWork.from_url(app_db), voters=3, dossiers=2 * PAGE + 5)
    voter = max(m.voters, key=lambda v: v.dossiers)
    at = sign_in(start(), voter.login, PASSWORD)
    at.switch_page("pages/panel_vote.py").run()
    prefix = f"panel_vote.{m.session_id}.committee."
    radios = [r for r in at.radio if r.key.startswith(prefix)]
    assert len(radios) == PAGE  # not one radio per dossier: a rerun scans the session state once per radio
    table = next(d.value for d in at.dataframe if t("panel_vote.col_voted") in d.value.columns)
    assert len(table) == voter.dossiers  # the table lists every dossier
    pages = at.selectbox(key=f"panel_vote.page.{m.session_id}.committee")
    pages.select(2).run()
    last = [r for r in at.radio if r.key.startswith(prefix)]
    assert len(last) == voter.dossiers - 2 * PAGE and not {r.key for r in last} & {r.key for r in radios}
    last[-1].set_value("reject")
    click(at, "panel_vote", "cast", f"{m.session_id}.committee")
    confirm(at, "panel_vote")
    assert errors(at) == [] and at.success[0].value == t("panel_vote.cast", n=1)
    with UnitOfWork.from_url(app_db).read() as s:
        assert s.scalar(select(func.count()).where(VoteParticipation.session_id == m.session_id,
                                                   VoteParticipation.member_id == voter.member_id)) == 1
        assert s.scalar(select(VoteParticipation.declaration_id).where(
            VoteParticipation.member_id == voter.member_id)) == int(last[-1].key.rsplit(".", 1)[1])


# --- 盲评 ----------------------------------------------------------------------------------------------

def test_blind_review_hides_the_applicant_on_all_three_pages(app_db):
    g = _group(app_db)
    _set(app_db, PanelSession, PanelSession.id == g.session_id, blind_review=True)
    _open_reviews(app_db, g)
    names = _applicants(app_db, g)
    leader = _as("demo_leader", "group_leader", "panel_group", app_db)
    expert = _as("demo_expert", "expert", "expert_review", app_db)
    _open_group_vote(app_db, g)
    voter = _as("demo_expert", "expert", "panel_vote", app_db)
    for at in (leader, expert, voter):
        text = _texts(at)
        assert "材料 0" in text
        assert not [n for n in names if n in text], names


def test_without_blind_review_the_leader_sees_the_applicants(app_db):
    g = _group(app_db)
    _set(app_db, PanelSession, PanelSession.id == g.session_id, blind_review=False)
    text = _texts(_as("demo_leader", "group_leader", "panel_group", app_db))
    assert all(n in text for n in _applicants(app_db, g))
