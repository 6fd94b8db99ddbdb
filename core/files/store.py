"""The content-addressed file store on disk: blobs named by their SHA-256, outside anything served.

Evidence is accepted only as PDF, JPEG or PNG, recognised by content (never by name); the
original name is display text. Writes go to a temporary file first and are renamed into place,
so a failure leaves nothing half-saved; a blob already stored is not written again.
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
from db.base import utcnow
from db.models import StoredFile

MAX_NAME = 120


def sniff_media_type(data: bytes) -> str | None:
    """The media type by magic bytes and structure, or None if not an accepted kind."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]:
        return "application/pdf" if _pdf_parses(data) else None
    if data.startswith(b"\xff\xd8\xff") and data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and b"IEND" in data[-12:]:
        return "image/png"
    return None


def _pdf_parses(data: bytes) -> bool:
    """A PDF must have a cross-reference section (xref table or stream) and a trailer/root."""
    tail = data[-4096:]
    return b"startxref" in tail and (b"/Root" in data or b"trailer" in tail)


def blob_path(sha256: str, root: Path | None = None) -> Path:
    root = root or file_store_path()
    return root / sha256[:2] / sha256[2:4] / sha256


def clean_display_name(name: str) -> str:
    """Keep the original (Chinese) name for display only: no path parts, no control characters."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*')
    return (base or "file")[-MAX_NAME:]


def store_bytes(session: Session, data: bytes) -> StoredFile:
    """Validate and store a blob; returns its row (existing or new). Raises ValidationError."""
    if not data:
        raise ValidationError("file.empty")
    if len(data) > RULES.upload_max_mb * 1024 * 1024:
        raise ValidationError("file.too_large", max=RULES.upload_max_mb)
    media_type = sniff_media_type(data)
    if media_type is None:
        raise ValidationError("file.bad_type")
    digest = hashlib.sha256(data).hexdigest()
    row = session.get(StoredFile, digest)
    if row is None:
        _write_atomically(blob_path(digest), data)
        row = StoredFile(sha256=digest, size=len(data), media_type=media_type, created_at=utcnow())
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
