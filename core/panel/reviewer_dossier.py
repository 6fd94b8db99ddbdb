"""What a reviewing expert sees of a dossier distributed to them: its records, its evidence and the
committee unit's blind-review opinions, and nothing of any other dossier.

With blind review on (盲评), the applicant's name, unit and ID number are hidden everywhere the expert
looks: the facts show the dossier's number; every text in the records that contains the name, the unit
or the ID number has it replaced; evidence files are listed by a neutral name and served with their
metadata removed (a PDF's author, title and XMP; an image's EXIF), since a scan or a word processor
often writes the applicant's name there. The timeline (追踪) is not shown to experts: it names units.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from pypdf import PdfReader, PdfWriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.declaring.dossier import records_of
from core.files.content import EXTENSIONS, reencoded_image
from core.files.store import read_blob
from core.common.errors import NotFound
from core.machines.spec import Actor
from core.panel.reviews import own_assignment
from core.panel.views import dossier_labels, session_dossiers
from db.base import utcnow
from db.models import Attachment, BlindOpinion, Declaration, Level, Person, Series, Specialty, StoredFile, Unit
from db.uow import UnitOfWork
from core.refusals import refusals_audited

HIDDEN = "＊＊＊"


@dataclass(frozen=True)
class ReviewerDossier:
    assignment_id: int
    label: str
    applicant: str
    unit: str
    id_number: str
    series: str
    specialty: str
    level: str
    blind: bool
    records: dict[str, list[dict]] = field(default_factory=dict)
    evidence: list[tuple[int, str, str]] = field(default_factory=list)        # (attachment id, shown name, media type)
    blind_opinions: list[tuple[int, str, str]] = field(default_factory=list)  # (opinion id, shown name, media type)



def _shown(prefix: str, n: int, name: str, media_type: str, blind: bool) -> str:
    return f"{prefix}{n}{EXTENSIONS.get(media_type, '')}" if blind else name


def _hide(value, secrets: list[str]):
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, HIDDEN)
        return value
    if isinstance(value, dict):
        return {k: _hide(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_hide(v, secrets) for v in value]
    return value


def _name_zh(s: Session, model, key) -> str:
    row = s.get(model, key) if key else None
    return row.name_zh if row else (key or "—")


@refusals_audited
def dossier(uow: UnitOfWork, actor: Actor, assignment_id: int) -> ReviewerDossier:
    with uow.read() as s:
        row, _member, panel = own_assignment(s, actor, assignment_id)
        d = s.get(Declaration, row.declaration_id)
        person = s.get(Person, d.applicant_person_id)
        unit = s.scalar(select(Unit.name).where(Unit.id == d.unit_id)) or ""
        blind = panel.blind_review
        label = dossier_labels(s, session_dossiers(s, panel.id), blind)[d.id].label
        secrets = [x for x in (person.name if person else None, unit, person.id_number if person else None) if x]
        records = records_of(s, d.id)
        files = s.execute(select(Attachment.id, Attachment.original_name, StoredFile.media_type)
                          .outerjoin(StoredFile, StoredFile.sha256 == Attachment.sha256)
                          .where(Attachment.declaration_id == d.id).order_by(Attachment.id)).all()
        opinions = s.execute(select(BlindOpinion.id, BlindOpinion.display_name, StoredFile.media_type)
                             .outerjoin(StoredFile, StoredFile.sha256 == BlindOpinion.sha256)
                             .where(BlindOpinion.session_id == panel.id, BlindOpinion.declaration_id == d.id)
                             .order_by(BlindOpinion.id)).all()
        return ReviewerDossier(
            row.id, label, label if blind else (person.name if person else ""), HIDDEN if blind else unit,
            HIDDEN if blind else "—", _name_zh(s, Series, d.series_code), _name_zh(s, Specialty, d.specialty_code),
            _name_zh(s, Level, d.level_code), blind, _hide(records, secrets) if blind else records,
            [(i, _shown("附件", n, name, mt or "", blind), mt or "") for n, (i, name, mt) in enumerate(files, start=1)],
            [(i, _shown("盲评意见", n, name, mt or "", blind), mt or "")
             for n, (i, name, mt) in enumerate(opinions, start=1)])


def strip_metadata(data: bytes, media_type: str) -> bytes:
    """The file without the metadata that may name the applicant (PDF info and XMP; image EXIF)."""
    if media_type == "application/pdf":
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        writer.metadata = None
        if "/Metadata" in writer.root_object:
            del writer.root_object["/Metadata"]
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    if media_type in ("image/jpeg", "image/png"):
        return reencoded_image(data, media_type)  # what the store keeps of an upload: the picture alone
    return data


@refusals_audited
def open_file(uow: UnitOfWork, actor: Actor, assignment_id: int, kind: str, file_id: int,
              now: dt.datetime | None = None) -> tuple[str, str, bytes]:
    """(shown name, media type, bytes) of an evidence file (``kind="evidence"``) or a blind opinion
    (``"opinion"``) of a dossier distributed to the actor; metadata removed under blind review; audited."""
    with uow.write() as s:
        row, _member, panel = own_assignment(s, actor, assignment_id)
        if kind == "evidence":
            found = s.execute(select(Attachment.sha256, Attachment.original_name).where(
                Attachment.id == file_id, Attachment.declaration_id == row.declaration_id)).first()
        else:
            found = s.execute(select(BlindOpinion.sha256, BlindOpinion.display_name).where(
                BlindOpinion.id == file_id, BlindOpinion.session_id == panel.id,
                BlindOpinion.declaration_id == row.declaration_id)).first()
        if found is None:
            raise NotFound()
        media_type = s.scalar(select(StoredFile.media_type).where(StoredFile.sha256 == found[0])) or ""
        data = read_blob(found[0])
        if panel.blind_review:
            data = strip_metadata(data, media_type)
        audit.append(s, kind="download", action="panel_open_file", at=now or utcnow(), account_id=actor.account_id,
                     role=actor.role, unit_id=actor.unit_id, target=f"{kind}:{file_id}",
                     declaration_id=row.declaration_id, detail={"blind": panel.blind_review})
        name = f"{kind}-{file_id}" if panel.blind_review else found[1]
        return name, media_type, data
