"""rules.md, files: a size limit per file (default 20 MB) enforced by the app, tested at exactly the limit
and one byte over, through evidence upload; and the per-row file count (10) at 10 and 11."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select

import core.files.store
from core.declaring import evidence
from core.declaring.records import add_record
from core.declaring.declarations import create_draft
from core.common.errors import ValidationError
from core.files.store import minimal_pdf
from db.models import Attachment, StoredFile
from tests.hostile_files import padded_pdf

from tests.world import LEVEL, SAMPLE_ROWS, SERIES, SPECIALTY, YEAR, World

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
MB = 1024 * 1024
LIMIT = 20 * MB


@pytest.fixture(autouse=True)
def store_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TITLES_FILE_STORE", str(tmp_path / "files"))
    return tmp_path / "files"


def pdf_of(size: int) -> bytes:
    """A valid PDF of exactly ``size`` bytes (a PDF is kept as uploaded; a picture would be re-encoded)."""
    return padded_pdf(size)


@pytest.fixture
def row(uow) -> tuple[World, int, int]:
    with uow.write() as s:
        w = World.build(s)
        me = w.actor("applicant")
        d = create_draft(s, me, flow="review", year=YEAR, level_code=LEVEL, series_code=SERIES,
                         specialty_code=SPECIALTY, review_type="socialized", committee_id=w.committee_id, now=NOW)
        record = add_record(s, me, d, "education", {**SAMPLE_ROWS["education"], "certificate_no": "GC2012001"},
                            now=NOW)
    return w, d, record


def upload(uow, row, data: bytes, name: str = "证书.pdf") -> int:
    w, d, record = row
    with uow.write() as s:
        return evidence.attach_evidence(s, w.actor("applicant"), d, record, name, data, now=NOW)


def stored_count(uow) -> int:
    with uow.read() as s:
        return s.scalar(select(func.count()).select_from(StoredFile))


def test_a_file_of_exactly_twenty_megabytes_is_accepted(uow, row, store_dir):
    attachment = upload(uow, row, pdf_of(LIMIT))
    with uow.read() as s:
        assert s.get(StoredFile, s.get(Attachment, attachment).sha256).size == LIMIT


def test_a_file_one_byte_over_twenty_megabytes_is_refused_and_nothing_is_stored(uow, row, store_dir):
    with pytest.raises(ValidationError) as refused:
        upload(uow, row, pdf_of(LIMIT + 1))
    assert (refused.value.key, refused.value.params) == ("file.too_large", {"max": 20})
    assert stored_count(uow) == 0 and not any(p.is_file() for p in store_dir.rglob("*"))


def test_the_size_limit_is_configuration(uow, row, monkeypatch):
    monkeypatch.setattr(core.files.store, "RULES", dataclasses.replace(core.files.store.RULES, upload_max_mb=1))
    upload(uow, row, pdf_of(MB))
    with pytest.raises(ValidationError) as refused:
        upload(uow, row, pdf_of(MB + 1))
    assert refused.value.key == "file.too_large"


def test_a_row_takes_ten_files_and_refuses_the_eleventh(uow, row):
    for i in range(10):
        upload(uow, row, minimal_pdf(f"page{i}"), f"证明{i}.pdf")
    with pytest.raises(ValidationError) as refused:
        upload(uow, row, minimal_pdf("one more"), "证明10.pdf")
    assert (refused.value.key, refused.value.params) == ("file.too_many", {"max": 10})
    with uow.read() as s:
        assert s.scalar(select(func.count()).select_from(Attachment).where(Attachment.record_id == row[2])) == 10
