"""rules.md, review rules: a publicity lasts >= 5 working days and is completed only once its end date
is past (and, for the unit and result publicities, with no open objection). Each rule is tested on
both sides of its exact boundary, with "today" fixed by the test, never the wall clock.

The end date is the last day of the publicity: on that day it still runs (objections are accepted, the
notice is listed and editable), and only from the next day (China's calendar day, Asia/Shanghai) may it
be completed.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.common.errors import GuardFailed, InvalidAction, NotFound, ValidationError
from core.review.objections import raise_objection
from core.review.portal import public_notice, public_notices
from core.review.publicity import complete_batch, create_batch, edit_notice
from core.declaring.transitions import act
from db.models import Declaration, Objection, PublicityBatch, PublicityItem

from tests.integration.transition_support import setup, world_in
from tests.world import World

UTC = dt.timezone.utc
ONE_DAY = dt.timedelta(days=1)
START, END = dt.date(2026, 9, 7), dt.date(2026, 9, 18)  # Monday to Friday of the next week: a valid period

# kind -> (the position the declaration is in while publicised, owner unit, operator, state after completion)
KINDS = {
    "unit": ("unit_publicity", "employer", "unit_op", "unit_recommend"),
    "failed_review": ("failed_publicity", "organizer", "committee_op", "supplement"),
    "candidate": ("candidate_publicity", "organizer", "committee_op", "panel_review"),
    "result": ("result_publicity", "organizer", "committee_op", "filing"),
}


def publicized(kind: str, start: dt.date = START, end: dt.date = END, *, is_public: bool = True):
    """A preparation: a published batch of ``kind`` from ``start`` to ``end`` listing the declaration."""
    def prep(w: World, d: int) -> None:
        batch = PublicityBatch(kind=kind, owner_unit_id=w.units[KINDS[kind][1]], title=f"{kind} 公示",
                               starts_on=start, ends_on=end, status="published", is_public=is_public)
        w.session.add(batch)
        w.session.flush()
        w.session.add(PublicityItem(batch_id=batch.id, declaration_id=d))
        w.session.flush()
    return prep


def placed(uow, kind: str, **dates) -> tuple[World, int, int]:
    """A world with one declaration in ``kind``'s publicity state, in a published batch; (world, d, batch)."""
    w, d = setup(uow, KINDS[kind][0], publicized(kind, **dates))
    with uow.read() as s:
        batch = s.scalar(select(PublicityItem.batch_id).join(PublicityBatch).where(
            PublicityItem.declaration_id == d, PublicityBatch.kind == kind))
    return w, d, batch


def state_of(uow, d: int) -> str:
    with uow.read() as s:
        return s.scalar(select(Declaration.state).where(Declaration.id == d))


def complete(uow, w: World, kind: str, d: int, **when) -> None:
    with world_in(uow, w) as ww:
        act(ww.session, ww.actor(KINDS[kind][2]), d, "complete_publicity", **when)


def refused_as(uow, w: World, kind: str, d: int, **when) -> list[str]:
    with pytest.raises(GuardFailed) as refused:
        complete(uow, w, kind, d, **when)
    return refused.value.details


def beijing(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """A UTC instant given as a time of day in Beijing (UTC+8)."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC) - dt.timedelta(hours=8)


# --- completion: the day before, on and after the end date, for each kind ---------------------------

@pytest.mark.parametrize("kind", list(KINDS))
def test_a_publicity_of_each_kind_cannot_be_completed_on_the_day_before_its_end(uow, kind):
    w, d, _ = placed(uow, kind)
    assert "guard.publicity_running" in refused_as(uow, w, kind, d, today=END - ONE_DAY)
    assert state_of(uow, d) == KINDS[kind][0]


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_publicity_of_each_kind_cannot_be_completed_on_its_last_day(uow, kind):
    w, d, _ = placed(uow, kind)
    assert "guard.publicity_running" in refused_as(uow, w, kind, d, today=END)
    assert state_of(uow, d) == KINDS[kind][0]


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_publicity_of_each_kind_is_completed_on_the_day_after_its_end(uow, kind):
    w, d, _ = placed(uow, kind)
    complete(uow, w, kind, d, today=END + ONE_DAY)
    assert state_of(uow, d) == KINDS[kind][3]


@pytest.mark.parametrize("kind", list(KINDS))
def test_completing_a_batch_of_each_kind_waits_for_the_day_after_its_end(uow, kind):
    w, d, batch = placed(uow, kind)
    for day in (END - ONE_DAY, END):
        with pytest.raises(GuardFailed) as refused, world_in(uow, w) as ww:
            complete_batch(ww.session, ww.actor(KINDS[kind][2]), batch, today=day)
        assert "guard.publicity_running" in refused.value.details
    with world_in(uow, w) as ww:
        done = complete_batch(ww.session, ww.actor(KINDS[kind][2]), batch, today=END + ONE_DAY)
    assert (done.completed, done.batch_completed) == ([d], True)
    assert state_of(uow, d) == KINDS[kind][3]


def test_a_batch_whose_declarations_all_left_still_cannot_be_closed_on_its_last_day(uow):
    """The batch's own date check, not only the engine's guard: nothing is moved here, yet it stays open."""
    w, d, batch = placed(uow, "unit")
    with world_in(uow, w) as ww:
        ww.do("unit_op", d, "return_to_applicant", reason="材料不全，请补充后重新提交")
    with pytest.raises(GuardFailed), world_in(uow, w) as ww:
        complete_batch(ww.session, ww.actor("unit_op"), batch, today=END)
    with uow.read() as s:
        assert s.get(PublicityBatch, batch).status == "published"
    with world_in(uow, w) as ww:
        done = complete_batch(ww.session, ww.actor("unit_op"), batch, today=END + ONE_DAY)
    assert (done.gone, done.batch_completed) == ([d], True)


# --- the calendar day is Beijing's: the end date is over at midnight in China -----------------------

def test_a_publicity_still_runs_one_second_before_midnight_in_beijing_on_its_last_day(uow):
    w, d, _ = placed(uow, "result")
    assert "guard.publicity_running" in refused_as(uow, w, "result", d, now=beijing(END, 23, 59, 59))


def test_a_publicity_is_over_at_midnight_in_beijing_although_it_is_still_its_last_day_in_utc(uow):
    w, d, _ = placed(uow, "result")
    complete(uow, w, "result", d, now=beijing(END + ONE_DAY, 0, 0, 0))
    assert state_of(uow, d) == "filing"


def test_completing_a_batch_without_a_given_day_counts_days_in_beijing_not_utc(uow):
    """00:30 in Beijing the day after the end is still the end date in UTC: the batch is over all the same."""
    w, d, batch = placed(uow, "candidate")
    with world_in(uow, w) as ww:
        done = complete_batch(ww.session, ww.actor("committee_op"), batch, now=beijing(END + ONE_DAY, 0, 30))
    assert done.completed == [d] and state_of(uow, d) == "panel_review"


@pytest.mark.parametrize("start, refused", [(START, True), (START + ONE_DAY, False)])
def test_a_batch_cannot_start_on_yesterday_in_beijing_even_when_it_is_still_that_day_in_utc(uow, start, refused):
    """01:00 on 8 Sep in Beijing is 17:00 on 7 Sep in UTC: a start on 7 Sep is in the past, on 8 Sep is today."""
    w, d = setup(uow, "unit_publicity")
    with world_in(uow, w) as ww:
        def create():
            return create_batch(ww.session, ww.actor("unit_op"), "unit", [d], "公示", "", start, END + ONE_DAY,
                                now=beijing(START + ONE_DAY, 1))
        if refused:
            with pytest.raises(ValidationError) as past:
                create()
            assert past.value.key == "publicity.start_in_past"
        else:
            assert ww.session.get(PublicityBatch, create()).starts_on == start


# --- no open objection (unit and result publicities) ------------------------------------------------

def open_objection(w: World, d: int) -> None:
    w.session.add(Objection(declaration_id=d, raised_by_name="王五", contact="13900000000", text="业绩材料存疑"))
    w.session.flush()


@pytest.mark.parametrize("kind", ["unit", "result"])
def test_an_open_objection_holds_a_publicity_after_its_end_and_a_dismissed_one_does_not(uow, kind):
    w, d = setup(uow, KINDS[kind][0], lambda w, d: (publicized(kind)(w, d), open_objection(w, d)))
    assert refused_as(uow, w, kind, d, today=END + ONE_DAY) == ["guard.open_objection"]
    with world_in(uow, w) as ww:
        ww.session.execute(Objection.__table__.update().where(Objection.declaration_id == d)
                           .values(status="dismissed", resolution="经核实，举报不属实"))
    complete(uow, w, kind, d, today=END + ONE_DAY)
    assert state_of(uow, d) == KINDS[kind][3]


def test_a_batch_completion_holds_the_declaration_with_an_open_objection_and_stays_open(uow):
    w, d = setup(uow, "result_publicity", lambda w, d: (publicized("result")(w, d), open_objection(w, d)))
    with uow.read() as s:
        batch = s.scalar(select(PublicityItem.batch_id).join(PublicityBatch).where(
            PublicityItem.declaration_id == d, PublicityBatch.kind == "result"))
    with world_in(uow, w) as ww:
        done = complete_batch(ww.session, ww.actor("committee_op"), batch, today=END + ONE_DAY)
    assert (done.completed, done.held, done.batch_completed) == ([], [d], False)
    assert state_of(uow, d) == "result_publicity"


# --- while it runs: objections, the public notice, editing, from the first to the last day ---------

def objection_on(uow, w: World, d: int, day: dt.date) -> int:
    with world_in(uow, w) as ww:
        return raise_objection(ww.session, d, "王五", "13900000000", "业绩材料存疑，请核实",
                               now=beijing(day, 10), today=day)


@pytest.mark.parametrize("day", [START, END])
def test_an_objection_is_accepted_on_the_first_and_the_last_day_of_a_publicity(uow, day):
    w, d, batch = placed(uow, "unit")
    objection = objection_on(uow, w, d, day)
    with uow.read() as s:
        row = s.get(Objection, objection)
        assert (row.declaration_id, row.batch_id, row.status) == (d, batch, "open")


@pytest.mark.parametrize("day", [START - ONE_DAY, END + ONE_DAY])
def test_an_objection_is_refused_the_day_before_a_publicity_starts_and_the_day_after_it_ends(uow, day):
    w, d, _ = placed(uow, "unit")
    with pytest.raises(InvalidAction) as refused:
        objection_on(uow, w, d, day)
    assert refused.value.key == "objection.not_in_publicity"


def test_a_public_notice_is_listed_from_its_first_to_its_last_day_only(uow):
    _, _, batch = placed(uow, "result")
    with uow.read() as s:
        listed = {day: [n.id for n in public_notices(s, day)]
                  for day in (START - ONE_DAY, START, END, END + ONE_DAY)}
    assert listed == {START - ONE_DAY: [], START: [batch], END: [batch], END + ONE_DAY: []}


def test_a_notice_can_be_edited_on_its_last_day_but_not_the_day_after(uow):
    w, _, batch = placed(uow, "unit")
    with world_in(uow, w) as ww:
        edit_notice(ww.session, ww.actor("unit_op"), batch, "更正后的公示", "正文", today=END)
    with pytest.raises(InvalidAction) as late, world_in(uow, w) as ww:
        edit_notice(ww.session, ww.actor("unit_op"), batch, "再次更正", "正文", today=END + ONE_DAY)
    assert late.value.key == "publicity.not_editable"
    with uow.read() as s:
        assert s.get(PublicityBatch, batch).title == "更正后的公示"


@pytest.mark.parametrize("hour, day, accepted", [(0, START, True), (0, END + ONE_DAY, False)], ids=["first", "after"])
def test_an_objection_without_a_given_day_is_dated_by_beijing_midnight_not_utc(uow, hour, day, accepted):
    """00:30 in Beijing is the previous day in UTC: on the first day it is accepted, after the end refused."""
    w, d, _ = placed(uow, "unit")
    with world_in(uow, w) as ww:
        def raise_it():
            return raise_objection(ww.session, d, "王五", "13900000000", "业绩材料存疑，请核实",
                                   now=beijing(day, hour, 30))
        if accepted:
            assert ww.session.get(Objection, raise_it()).declaration_id == d
        else:
            with pytest.raises(InvalidAction):
                raise_it()


def test_a_public_notice_opens_from_its_first_to_its_last_day_only(uow):
    _, d, batch = placed(uow, "unit")
    with uow.read() as s:
        for day in (START - ONE_DAY, END + ONE_DAY):
            with pytest.raises(NotFound):
                public_notice(s, batch, day)
        assert [[e["ref"] for e in public_notice(s, batch, day).entries] for day in (START, END)] == [[d], [d]]


@pytest.mark.parametrize("today, refused", [(END, True), (END + ONE_DAY, False)], ids=["last_day", "day_after"])
def test_a_declaration_joins_no_other_batch_until_its_running_one_has_ended(uow, today, refused):
    w, d, _ = placed(uow, "unit")
    with world_in(uow, w) as ww:
        def create():
            return create_batch(ww.session, ww.actor("unit_op"), "unit", [d], "再次公示", "", today,
                                today + dt.timedelta(days=9), today=today)
        if refused:
            with pytest.raises(ValidationError) as busy:
                create()
            assert busy.value.key == "publicity.already_in_batch"
        else:
            assert ww.session.get(PublicityBatch, create()).starts_on == today


@pytest.mark.parametrize("status, counts", [("draft", False), ("published", True)])
def test_only_a_published_publicity_counts_however_long_ago_it_ended(uow, status, counts):
    def prep(w: World, d: int) -> None:
        publicized("unit")(w, d)
        w.session.execute(PublicityBatch.__table__.update().where(PublicityBatch.kind == "unit",
                                                                   PublicityBatch.ends_on == END)
                          .values(status=status))
    w, d = setup(uow, "unit_publicity", prep)
    if counts:
        complete(uow, w, "unit", d, today=END + dt.timedelta(days=30))
        assert state_of(uow, d) == "unit_recommend"
    else:
        assert refused_as(uow, w, "unit", d, today=END + dt.timedelta(days=30)) == ["guard.publicity_running"]
