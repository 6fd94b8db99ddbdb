"""AppTest of issue 5's pages: the public portal without login (no ID number or phone on it, an
objection through its form), the reviewer's policy review, reviewer accounts and committee publicities."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.common.i18n import t
from core.desks.unit import today
from core.setup.demo import DEMO_PASSWORD
from db.models import Declaration, Objection, Person, PublicityBatch, PublicityItem
from db.uow import UnitOfWork

from tests.app.support import action, assert_ok, click, confirm, errors, sign_in, start, submit, unescaped


def _running_notice(app_db) -> tuple[int, str, str, str]:
    """A public unit publicity running today; (batch id, name, ID number, phone) of its person."""
    with UnitOfWork.from_url(app_db).write() as s:
        d = s.scalars(select(Declaration).where(Declaration.state == "unit_publicity").order_by(Declaration.id)).first()
        person = s.get(Person, d.applicant_person_id)
        batch = PublicityBatch(kind="unit", owner_unit_id=d.holder_unit_id, title="门户测试公示", body="公示内容",
                               starts_on=today(), ends_on=today() + dt.timedelta(days=9), status="published",
                               is_public=True)
        s.add(batch)
        s.flush()
        s.add(PublicityItem(batch_id=batch.id, declaration_id=d.id))
        return batch.id, person.name, person.id_number or "", person.phone or ""


def _texts(at) -> str:
    parts = [e.value for kind in ("title", "subheader", "caption", "markdown", "info", "text", "success")
             for e in getattr(at, kind)]
    parts += [df.value.to_csv() for df in at.dataframe]
    return "\n".join(str(p) for p in parts)


def _portal(at):
    at.switch_page("pages/portal.py").run()
    assert_ok(at)
    return at


def test_the_public_portal_needs_no_login_and_shows_no_personal_numbers(app_db):
    batch, name, id_number, phone = _running_notice(app_db)
    at = _portal(start())
    assert at.title[0].value == t("portal.title")
    assert not [w for w in at.text_input if w.label == t("login.username")]  # no login form above it
    at.text_input(key="portal.search").input(name).run()
    at.selectbox(key="portal.pick").select(batch).run()
    text = _texts(at)
    assert name in text and "门户测试公示" in text
    assert id_number not in text and phone not in text
    at.text_input(key="portal.object_name").input("王五")
    at.text_input(key="portal.object_contact").input("13912345678")
    at.text_area(key="portal.object_text").input("该同志的业绩材料与实际不符")
    at.button(key="portal.object_submit").click().run()
    assert errors(at) == [] and at.success
    with UnitOfWork.from_url(app_db).write() as s:
        assert s.scalar(select(Objection.batch_id).order_by(Objection.id.desc()).limit(1)) == batch


def test_a_signed_in_user_reaches_the_portal_too(app_db):
    at = sign_in(start(), "demo_unit_op", DEMO_PASSWORD)
    _portal(at)
    assert at.title[0].value == t("portal.title")


def test_the_reviewer_records_an_initial_review_and_sees_it(app_db):
    at = sign_in(start(), "demo_reviewer", DEMO_PASSWORD)
    at.switch_page("pages/policy_review.py").run()
    assert_ok(at)
    picker = at.selectbox(key="policy_review.pick")
    choices = [o for o in picker.options if o != t("ws.select_none")]
    assert choices, "the demo reviewer should have declarations in policy review"
    offered = [int(o.split()[0][1:]) for o in choices]
    with UnitOfWork.from_url(app_db).write() as s:  # by state, not by label: 政策性审查 is part of 政策性审查复审
        first = s.scalar(select(Declaration.id).where(Declaration.id.in_(offered), Declaration.state == "policy_review")
                         .order_by(Declaration.id).limit(1))
    assert first, "the demo reviewer should have a declaration waiting for its initial review"
    picker.set_value(first).run()
    click(at, "policy_review", "initial_review")
    at.text_area(key="policy_review.opinion").input("学历、资历符合申报条件")
    submit(at, "policy_review")
    assert_ok(at)
    assert errors(at) == []
    text = _texts(at)
    assert "学历、资历符合申报条件" in text
    at.session_state["policy_review.tab"] = t("review.tab.initial")
    at.run()
    at.selectbox(key="policy_review.initial_pick").set_value(first).run()
    records = next(d.value for d in at.dataframe if t("review.col_opinion") in d.value.columns)
    assert list(records[t("review.col_opinion")]) == ["学历、资历符合申报条件"]
    assert list(records[t("review.col_result")]) == [t("act.result_pass")]


def test_a_reviewer_of_another_scope_sees_nothing_on_the_policy_review_page(app_db):
    from core.identity.accounts import create_account, grant_role
    from db.models import Committee

    with UnitOfWork.from_url(app_db).write() as s:
        c = s.scalars(select(Committee).order_by(Committee.id)).first()
        account, _ = create_account(s, login_name="zc-other", display_name="他人", password="Kq7#mVx2pLw9")
        grant_role(s, account.id, "policy_reviewer", c.organizer_unit_id, committee_id=c.id, year=1999,
                   series_codes=(c.series_code,))
    at = sign_in(start(), "zc-other", "Kq7#mVx2pLw9")
    at.switch_page("pages/policy_review.py").run()
    assert t("ws.empty") in [i.value for i in at.info]


def test_the_committee_operator_creates_a_reviewer_account_and_opens_the_publicities(app_db):
    at = sign_in(start(), "demo_committee_op", DEMO_PASSWORD)
    at.switch_page("pages/reviewer_accounts.py").run()
    assert_ok(at)
    click(at, "reviewer_accounts", "create")
    assert errors(at) == []
    created = [s.value for s in at.success]
    assert created and "zc" in created[0]
    login = unescaped(created[0]).split("审查账号 ")[1].split("。")[0]
    picker = at.selectbox(key="reviewer_accounts.pick")
    new_id = next(i for i in picker.options if login in i)
    picker.select(new_id).run()
    click(at, "reviewer_accounts", "disable")
    confirm(at, "reviewer_accounts")
    assert errors(at) == [] and action(at, "reviewer_accounts", "enable")
    at.switch_page("pages/committee_publicity.py").run()
    assert_ok(at)
    assert at.title[0].value == t("ws.committee_publicity")
    at.session_state["committee_publicity.tab"] = t("publicity.tab.create")
    at.run()
    assert at.radio(key="committee_publicity.kind").value == "failed_review"
    at.radio(key="committee_publicity.kind").set_value("candidate").run()
    chooser = at.multiselect(key="committee_publicity.chosen.candidate")
    assert chooser.options, "the demo committee should have candidates waiting"
    chooser.select(chooser.options[0]).run()
    at.button(key="committee_publicity.fill").click().run()
    assert "拟送评人员名单公示" in at.text_input(key="committee_publicity.title").value
    click(at, "committee_publicity", "create")
    assert errors(at) == []
    click(at, "committee_publicity", "publish")
    confirm(at, "committee_publicity")
    assert errors(at) == [] and t("publicity.status.published") in _texts(at) + str([s.value for s in at.selectbox])
