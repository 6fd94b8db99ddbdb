"""The working-day calendar kept in the database (issue 9): years after the ``chinese-calendar`` package
are provisional from rules and never refused, a provisional period says so, and the provincial HR
bureau's admin confirms a year's official schedule, audited.

Dates used (each test says why): 2027 is after the package's last year (2026), so it is provisional;
the ``holidays`` rules give 1 Jan 2027 (Friday) and 5–10 Feb 2027 (Spring Festival: eve Friday 5 Feb,
6–8 Feb, and 9–10 Feb for the days that fell on the weekend) as days off, and no make-up working days.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, func, select

from core.audit.trail import verify
from core.calendar import admin, service, sources, store
from core.calendar.desk import fill_ahead
from core.common.errors import NotFound, ValidationError
from core.review.publicity import create_unit_publicity, publish
from core.review.publicity_view import notice_for
from db.models import AuditEvent, CalendarDay, CalendarYear, PublicityBatch

from tests.integration.unit_support import at, declarations, run
from tests.world import World

D = dt.date
LATE_DEC = D(2026, 12, 28)  # a Monday; 1 Jan 2027 is a Friday holiday


def _note(years: str) -> str:
    from core.common.i18n import t

    return t("calendar.provisional_note", years=years)


@pytest.fixture
def world(uow):
    with uow.write() as s:
        w = World.build(s)
        w.actors["prov_admin"] = w._actor("prov_admin", "unit_admin", w.units["prov"])
        w.actors["city_admin"] = w._actor("city_admin", "unit_admin", w.units["city"])
        ids = declarations(w, 1, "unit_publicity")
    return w, ids


def _create(uow, w, ids, start, end):
    op = w.actor("unit_op")
    return run(uow, w, lambda w: create_unit_publicity(w.session, op, ids, "公示", "正文", start, end,
                                                          now=at(start), today=start))


def test_the_package_ends_with_2026_so_2027_comes_from_rules_as_these_tests_assume():
    assert sources.official_years()[1] == 2026
    rules = sources.schedule(2027)
    assert rules.status == "provisional" and rules.source.startswith("holidays ")
    assert {d for d, (kind, _) in rules.days.items() if kind == "holiday" and d.month == 2} == \
        {D(2027, 2, day) for day in range(5, 11)}
    assert not any(kind == "workday" for kind, _ in rules.days.values())


def test_a_publicity_starting_late_december_2026_ends_in_2027_and_is_accepted_as_provisional(uow, world):
    w, ids = world
    with uow.read() as s:
        # Tue 29, Wed 30, Thu 31 Dec; Fri 1 Jan off; Mon 4, Tue 5 Jan.
        assert service.earliest_end(s, LATE_DEC) == D(2027, 1, 5)
        assert service.provisional_years(s, LATE_DEC, D(2027, 1, 5)) == (2027,)
    batch = _create(uow, w, ids, LATE_DEC, D(2027, 1, 5))
    with uow.write() as s:
        assert s.get(PublicityBatch, batch).ends_on == D(2027, 1, 5)
        stored = s.get(CalendarYear, 2027)  # the write stored the year it was counted on
        assert (stored.status, stored.source.split()[0]) == ("provisional", "holidays")


def test_four_working_days_are_refused_and_five_accepted_across_new_year_2027(uow, world):
    w, ids = world
    with pytest.raises(ValidationError) as short:
        _create(uow, w, ids, LATE_DEC, D(2027, 1, 4))  # 29, 30, 31 Dec and 4 Jan: four
    assert short.value.key == "workdays.too_short" and "2027-01-05" in short.value.message()
    assert _create(uow, w, ids, LATE_DEC, D(2027, 1, 5))


def test_spring_festival_2027_is_skipped_on_the_provisional_calendar(uow, world):
    with uow.read() as s:
        # From Thu 4 Feb: 5–10 Feb off (and the weekend), then Thu 11, Fri 12, Mon 15, Tue 16, Wed 17.
        assert service.earliest_end(s, D(2027, 2, 4)) == D(2027, 2, 17)
        assert service.working_days_between(s, D(2027, 2, 4), D(2027, 2, 16)) == 4


def test_a_provisional_period_says_so_in_the_template_and_in_the_published_notice(uow, world):
    w, ids = world
    op = w.actor("unit_op")
    notice = run(uow, w, lambda w: notice_for(w.session, op, ids, LATE_DEC, D(2027, 1, 5)))
    assert _note("2027") in notice.body
    batch = _create(uow, w, ids, LATE_DEC, D(2027, 1, 5))  # its body ("正文") lacks the note
    run(uow, w, lambda w: publish(w.session, op, batch, now=at(LATE_DEC), today=LATE_DEC))
    with uow.write() as s:
        assert s.get(PublicityBatch, batch).body == "正文\n\n" + _note("2027")
        event_detail = s.scalars(select(AuditEvent.detail).where(AuditEvent.action == "publicity_publish")).one()
        assert event_detail["provisional_years"] == [2027]


def test_a_period_on_an_official_year_carries_no_provisional_note(uow, world):
    w, ids = world
    notice = run(uow, w, lambda w: notice_for(w.session, w.actor("unit_op"), ids, D(2025, 9, 30), D(2025, 10, 14)))
    assert _note("2025") not in notice.body and "暂按推定" not in notice.body


def test_the_admin_enters_a_make_up_day_and_confirms_2027_as_official_with_one_audit_row_each(uow, world):
    w, _ = world
    boss = w.actor("prov_admin")
    with uow.write() as s:  # Sunday 14 Feb 2027 becomes a make-up working day
        admin.do_set_day(s, boss, D(2027, 2, 14), "workday", "春节调休", now=at(D(2026, 12, 1)))
    with uow.write() as s:
        admin.do_confirm_year(s, boss, 2027, "国办发明电〔2026〕8号", now=at(D(2026, 12, 2)))
    with uow.write() as s:
        year = s.get(CalendarYear, 2027)
        assert (year.status, year.source, year.confirmed_by) == ("official", "国办发明电〔2026〕8号", boss.account_id)
        assert year.confirmed_at == at(D(2026, 12, 2))
        events = s.execute(select(AuditEvent.action, AuditEvent.target, AuditEvent.account_id)
                           .where(AuditEvent.target == "calendar:2027").order_by(AuditEvent.id)).all()
        assert events == [("calendar_set_day", "calendar:2027", boss.account_id),
                          ("calendar_confirm", "calendar:2027", boss.account_id)]
        # From Thu 4 Feb: Thu 11, Fri 12, Sun 14 (make-up), Mon 15, Tue 16.
        assert service.earliest_end(s, D(2027, 2, 4)) == D(2027, 2, 16)
        assert service.provisional_years(s, LATE_DEC, D(2027, 1, 5)) == ()


def test_changing_a_date_of_an_official_year_makes_it_provisional_again(uow, world):
    w, _ = world
    boss = w.actor("prov_admin")
    with uow.write() as s:
        admin.do_confirm_year(s, boss, 2027, "国办发明电〔2026〕8号")
        admin.do_remove_day(s, boss, D(2027, 2, 10))
    with uow.write() as s:
        year = s.get(CalendarYear, 2027)
        assert (year.status, year.confirmed_by, year.confirmed_at) == ("provisional", None, None)
        assert s.get(CalendarDay, D(2027, 2, 10)) is None
        assert service.earliest_end(s, D(2027, 2, 4)) == D(2027, 2, 16)  # Wed 10 Feb is a working day now
        # The date's own event, then the engine's one for the status (calendar_year machine), version 1 → 2 → 3.
        events = s.execute(select(AuditEvent.action, AuditEvent.from_state, AuditEvent.to_state, AuditEvent.version)
                           .where(AuditEvent.target == "calendar:2027").order_by(AuditEvent.id)).all()
        assert events == [("calendar_confirm", "provisional", "official", 2), ("calendar_remove_day", None, None, None),
                          ("calendar_reopen", "official", "provisional", 3)]
        assert year.version == 3 and verify(s) is None


def test_an_official_year_is_not_confirmed_again_until_a_date_changes(uow, world):
    w, _ = world
    boss = w.actor("prov_admin")
    with uow.write() as s:
        admin.do_confirm_year(s, boss, 2027, "国办发明电〔2026〕8号")
    with uow.write() as s:
        with pytest.raises(ValidationError) as again:
            admin.do_confirm_year(s, boss, 2027, "国办发明电〔2026〕9号")
        assert again.value.key == "calendar.already_official"
        admin.do_set_day(s, boss, D(2027, 2, 14), "workday", "春节调休")
        admin.do_confirm_year(s, boss, 2027, "国办发明电〔2026〕9号")
    with uow.read() as s:
        assert (s.get(CalendarYear, 2027).status, s.get(CalendarYear, 2027).source) == ("official", "国办发明电〔2026〕9号")


@pytest.mark.parametrize("who", ["unit_admin", "city_admin", "prov_hr", "unit_op"])
def test_only_the_provincial_hr_bureaus_admin_may_change_the_calendar(uow, world, who):
    w, _ = world
    actor = w.actor(who)
    with uow.write() as s:
        assert not admin.may_edit(s, actor)
        for change in (lambda: admin.do_set_day(s, actor, D(2027, 2, 14), "workday"),
                       lambda: admin.do_remove_day(s, actor, D(2027, 2, 10)),
                       lambda: admin.do_add_year(s, actor, 2029),
                       lambda: admin.do_confirm_year(s, actor, 2027, "国办发明电〔2026〕8号")):
            with pytest.raises(NotFound):
                change()
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.kind == "admin")) == 0


def test_a_confirmation_needs_its_source_and_a_day_a_known_kind(uow, world):
    w, _ = world
    boss = w.actor("prov_admin")
    with uow.write() as s:
        with pytest.raises(ValidationError) as caught:
            admin.do_confirm_year(s, boss, 2027, " ")
        assert caught.value.key == "calendar.source_invalid"
        with pytest.raises(ValidationError):
            admin.do_set_day(s, boss, D(2027, 3, 1), "festival")


def test_the_start_up_fill_stores_every_year_once_official_then_provisional(uow):
    added = fill_ahead(uow, D(2026, 11, 27))
    assert added == list(range(sources.official_years()[0], 2029))
    assert fill_ahead(uow, D(2026, 11, 27)) == []
    with uow.read() as s:
        statuses = dict(s.execute(select(CalendarYear.year, CalendarYear.status)).all())
        assert statuses[2026] == "official" and statuses[2027] == statuses[2028] == "provisional"
        assert s.get(CalendarDay, D(2026, 2, 14)).kind == "workday"  # a make-up Saturday of 2026


def test_an_earliest_end_reads_the_calendar_in_two_queries_whatever_the_range(uow):
    fill_ahead(uow, D(2026, 11, 27))
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(uow.engine, "before_cursor_execute", listener)
    try:
        with uow.read() as s:
            # 1–7 Oct 2026 off; Thu 8, Fri 9, Sat 10 (make-up), Mon 12, Tue 13.
            assert service.earliest_end(s, D(2026, 9, 30)) == D(2026, 10, 13)
    finally:
        event.remove(uow.engine, "before_cursor_execute", listener)
    assert len([q for q in statements if "calendar_" in q]) == 2
