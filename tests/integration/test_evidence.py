"""Evidence files: accepted by content, stored under generated names, refused whole, opened only in scope."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

import core.files.store
from core.declaring import evidence
from core.declaring.records import add_record, list_records, remove_record
from core.declaring.declarations import create_draft
from core.common.errors import InvalidAction, NotFound, ValidationError
from core.files.store import blob_path, minimal_pdf
from core.machines.pledge import PLEDGE_TEXT
from core.declaring.submission import problems_before_submit
from core.declaring.transitions import act
from db.models import Attachment, AuditEvent, StoredFile
from tests.hostile_files import jpeg, png
from tests.world import LEVEL, SAMPLE_ROWS, SERIES, SPECIALTY, YEAR, World

PNG, JPEG = png(), jpeg()
CERTIFIED = {**SAMPLE_ROWS["education"], "certificate_no": "GC2012001"}


@pytest.fixture(autouse=True)
def store_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TITLES_FILE_STORE", str(tmp_path / "files"))
    return tmp_path / "files"


def _row(w: World, module: str = "education", data: dict | None = None) -> tuple[int, int]:
    me = w.actor("applicant")
    d = create_draft(w.session, me, flow="review", year=YEAR, level_code=LEVEL, series_code=SERIES,
                     specialty_code=SPECIALTY, review_type="socialized", committee_id=w.committee_id)
    return d, add_record(w.session, me, d, module, data or CERTIFIED)


def _blobs(store_dir) -> list:
    return [p for p in store_dir.rglob("*") if p.is_file()] if store_dir.exists() else []


def test_files_are_stored_under_their_hash_and_shown_by_their_original_name(uow, store_dir):
    with uow.write() as s:
        w = World.build(s)
        d, row = _row(w)
        me = w.actor("applicant")
        pdf = evidence.attach_evidence(s, me, d, row, "本科毕业证书（扫描件）.pdf", minimal_pdf("cert"))
        evidence.attach_evidence(s, me, d, row, "学位证书.jpeg", JPEG)
        evidence.attach_evidence(s, me, d, row, "照片.pdf", PNG)  # the content decides, not the name
        files = list_records(s, me, d)["education"][0].files
        assert [(f.name, f.media_type) for f in files] == [
            ("本科毕业证书（扫描件）.pdf", "application/pdf"), ("学位证书.jpeg", "image/jpeg"), ("照片.png", "image/png")]
        sha = s.get(Attachment, pdf).sha256
        assert blob_path(sha).name == sha and blob_path(sha).read_bytes() == minimal_pdf("cert")
        assert sorted(p.name for p in _blobs(store_dir)) == sorted(
            s.scalars(select(StoredFile.sha256)))  # no user-chosen name on disk


ATTACKS = [
    ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 300, "file.bad_type"),       # a renamed executable
    ("公告.pdf", b"<html><body><script>alert(document.cookie)</script></body></html>", "file.bad_type"),
    ("fake.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF", "file.pdf_damaged"),
    ("empty.pdf", b"", "file.empty"),
    ("big.pdf", minimal_pdf("x") + b"%" * 2 * 1024 * 1024, "file.too_large"),
    ("../../etc/passwd.pdf", minimal_pdf("x"), "file.bad_name"),
    ("..\\..\\windows\\evil.pdf", minimal_pdf("x"), "file.bad_name"),
    ("证" * 1000 + ".pdf", minimal_pdf("x"), "file.bad_name"),
    ("nul\x00byte.pdf", minimal_pdf("x"), "file.bad_name"),
]


@pytest.mark.parametrize("name, data, key", ATTACKS, ids=[
    "exe", "html", "html_in_pdf", "zero", "oversized", "dotdot", "backslash", "huge_name", "nul"])
def test_malicious_and_broken_uploads_are_refused_and_nothing_is_stored(uow, store_dir, monkeypatch,
                                                                         name, data, key):
    monkeypatch.setattr(core.files.store, "RULES", dataclasses.replace(core.files.store.RULES, upload_max_mb=1))
    with uow.write() as s:
        w = World.build(s)
        d, row = _row(w)
        with pytest.raises(ValidationError) as refused:
            evidence.attach_evidence(s, w.actor("applicant"), d, row, name, data)
        assert refused.value.key == key and refused.value.message()
    with uow.read() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0
        assert s.scalar(select(func.count()).select_from(StoredFile)) == 0
    assert _blobs(store_dir) == []


def test_a_row_with_a_certificate_number_needs_its_file_before_submit(uow):
    with uow.write() as s:
        w = World.build(s)
        d, row = _row(w)
        me = w.actor("applicant")
        assert "rec.education.evidence" in [p.key for p in problems_before_submit(s, me, d)]
        evidence.attach_evidence(s, me, d, row, "毕业证书.pdf", minimal_pdf())
        assert "rec.education.evidence" not in [p.key for p in problems_before_submit(s, me, d)]
        assert list_records(s, me, d)["education"][0].needs_evidence


def test_the_work_summary_takes_no_files_and_a_row_takes_a_bounded_number(uow, monkeypatch):
    monkeypatch.setattr(evidence, "MAX_FILES_PER_ROW", 1)
    with uow.write() as s:
        w = World.build(s)
        d, row = _row(w)
        me = w.actor("applicant")
        summary = add_record(s, me, d, "work_summary", SAMPLE_ROWS["work_summary"])
        with pytest.raises(ValidationError) as none:
            evidence.attach_evidence(s, me, d, summary, "总结.pdf", minimal_pdf())
        evidence.attach_evidence(s, me, d, row, "a.pdf", minimal_pdf("a"))
        with pytest.raises(ValidationError) as many:
            evidence.attach_evidence(s, me, d, row, "b.pdf", minimal_pdf("b"))
        assert (none.value.key, many.value.key) == ("file.no_evidence", "file.too_many")


def test_files_are_removed_with_their_row_or_alone_while_editable(uow):
    with uow.write() as s:
        w = World.build(s)
        d, row = _row(w)
        me = w.actor("applicant")
        first = evidence.attach_evidence(s, me, d, row, "a.pdf", minimal_pdf("a"))
        evidence.attach_evidence(s, me, d, row, "b.pdf", minimal_pdf("b"))
        with pytest.raises(NotFound):
            evidence.remove_evidence(s, w.actor("other_applicant"), first)
        evidence.remove_evidence(s, me, first)
        assert [f.name for f in list_records(s, me, d)["education"][0].files] == ["b.pdf"]
        remove_record(s, me, row)
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0
        assert s.scalar(select(func.count()).select_from(StoredFile)) == 2  # blobs stay, content-addressed


def test_files_of_a_submitted_declaration_can_be_neither_added_nor_removed(uow):
    with uow.write() as s:
        w = World.build(s)
        me, d = w.actor("applicant"), w.new_declaration()
        row = list_records(s, me, d)["education"][0].id
        act(s, me, d, "submit", {"pledge": PLEDGE_TEXT})
        with pytest.raises(InvalidAction):
            evidence.attach_evidence(s, me, d, row, "late.pdf", minimal_pdf())
        assert s.scalar(select(func.count()).select_from(StoredFile)) == 0


def test_only_people_in_scope_may_open_a_file_and_every_opening_is_audited(uow):
    with uow.write() as s:
        w = World.build(s)
        d, row = _row(w)
        me = w.actor("applicant")
        attachment = evidence.attach_evidence(s, me, d, row, "毕业证书.pdf", minimal_pdf("cert"))
        for module, data in SAMPLE_ROWS.items():
            if module != "education":
                add_record(s, me, d, module, data)
        act(s, me, d, "submit", {"pledge": PLEDGE_TEXT})
        assert evidence.open_evidence(s, w.actor("unit_op"), attachment) == (
            "毕业证书.pdf", "application/pdf", minimal_pdf("cert"))
        assert evidence.open_evidence(s, me, attachment)[0] == "毕业证书.pdf"
        with pytest.raises(NotFound) as missing:
            evidence.open_evidence(s, me, 987654)
        for outsider in ("sibling_op", "other_applicant", "other_dept_op"):
            with pytest.raises(NotFound) as hidden:
                evidence.open_evidence(s, w.actor(outsider), attachment)
            assert str(hidden.value) == str(missing.value)
        downloads = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.kind == "download"))
        assert downloads == 2


def test_a_refused_download_is_audited_as_a_denial(uow):
    with uow.write() as s:
        w = World.build(s)
        d, row = _row(w)
        attachment = evidence.attach_evidence(s, w.actor("applicant"), d, row, "证书.pdf", minimal_pdf())
    with pytest.raises(NotFound):
        evidence.fetch_evidence(uow, w.actor("sibling_op"), attachment)
    assert evidence.fetch_evidence(uow, w.actor("applicant"), attachment)[1] == "application/pdf"
    with uow.read() as s:
        kinds = list(s.scalars(select(AuditEvent.kind).where(AuditEvent.target == f"attachment:{attachment}")
                               .order_by(AuditEvent.id)))
        assert kinds == ["declaration", "denial", "download"]
