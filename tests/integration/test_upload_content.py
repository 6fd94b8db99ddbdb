"""Uploads are accepted on what their bytes are, not on their magic bytes (issue 14 §1).

A PDF is parsed strictly within a budget and refused when it is fake, damaged, encrypted, active,
carrying files or a decompression bomb; a picture is decoded and kept re-encoded, so what was appended
to it or hidden in it is gone. Every refusal has its own reason and leaves no row and no blob. The
hostile files live in ``tests/hostile_files.py``; every upload path (evidence, the unit's proof, the
registration letter, blind-review opinions) goes through the same content and name checks.
"""
from __future__ import annotations

import hashlib
import io
import time
import tracemalloc

import pytest
from PIL import Image
from pypdf import PdfWriter
from sqlalchemy import func, select

from core.common.errors import ValidationError
from core.common.i18n import MESSAGES, t
from core.declaring import evidence
from core.declaring.declarations import create_draft
from core.declaring.records import add_record
from core.files import content
from core.files.store import minimal_pdf, read_blob, store_bytes
from core.org import unit_registration as reg
from core.review.recommendation import attach_unit_proof
from core.setup.demo.files import make_pdf
from db.models import Attachment, AuditEvent, StoredFile, Unit
from tests import hostile_files as hostile
from tests.integration.test_admin_units import _form
from tests.integration.unit_support import declarations
from tests.world import LEVEL, SAMPLE_ROWS, SERIES, SPECIALTY, YEAR, World

REFUSED = hostile.PDF_ATTACKS + hostile.IMAGE_ATTACKS
BAD_NAMES = ["", "   ", "../../etc/passwd.pdf", "..\\evil.pdf", "..", "C:证书.pdf", "a*b.pdf", "a|b.pdf",
             "a\x00.pdf", "a\udcff.pdf", "\ud800", "a\n.pdf", "a\x7f.pdf", "证书\u202efdp.exe", "a\u200bb.pdf",
             "长" * 97 + ".pdf"]


@pytest.fixture(autouse=True)
def store_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TITLES_FILE_STORE", str(tmp_path / "files"))
    return tmp_path / "files"


def _blobs(store_dir) -> list:
    return [p for p in store_dir.rglob("*") if p.is_file()] if store_dir.exists() else []


def _stored(uow) -> int:
    with uow.read() as s:
        return s.scalar(select(func.count()).select_from(StoredFile))


def _kept(uow) -> tuple[int, int, int]:
    """(stored files, attachments, units): what a refused upload must not add to."""
    with uow.read() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (StoredFile, Attachment, Unit))


def _evidence_row(w: World) -> tuple[int, int]:
    me = w.actor("applicant")
    d = create_draft(w.session, me, flow="review", year=YEAR, level_code=LEVEL, series_code=SERIES,
                     specialty_code=SPECIALTY, review_type="socialized", committee_id=w.committee_id)
    return d, add_record(w.session, me, d, "education", {**SAMPLE_ROWS["education"], "certificate_no": "GC1"})


# --- the store: every hostile file refused with its own reason, nothing kept ------------------------------

@pytest.mark.parametrize("build, key", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_a_hostile_file_is_refused_with_its_reason_and_nothing_is_stored(uow, store_dir, build, key):
    data = build()
    with uow.write() as s:
        with pytest.raises(ValidationError) as refused:
            store_bytes(s, data)
        assert refused.value.key == key
        assert s.scalar(select(func.count()).select_from(StoredFile)) == 0
    assert key in MESSAGES and t(key) != t(key, "en")  # a Chinese reason of its own
    assert _stored(uow) == 0 and _blobs(store_dir) == []


def test_the_reasons_are_distinct():
    keys = {"file.bad_type", "file.pdf_damaged", "file.pdf_active", "file.pdf_embedded", "file.pdf_encrypted",
            "file.too_large_expanded", "file.image_damaged", "file.bad_name", "file.pdf_too_many_pages",
            "file.pdf_too_slow"}
    assert {key for _, _, key in REFUSED} < keys
    assert len({t(k) for k in keys}) == len(keys)


def test_a_pdf_bomb_is_refused_in_seconds_without_inflating_it_all():
    data = hostile.bomb_pdf(200)
    assert len(data) < 1024 * 1024  # 200 MB of zeros, deflated
    tracemalloc.start()
    began = time.monotonic()
    try:
        with pytest.raises(ValidationError) as refused:
            content.checked(data)
        elapsed, peak = time.monotonic() - began, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.value.key == "file.too_large_expanded"
    assert elapsed < 5 and peak < 100 * 1024 * 1024, (elapsed, peak)


@pytest.mark.parametrize("limit, value, key", [
    ("PDF_SECONDS", -1.0, "file.pdf_too_slow"),
    ("MAX_PAGES", 0, "file.pdf_too_many_pages"),
    ("MAX_DECODED_BYTES", 10, "file.too_large_expanded"),
    ("MAX_STREAM_BYTES", 10, "file.too_large_expanded"),
    ("MAX_OBJECTS", 3, "file.too_large_expanded"),
])
def test_a_pdf_is_read_within_a_time_page_and_size_budget(monkeypatch, limit, value, key):
    data = hostile.reportlab_pdf()
    assert content.checked(data).media_type == content.PDF
    monkeypatch.setattr(content, limit, value)
    with pytest.raises(ValidationError) as refused:
        content.checked(data)
    assert refused.value.key == key


def test_a_picture_larger_than_the_pixel_budget_is_refused_before_it_is_decoded(monkeypatch):
    monkeypatch.setattr(content, "MAX_PIXELS", 40 * 30 - 1)
    with pytest.raises(ValidationError) as refused:
        content.checked(hostile.jpeg((40, 30)))
    assert refused.value.key == "file.too_large_expanded"


# --- good files ------------------------------------------------------------------------------------------

def _owner_password_only() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")  # opens without a password
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _incremental_update() -> bytes:
    writer = PdfWriter(io.BytesIO(hostile.reportlab_pdf()), incremental=True)
    writer.add_metadata({"/Title": "盖章版"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


GOOD_PDFS = [
    ("minimal", lambda: minimal_pdf("ok")),
    ("reportlab", hostile.reportlab_pdf),
    ("reportlab_with_photo", lambda: hostile.reportlab_pdf(with_picture=True)),
    ("demo_chinese", lambda: make_pdf("单位推荐证明", ["兹证明张三同志……"])),
    ("link_and_open_at_page_one", hostile.benign_actions_pdf),
    ("owner_password_only", _owner_password_only),
    ("incremental_update", _incremental_update),
]


@pytest.mark.parametrize("build", [b for _, b in GOOD_PDFS], ids=[n for n, _ in GOOD_PDFS])
def test_a_good_pdf_is_kept_byte_for_byte(uow, build):
    data = build()
    with uow.write() as s:
        row = store_bytes(s, data)
        assert (row.media_type, row.size, row.sha256) == ("application/pdf", len(data), hashlib.sha256(data).hexdigest())
    assert read_blob(row.sha256) == data


GOOD_PICTURES = [
    ("jpeg", hostile.jpeg, "image/jpeg", (40, 30)),
    ("jpeg_progressive", lambda: hostile.jpeg((64, 48), progressive=True, quality=70), "image/jpeg", (64, 48)),
    ("png_rgba", hostile.png, "image/png", (40, 30)),
    ("png_palette", lambda: hostile.png(mode="P"), "image/png", (40, 30)),
    ("png_grey", lambda: hostile.png(mode="L"), "image/png", (40, 30)),
]


@pytest.mark.parametrize("build, media_type, size", [g[1:] for g in GOOD_PICTURES], ids=[g[0] for g in GOOD_PICTURES])
def test_a_good_picture_is_kept_re_encoded_under_the_hash_of_what_is_kept(uow, build, media_type, size):
    data = build()
    with uow.write() as s:
        row = store_bytes(s, data)
        kept = read_blob(row.sha256)
        assert (row.media_type, row.size, row.sha256) == (media_type, len(kept), hashlib.sha256(kept).hexdigest())
        assert store_bytes(s, data).sha256 == row.sha256  # the same upload is the same blob
    with Image.open(io.BytesIO(kept)) as img:
        img.load()
        assert img.size == size and img.format == media_type.split("/")[1].upper()


def test_a_photo_is_turned_the_way_the_camera_meant_and_loses_its_exif():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to show
    exif[0x013B] = "张三"  # artist: the applicant's name
    data = hostile.jpeg((40, 30), exif=exif.tobytes())
    kept = content.checked(data).data
    with Image.open(io.BytesIO(kept)) as img:
        assert img.size == (30, 40) and not img.getexif()
    assert "张三".encode() not in kept


@pytest.mark.parametrize("build, payload", [p[1:] for p in hostile.POLYGLOTS], ids=[p[0] for p in hostile.POLYGLOTS])
def test_a_polyglot_picture_is_kept_as_the_picture_alone(uow, build, payload):
    data = build()
    assert payload in data
    with uow.write() as s:
        row = store_bytes(s, data)
    kept = read_blob(row.sha256)
    assert payload not in kept and b"<html" not in kept and b"PK\x03\x04" not in kept and b"%PDF" not in kept
    with Image.open(io.BytesIO(kept)) as img:
        img.load()
        assert img.size == (40, 30)


# --- names: one check for every upload ---------------------------------------------------------------------

@pytest.mark.parametrize("name", BAD_NAMES, ids=range(len(BAD_NAMES)))
def test_a_bad_name_is_refused_with_a_domain_error(name):
    with pytest.raises(ValidationError) as refused:
        content.checked_name(name)
    assert refused.value.key == "file.bad_name" and "100" in str(refused.value)


@pytest.mark.parametrize("name", ["本科毕业证书（扫描件）.pdf", "学历证书　张三.pdf", "证书 2024-07.PDF", "a.b.c.jpeg",
                                  "长" * 96 + ".pdf", "  前后有空格.png  "])
def test_an_ordinary_chinese_name_is_kept_as_given(name):
    assert content.checked_name(name) == name.strip()


def test_the_shown_name_carries_the_extension_of_the_content_within_the_length_limit():
    assert content.display_name("照片.pdf", content.PNG) == "照片.png"
    assert content.display_name("证书.JPEG", content.JPEG) == "证书.JPEG"
    assert content.display_name("证书", content.PDF) == "证书.pdf"
    assert content.display_name("证书.pdf.exe", content.PDF) == "证书.pdf.pdf"
    long = content.display_name("长" * 100, content.PDF)
    assert len(long) == content.MAX_NAME and long.endswith(".pdf")


@pytest.mark.parametrize("name", ["a\udcff.pdf", "a\x00.pdf", "x/y.pdf"], ids=["surrogate", "nul", "slash"])
def test_every_upload_path_refuses_a_bad_name_before_storing_anything(uow, store_dir, name):
    with uow.write() as s:
        w = World.build(s)
        d, row = _evidence_row(w)
        ids = declarations(w, 1, state="unit_recommend")
    before = _kept(uow)
    calls = {
        "evidence": lambda s: evidence.attach_evidence(s, w.actor("applicant"), d, row, name, minimal_pdf()),
        "unit_proof": lambda s: attach_unit_proof(s, w.actor("unit_op"), ids, name, minimal_pdf()),
        "letter": lambda s: reg.register_unit(s, _form(), region_unit_id=w.units["city"], letter=minimal_pdf(),
                                              letter_name=name),
    }
    for path, call in calls.items():
        with pytest.raises(ValidationError) as refused:
            with uow.write() as s:
                call(s)
        assert refused.value.key == "file.bad_name", path
    assert _kept(uow) == before and _blobs(store_dir) == []


# --- the unit's proof and the registration letter: the same content checks -----------------------------

ON_EVERY_PATH = [c for c in REFUSED if c[0] in ("html_pdf_head", "open_action_js", "embedded_files", "bomb_200mb",
                                                 "fake_jpeg", "png_bomb_over_pillow")]


@pytest.mark.parametrize("build, key", [c[1:] for c in ON_EVERY_PATH], ids=[c[0] for c in ON_EVERY_PATH])
def test_the_unit_proof_and_the_registration_letter_refuse_what_evidence_refuses(uow, store_dir, build, key):
    data = build()
    with uow.write() as s:
        w = World.build(s)
        d, row = _evidence_row(w)
        ids = declarations(w, 1, state="unit_recommend")
    before = _kept(uow)
    calls = {
        "evidence": lambda s: evidence.attach_evidence(s, w.actor("applicant"), d, row, "证书.pdf", data),
        "unit_proof": lambda s: attach_unit_proof(s, w.actor("unit_op"), ids, "单位推荐证明.pdf", data),
        "letter": lambda s: reg.register_unit(s, _form(), region_unit_id=w.units["city"], letter=data,
                                              letter_name="授权委托书.pdf"),
    }
    for path, call in calls.items():
        with pytest.raises(ValidationError) as refused:
            with uow.write() as s:
                call(s)
        assert refused.value.key == key, path
    assert _kept(uow) == before and _blobs(store_dir) == []
    with uow.read() as s:
        assert s.scalar(select(AuditEvent.id).where(AuditEvent.action.in_(("unit_register", "unit_proof_attach")))) is None


def test_a_registration_letter_is_kept_like_evidence_and_opened_as_kept(uow):
    letter = hostile.jpeg() + hostile.HTML  # a photo of the letter, with something appended
    with uow.write() as s:
        w = World.build(s)
        unit = reg.register_unit(s, _form(), region_unit_id=w.units["city"], letter=letter, letter_name="授权书.pdf")
        detail = s.scalar(select(AuditEvent.detail).where(AuditEvent.action == "unit_register"))
        assert detail["letter_name"] == "授权书.jpg"
        kept = reg.open_letter(s, w.actor("city_hr"), unit.id)
        assert hostile.HTML not in kept and hashlib.sha256(kept).hexdigest() == detail["authorization_sha256"]


def test_a_unit_proof_is_shown_by_its_checked_name_with_the_extension_of_its_content(uow):
    with uow.write() as s:
        w = World.build(s)
        ids = declarations(w, 2, state="unit_recommend")
        attach_unit_proof(s, w.actor("unit_op"), ids, "单位推荐证明.pdf", hostile.png())
        names = set(s.scalars(select(Attachment.original_name).where(Attachment.purpose == "unit_proof")))
        assert names == {"单位推荐证明.png"}
