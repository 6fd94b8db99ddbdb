"""Workspace inboxes and to-do counts: what each role's pages list, counted in SQL."""
import datetime as dt

import pytest

from core.common import config
from core.common.errors import NotFound
from core.desks.workspaces import inbox, todo_counts
from db.models import Account, Declaration
from tests.world import World


def _world_with_declarations(uow):
    with uow.write() as s:
        w = World.build(s)
        verify = w.new_declaration()
        w.drive(verify, "unit_verify")
        review = w.new_declaration(person_id=w.actor("other_applicant").person_id, unit="sibling")
        placed = s.get(Declaration, review)  # placed directly: the engine path is tested elsewhere
        placed.state, placed.holder_unit_id = "policy_review", w.units["organizer"]
        s.flush()
        draft = w.new_declaration()
        return w, verify, review, draft


def test_each_role_sees_its_workspace_counts(uow):
    w, verify, review, draft = _world_with_declarations(uow)
    with uow.write() as s:
        assert todo_counts(s, w.actor("unit_op")) == {"unit_verify": 1, "unit_publicity": 0, "unit_recommend": 0}
        assert todo_counts(s, w.actor("committee_op")) == {"material_receipt": 0, "committee_publicity": 0,
                                                          "panel_admin": 0, "panel_console": 0,
                                                          "filing": 0, "reviewer_accounts": 0}
        assert todo_counts(s, w.actor("reviewer")) == {"policy_review": 1, "committee_publicity": 0}
        assert todo_counts(s, w.actor("other_reviewer")) == {"policy_review": 0, "committee_publicity": 0}
        assert todo_counts(s, w.actor("applicant")) == {"my_declarations": 1}  # the draft waits for them
        assert todo_counts(s, w.actor("prov_hr")) == {"relay": 0, "filing": 0}


def test_inboxes_list_what_the_actor_holds_or_owns(uow):
    w, verify, review, draft = _world_with_declarations(uow)
    with uow.write() as s:
        assert [r.id for r in inbox(s, w.actor("unit_op"), "unit_verify").rows] == [verify]
        assert inbox(s, w.actor("sibling_op"), "unit_verify").rows == []
        assert [r.id for r in inbox(s, w.actor("reviewer"), "policy_review").rows] == [review]
        assert sorted(r.id for r in inbox(s, w.actor("applicant"), "my_declarations").rows) == sorted([verify, draft])
        assert inbox(s, w.actor("applicant"), "my_declarations", year=1999).rows == []


def test_scoped_inboxes_page_with_a_keyset_cursor(uow):
    with uow.write() as s:
        w = World.build(s)
        ids = [w.new_declaration(complete=False) for _ in range(5)]
        first = inbox(s, w.actor("applicant"), "my_declarations", limit=2)
        second = inbox(s, w.actor("applicant"), "my_declarations", limit=2, after=first.next_cursor)
        third = inbox(s, w.actor("applicant"), "my_declarations", limit=2, after=second.next_cursor)
        seen = [r.id for page in (first, second, third) for r in page.rows]
        assert seen == ids and third.next_cursor is None


def test_a_role_cannot_open_another_roles_workspace(uow):
    with uow.write() as s:
        w = World.build(s)
        with pytest.raises(NotFound):
            inbox(s, w.actor("applicant"), "unit_verify")


def test_the_unit_admin_to_do_is_the_number_of_locked_accounts(uow):
    with uow.write() as s:
        w = World.build(s)
        applicant = s.get(Account, w.actor("applicant").account_id)
        applicant.locked_until = config.now() + dt.timedelta(minutes=10)
        s.flush()
        assert todo_counts(s, w.actor("unit_admin")) == {"unit_accounts": 1}
