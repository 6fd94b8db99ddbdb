"""Unit publicity batches (申报公示): the notice, the working-day rule, who may publicise what, and
completion through the engine only after the end date."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.common.errors import GuardFailed, InvalidAction, NotFound, ValidationError
from core.review.publicity import complete_batch, create_unit_publicity, discard_draft, edit_notice, publish
from core.review.publicity_view import batch_detail, list_batches, notice_for
from db.models import AuditEvent, Declaration, PublicityBatch
from tests.integration.unit_support import AFTER, DURING, END, START, at, declarations, publicized, run
from tests.world import World


@pytest.fixture
def world(uow):
    with uow.write() as s:
        w = World.build(s)
        ids = declarations(w, 2, "unit_publicity")
    return w, ids


def test_the_default_notice_names_the_people_titles_and_period_but_no_personal_numbers(uow, world):
    w, ids = world
    notice = run(uow, w, lambda w: notice_for(w.session, w.actor("unit_op"), ids, START, END))
    assert notice.title == "市建筑设计院关于2026年度专业技术职称评审申报人员的公示"
    assert "2025年9月30日至2025年10月14日" in notice.body and "5个工作日" in notice.body
    assert "1. 申报人" in notice.body and "，工程，土木建筑工程，副高级" in notice.body and "\n2. 申报人" in notice.body
    assert "5201" not in notice.body and "1380000" not in notice.body


def test_a_publicity_across_national_day_must_last_five_working_days_counting_the_make_up_saturday(uow, world):
    w, ids = world
    op = w.actor("unit_op")

    def create(end: dt.date):
        return lambda w: create_unit_publicity(w.session, op, ids, "公示", "", START, end, now=at(START), today=START)

    with pytest.raises(ValidationError) as short:
        run(uow, w, create(END - dt.timedelta(days=1)))
    assert short.value.key == "workdays.too_short" and "2025-10-14" in short.value.message()
    batch = run(uow, w, create(END))
    with uow.write() as s:
        row = s.get(PublicityBatch, batch)
        assert (row.status, row.kind, row.owner_unit_id, row.ends_on) == ("draft", "unit", w.units["employer"], END)


def test_a_publicity_cannot_start_in_the_past(uow, world):
    w, ids = world
    with pytest.raises(ValidationError) as caught:
        run(uow, w, lambda w: create_unit_publicity(w.session, w.actor("unit_op"), ids, "公示", "", START, END,
                                                       now=at(DURING), today=DURING))
    assert caught.value.key == "publicity.start_in_past"


def test_only_declarations_the_unit_holds_in_publicity_can_be_publicised_and_only_once(uow, world):
    w, ids = world
    other = run(uow, w, lambda w: declarations(w, 1, "unit_verify"))
    op = w.actor("unit_op")

    def create(actor, chosen):
        return lambda w: create_unit_publicity(w.session, actor, chosen, "公示", "", START, END,
                                               now=at(START), today=START)

    with pytest.raises(NotFound):
        run(uow, w, create(w.actor("sibling_op"), ids))
    with pytest.raises(NotFound):
        run(uow, w, create(w.actor("dept_op"), ids))
    with pytest.raises(ValidationError) as wrong:
        run(uow, w, create(op, [*ids, *other]))
    assert wrong.value.key == "publicity.wrong_state" and wrong.value.details == [f"#{other[0]}"]
    run(uow, w, lambda w: publicized(w, ids[:1]))
    with pytest.raises(ValidationError) as busy:
        run(uow, w, create(op, ids))
    assert busy.value.key == "publicity.already_in_batch" and busy.value.details == [f"#{ids[0]}"]


def test_complete_publicity_is_refused_until_the_day_after_the_end_then_moves_everyone_on(uow, world):
    w, ids = world
    batch = run(uow, w, lambda w: publicized(w, ids))
    op = w.actor("unit_op")
    with pytest.raises(GuardFailed) as early:
        run(uow, w, lambda w: complete_batch(w.session, op, batch, at(END), today=END))
    assert early.value.details == ["guard.publicity_running"]
    done = run(uow, w, lambda w: complete_batch(w.session, op, batch, at(AFTER), today=AFTER))
    assert (done.completed, done.held, done.gone, done.batch_completed) == (ids, [], [], True)
    with uow.write() as s:
        assert {s.get(Declaration, d).state for d in ids} == {"unit_recommend"}
        assert s.get(PublicityBatch, batch).status == "completed"
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.target == f"publicity_batch:{batch}")
                            .order_by(AuditEvent.id)).all()
        assert actions == ["publicity_create", "publicity_publish", "publicity_complete"]
    with pytest.raises(InvalidAction):
        run(uow, w, lambda w: complete_batch(w.session, op, batch, at(AFTER), today=AFTER))


def test_the_notice_can_be_edited_while_running_but_not_after_the_end(uow, world):
    w, ids = world
    batch = run(uow, w, lambda w: publicized(w, ids))
    op = w.actor("unit_op")
    run(uow, w, lambda w: edit_notice(w.session, op, batch, "更正后的公示", "正文", now=at(DURING), today=DURING))
    detail = run(uow, w, lambda w: batch_detail(w.session, op, batch))
    assert (detail.title, detail.body, detail.status) == ("更正后的公示", "正文", "published")
    assert [i.declaration_id for i in detail.items] == ids
    with pytest.raises(InvalidAction):
        run(uow, w, lambda w: edit_notice(w.session, op, batch, "再改", "", now=at(AFTER), today=AFTER))
    with pytest.raises(NotFound):
        run(uow, w, lambda w: edit_notice(w.session, w.actor("sibling_op"), batch, "x", "", today=DURING))
    with pytest.raises(InvalidAction):
        run(uow, w, lambda w: publish(w.session, op, batch, today=START))


def test_the_unit_lists_its_own_batches_with_counts_and_a_sibling_sees_none(uow, world):
    w, ids = world
    batch = run(uow, w, lambda w: publicized(w, ids))
    rows = run(uow, w, lambda w: list_batches(w.session, w.actor("unit_op")))
    assert [(r.id, r.status, r.declarations, r.open_objections) for r in rows] == [(batch, "published", 2, 0)]
    assert run(uow, w, lambda w: list_batches(w.session, w.actor("sibling_op"))) == []
    with pytest.raises(NotFound):
        run(uow, w, lambda w: list_batches(w.session, w.actor("dept_op")))


def test_a_draft_cannot_be_published_once_one_of_its_declarations_has_left_the_publicity(uow, world):
    w, ids = world
    op = w.actor("unit_op")
    batch = run(uow, w, lambda w: create_unit_publicity(w.session, op, ids, "公示", "", START, END,
                                                           now=at(START), today=START))
    run(uow, w, lambda w: w.do("unit_op", ids[1], "return_to_applicant", reason="材料不全"))
    with pytest.raises(ValidationError) as caught:
        run(uow, w, lambda w: publish(w.session, op, batch, now=at(START), today=START))
    assert caught.value.key == "publicity.wrong_state" and caught.value.details == [f"#{ids[1]}"]


def test_a_draft_that_was_never_published_can_be_discarded_to_free_its_declarations(uow, world):
    w, ids = world
    op = w.actor("unit_op")
    draft = run(uow, w, lambda w: create_unit_publicity(w.session, op, ids, "公示", "", START, END,
                                                           now=at(START), today=START))
    with pytest.raises(NotFound):
        run(uow, w, lambda w: discard_draft(w.session, w.actor("sibling_op"), draft))
    run(uow, w, lambda w: discard_draft(w.session, op, draft))
    assert run(uow, w, lambda w: list_batches(w.session, op)) == []
    published = run(uow, w, lambda w: publicized(w, ids))
    with pytest.raises(InvalidAction):
        run(uow, w, lambda w: discard_draft(w.session, op, published))
