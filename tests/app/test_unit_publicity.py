"""申报公示 in AppTest: create from the template, publish after a confirmation, resolve an objection,
complete only after the end."""
from __future__ import annotations

import os

from sqlalchemy import or_, select

from core.common import config
from core.common.i18n import t
from core.calendar import desk as calendar_desk
from core.desks import unit as unit_desk
from core.setup.demo import DEMO_PASSWORD
from db.models import Objection, PublicityBatch, PublicityItem
from db.session import make_engine
from db.uow import UnitOfWork
from tests.app.support import action, assert_ok, click, confirm, errors, held, sign_in, start, unit_of, unescaped

WS = "unit_publicity"


def earliest_end(start):
    return calendar_desk.earliest_end(UnitOfWork.from_url(os.environ["TITLES_DATABASE_URL"]), start).day


def _open(tab: str | None = None):
    at = sign_in(start(), "demo_unit_op", DEMO_PASSWORD)
    at.switch_page(f"pages/{WS}.py").run()
    assert_ok(at)
    if tab:
        at.session_state[f"{WS}.tab"] = t(tab)
        at.run()
        assert_ok(at)
    return at


def _batch(url: str, batch_id: int):
    with UnitOfWork.from_url(url).read() as s:
        b = s.get(PublicityBatch, batch_id)
        items = s.scalars(select(PublicityItem.declaration_id).where(PublicityItem.batch_id == batch_id)).all()
        return b.status, b.title, b.starts_on, b.ends_on, sorted(items)


def _open_batch_with_objection(url: str) -> tuple[int, int]:
    with UnitOfWork.from_url(url).read() as s:
        found = s.execute(select(Objection.batch_id, Objection.id).join(
            PublicityBatch, PublicityBatch.id == Objection.batch_id).where(
            Objection.status == "open", PublicityBatch.owner_unit_id == unit_of(url, "demo_unit_op"))).first()
    assert found, "the demo unit has a running publicity with an open objection"
    return found


def _waiting(url: str) -> list[int]:
    """The demo unit's declarations waiting for a publicity and in none of its draft or running batches."""
    unit = unit_of(url, "demo_unit_op")
    with UnitOfWork.from_url(url).read() as s:
        busy = set(s.scalars(select(PublicityItem.declaration_id).join(
            PublicityBatch, PublicityBatch.id == PublicityItem.batch_id).where(
            PublicityBatch.owner_unit_id == unit, or_(PublicityBatch.status == "draft", (
                PublicityBatch.status == "published") & (PublicityBatch.ends_on >= config.today())))))
    waiting = [i for i in held(url, unit, "unit_publicity") if i not in busy]
    assert waiting, "the demo unit has declarations waiting for a publicity"
    return waiting


def test_create_from_the_template_then_publish_after_confirmation(app_db):
    at = _open()
    assert at.get("download_button")
    chosen = at.multiselect(key=f"{WS}.chosen")
    waiting = _waiting(app_db)
    assert sorted(int(o.split()[0].lstrip("#")) for o in chosen.options) == waiting
    ids = waiting[:2]
    chosen.set_value(ids).run()
    assert_ok(at)
    title = at.text_input(key=f"{WS}.title").value
    assert title and str(config.today().year) in title  # from the template
    assert "公示时间" in at.text_area(key=f"{WS}.body").value
    begin = at.date_input(key=f"{WS}.start").value
    assert at.date_input(key=f"{WS}.end").value == earliest_end(begin)
    assert t("publicity.earliest_end", date=earliest_end(begin).isoformat()) in [c.value for c in at.caption]
    click(at, WS, "create")
    assert_ok(at)
    batch_id = at.selectbox(key=f"{WS}.batch").value
    assert _batch(app_db, batch_id)[0] == "draft" and _batch(app_db, batch_id)[4] == ids
    click(at, WS, "publish")
    assert _batch(app_db, batch_id)[0] == "draft"  # not before "yes"
    confirm(at, WS)
    assert_ok(at)
    assert _batch(app_db, batch_id)[0] == "published"
    assert action(at, WS, "complete").disabled  # only after the end


def test_a_too_short_period_is_refused_with_the_earliest_end(app_db):
    at = _open()
    at.multiselect(key=f"{WS}.chosen").set_value(_waiting(app_db)[-1:]).run()
    begin = at.date_input(key=f"{WS}.start").value
    at.date_input(key=f"{WS}.end").set_value(begin).run()
    click(at, WS, "create")
    assert_ok(at)
    assert any(earliest_end(begin).isoformat() in unescaped(e) for e in errors(at))


def test_the_notice_can_be_edited_while_running(app_db):
    at = _open("publicity.tab.batches")
    batch_id, _ = _open_batch_with_objection(app_db)
    at.selectbox(key=f"{WS}.batch").select(batch_id).run()
    at.text_input(key=f"{WS}.edit_title.{batch_id}").input("更正后的公示标题")
    click(at, WS, "save_notice")
    assert_ok(at)
    assert _batch(app_db, batch_id)[1] == "更正后的公示标题"


def test_an_objection_is_dismissed_with_a_reason_after_confirmation(app_db):
    at = _open("publicity.tab.batches")
    batch_id, objection_id = _open_batch_with_objection(app_db)
    at.selectbox(key=f"{WS}.batch").select(batch_id).run()
    assert set(at.radio(key=f"{WS}.outcome").options) >= {t("objection.outcome.dismiss")}
    at.selectbox(key=f"{WS}.objection").select(objection_id).run()
    at.radio(key=f"{WS}.outcome").set_value("dismiss").run()
    at.text_area(key=f"{WS}.objection_reason").input("经核实举报内容不属实")
    click(at, WS, "resolve")
    confirm(at, WS)
    assert_ok(at)
    with UnitOfWork.from_url(app_db).read() as s:
        row = s.execute(select(Objection.status, Objection.resolution).where(Objection.id == objection_id)).one()
    assert tuple(row) == ("dismissed", "经核实举报内容不属实")


def test_an_ended_batch_completes_and_reports_what_had_left(app_db):
    at = _open("publicity.tab.batches")
    with UnitOfWork.from_url(app_db).read() as s:
        ended = s.scalar(select(PublicityBatch.id).where(
            PublicityBatch.owner_unit_id == unit_of(app_db, "demo_unit_op"), PublicityBatch.status == "published",
            PublicityBatch.ends_on < unit_desk.today()).order_by(PublicityBatch.id.desc()).limit(1))
    assert ended, "the demo unit has a publicity that ended but is not completed"
    at.selectbox(key=f"{WS}.batch").select(ended).run()
    click(at, WS, "complete")
    confirm(at, WS)
    assert_ok(at)
    assert _batch(app_db, ended)[0] == "completed"
    assert any(t("publicity.gone") in i.value for i in at.info)


def test_a_period_ending_in_a_provisional_year_is_allowed_and_says_so(app_db):
    import datetime as dt

    today = unit_desk.today()
    year = max(today.year, 2026) + (today > dt.date(today.year, 12, 28))  # 2027 on is provisional (no schedule yet)
    at = _open()
    at.date_input(key=f"{WS}.start").set_value(dt.date(year, 12, 28)).run()
    assert_ok(at)
    end = at.date_input(key=f"{WS}.end").value
    assert end.year == year + 1 and end == earliest_end(dt.date(year, 12, 28))
    assert any(str(year + 1) in w.value and "暂定" in w.value for w in at.warning)
