"""The public portal: running public notices only, only the fields rules.md allows, gone after the
period; objections by anyone, rate-limited, landing with the unit that owns the notice."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.common import config
from core.review import portal
from core.common.errors import NotFound
from core.review.objections import list_objections
from core.review.publicity_view import default_notice, NoticeEntry
from db.models import Declaration, Person, PublicityBatch, PublicityItem

from tests.integration.unit_support import AFTER, DURING, END, START, at, declarations, publicized, run
from tests.world import LEVEL, SERIES, SPECIALTY, YEAR, World

TEXT = "该申报人的业绩材料与实际不符"


@pytest.fixture
def running(uow):
    with uow.write() as s:
        w = World.build(s)
        ids = declarations(w, 2, "unit_publicity")
        batch = publicized(w, ids)
    return w, ids, batch


def _notices(uow, day, search=None):
    with uow.write() as s:
        return portal.public_notices(s, day, search)


def test_a_running_public_notice_is_listed_and_vanishes_after_its_period(uow, running):
    w, ids, batch = running
    assert [n.id for n in _notices(uow, DURING)] == [batch]
    assert _notices(uow, START - dt.timedelta(days=1)) == [] and _notices(uow, AFTER) == []
    with uow.write() as s:
        notice = portal.public_notice(s, batch, END)
        assert notice.owner == "市建筑设计院" and len(notice.entries) == 2
        assert all(tuple(e) == portal.ENTRY_FIELDS for e in notice.entries)
        assert notice.entries[0]["employer"] == "市建筑设计院" and notice.entries[0]["level"] == "副高级"
        with pytest.raises(NotFound):
            portal.public_notice(s, batch, AFTER)


def test_search_by_name_or_unit_and_internal_notices_stay_internal(uow, running):
    w, ids, batch = running
    assert [n.id for n in _notices(uow, DURING, "申报人")] == [batch]
    assert [n.id for n in _notices(uow, DURING, "设计院")] == [batch]
    assert _notices(uow, DURING, "无此人") == []
    with uow.write() as s:
        s.get(PublicityBatch, batch).is_public = False
    assert _notices(uow, DURING) == []


@pytest.mark.parametrize("typed, found", [
    ("\x00", True), ("\udcff", True),  # nothing left to look for: every running notice
    ("设计\x00院", True),  # the fragments around the refused character
    ("%", False), ("_", False), ("设计院 %", False),  # wildcards looked for as typed
    ("设计院\u202e" + "x" * 300, False),  # the x... fragment matches nothing
])
def test_a_search_box_holding_anything_answers_without_error_and_wildcards_match_as_typed(uow, running, typed,
                                                                                           found):
    w, ids, batch = running
    assert [n.id for n in _notices(uow, DURING, typed)] == ([batch] if found else [])
    assert [n.id for n in _notices(uow, DURING, "申报人 设计院")] == [batch]  # every fragment must match


def _object(uow, w, batch, d, client="203.0.113.7", contact="13912345678", day=DURING, hour=2):
    return run(uow, w, lambda w: portal.raise_public_objection(
        w.session, batch, d, "王五", contact, TEXT, client, now=at(day, hour), today=day))


def test_anyone_may_object_and_it_lands_with_the_owning_unit(uow, running):
    w, ids, batch = running
    objection = _object(uow, w, batch, ids[0])
    with uow.write() as s:
        rows = list_objections(s, w.actor("unit_op"))
        assert [(r.id, r.declaration_id, r.batch_id) for r in rows] == [(objection, ids[0], batch)]
        assert list_objections(s, w.actor("sibling_op")) == []
    with pytest.raises(NotFound):
        _object(uow, w, batch, ids[0], day=AFTER)
    with pytest.raises(NotFound):
        _object(uow, w, batch + 99, ids[0])


def test_objections_are_rate_limited_per_client_per_contact_and_per_declaration(uow, running):
    w, ids, batch = running
    for n in range(portal.PER_CLIENT_HOUR):
        _object(uow, w, batch, ids[0], contact=f"1390000{n:04d}")
    with pytest.raises(portal.RateLimited):
        _object(uow, w, batch, ids[0], contact="13900009999")
    _object(uow, w, batch, ids[0], hour=4)  # hours later the address may again
    with pytest.raises(portal.RateLimited):  # another address, the same contact
        for n in range(portal.PER_CONTACT_HOUR + 1):
            _object(uow, w, batch, ids[1], client=f"198.51.100.{n}", hour=6)
    sent = 0
    with pytest.raises(portal.RateLimited):
        for n in range(portal.PER_DECLARATION_DAY + 1):
            _object(uow, w, batch, ids[1], client=f"198.51.{n}.1", contact=f"1390000{n:04d}", day=END, hour=1 + n % 12)
            sent += 1
    assert sent == portal.PER_DECLARATION_DAY  # the earlier ones were days before


@pytest.mark.parametrize("peer, forwarded, trusted, expected", [
    ("203.0.113.7", None, 0, "203.0.113.7"),
    ("203.0.113.7", "198.51.100.1", 0, "203.0.113.7"),  # the header is anyone's to write: ignored by default
    ("10.0.0.2", "1.2.3.4, 198.51.100.1", 1, "198.51.100.1"),  # the trusted proxy's entry, not the forged one
    ("10.0.0.2", "1.2.3.4, 198.51.100.1, 10.0.0.9", 2, "198.51.100.1"),
    ("10.0.0.2", None, 1, "10.0.0.2"),
    ("2001:db8:1:2:3:4:5:6", None, 0, "2001:db8:1:2::/64"),  # one subscriber's IPv6 network
    ("::ffff:203.0.113.7", None, 0, "203.0.113.7"),
    (None, None, 0, portal.UNKNOWN_ADDRESS), ("garbage", None, 0, portal.UNKNOWN_ADDRESS)])
def test_the_client_address_is_the_connections_unless_a_trusted_proxy_reports_it(peer, forwarded, trusted,
                                                                                   expected):
    assert portal.client_address(peer, forwarded, trusted) == expected


# --- property: nothing personal on the portal -------------------------------------------------------

CHINESE = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2, max_size=4)
ID_NUMBER = st.from_regex(r"[1-6]\d{16}[\dX]", fullmatch=True)
PHONE = st.from_regex(r"1[3-9]\d{9}", fullmatch=True)
PEOPLE = st.lists(st.tuples(CHINESE, ID_NUMBER, PHONE), min_size=1, max_size=4, unique_by=lambda p: p[1])


def written(digits: str, k: int) -> str:
    """The digits as people write them: with spaces, dashes or dots, a mobile with a country code."""
    sep = (" ", "-", ".", " - ")[k % 4]
    if len(digits) == 11:
        return ("+86 ", "0086-", "+86", "86 ")[k % 4] + sep.join((digits[:3], digits[3:7], digits[7:]))
    return sep.join((digits[:6], digits[6:14], digits[14:]))


@pytest.fixture
def base(sqlite_only):
    with sqlite_only.write() as s:
        w = World.build(s)
    return sqlite_only, w


def _render(n: portal.PublicNotice) -> str:
    return "\n".join([n.title, n.body, n.owner, *(str(v) for e in n.entries for v in e.values())])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=PEOPLE)
def test_portal_text_never_contains_an_id_number_or_a_phone(base, people):
    uow, w = base
    today = config.today()
    with uow.read() as s:  # a scratch transaction, rolled back
        ids = []
        for name, id_number, phone in people:
            person = Person(name=name, id_number=id_number, phone=phone, unit_id=w.units["employer"])
            s.add(person)
            s.flush()
            d = Declaration(flow="review", applicant_person_id=person.id, unit_id=w.units["employer"], year=YEAR,
                            level_code=LEVEL, series_code=SERIES, specialty_code=SPECIALTY, state="unit_publicity",
                            holder_unit_id=w.units["employer"], committee_id=w.committee_id, relay_route=[])
            s.add(d)
            s.flush()
            ids.append(d.id)
        entries = [NoticeEntry(name, "工程", "土木建筑工程", "副高级") for name, _, _ in people]
        notice = default_notice("市建筑设计院", entries, today, today + dt.timedelta(days=7))
        typed = " ".join(f"联系人电话{phone}，身份证{idn}，或{written(phone, k)}，{written(idn, k + 1)}"
                         for k, (_, idn, phone) in enumerate(people))  # an operator's slip, as people write
        batch = PublicityBatch(kind="unit", owner_unit_id=w.units["employer"], title=notice.title,
                               body=notice.body + typed, starts_on=today, ends_on=today + dt.timedelta(days=7),
                               status="published", is_public=True)
        s.add(batch)
        s.flush()
        s.add_all(PublicityItem(batch_id=batch.id, declaration_id=d) for d in ids)
        s.flush()
        listed = portal.public_notices(s, today, people[0][0])
        text = _render(portal.public_notice(s, batch.id, today)) + "".join(r.title for r in listed)
        s.rollback()
    assert batch.id in [r.id for r in listed]
    for name, id_number, phone in people:
        assert name in text
        assert id_number not in text and id_number[:-1] not in text and phone not in text
        digits = "".join(c for c in text if c.isdigit())
        assert id_number[:-1] not in digits and phone not in digits and phone[3:] not in digits


def test_an_unknown_address_is_not_one_limit_for_the_whole_public(uow, running):
    """Behind a local proxy nobody declared, every visitor's address is unknown: the address limit is
    skipped (it would stop the whole province at three an hour), the contact limit still holds."""
    w, ids, batch = running
    for n in range(portal.PER_CLIENT_HOUR + 2):
        _object(uow, w, batch, ids[0], client=None, contact=f"1390000{n:04d}")
    for n in range(portal.PER_CONTACT_HOUR):
        _object(uow, w, batch, ids[1], client=None)
    with pytest.raises(portal.RateLimited):
        _object(uow, w, batch, ids[1], client=None)
