"""Uploads in the app (issue 14 §1): a fake PDF given to the applicant's uploader, or as a unit's
registration letter, is refused with its Chinese reason and leaves no row and no blob behind."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import func, select

from core.common.i18n import t
from core.setup.demo import DEMO_PASSWORD
from db.models import Attachment, DeclarationRecord, StoredFile, Unit
from db.uow import UnitOfWork
from tests.app.support import assert_ok, errors, sign_in, start
from tests.app.test_admin_unit_register import CODE, P as UNITREG, _bureau_ids
from tests.hostile_files import html_with_pdf_head, open_action_javascript_pdf

P = "my_declarations"


def _counts(url: str) -> tuple[int, int, int]:
    with UnitOfWork.from_url(url).read() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (StoredFile, Attachment, Unit))


def _blobs() -> set[Path]:
    store = Path(os.environ["TITLES_FILE_STORE"])
    return {p for p in store.rglob("*") if p.is_file()} if store.exists() else set()


def _draft_row(at, url: str) -> int:
    pick = at.selectbox(key=f"{P}.pick")
    label = next(o for o in pick.options[1:] if o.endswith(t("state.draft")))
    draft = int(label.split()[0].lstrip("#"))
    pick.set_value(draft).run()
    assert_ok(at)
    with UnitOfWork.from_url(url).read() as s:
        return s.scalar(select(DeclarationRecord.id).where(DeclarationRecord.declaration_id == draft,
                                                          DeclarationRecord.module == "education"))


def test_the_applicant_is_told_why_a_fake_or_scripted_pdf_is_refused_and_nothing_is_kept(app_db):
    at = sign_in(start(), "demo_applicant", DEMO_PASSWORD)
    at.switch_page(f"pages/{P}.py").run()
    assert_ok(at)
    record = _draft_row(at, app_db)
    before, blobs = _counts(app_db), _blobs()
    for data, key in ((html_with_pdf_head(), "file.pdf_damaged"), (open_action_javascript_pdf(), "file.pdf_active")):
        at.file_uploader(key=f"{P}.r{record}.file0").upload("学位证书.pdf", data, "application/pdf").run()
        at.button(key=f"{P}.r{record}.upload").click().run()
        assert_ok(at)
        assert errors(at) == [t(key)]
        assert _counts(app_db) == before and _blobs() == blobs


def test_a_unit_registering_with_a_fake_letter_is_told_why_and_nothing_is_kept(app_db):
    at = start()
    at.button(key="login.unit_register").click().run()
    for field, value in (("name", "贵阳新材料有限公司"), ("uscc", CODE), ("legal_rep", "王五"), ("phone", "13912345678")):
        at.text_input(key=f"{UNITREG}.{field}").input(value)
    at.selectbox(key=f"{UNITREG}.region").set_value(_bureau_ids()[0])
    at.file_uploader(key=f"{UNITREG}.letter").upload("授权委托书.pdf", html_with_pdf_head(), "application/pdf")
    before, blobs = _counts(app_db), _blobs()
    at.button(key=f"{UNITREG}.submit").click().run()
    assert_ok(at)
    assert errors(at) == [t("file.pdf_damaged")] and not at.success
    assert _counts(app_db) == before and _blobs() == blobs
