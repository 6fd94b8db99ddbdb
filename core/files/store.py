"""The content-addressed file store on disk: blobs named by their SHA-256, outside anything served.

Evidence is accepted only as PDF, JPEG or PNG, recognised by parsing the content (never by name;
``core.files.content``); the original name is display text. Writes go to a temporary file first and
are renamed into place, so a failure leaves nothing half-saved; a blob already stored is not written
again. Every check runs before the first byte is written: a refused file leaves no blob and no row.
"""
from __future__ import annotations

import hashlib
import io
import os
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from core.common.config import RULES, file_store_path
from core.common.errors import ValidationError
from core.files.content import checked
from db.base import utcnow
from db.models import StoredFile


def sniff_media_type(data: bytes) -> str | None:
    """The media type if the bytes are an acceptable PDF, JPEG or PNG (``core.files.content``), else None."""
    try:
        return checked(data).media_type
    except ValidationError:
        return None


def blob_path(sha256: str, root: Path | None = None) -> Path:
    root = root or file_store_path()
    return root / sha256[:2] / sha256[2:4] / sha256


def store_bytes(session: Session, data: bytes) -> StoredFile:
    """Check and store a blob; returns its row (existing or new). Raises ValidationError before writing
    anything. An image is kept re-encoded (``core.files.content``), so its row names the re-encoded
    bytes: their SHA-256 and size, not the upload's."""
    if not data:
        raise ValidationError("file.empty")
    if len(data) > RULES.upload_max_mb * 1024 * 1024:
        raise ValidationError("file.too_large", max=RULES.upload_max_mb)
    kept = checked(data)
    digest = hashlib.sha256(kept.data).hexdigest()
    row = session.get(StoredFile, digest)
    if row is None:
        _write_atomically(blob_path(digest), kept.data)
        row = StoredFile(sha256=digest, size=len(kept.data), media_type=kept.media_type, created_at=utcnow())
        session.add(row)
        session.flush()
    return row


def _write_atomically(path: Path, data: bytes) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_blob(sha256: str) -> bytes:
    return blob_path(sha256).read_bytes()


def minimal_pdf(text: str = "demo") -> bytes:
    """A tiny valid PDF (for demo data and tests)."""
    body = io.BytesIO()
    body.write(b"%PDF-1.4\n")
    offsets = []
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>"]
    for number, obj in enumerate(objects, start=1):
        offsets.append(body.tell())
        body.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref = body.tell()
    body.write(b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets))
    body.write(b"trailer\n<< /Size 4 /Root 1 0 R /Info << /Title (" + text.encode("ascii", "ignore")[:40]
               + b") >> >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return body.getvalue()
