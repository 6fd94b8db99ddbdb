"""The rules of the record machines, run against an in-memory store (no database, milliseconds).

Each machine's allowed and refused transitions, the optimistic lock, and exactly one event per change.
The SQL store is tested on both databases in tests/integration/test_record_store.py.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pytest

from core.common.errors import ConcurrentChange, Forbidden, GuardFailed, InvalidAction, NotFound, ValidationError
from core.workflow import Actor, Change, Record, available_actions, check_may, perform

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.timezone.utc)
TODAY = NOW.date()
PROVINCE, CITY, COUNTY, EMPLOYER, OTHER_UNIT, COMMITTEE_UNIT = 1, 2, 3, 10, 11, 20
PATHS = {PROVINCE: "/1/", CITY: "/1/2/", COUNTY: "/1/2/3/", EMPLOYER: "/1/2/10/", OTHER_UNIT: "/1/11/",
         COMMITTEE_UNIT: "/1/20/"}


class FakeFacts:
    def is_within(self, unit_id: int, ancestor_id: int) -> bool:
        return f"/{ancestor_id}/" in PATHS[unit_id]

    def is_provincial_hr_bureau(self, unit_id: int) -> bool:
        return unit_id == PROVINCE

    def handles_objection(self, actor: Actor, objection: Record) -> bool:
        return actor.unit_id == EMPLOYER and actor.role == "unit_operator"  # the unit running the publicity


@dataclass
class FakeStore:
    """Records in a dict; ``apply`` checks the version like the guarded UPDATE and logs one event."""

    records: dict[int, Record]
    events: list[tuple[Actor, Change]] = field(default_factory=list)
    facts: FakeFacts = field(default_factory=FakeFacts)
    interloper: Change | None = None  # a change someone else commits between our load and our write

    def load(self, record_id: int) -> Record | None:
        return self.records.get(record_id)

    def apply(self, actor: Actor, change: Change, now: dt.datetime) -> int:
        if self.interloper is not None:
            self._write(self.interloper)
            self.interloper = None
        current = self.records[change.record_id]
        if current.version != change.expected_version:
            raise ConcurrentChange()
        self._write(change)
        self.events.append((actor, change))
        return current.version + 1

    def _write(self, change: Change) -> None:
        r = self.records[change.record_id]
        self.records[r.id] = replace(r, state=change.to_state, version=r.version + 1, data={**r.data, **change.columns})


def op(role: str, unit: int | None, **kw) -> Actor:
    return Actor(account_id=100 + (unit or 0), role=role, unit_id=unit, **kw)


def store_of(flow: str, state: str, **data) -> FakeStore:
    return FakeStore({1: Record(flow, 1, state, 3, data)})


def done(store: FakeStore, actor: Actor, action: str, payload: dict | None = None, **kw) -> FakeStore:
    perform(store, actor, 1, action, payload, now=NOW, today=TODAY, **kw)
    return store


def refused(store: FakeStore, actor: Actor, action: str, error: type, payload: dict | None = None, **kw):
    with pytest.raises(error) as raised:
        perform(store, actor, 1, action, payload, now=NOW, today=TODAY, **kw)
    assert store.events == [] and store.records[1].version == 3, "a refused change wrote something"
    return raised.value


# --- publicity batch ---------------------------------------------------------------------------

def batch(state: str = "draft", kind: str = "unit", ends_on: dt.date = TODAY - dt.timedelta(days=1),
          committee_id: int | None = None) -> FakeStore:
    return store_of("publicity_batch", state, kind=kind, owner_unit_id=EMPLOYER, committee_id=committee_id,
                    starts_on=ends_on - dt.timedelta(days=5), ends_on=ends_on)


def test_a_unit_operator_publishes_its_draft_then_completes_it_after_the_end_date():
    store = done(done(batch(), op("unit_operator", EMPLOYER), "publish"), op("unit_operator", EMPLOYER), "complete")
    assert store.records[1].state == "completed" and store.records[1].version == 5
    assert [(c.from_state, c.to_state) for _, c in store.events] == [("draft", "published"), ("published", "completed")]


def test_completing_a_running_batch_is_refused_by_the_named_guard():
    error = refused(batch("published", ends_on=TODAY), op("unit_operator", EMPLOYER), "complete", GuardFailed)
    assert error.details == ["guard.publicity_running"]


@pytest.mark.parametrize("state, action, key", [("published", "publish", "publicity.not_draft"),
                                                ("completed", "complete", "publicity.not_published"),
                                                ("draft", "complete", "publicity.not_published")])
def test_an_action_the_batch_state_does_not_allow_keeps_the_services_message(state, action, key):
    assert refused(batch(state), op("unit_operator", EMPLOYER), action, InvalidAction).key == key


@pytest.mark.parametrize("actor, kind", [
    (op("unit_operator", OTHER_UNIT), "unit"),                                # another unit's batch
    (op("committee_operator", EMPLOYER), "unit"),                             # a role that does not run it
    (op("policy_reviewer", EMPLOYER, committee_id=8), "candidate"),           # another committee's list
], ids=["other-unit", "wrong-role", "other-committee"])
def test_someone_who_does_not_run_the_batch_is_told_it_does_not_exist(actor, kind):
    refused(batch(kind=kind, committee_id=7), actor, "publish", NotFound)


def test_a_policy_reviewer_runs_its_own_committees_candidate_list():
    store = done(batch(kind="candidate", committee_id=7), op("policy_reviewer", EMPLOYER, committee_id=7), "publish")
    assert store.records[1].state == "published"


def test_the_buttons_of_a_batch_show_the_guard_that_blocks_them():
    options = available_actions(batch("published", ends_on=TODAY), op("unit_operator", EMPLOYER), 1, TODAY)
    assert [(o.action, o.blocked) for o in options] == [("complete", ("guard.publicity_running",))]
    assert available_actions(batch(), op("unit_operator", OTHER_UNIT), 1, TODAY) == []


# --- review-authority filing -------------------------------------------------------------------

def filing(state: str = "pending") -> FakeStore:
    return store_of("authority_filing", state, region_unit_id=CITY, organizer_unit_id=COMMITTEE_UNIT)


@pytest.mark.parametrize("action, target", [("approve", "approved"), ("reject", "rejected")])
def test_the_regions_hr_bureau_decides_a_pending_filing(action, target):
    store = done(filing(), op("hr_operator", CITY), action, {"opinion": "材料齐全"})
    (actor, change), = store.events
    assert (change.to_state, change.comment, actor.unit_id) == (target, "材料齐全", CITY)


@pytest.mark.parametrize("actor", [op("hr_operator", PROVINCE), op("committee_operator", COMMITTEE_UNIT)],
                         ids=["another-bureau", "the-applicant-unit"])
def test_only_the_regions_bureau_may_decide_a_filing(actor):
    refused(filing(), actor, "approve", NotFound)


@pytest.mark.parametrize("state", ["approved", "rejected"])
def test_a_decided_filing_is_not_decided_again(state):
    assert refused(filing(state), op("hr_operator", CITY), "reject", ValidationError).key == "authority.not_pending"


# --- reporting path ----------------------------------------------------------------------------

def path(state: str = "pending") -> FakeStore:
    return store_of("report_path", state, unit_id=EMPLOYER, target_unit_id=CITY, series_code="eng", level_code="mid")


def test_the_target_unit_approves_a_path_and_the_decision_is_stamped():
    store = done(path(), op("hr_operator", CITY), "approve")
    assert store.records[1].state == "approved" and store.records[1].data["decided_at"] == NOW


def test_rejecting_a_path_needs_a_reason():
    assert refused(path(), op("hr_operator", CITY), "reject", ValidationError).key == "error.reason_required"
    store = done(path(), op("hr_operator", CITY), "reject", {"reason": "不在本部门归口范围"})
    assert store.events[0][1].comment == "不在本部门归口范围"


def test_an_approved_path_is_superseded_and_a_decided_one_is_not_decided_again():
    store = done(path("approved"), op("dept_operator", OTHER_UNIT), "supersede")
    assert store.records[1].state == "superseded"
    assert refused(path("approved"), op("hr_operator", CITY), "approve", InvalidAction).key == "report_path.not_pending"


@pytest.mark.parametrize("actor, error", [(op("hr_operator", PROVINCE), NotFound),
                                          (op("unit_operator", EMPLOYER), NotFound)], ids=["other-unit", "applicant"])
def test_only_the_target_units_operator_decides_a_path(actor, error):
    refused(path(), actor, "approve", error)


# --- binding -----------------------------------------------------------------------------------

def binding(state: str = "pending", unit: int = EMPLOYER) -> FakeStore:
    return store_of("unit_binding", state, person_id=55, unit_id=unit)


APPLICANT = Actor(account_id=9, role="applicant", person_id=55)


@pytest.mark.parametrize("role, action, target", [("unit_operator", "accept", "accepted"),
                                                  ("unit_admin", "reject", "rejected")])
def test_the_units_staff_accept_or_reject_a_binding(role, action, target):
    assert done(binding(), op(role, EMPLOYER), action).records[1].state == target


def test_the_person_withdraws_their_pending_request_and_no_one_else_can():
    refused(binding(), replace(APPLICANT, person_id=56), "withdraw", NotFound)
    assert done(binding(), APPLICANT, "withdraw").records[1].state == "withdrawn"


def test_staff_of_another_unit_and_decided_requests_are_not_found():
    refused(binding(), op("unit_operator", OTHER_UNIT), "accept", NotFound)
    refused(binding("accepted"), op("unit_operator", EMPLOYER), "accept", NotFound)


def test_an_admin_of_the_unit_or_one_above_it_ends_an_accepted_binding_an_operator_may_not():
    assert done(binding("accepted"), op("unit_admin", CITY), "leave").records[1].state == "left"
    refused(binding("accepted"), op("unit_admin", OTHER_UNIT), "leave", NotFound)
    refused(binding("accepted"), op("unit_operator", EMPLOYER), "leave", Forbidden)


# --- unit registration ---------------------------------------------------------------------------

def registration(state: str = "pending") -> FakeStore:
    return store_of("unit_registration", state, path=PATHS[EMPLOYER], uscc="91110000MA00000000")


def test_an_hr_bureau_above_the_unit_approves_it():
    assert done(registration(), op("hr_operator", CITY), "approve").records[1].state == "active"


def test_rejecting_a_registration_releases_its_credit_code():
    store = done(registration(), op("hr_operator", PROVINCE), "reject", note={"uscc": "91110000MA00000000"})
    assert store.records[1].data["uscc"] is None
    assert store.events[0][1].detail == {"uscc": "91110000MA00000000"}


def test_a_bureau_outside_the_region_or_a_decided_registration_is_refused():
    refused(registration(), op("hr_operator", COUNTY), "approve", NotFound)
    assert refused(registration("active"), op("hr_operator", CITY), "reject", ValidationError).key == \
        "unitreg.not_pending"


# --- the engine's promises, on every record machine --------------------------------------------------

CASES = [(batch, op("unit_operator", EMPLOYER), "publish"), (filing, op("hr_operator", CITY), "approve"),
         (path, op("hr_operator", CITY), "approve"), (binding, op("unit_operator", EMPLOYER), "accept"),
         (registration, op("hr_operator", CITY), "approve")]
IDS = ["publicity", "authority", "report_path", "binding", "registration"]


@pytest.mark.parametrize("make, actor, action", CASES, ids=IDS)
def test_one_change_writes_one_event_and_moves_the_version_on_by_one(make, actor, action):
    store = make()
    assert perform(store, actor, 1, action, now=NOW, today=TODAY) == 4
    (who, change), = store.events
    assert (who, change.expected_version, change.from_state) == (actor, 3, make().records[1].state)


@pytest.mark.parametrize("make, actor, action", CASES, ids=IDS)
def test_a_change_committed_by_someone_else_first_makes_ours_a_conflict(make, actor, action):
    store = make()
    store.interloper = Change(store.records[1].flow, 1, 3, "other", store.records[1].state, store.records[1].state,
                              None, None, {}, None, {})
    with pytest.raises(ConcurrentChange):
        perform(store, actor, 1, action, now=NOW, today=TODAY)
    assert store.events == []


@pytest.mark.parametrize("make, actor, action", CASES, ids=IDS)
def test_a_page_shown_at_an_older_version_is_told_the_record_moved(make, actor, action):
    refused(make(), actor, action, ConcurrentChange, expected_version=2)


@pytest.mark.parametrize("make, actor, action", CASES, ids=IDS)
def test_check_may_refuses_like_perform_and_writes_nothing(make, actor, action):
    store = make()
    check_may(store, actor, 1, action, TODAY)
    assert store.events == []
    with pytest.raises(NotFound):
        check_may(store, op("hr_operator", 999) if actor.role != "hr_operator" else op("unit_operator", 999), 1,
                  action, TODAY)


def test_a_missing_record_is_not_found():
    with pytest.raises(NotFound):
        perform(FakeStore({}), op("hr_operator", CITY), 1, "approve", now=NOW)


# --- unit parent link ------------------------------------------------------------------------------

def link(state: str = "pending") -> FakeStore:
    return store_of("unit_link", state, child_unit_id=EMPLOYER, parent_unit_id=OTHER_UNIT)


@pytest.mark.parametrize("role, action, target", [("dept_operator", "approve", "approved"),
                                                  ("unit_admin", "reject", "rejected")])
def test_the_requested_parent_decides_a_link(role, action, target):
    assert done(link(), op(role, OTHER_UNIT), action).records[1].state == target


def test_another_unit_or_a_decided_link_is_not_found():
    refused(link(), op("dept_operator", CITY), "approve", NotFound)
    refused(link("approved"), op("dept_operator", OTHER_UNIT), "reject", NotFound)


# --- objection -----------------------------------------------------------------------------------

def objection(state: str = "open") -> FakeStore:
    return store_of("objection", state, declaration_id=7, batch_id=3)


@pytest.mark.parametrize("outcome, target", [("dismiss", "dismissed"), ("return", "upheld"), ("terminate", "upheld")])
def test_the_unit_running_the_publicity_resolves_an_objection_with_a_reason(outcome, target):
    store = done(objection(), op("unit_operator", EMPLOYER), outcome, {"reason": "经核实，举报不属实"})
    assert store.records[1].state == target and store.records[1].data["resolution"] == "经核实，举报不属实"


def test_an_objection_needs_a_reason_its_handling_unit_and_to_be_open():
    assert refused(objection(), op("unit_operator", EMPLOYER), "dismiss", ValidationError).key == \
        "error.reason_required"
    refused(objection(), op("unit_operator", OTHER_UNIT), "dismiss", NotFound, {"reason": "x"})
    assert refused(objection("dismissed"), op("unit_operator", EMPLOYER), "return", InvalidAction,
                   {"reason": "x"}).key == "objection.already_resolved"


# --- calendar year ---------------------------------------------------------------------------------

def calendar(state: str = "provisional") -> FakeStore:
    return FakeStore({2027: Record("calendar_year", 2027, state, 3, {})})


KEEPER = op("unit_admin", PROVINCE)
CONFIRM = {"source": "国办发明电〔2026〕8号", "confirmed_by": KEEPER.account_id}


def test_the_provincial_bureaus_admin_confirms_a_provisional_year_with_its_source_stamped():
    store = calendar()
    assert perform(store, KEEPER, 2027, "confirm", CONFIRM, now=NOW, note={"days": 9}) == 4
    year = store.records[2027]
    assert (year.state, year.data) == ("official", {"source": "国办发明电〔2026〕8号", "confirmed_by": KEEPER.account_id,
                                                    "confirmed_at": NOW, "updated_at": NOW})
    (actor, change), = store.events
    assert (change.action, change.from_state, change.to_state, change.detail) == \
        ("confirm", "provisional", "official", {"source": "国办发明电〔2026〕8号", "days": 9})


def test_reopening_an_official_year_clears_its_confirmation():
    store = calendar("official")
    perform(store, KEEPER, 2027, "reopen", now=NOW, note={"day": "2027-02-10"})
    year = store.records[2027]
    assert (year.state, year.version) == ("provisional", 4)
    assert (year.data["confirmed_by"], year.data["confirmed_at"], year.data["updated_at"]) == (None, None, NOW)
    assert [(c.action, c.detail) for _, c in store.events] == [("reopen", {"day": "2027-02-10"})]


@pytest.mark.parametrize("actor", [op("unit_admin", CITY), op("hr_operator", PROVINCE), op("unit_operator", PROVINCE),
                                   op("unit_admin", None)],
                         ids=["city-admin", "bureau-operator", "unit-operator", "no-unit"])
def test_anyone_but_the_provincial_bureaus_admin_is_told_the_year_does_not_exist(actor):
    for state, action, payload in (("provisional", "confirm", CONFIRM), ("official", "reopen", None)):
        store = calendar(state)
        with pytest.raises(NotFound):
            perform(store, actor, 2027, action, payload, now=NOW)
        assert store.events == [] and store.records[2027].version == 3
    assert available_actions(calendar(), op("unit_admin", CITY), 2027, TODAY) == []


def test_a_year_is_confirmed_only_when_provisional_reopened_only_when_official_and_needs_a_source():
    for state, action, key in (("official", "confirm", "calendar.already_official"),
                               ("provisional", "reopen", "calendar.not_official")):
        with pytest.raises(ValidationError) as raised:
            perform(calendar(state), KEEPER, 2027, action, CONFIRM, now=NOW)
        assert raised.value.key == key
    with pytest.raises(ValidationError) as raised:
        perform(calendar(), KEEPER, 2027, "confirm", {**CONFIRM, "source": " "}, now=NOW)
    assert raised.value.key == "error.inputs_missing"
    assert [o.action for o in available_actions(calendar(), KEEPER, 2027, TODAY)] == ["confirm"]


def test_a_stale_calendar_page_is_told_the_year_moved():
    store = calendar()
    with pytest.raises(ConcurrentChange):
        perform(store, KEEPER, 2027, "confirm", CONFIRM, now=NOW, expected_version=2)
    assert store.events == []
