"""Small, valid PDFs for the demo's evidence files, kept through the shared file store.

The recommendation guard needs a unit proof attached (§6.2.3), and a filing carries four
attachments (§6.2.11). The demo renders real one-page PDFs with Chinese text (reportlab,
``invariant`` so the bytes are the same on every build) and stores them with
``core.files.store.store_bytes``, which checks the content and keeps one blob per SHA-256.
"""
from __future__ import annotations

import io
from functools import lru_cache

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from sqlalchemy.orm import Session

from core.files.store import store_bytes


@lru_cache(maxsize=1)
def _font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def make_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF with a title and a few lines of Chinese text."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    pdf.setFont(_font(), 18)
    pdf.drawCentredString(A4[0] / 2, A4[1] - 90, title)
    pdf.setFont(_font(), 12)
    for i, line in enumerate(lines):
        pdf.drawString(72, A4[1] - 140 - 22 * i, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def store_pdf(session: Session, title: str, lines: list[str]) -> str:
    """Render and store the PDF; returns its sha256 (the Attachment's reference)."""
    return store_bytes(session, make_pdf(title, lines)).sha256
