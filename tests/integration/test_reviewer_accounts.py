"""Policy reviewer accounts (§6.2.6): created by the committee organizer's operator for its own
committees only, generated logins, editable only before first use, enabled/disabled, never deleted."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.review import reviewer_accounts as ra
from core.identity.account_rules import contexts
from core.common.errors import Forbidden, InvalidAction, NotFound, ValidationError
from core.declaring.transitions import act
from core.desks.workspaces import inbox
from db.models import Account, AuditEvent, RoleGrant
from tests.integration.unit_support import declarations, run
from tests.world import SERIES, YEAR, World


@pytest.fixture
def world(uow):
    with uow.write() as s:
        w = World.build(s)
        ids = declarations(w, 1, "policy_review")
    return w, ids


def _create(w, name="committee_op", **kw):
    return lambda w: ra.create_reviewer(w.session, w.actor(name), kw.pop("committee", w.committee_id),
                                        kw.pop("series", (SERIES,)), **kw)


def test_the_organizer_creates_numbered_accounts_with_a_one_time_password_and_the_scope(uow, world):
    w, _ = world
    first = run(uow, w, _create(w))
    second = run(uow, w, _create(w, specialty_codes=("eng_civil",)))
    assert first[1] == f"zc{YEAR}-{w.committee_id}-1" and second[1] == f"zc{YEAR}-{w.committee_id}-2"
    assert len(first[2]) >= 8 and first[2] != second[2]
    with uow.write() as s:
        account = s.get(Account, first[0])
        assert account.kind == "policy_reviewer" and account.must_change_password
        grant = s.scalar(select(RoleGrant).where(RoleGrant.account_id == second[0]))
        assert (grant.role, grant.committee_id, grant.year, grant.series_codes, grant.specialty_codes) == \
            ("policy_reviewer", w.committee_id, YEAR, [SERIES], ["eng_civil"])
        assert grant.unit_id == w.units["organizer"]
        assert s.scalar(select(AuditEvent.action).where(AuditEvent.target == f"account:{first[0]}")) == "reviewer_create"
        rows = ra.list_reviewers(s, w.actor("committee_op"))
    assert [r.login_name for r in rows] == [first[1], second[1]] and not any(r.used for r in rows)


def test_only_the_organizers_operator_manages_its_committees_reviewers(uow, world):
    w, _ = world
    for name in ("unit_op", "own_committee_op", "prov_hr", "reviewer"):
        with pytest.raises(NotFound):
            run(uow, w, _create(w, name))
    account_id = run(uow, w, _create(w))[0]
    with pytest.raises(NotFound):
        run(uow, w, lambda w: ra.set_reviewer_enabled(w.session, w.actor("own_committee_op"), account_id, False))
    with pytest.raises(ValidationError):
        run(uow, w, _create(w, series=()))
    with pytest.raises(ValidationError):
        run(uow, w, _create(w, specialty_codes=("no_such_specialty",)))
    assert not hasattr(ra, "delete_reviewer")


def test_a_new_account_reviews_its_scope_and_is_frozen_after_its_first_step(uow, world):
    w, ids = world
    account_id = run(uow, w, _create(w))[0]
    run(uow, w, lambda w: ra.edit_reviewer(w.session, w.actor("committee_op"), account_id, "审查一组", (SERIES,)))
    with uow.write() as s:
        reviewer = contexts(s, account_id)[0]
        assert [r.id for r in inbox(s, reviewer, "policy_review").rows] == ids
        act(s, reviewer, ids[0], "initial_review", {"result": "pass", "opinion": "材料齐全"})
    with pytest.raises(InvalidAction) as caught:
        run(uow, w, lambda w: ra.edit_reviewer(w.session, w.actor("committee_op"), account_id, "x", (SERIES,)))
    assert caught.value.key == "reviewer.used"
    run(uow, w, lambda w: ra.set_reviewer_enabled(w.session, w.actor("committee_op"), account_id, False))
    with uow.write() as s:
        assert s.get(Account, account_id).enabled is False
        assert ra.list_reviewers(s, w.actor("committee_op"))[0].used


def test_the_organizers_own_operator_cannot_do_policy_review(uow, world):
    w, ids = world
    with pytest.raises(Forbidden):
        run(uow, w, lambda w: act(w.session, w.actor("committee_op"), ids[0], "recheck_pass"))
    with pytest.raises(Forbidden):
        run(uow, w, lambda w: act(w.session, w.actor("committee_op"), ids[0], "initial_review", {"result": "pass"}))
