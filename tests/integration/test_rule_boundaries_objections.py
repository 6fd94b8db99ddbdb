"""Objection limits at their boundaries: the field lengths of an objection, the reason of a resolution,
and the public portal's rate limits (3 an hour per client address, 3 an hour per contact, 20 a day
per declaration), each on both sides, with "now" fixed by the test. Also the notice's title and body lengths.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from core.common.errors import ValidationError
from core.review.objections import raise_objection, resolve_objection
from core.review.portal import RateLimited, raise_public_objection, scrub
from core.review.publicity import create_batch
from db.models import Objection, PublicityBatch, PublicityItem
from tests.integration.transition_support import setup, world_in
from tests.world import World

UTC = dt.timezone.utc
START, END = dt.date(2026, 9, 7), dt.date(2026, 9, 18)
T0 = dt.datetime(2026, 9, 9, 2, 0, tzinfo=UTC)  # 10:00 in Beijing, during the publicity
SECOND, HOUR, DAY = dt.timedelta(seconds=1), dt.timedelta(hours=1), dt.timedelta(days=1)
VALID = {"name": "王五", "contact": "13900000000", "text": "业绩材料存疑"}


def running(w: World, d: int) -> None:
    batch = PublicityBatch(kind="unit", owner_unit_id=w.units["employer"], title="申报公示", starts_on=START,
                           ends_on=END, status="published", is_public=True)
    w.session.add(batch)
    w.session.flush()
    w.session.add(PublicityItem(batch_id=batch.id, declaration_id=d))
    w.session.flush()


@pytest.fixture
def publicised(uow) -> tuple[World, int, int]:
    w, d = setup(uow, "unit_publicity", running)
    with world_in(uow, w) as ww:
        batch = ww.session.scalar(select(PublicityItem.batch_id).where(PublicityItem.declaration_id == d))
    return w, d, batch


def objects(uow, w: World, d: int, **fields) -> int:
    with world_in(uow, w) as ww:
        return raise_objection(ww.session, d, **{**VALID, **fields}, now=T0)


# --- field lengths: name 2..50, contact 5..100, text 5..2000 -----------------------------------------

@pytest.mark.parametrize("field, low, high", [("name", 2, 50), ("contact", 5, 100), ("text", 5, 2000)])
def test_an_objection_field_is_accepted_at_its_shortest_and_longest_length(uow, publicised, field, low, high):
    w, d, _ = publicised
    for size in (low, high):
        objection = objects(uow, w, d, **{field: "举" * size})
        with world_in(uow, w) as ww:
            assert len(getattr(ww.session.get(Objection, objection), {"name": "raised_by_name"}.get(field, field))) \
                == size


@pytest.mark.parametrize("field, low, high", [("name", 2, 50), ("contact", 5, 100), ("text", 5, 2000)])
def test_an_objection_field_one_character_too_short_or_too_long_is_refused(uow, publicised, field, low, high):
    w, d, _ = publicised
    for size in (low - 1, high + 1):
        with pytest.raises(ValidationError) as refused:
            objects(uow, w, d, **{field: "举" * size})
        assert refused.value.key == f"objection.{field}_invalid"
    with world_in(uow, w) as ww:
        assert ww.session.scalar(select(func.count()).select_from(Objection)) == 0


def test_lengths_are_counted_after_trimming_spaces(uow, publicised):
    w, d, _ = publicised
    with pytest.raises(ValidationError):
        objects(uow, w, d, name=" 王 ")


@pytest.mark.parametrize("size, accepted", [(2000, True), (2001, False)])
def test_a_resolution_reason_may_be_2000_characters_but_not_2001(uow, publicised, size, accepted):
    w, d, _ = publicised
    objection = objects(uow, w, d)
    with world_in(uow, w) as ww:
        def resolve():
            resolve_objection(ww.session, ww.actor("unit_op"), objection, "dismiss", "核" * size, now=T0,
                              today=START + DAY)
        if accepted:
            resolve()
            assert ww.session.get(Objection, objection).status == "dismissed"
        else:
            with pytest.raises(ValidationError) as refused:
                resolve()
            assert refused.value.key == "error.reason_too_long"


# --- the public portal's rate limits ----------------------------------------------------------------
# Fixed windows counted in the database (core.common.rate_limit): hours from the full UTC hour, days from
# 00:00 UTC (08:00 in Beijing). T0 is 02:00 UTC, the start of an hour.

ADDRESS = "203.0.113.7"


def public(uow, w: World, d: int, batch: int, at: dt.datetime, *, client: str = ADDRESS,
           contact: str = "13900000000"):
    with world_in(uow, w) as ww:
        return raise_public_objection(ww.session, batch, d, "王五", contact, "业绩材料存疑", client, now=at,
                                      today=START + DAY)


def test_a_client_address_may_object_three_times_an_hour_and_not_a_fourth(uow, publicised):
    w, d, batch = publicised
    for i in range(3):
        public(uow, w, d, batch, T0 + i * SECOND, contact=f"1390000000{i}")
    with pytest.raises(RateLimited) as refused:
        public(uow, w, d, batch, T0 + 3 * SECOND, contact="13900000009")
    assert refused.value.retry_at == T0 + HOUR and str(refused.value) == "提交过于频繁，请于 11:00 后再试"
    public(uow, w, d, batch, T0 + 3 * SECOND, client="198.51.100.1", contact="13900000009")  # another address


def test_the_hour_of_an_address_ends_at_the_full_hour(uow, publicised):
    w, d, batch = publicised
    for i in range(3):
        public(uow, w, d, batch, T0 + i * SECOND, contact=f"1390000000{i}")
    with pytest.raises(RateLimited):
        public(uow, w, d, batch, T0 + HOUR - SECOND, contact="13900000009")
    public(uow, w, d, batch, T0 + HOUR, contact="13900000009")


def test_a_contact_may_object_three_times_an_hour_from_any_address_and_not_a_fourth(uow, publicised):
    w, d, batch = publicised
    for i in range(3):
        public(uow, w, d, batch, T0 + i * SECOND, client=f"198.51.100.{i}")
    with pytest.raises(RateLimited):
        public(uow, w, d, batch, T0 + HOUR - SECOND, client="198.51.100.9")
    public(uow, w, d, batch, T0 + HOUR, client="198.51.100.9")


def test_one_phone_written_with_spaces_dashes_or_a_country_code_is_one_contact(uow, publicised):
    w, d, batch = publicised
    for i, written in enumerate(("177 9293 6902", "+86 177-9293-6902", "0086 17792936902")):
        public(uow, w, d, batch, T0 + i * SECOND, client=f"198.51.100.{i}", contact=written)
    with pytest.raises(RateLimited):
        public(uow, w, d, batch, T0 + 3 * SECOND, client="198.51.100.9", contact="+8617792936902")
    with world_in(uow, w) as ww:  # stored in one form too
        assert set(ww.session.scalars(select(Objection.contact))) == {"+8617792936902"}


def test_an_email_in_capitals_is_the_same_contact(uow, publicised):
    w, d, batch = publicised
    for i, written in enumerate(("Wang@Example.cn", "wang@example.CN ", " WANG@EXAMPLE.CN")):
        public(uow, w, d, batch, T0 + i * SECOND, client=f"198.51.100.{i}", contact=written)
    with pytest.raises(RateLimited):
        public(uow, w, d, batch, T0 + 3 * SECOND, client="198.51.100.9", contact="wang@example.cn")


def test_a_declaration_takes_twenty_public_objections_a_day_and_not_a_twenty_first(uow, publicised):
    w, d, batch = publicised
    for i in range(20):
        public(uow, w, d, batch, T0 + i * SECOND, client=f"198.51.100.{i}", contact=f"139000000{i:02d}")
    with pytest.raises(RateLimited) as refused:
        public(uow, w, d, batch, T0 + 20 * SECOND, client="198.51.100.99", contact="13900000099")
    assert str(refused.value) == "提交过于频繁，请于 9月10日 08:00 后再试"  # the UTC day ends at 08:00 Beijing
    next_day = dt.datetime(2026, 9, 10, tzinfo=UTC)
    with pytest.raises(RateLimited):
        public(uow, w, d, batch, next_day - SECOND, client="198.51.100.99", contact="13900000099")
    public(uow, w, d, batch, next_day, client="198.51.100.99", contact="13900000099")


def test_a_refused_objection_is_not_counted(uow, publicised):
    w, d, batch = publicised
    for i in range(3):
        public(uow, w, d, batch, T0 + i * SECOND, contact=f"1390000000{i}")
    for _ in range(5):
        with pytest.raises(RateLimited):
            public(uow, w, d, batch, T0 + 10 * SECOND, contact="13900000009")
    with world_in(uow, w) as ww:
        assert ww.session.scalar(select(func.count()).select_from(Objection)) == 3


# --- what a public notice may show -------------------------------------------------------------------

def test_numbers_shaped_like_an_id_number_or_a_mobile_phone_are_starred_in_public_text():
    assert scrub("身份证52010219900307123X") == "身份证" + "*" * 18
    assert scrub("电话13812341234。") == "电话" + "*" * 11 + "。"
    assert scrub("电话0851-1234567") == "电话" + "*" * 12  # a landline too
    assert scrub("文号202609071") == "文号202609071"  # nine digits: none of these shapes


@pytest.mark.parametrize("title, body, key", [
    ("题" * 200, "文" * 8000, None), ("题" * 201, "", "publicity.title_invalid"),
    ("公示", "文" * 8001, "publicity.body_too_long"), ("   ", "", "publicity.title_invalid")])
def test_a_notice_title_is_at_most_200_characters_and_its_body_8000(uow, title, body, key):
    w, d = setup(uow, "unit_publicity")
    with world_in(uow, w) as ww:
        def create():
            return create_batch(ww.session, ww.actor("unit_op"), "unit", [d], title, body, START, END, today=START)
        if key is None:
            assert len(ww.session.get(PublicityBatch, create()).title) == 200
        else:
            with pytest.raises(ValidationError) as refused:
                create()
            assert refused.value.key == key
