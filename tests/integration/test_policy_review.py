"""Policy review (§6.2.6/§6.2.9): the reviewer's scope, the initial review that decides nothing,
the recheck that decides, withdraw while the next holder has not acted."""
from __future__ import annotations

import pytest

from core.common.errors import NotFound, ValidationError
from core.review.policy_review import initial_reviews
from core.declaring.transitions import act, options
from core.desks.workspaces import inbox
from db.models import Declaration
from tests.integration.unit_support import declarations, run
from tests.world import SERIES, YEAR, World


@pytest.fixture
def world(uow):
    with uow.write() as s:
        w = World.build(s)
        ids = declarations(w, 2, "policy_review")
        w.actors["last_year"] = w._actor("last_year", "policy_reviewer", None, committee_id=w.committee_id,
                                         year=YEAR - 1, series_codes=(SERIES,))
        w.actors["narrow"] = w._actor("narrow", "policy_reviewer", None, committee_id=w.committee_id, year=YEAR,
                                      series_codes=(SERIES,), specialty_codes=("eng_mech",))
    return w, ids


def _state(uow, d):
    with uow.write() as s:
        return s.get(Declaration, d).state


def test_a_reviewer_sees_only_their_committee_year_series_and_specialties(uow, world):
    w, ids = world
    with uow.write() as s:
        assert [r.id for r in inbox(s, w.actor("reviewer"), "policy_review").rows] == ids
        for other in ("other_reviewer", "last_year", "narrow"):
            assert inbox(s, w.actor(other), "policy_review").rows == []
            assert options(s, w.actor(other), ids[0]) == []
            with pytest.raises(NotFound):
                initial_reviews(s, w.actor(other), ids[0])
    with pytest.raises(NotFound):
        run(uow, w, lambda w: act(w.session, w.actor("last_year"), ids[0], "recheck_pass"))


def test_the_initial_review_records_an_opinion_and_decides_nothing(uow, world):
    w, ids = world
    run(uow, w, lambda w: act(w.session, w.actor("reviewer"), ids[0], "initial_review",
                                 {"result": "fail", "opinion": "任职年限不足"}))
    assert _state(uow, ids[0]) == "policy_review"
    with pytest.raises(ValidationError):
        run(uow, w, lambda w: act(w.session, w.actor("reviewer"), ids[0], "initial_review", {"result": "maybe"}))
    with uow.write() as s:
        [record] = initial_reviews(s, w.actor("reviewer"), ids[0])
        assert (record.result, record.opinion, record.reviewer) == ("fail", "任职年限不足", "reviewer")
        assert {o.action for o in options(s, w.actor("reviewer"), ids[0])} >= {"recheck_pass", "recheck_fail"}


def test_the_recheck_decides_fail_needs_a_reason_and_both_can_be_withdrawn(uow, world):
    w, (a, b) = world
    with pytest.raises(ValidationError) as blank:
        run(uow, w, lambda w: act(w.session, w.actor("reviewer"), b, "recheck_fail", {"reason": " "}))
    assert blank.value.key == "error.reason_required"
    run(uow, w, lambda w: act(w.session, w.actor("reviewer"), a, "recheck_pass"))
    run(uow, w, lambda w: act(w.session, w.actor("reviewer"), b, "recheck_fail", {"reason": "学历不符合条件"}))
    assert (_state(uow, a), _state(uow, b)) == ("candidate_publicity", "failed_publicity")
    with pytest.raises(NotFound):
        run(uow, w, lambda w: act(w.session, w.actor("other_reviewer"), a, "withdraw"))
    for d in (a, b):
        run(uow, w, lambda w, d=d: act(w.session, w.actor("reviewer"), d, "withdraw"))
        assert _state(uow, d) == "policy_review"
