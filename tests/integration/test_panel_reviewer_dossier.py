"""A reviewing expert sees the dossiers distributed to them, and under blind review never the applicant's
name, unit or ID: not in the facts, not in the records, not in an evidence file's metadata."""
import io

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from sqlalchemy import select, update

from core.common.errors import NotFound
from core.files.store import store_bytes
from core.panel import distribution, reviewer_dossier, sessions, views
from db.models import Attachment, Declaration, DeclarationRecord, PanelSession, Person, Unit
from tests.panel_world import PanelWorld


@pytest.fixture(autouse=True)
def _store(tmp_path, monkeypatch):
    monkeypatch.setenv("TITLES_FILE_STORE", str(tmp_path / "files"))  # not the repository's data/files


def _pdf_with_author(author: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": author, "/Title": f"{author}的业绩证明"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _reviewing(uow, blind: bool) -> PanelWorld:
    pw = PanelWorld.build(uow, dossiers=2)
    pw.setup()
    with uow.write() as s:
        s.execute(update(PanelSession).where(PanelSession.id == pw.session_id).values(blind_review=blind))
    sessions.start_review(uow, pw.operator, pw.session_id)
    pw.distribute_all()
    distribution.group_step(uow, pw.leader(), pw.group_id, "start_group_review")
    return pw


def _secrets(uow, declaration_id: int) -> list[str]:
    with uow.read() as s:
        d = s.get(Declaration, declaration_id)
        person = s.get(Person, d.applicant_person_id)
        return [person.name, s.scalar(select(Unit.name).where(Unit.id == d.unit_id)), person.id_number]


def _reviewer_of(pw: PanelWorld):
    for m in pw.members():
        if m.group_id == pw.group_id:
            items = views.my_reviews(pw.uow, pw.experts[m.expert_id])
            if items:
                return pw.experts[m.expert_id], items[0]
    raise AssertionError("nobody reviews")


def test_blind_review_hides_the_applicant_in_facts_records_and_file_metadata(uow):
    pw = _reviewing(uow, blind=True)
    actor, item = _reviewer_of(pw)
    name, unit, id_number = _secrets(uow, item.dossier.declaration_id)
    with uow.write() as s:
        s.add(DeclarationRecord(declaration_id=item.dossier.declaration_id, module="work_history",
                                data={"employer": unit, "position": f"{name}负责结构设计"}))
        stored = store_bytes(s, _pdf_with_author(name))
        s.add(Attachment(declaration_id=item.dossier.declaration_id, purpose="evidence", sha256=stored.sha256,
                         original_name=f"{name}-证书.pdf"))
    seen = reviewer_dossier.dossier(uow, actor, item.assignment_id)
    text = repr(seen)
    assert seen.blind and seen.label.startswith("材料")
    for secret in (name, unit, id_number):
        assert secret not in text
    file_id = seen.evidence[-1][0]  # the one added here (the world attached a stub proof before)
    shown, media_type, data = reviewer_dossier.open_file(uow, actor, item.assignment_id, "evidence", file_id)
    assert media_type == "application/pdf" and name not in shown
    meta = PdfReader(io.BytesIO(data)).metadata
    assert not meta or name not in " ".join(str(v) for v in meta.values())
    assert name.encode("utf-16-be") not in data and name.encode() not in data


def test_without_blind_review_the_expert_sees_the_applicant(uow):
    pw = _reviewing(uow, blind=False)
    actor, item = _reviewer_of(pw)
    name, _unit, _id = _secrets(uow, item.dossier.declaration_id)
    assert reviewer_dossier.dossier(uow, actor, item.assignment_id).applicant == name


def test_another_expert_cannot_open_someone_elses_dossier(uow):
    pw = _reviewing(uow, blind=False)
    actor, item = _reviewer_of(pw)
    others = [pw.experts[m.expert_id] for m in pw.members() if m.group_id is None]
    with pytest.raises(NotFound):
        reviewer_dossier.dossier(uow, others[0], item.assignment_id)
    with pytest.raises(NotFound):
        reviewer_dossier.open_file(uow, others[0], item.assignment_id, "evidence", 1)


def test_a_picture_stored_before_uploads_were_re_encoded_loses_its_exif_when_a_blind_reviewer_opens_it():
    exif = Image.Exif()
    exif[0x013B] = "Zhang San"  # artist
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 20, 30)).save(out, format="JPEG", exif=exif.tobytes())
    assert b"Zhang San" in out.getvalue()
    clean = reviewer_dossier.strip_metadata(out.getvalue(), "image/jpeg")
    with Image.open(io.BytesIO(clean)) as img:
        assert img.size == (40, 30) and not img.getexif()
    assert b"Zhang San" not in clean
