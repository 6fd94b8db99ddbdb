"""The applicant's workspace in AppTest: drafts, rows and files, submit with every problem listed, track,
cancel with confirmation, a returned declaration edited and resubmitted, the printable form."""
from __future__ import annotations

from sqlalchemy import func, select

from core.common.i18n import t
from core.machines.pledge import PLEDGE_TEXT
from core.setup.demo import DEMO_PASSWORD
from core.setup.demo.plan import DEMO_RETURN_REASON
from db.models import Account, Attachment, AuditEvent, Declaration, DeclarationRecord
from db.uow import UnitOfWork

from tests.app.support import assert_ok, click, confirm, errors, offers, sign_in, start, submit, unescaped
from tests.hostile_files import png

P = "my_declarations"
PNG = png()


def _workspace():
    at = sign_in(start(), "demo_applicant", DEMO_PASSWORD)
    at.switch_page(f"pages/{P}.py").run()
    assert_ok(at)
    return at


def _open(at, state: str) -> int:
    pick = at.selectbox(key=f"{P}.pick")
    label = next(o for o in pick.options[1:] if o.endswith(t(f"state.{state}")))
    declaration_id = int(label.split()[0].lstrip("#"))
    pick.set_value(declaration_id).run()
    assert_ok(at)
    return declaration_id


def _db(url: str):
    return UnitOfWork.from_url(url).read()


def _frame(at, column: str):
    """The first table on the page with this column (AppTest does not expose dataframe keys)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _state(url: str, declaration_id: int) -> str:
    with _db(url) as s:
        return s.scalar(select(Declaration.state).where(Declaration.id == declaration_id))


def _submit(at, action: str, pledge: str):
    click(at, P, action)
    assert any(PLEDGE_TEXT in m.value for m in at.markdown)  # shown for reference
    at.text_area(key=f"{P}.pledge").input(pledge)
    submit(at, P)
    assert_ok(at)
    return at


def test_the_list_shows_state_holder_and_since_and_a_printable_form(app_db):
    at = _workspace()
    table = _frame(at, t("mine.col_holder"))
    assert {t("col.state"), t("mine.col_holder"), t("col.since")} <= set(table.columns)
    assert t("state.returned") in set(table[t("col.state")])
    _open(at, "returned")
    assert at.download_button(key=f"{P}.pdf").label == t("mine.pdf")


def test_cancel_asks_for_confirmation_then_a_new_review_draft_is_created_with_cascading_choices(app_db):
    at = _workspace()
    draft = _open(at, "draft")
    click(at, P, "cancel")
    assert _state(app_db, draft) == "draft"  # nothing happens before the confirmation
    confirm(at, P)
    assert_ok(at)
    assert _state(app_db, draft) == "cancelled"
    at.button(key=f"{P}.new_review").click().run()
    at.selectbox(key=f"{P}.new.year").set_value(max(at.selectbox(key=f"{P}.new.year").options)).run()
    level = at.selectbox(key=f"{P}.new.level_code")
    level.set_value("associate_senior").run()
    series = at.selectbox(key=f"{P}.new.series_code")
    assert len(series.options) > 1
    series.set_value(series.options[1]).run()
    specialty = at.selectbox(key=f"{P}.new.specialty_code")
    specialty.set_value(specialty.options[1]).run()
    committee = at.selectbox(key=f"{P}.new.committee_id")
    if len(committee.options) == 1:
        assert t("decl.no_committee") in [w.value for w in at.warning]
    at.button(key=f"{P}.new.create").click().run()
    assert_ok(at)
    created = at.selectbox(key=f"{P}.pick").value
    assert isinstance(created, int) and _state(app_db, created) == "draft"


def test_an_initial_determination_draft_gets_a_row_and_submit_lists_every_missing_item(app_db):
    at = _workspace()
    at.button(key=f"{P}.new_initial").click().run()
    at.selectbox(key=f"{P}.new.level_code").set_value("intermediate").run()
    series = at.selectbox(key=f"{P}.new.series_code")
    series.set_value(series.options[1]).run()
    at.button(key=f"{P}.new.create").click().run()
    assert_ok(at)
    draft = at.selectbox(key=f"{P}.pick").value
    assert _state(app_db, draft) == "draft"
    at.text_input(key=f"{P}.education.add.school").input("云岭医科大学")
    at.button(key=f"{P}.education.add.submit").click().run()
    assert_ok(at)
    with _db(app_db) as s:
        assert s.scalar(select(func.count()).where(DeclarationRecord.declaration_id == draft)) == 1
    at = _submit(at, "submit", "我承诺")
    text = errors(at)[0]
    assert text.startswith(t("mine.submit_failed"))
    for expected in (t("missing.specialty_code"), t("problem.at_row", row=1, text=t("rec.education.major.required")),
                     t("guard.pledge_mismatch")):
        assert expected in text
    assert text.count("\n- ") >= 4  # listed together
    assert _state(app_db, draft) == "draft"


def test_a_bad_file_is_refused_and_a_good_one_listed_with_its_chinese_name(app_db):
    at = _workspace()
    draft = _open(at, "draft")
    with _db(app_db) as s:
        record = s.scalar(select(DeclarationRecord.id).where(DeclarationRecord.declaration_id == draft,
                                                             DeclarationRecord.module == "education"))
        before = s.scalar(select(func.count()).select_from(Attachment))
    at.file_uploader(key=f"{P}.r{record}.file0").upload("学位证书.pdf", b"not really a pdf", "application/pdf").run()
    at.button(key=f"{P}.r{record}.upload").click().run()
    assert_ok(at)
    assert errors(at)
    with _db(app_db) as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == before
    at.file_uploader(key=f"{P}.r{record}.file0").upload("毕业证书.png", PNG, "image/png").run()
    at.button(key=f"{P}.r{record}.upload").click().run()
    assert_ok(at)
    assert any("毕业证书.png" in unescaped(m.value) for m in at.markdown)


def test_a_complete_draft_is_submitted_with_the_typed_pledge_and_becomes_read_only(app_db):
    at = _workspace()
    draft = _open(at, "draft")
    assert t("mine.ready") in [s.value for s in at.success]
    at = _submit(at, "submit", PLEDGE_TEXT)
    confirm(at, P)
    assert_ok(at)
    assert _state(app_db, draft) == "unit_verify"
    assert not [b for b in at.button if b.key == f"{P}.d{draft}.save"]
    assert t("notice.submitted") in [i.value for i in at.info]
    timeline = _frame(at, t("col.action"))
    assert t("action.submit") in set(timeline[t("col.action")])


def test_the_returned_declaration_shows_the_reason_in_its_timeline_and_is_edited_and_resubmitted(app_db):
    at = _workspace()
    returned = _open(at, "returned")
    assert t("notice.returned") in [i.value for i in at.info]
    timeline = _frame(at, t("col.action"))
    assert DEMO_RETURN_REASON in set(timeline[t("col.comment")])
    at.radio(key=f"{P}.d{returned}.method").set_value("exceptional").run()
    at.text_area(key=f"{P}.d{returned}.exceptional_grounds").input("主持完成省级重点项目两项")
    at.button(key=f"{P}.d{returned}.save").click().run()
    assert_ok(at)
    with _db(app_db) as s:
        assert s.scalar(select(Declaration.method).where(Declaration.id == returned)) == "exceptional"
    at = _submit(at, "resubmit", PLEDGE_TEXT)
    confirm(at, P)
    assert_ok(at)
    assert _state(app_db, returned) == "unit_verify"


def _applicant_in(url: str, state: str) -> tuple[str, int]:
    """(login name, declaration id) of a demo applicant whose declaration is in this state."""
    with _db(url) as s:
        return s.execute(select(Account.login_name, Declaration.id)
                         .join(Account, Account.person_id == Declaration.applicant_person_id)
                         .where(Declaration.state == state, Declaration.flow == "review")
                         .order_by(Declaration.id).limit(1)).one()


def _workspace_of(login_name: str):
    at = sign_in(start(), login_name, DEMO_PASSWORD)
    at.switch_page(f"pages/{P}.py").run()
    assert_ok(at)
    return at


def test_after_a_failed_policy_review_the_applicant_adds_a_sealed_supplement_and_resubmits(app_db):
    login_name, declaration_id = _applicant_in(app_db, "supplement")
    at = _workspace_of(login_name)
    _open(at, "supplement")
    assert t("notice.supplement") in [i.value for i in at.info]
    assert not [b for b in at.button if b.key == f"{P}.education.add.submit"]  # only the supplement section
    at.text_input(key=f"{P}.supplement.add.title").input("继续教育学时证明")
    at.text_area(key=f"{P}.supplement.add.description").input("补充近三年继续教育学时证明，已加盖单位公章")
    at.checkbox(key=f"{P}.supplement.add.sealed_by_unit").check()
    at.button(key=f"{P}.supplement.add.submit").click().run()
    assert_ok(at)
    with _db(app_db) as s:
        record = s.scalar(select(DeclarationRecord.id).where(DeclarationRecord.declaration_id == declaration_id,
                                                             DeclarationRecord.module == "supplement"))
    at.file_uploader(key=f"{P}.r{record}.file0").upload("补充材料（盖章）.png", PNG, "image/png").run()
    at.button(key=f"{P}.r{record}.upload").click().run()
    assert_ok(at)
    click(at, P, "resubmit")
    confirm(at, P)
    assert_ok(at)
    assert _state(app_db, declaration_id) == "supplement_verify"


def test_after_a_failed_re_examination_nothing_can_be_done_but_declaring_anew(app_db):
    with _db(app_db) as s:
        login_name, declaration_id = s.execute(
            select(Account.login_name, Declaration.id)
            .join(Account, Account.person_id == Declaration.applicant_person_id)
            .join(AuditEvent, AuditEvent.declaration_id == Declaration.id)
            .where(Declaration.state == "terminated", AuditEvent.action == "fail").limit(1)).one()
    at = _workspace_of(login_name)
    _open(at, "terminated")
    assert t("notice.terminated_recheck") in [i.value for i in at.info]
    assert not offers(at, P)
