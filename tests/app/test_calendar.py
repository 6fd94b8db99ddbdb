"""工作日历 in AppTest: the provincial HR bureau's admin enters a make-up working day of 2027 and confirms
the year after a confirmation; another unit's admin reads the calendar but cannot change it."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.setup.demo import DEMO_PASSWORD
from db.models import AuditEvent, CalendarDay, CalendarYear
from db.uow import UnitOfWork

from tests.app.support import action, asks_to_confirm, assert_ok, click, confirm, infos, offers, sign_in, start

WS = "calendar"


def _open(login: str):
    at = sign_in(start(), login, DEMO_PASSWORD)
    at.switch_page(f"pages/{WS}.py").run()
    assert_ok(at)
    return at


def test_the_provincial_admin_enters_a_make_up_day_and_confirms_2027_as_official(app_db):
    at = _open("demo_prov_admin")
    at.selectbox(key=f"{WS}.year").set_value(2027).run()
    at.date_input(key=f"{WS}.day.2027").set_value(dt.date(2027, 2, 14))
    at.radio(key=f"{WS}.kind").set_value("workday")
    at.text_input(key=f"{WS}.name").input("**春节调休**")
    click(at, WS, "save_day")
    assert_ok(at)
    days = at.dataframe[1].value  # the years, then the chosen year's dates
    assert "**春节调休**" in list(days.iloc[:, 3])  # shown as typed, not as markdown
    at.text_input(key=f"{WS}.source").input("国办发明电〔2026〕8号").run()
    click(at, WS, "confirm_year")
    assert asks_to_confirm(at, WS)
    confirm(at, WS)
    assert_ok(at)
    with UnitOfWork.from_url(app_db).read() as s:
        assert s.get(CalendarDay, dt.date(2027, 2, 14)).kind == "workday"
        year = s.get(CalendarYear, 2027)
        assert (year.status, year.source) == ("official", "国办发明电〔2026〕8号")
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.target == "calendar:2027")
                            .order_by(AuditEvent.id)).all()
        assert actions == ["calendar_set_day", "calendar_confirm"]


def test_another_units_admin_reads_the_calendar_but_gets_no_controls(app_db):
    from core.common.i18n import t

    at = _open("demo_unit_admin")
    assert t("calendar.read_only") in infos(at)
    assert len(at.dataframe[0].value) > 20  # 2004 onwards
    assert not offers(at, WS)


def test_an_official_year_offers_no_confirmation_until_a_date_changes(app_db):
    at = _open("demo_prov_admin")
    at.selectbox(key=f"{WS}.year").set_value(2025).run()  # seeded official from chinese-calendar
    assert_ok(at)
    assert f"{WS}.act.confirm_year" not in offers(at, WS)
    from core.common.i18n import t

    assert t("calendar.official_hint") in [c.value for c in at.caption]
