"""The one action path (ui.actions) on its own: a page of three steps whose core call is a fake that
records what it was given and answers as told (done, a domain error, someone else acted first)."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.common.i18n import t
from tests.app.support import action, asks_to_confirm, click, confirm, errors, submit

PAGE = "t"


def _page() -> None:
    import streamlit as st

    from core.common.errors import ConcurrentChange, DomainError
    from ui import actions, state

    state.show_flash()
    actions.show_outcome("t")
    calls = st.session_state.setdefault("t.calls", [])
    answer = st.session_state.get("t.answer", "done")

    def perform(click: actions.Click) -> int:
        calls.append((click.data, click.inputs))
        if answer == "domain_error":
            raise DomainError("error.reason_too_long", max=5)
        if answer == "stale":
            raise ConcurrentChange()
        return len(calls)

    steps = (actions.Action("reject", "退回", perform, done="已退回", confirm="确定退回吗？", inputs=("reason",)),
             actions.Action("approve", "通过", perform, done="已通过", confirm="确定要对申报 #1（*张三*）执行“通过”吗？"),
             actions.Action("note", "记录", perform, done="已记录"))
    for step in steps:
        actions.action_button("t", step, data={"id": 1, "version": 3})
    actions.run("t", *steps)


def _start(answer: str = "done") -> AppTest:
    at = AppTest.from_function(_page, default_timeout=30)
    at.session_state["t.answer"] = answer
    return at.run()


def _calls(at: AppTest) -> list:
    return list(at.session_state["t.calls"])


def test_a_step_without_inputs_or_confirmation_is_performed_at_once_and_flashed():
    at = click(_start(), PAGE, "note")
    assert _calls(at) == [({"id": 1, "version": 3}, {})]
    assert [s.value for s in at.success] == ["已记录"]


def test_a_reason_required_step_refuses_an_empty_reason_in_chinese_and_performs_nothing():
    at = click(_start(), PAGE, "reject")
    submit(at, PAGE)
    confirm(at, PAGE)
    assert errors(at) == [t("error.reason_required")] == ["请填写原因"]
    assert _calls(at) == []
    at.text_area(key=f"{PAGE}.reason").input("   ")
    submit(at, PAGE)
    confirm(at, PAGE)
    assert errors(at) == ["请填写原因"] and _calls(at) == []  # blanks are no reason
    at.text_area(key=f"{PAGE}.reason").input("材料不全")
    submit(at, PAGE)
    confirm(at, PAGE)
    assert _calls(at) == [({"id": 1, "version": 3}, {"reason": "材料不全"})]
    assert [s.value for s in at.success] == ["已退回"]


def test_a_confirmed_step_does_nothing_until_confirmed_and_nothing_when_cancelled():
    at = click(_start(), PAGE, "approve")
    assert asks_to_confirm(at, PAGE) and _calls(at) == []
    assert [x.value for x in at.text] == ["确定要对申报 #1（*张三*）执行“通过”吗？"]  # a name is text, not markdown
    confirm(at, PAGE, yes=False)
    assert not asks_to_confirm(at, PAGE) and _calls(at) == []
    click(at, PAGE, "approve")
    confirm(at, PAGE)
    assert _calls(at) == [({"id": 1, "version": 3}, {})]
    assert [s.value for s in at.success] == ["已通过"] and not asks_to_confirm(at, PAGE)


def test_a_domain_error_is_shown_as_text_and_the_step_is_over():
    at = click(_start("domain_error"), PAGE, "approve")
    confirm(at, PAGE)
    assert errors(at) == ["原因不能超过 5 字"]
    assert not at.exception and not at.success and not asks_to_confirm(at, PAGE)


def test_a_domain_error_of_a_step_with_inputs_goes_back_to_its_form_with_what_was_typed():
    at = click(_start("domain_error"), PAGE, "reject")
    at.text_area(key=f"{PAGE}.reason").input("太长的原因")
    submit(at, PAGE)
    confirm(at, PAGE)
    assert errors(at) == ["原因不能超过 5 字"]
    assert at.text_area(key=f"{PAGE}.reason").value == "太长的原因"


def test_someone_else_acting_first_shows_the_stale_page_message():
    at = click(_start("stale"), PAGE, "approve")
    confirm(at, PAGE)
    assert errors(at) == [t("error.concurrent_change")] == ["该申报已被他人处理，请刷新后查看最新状态"]
    assert not at.success and not asks_to_confirm(at, PAGE)


def test_every_action_button_has_one_key_scheme():
    at = _start()
    assert [b.key for b in at.button] == ["t.act.reject", "t.act.approve", "t.act.note"]
    assert action(at, PAGE, "approve").label == "通过"
