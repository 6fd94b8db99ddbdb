"""A unit operator acts through the workspace: approve with confirmation; a concurrent change is reported."""
from __future__ import annotations

from sqlalchemy import select

from core.declaring import transitions
from core.common.i18n import t
from core.setup.demo import DEMO_PASSWORD
from db.models import Declaration
from db.session import make_engine
from db.uow import UnitOfWork
from tests.app.support import asks_to_confirm, assert_ok, click, confirm, errors, sign_in, start, submit

WS = "unit_verify"


def _open_first_declaration(at) -> int:
    at.switch_page(f"pages/{WS}.py").run()
    assert_ok(at)
    pick = at.selectbox(key=f"{WS}.pick")
    declaration_id = int(pick.options[1].split()[0].lstrip("#"))
    pick.select(declaration_id).run()
    assert_ok(at)
    return declaration_id


def _state(url: str, declaration_id: int) -> str:
    with UnitOfWork.from_url(url).read() as s:
        return s.scalar(select(Declaration.state).where(Declaration.id == declaration_id))


def test_a_unit_operator_approves_a_declaration_after_confirming(app_db):
    at = sign_in(start(), "demo_unit_op", DEMO_PASSWORD)
    declaration_id = _open_first_declaration(at)
    assert _state(app_db, declaration_id) == "unit_verify"
    assert at.subheader[0].value == t("detail.title", id=declaration_id)
    click(at, WS, "approve")
    assert_ok(at)
    assert _state(app_db, declaration_id) == "unit_verify"  # nothing happens before the confirmation
    confirm(at, WS)
    assert_ok(at)
    assert _state(app_db, declaration_id) == "unit_publicity"
    assert [s.value for s in at.success] == [t("act.done", action=t("action.approve"))]


def test_cancelling_the_confirmation_changes_nothing(app_db):
    at = sign_in(start(), "demo_unit_op", DEMO_PASSWORD)
    declaration_id = _open_first_declaration(at)
    click(at, WS, "approve")
    confirm(at, WS, yes=False)
    assert_ok(at)
    assert _state(app_db, declaration_id) == "unit_verify"
    assert not asks_to_confirm(at, WS)


def test_a_rejection_needs_a_reason(app_db):
    at = sign_in(start(), "demo_unit_op", DEMO_PASSWORD)
    declaration_id = _open_first_declaration(at)
    click(at, WS, "reject")
    submit(at, WS)
    confirm(at, WS)
    assert_ok(at)
    assert errors(at) == [t("error.reason_required")]
    assert _state(app_db, declaration_id) == "unit_verify"
    at.text_area(key=f"{WS}.reason").input("学历证明不清晰，请重新上传")
    submit(at, WS)
    confirm(at, WS)
    assert_ok(at)
    assert _state(app_db, declaration_id) == "returned"


def test_a_concurrent_change_is_reported_instead_of_applied(app_db):
    at = sign_in(start(), "demo_unit_op", DEMO_PASSWORD)
    declaration_id = _open_first_declaration(at)
    colleague = at.session_state["app.actor"]  # another operator of the same unit is faster
    transitions.execute(UnitOfWork.from_url(app_db), colleague, declaration_id, "approve")
    click(at, WS, "approve")
    confirm(at, WS)
    assert_ok(at)
    assert errors(at) == [t("error.concurrent_change")] == ["该申报已被他人处理，请刷新后查看最新状态"]
    assert _state(app_db, declaration_id) == "unit_publicity"
