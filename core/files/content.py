"""What an uploaded file's bytes really are: a PDF, a JPEG or a PNG, judged by parsing, never by name.

A PDF is read by a real parser (pypdf, strict) within a budget: bounded decompression of every
stream (per stream and in total), a page cap and a wall-clock limit. Every object of the
cross-reference table is walked, and a document with active content (JavaScript, launch or
submit actions, automatic actions, rich media, XFA forms) or embedded files is refused. The bytes
kept are the uploaded ones (a PDF's signature stays valid); nothing may follow the last ``%%EOF``.

An image is decoded fully by Pillow (its pixel count checked before decoding) and re-encoded, so
what is kept is only the picture: anything appended after it or hidden in its metadata is gone.

Each refusal is a ``ValidationError`` with its own message key, so the user learns what to fix.
"""
from __future__ import annotations

import io
import logging
import time
import unicodedata
import zlib
from contextvars import ContextVar
from dataclasses import dataclass

from PIL import Image, ImageOps, JpegImagePlugin
from pypdf import PdfReader, apply_configuration
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError
from pypdf.filters import decode_stream_data
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from core.common.errors import ValidationError

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}

MAX_NAME = 100
_PATH_CHARACTERS = frozenset('/\\:*?"<>|')
_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})  # control, format, surrogate, unassigned

MAX_PAGES = 2000
MAX_STREAM_BYTES = 64 * 1024 * 1024      # one stream, decoded
MAX_DECODED_BYTES = 256 * 1024 * 1024    # all streams together, decoded
MAX_OBJECTS = 200_000                    # dictionaries, arrays and streams visited
PDF_SECONDS = 10.0
_CHUNK = 1024 * 1024
MAX_PIXELS = 50_000_000                  # a 600 dpi A3 scan; the decoded picture stays under ~200 MB

_GENERIC_FILTERS = frozenset({"/FlateDecode", "/Fl", "/LZWDecode", "/LZW", "/RunLengthDecode", "/RL",
                              "/ASCIIHexDecode", "/AHx", "/ASCII85Decode", "/A85", "/BrotliDecode"})
_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/XFA", "/RichMediaContent", "/RichMediaSettings"})
_ACTIVE_SUBTYPES = frozenset({"/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"})
_SAFE_ACTIONS = frozenset({"/GoTo", "/URI", "/Named", "/Thread"})
_SAFE_OPEN_ACTIONS = frozenset({"/GoTo", "/Named"})  # opening a document never visits a web address
_ACTION_KEYS = frozenset({"/A", "/OpenAction", "/Next"})
_EMBEDDED_KEYS = frozenset({"/EmbeddedFiles", "/EF"})
_DANGEROUS_ACTIONS = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/ResetForm", "/Rendition",
                                "/RichMediaExecute", "/GoToE", "/GoToR", "/Movie", "/Sound", "/SetOCGState", "/Hide"})
_RAW_ACTIVE = (b"/JavaScript", b"/Launch", b"/RichMedia")  # spelled plainly outside a compressed stream
_RAW_EMBEDDED = (b"/EmbeddedFile",)

_COMPLAINTS: ContextVar[list[str] | None] = ContextVar("core.files.content.pdf_complaints", default=None)


class _PdfComplaints(logging.Handler):
    """pypdf repairs some broken files even when strict, saying so in a warning: collect those said
    while this thread checks an upload (the check refuses the file), and nothing at any other time."""

    def emit(self, record: logging.LogRecord) -> None:
        complaints = _COMPLAINTS.get()
        if complaints is not None:
            complaints.append(record.getMessage())


if not any(isinstance(h, _PdfComplaints) for h in logging.getLogger("pypdf").handlers):
    logging.getLogger("pypdf").addHandler(_PdfComplaints(logging.WARNING))


def checked_name(filename: str | None) -> str:
    """The name as the user gave it (display text only), refused with ``file.bad_name`` if it is
    empty, longer than ``MAX_NAME`` characters, or carries path or control characters (NUL, lone
    surrogates, bidirectional overrides). The one name check of every upload."""
    name = (filename or "").strip() if isinstance(filename, str) else ""
    bad = (not name or len(name) > MAX_NAME or name in (".", "..")
           or any(c in _PATH_CHARACTERS or unicodedata.category(c) in _BAD_CATEGORIES for c in name))
    if bad:
        raise ValidationError("file.bad_name", max=MAX_NAME)
    return name


def display_name(name: str, media_type: str) -> str:
    """A checked name with the extension of what the content really is (a PNG named .pdf says .png)."""
    proper = EXTENSIONS[media_type]
    dot = name.rfind(".")
    stem, ext = (name[:dot], name[dot:].lower()) if dot > 0 else (name, "")
    if ext in (proper, ".jpeg" if proper == ".jpg" else proper):
        return name
    return stem[:MAX_NAME - len(proper)] + proper


@dataclass(frozen=True)
class Checked:
    media_type: str
    data: bytes   # what to store: the PDF as uploaded, or the re-encoded image


def claimed_kind(data: bytes) -> str | None:
    """The kind the first bytes claim (PDF, JPEG or PNG), or None; ``checked`` decides if it is one."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def checked(data: bytes) -> Checked:
    """The upload's kind and the bytes to keep; raises ValidationError if it is not a clean PDF, JPEG or PNG."""
    media_type = claimed_kind(data)
    if media_type is None:
        raise ValidationError("file.bad_type")
    if media_type == PDF:
        check_pdf(data)
        return Checked(PDF, data)
    return Checked(media_type, reencoded_image(data, media_type))


# --- PDF -----------------------------------------------------------------------------------------

class _Refused(Exception):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def check_pdf(data: bytes) -> None:
    """Refuse a PDF that is damaged, encrypted, too large once expanded, active or carrying files."""
    if not data.startswith(b"%PDF-"):
        raise ValidationError("file.bad_type")
    end = data.rfind(b"%%EOF")
    if end < 0 or data[end + 5:].strip(b"\x00\t\n\r\f "):
        raise ValidationError("file.pdf_damaged")  # a fake trailer, or something appended after the PDF
    if any(marker in data for marker in _RAW_EMBEDDED):
        raise ValidationError("file.pdf_embedded")
    if any(marker in data for marker in _RAW_ACTIVE):
        raise ValidationError("file.pdf_active")
    limits = dict(zlib_maximum_output_length=MAX_STREAM_BYTES, lzw_maximum_output_length=MAX_STREAM_BYTES,
                  run_length_maximum_output_length=MAX_STREAM_BYTES, brotli_maximum_output_length=MAX_STREAM_BYTES,
                  array_based_stream_maximum_output_length=MAX_STREAM_BYTES,
                  maximum_declared_stream_length=len(data), image_maximum_buffer_size=MAX_STREAM_BYTES,
                  stream_decoding_work_maximum_length=4 * MAX_STREAM_BYTES, jbig2dec_binary=None,
                  zlib_maximum_recovery_input_length=0, disable_legacy_handling=True)
    complaints = _COMPLAINTS.set([])
    try:
        with apply_configuration(**limits):
            _walk_pdf(data, time.monotonic() + PDF_SECONDS)
        if _COMPLAINTS.get():
            raise _Refused("file.pdf_damaged")  # pypdf had to repair it: not a well-formed PDF
    except _Refused as refused:
        raise ValidationError(refused.key) from None
    except LimitReachedError as limit:  # pypdf's "recovery" of a broken zlib stream is refused, not tried
        raise ValidationError("file.pdf_damaged" if "Recovery" in str(limit) else "file.too_large_expanded") from None
    except FileNotDecryptedError:
        raise ValidationError("file.pdf_encrypted") from None
    except MemoryError:
        raise ValidationError("file.too_large_expanded") from None
    except Exception:  # noqa: BLE001 - whatever a hostile file makes the parser raise, the file is damaged
        raise ValidationError("file.pdf_damaged") from None
    finally:
        _COMPLAINTS.reset(complaints)


def _walk_pdf(data: bytes, deadline: float) -> None:
    reader = PdfReader(io.BytesIO(data), strict=True)
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # a password that only restricts printing or copying opens with ""
        except DependencyError:
            opened = False
        if not opened:
            raise _Refused("file.pdf_encrypted")
    if len(reader.pages) > MAX_PAGES:
        raise _Refused("file.pdf_too_many_pages")
    walk = _Walk(deadline)
    walk.visit(reader.trailer, None)
    for generation, numbers in reader.xref.items():
        for number in numbers:
            if number:
                walk.visit(IndirectObject(number, generation, reader), None)
    for number in reader.xref_objStm:
        walk.visit(IndirectObject(number, 0, reader), None)


class _Walk:
    """Every dictionary, array and stream reachable from where it starts, once each, within budget."""

    def __init__(self, deadline: float):
        self.deadline = deadline
        self.seen: set[tuple[int, int]] = set()
        self.count = 0
        self.decoded = 0

    def visit(self, start, parent_key: str | None) -> None:
        stack = [(start, parent_key)]
        while stack:
            obj, key = stack.pop()
            if isinstance(obj, IndirectObject):
                ref = (obj.idnum, obj.generation)
                if ref in self.seen:
                    continue
                self.seen.add(ref)
                obj = obj.get_object()
                if obj is None:
                    raise _Refused("file.pdf_damaged")  # a reference to nothing: strict parsing refuses it
            if isinstance(obj, DictionaryObject):
                self._tick()
                self._check(obj, key)
                if isinstance(obj, StreamObject):
                    self._decode(obj)
                stack.extend((value, name) for name, value in dict.items(obj))
            elif isinstance(obj, ArrayObject):
                self._tick()
                stack.extend((value, key) for value in list.__iter__(obj))

    def _tick(self) -> None:
        self.count += 1
        if self.count > MAX_OBJECTS:
            raise _Refused("file.too_large_expanded")
        if self.count % 256 == 0 and time.monotonic() > self.deadline:
            raise _Refused("file.pdf_too_slow")

    @staticmethod
    def _check(d: DictionaryObject, key: str | None) -> None:
        keys = set(d.keys())
        kind, subtype, action = (_name(dict.get(d, k)) for k in ("/Type", "/Subtype", "/S"))
        if keys & _EMBEDDED_KEYS or kind == "/EmbeddedFile" or subtype == "/FileAttachment":
            raise _Refused("file.pdf_embedded")
        if keys & _ACTIVE_KEYS or subtype in _ACTIVE_SUBTYPES or action in _DANGEROUS_ACTIONS:
            raise _Refused("file.pdf_active")
        if kind == "/Action" or (key in _ACTION_KEYS and action is not None):
            if action not in (_SAFE_OPEN_ACTIONS if key == "/OpenAction" else _SAFE_ACTIONS):
                raise _Refused("file.pdf_active")

    def _decode(self, stream: StreamObject) -> None:
        """Count what the stream's general-purpose filters expand to (an image codec is left encoded),
        within the per-stream and per-document budgets."""
        size = _decoded_size(stream)
        if size > MAX_STREAM_BYTES:
            raise LimitReachedError("stream")
        self.decoded += size
        if self.decoded > MAX_DECODED_BYTES:
            raise LimitReachedError("document")
        if time.monotonic() > self.deadline:
            raise _Refused("file.pdf_too_slow")


def _decoded_size(stream: StreamObject) -> int:
    generic = []
    for f in _as_list(stream.get("/Filter")):
        if f not in _GENERIC_FILTERS:
            break
        generic.append(f)
    data = stream._data or b""
    if not generic:
        return len(data)
    if generic[-1] in ("/FlateDecode", "/Fl"):  # the usual last step: counted as it inflates, never kept
        try:
            return _inflated_size(_decoded(stream, data, generic[:-1]) if len(generic) > 1 else data)
        except zlib.error:
            pass  # pypdf's own reading decides whether a damaged stream is still readable
    return len(_decoded(stream, data, generic))


def _decoded(stream: StreamObject, data: bytes, filters: list) -> bytes:
    """``data`` through the first ``filters`` of ``stream`` (pypdf's decoders, under its limits)."""
    probe = StreamObject()
    probe._data = data
    probe[NameObject("/Filter")] = ArrayObject(NameObject(f) for f in filters)
    parms = _as_list(stream.get("/DecodeParms"))
    if parms:
        probe[NameObject("/DecodeParms")] = ArrayObject(parms[:len(filters)])
    return decode_stream_data(probe)


def _inflated_size(data: bytes) -> int:
    """How many bytes ``data`` inflates to, a megabyte at a time, stopping past the stream budget."""
    inflater = zlib.decompressobj()
    size, pending = 0, data
    while pending and not inflater.eof:
        size += len(inflater.decompress(pending, _CHUNK))
        if size > MAX_STREAM_BYTES:
            raise LimitReachedError("stream")
        pending = inflater.unconsumed_tail
    return size + len(inflater.flush())


def _name(value) -> str | None:
    value = value.get_object() if isinstance(value, IndirectObject) else value
    return str(value) if isinstance(value, NameObject) else None


def _as_list(value) -> list:
    value = value.get_object() if isinstance(value, IndirectObject) else value
    if value is None:
        return []
    if isinstance(value, ArrayObject):
        return [v.get_object() if isinstance(v, IndirectObject) else v for v in value]
    return [value]


# --- images --------------------------------------------------------------------------------------

def reencoded_image(data: bytes, media_type: str) -> bytes:
    """The picture decoded fully and encoded again (same format and JPEG quality, orientation applied,
    metadata and anything appended dropped); raises ValidationError if it is damaged or too large."""
    fmt = "JPEG" if media_type == JPEG else "PNG"
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as img:
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise ValidationError("file.too_large_expanded")
            if width <= 0 or height <= 0:
                raise ValidationError("file.image_damaged")
            img.load()  # a truncated or corrupt picture raises here (Pillow does not load truncated images)
            options: dict = {}
            if fmt == "JPEG":
                options = {"qtables": img.quantization, "subsampling": JpegImagePlugin.get_sampling(img)}
                if options["subsampling"] == -1:
                    del options["subsampling"]
            elif "transparency" in img.info:
                options["transparency"] = img.info["transparency"]
            if img.info.get("icc_profile"):
                options["icc_profile"] = img.info["icc_profile"]
            clean = ImageOps.exif_transpose(img)  # a copy of the pixels, turned the way the camera meant
            clean.info = {}  # no comment, EXIF or text chunk travels into the saved file
            out = io.BytesIO()
            clean.save(out, format=fmt, **options)
            return out.getvalue()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, MemoryError):
        raise ValidationError("file.too_large_expanded") from None
    except Exception:  # noqa: BLE001 - whatever a hostile file makes the decoder raise, the picture is damaged
        raise ValidationError("file.image_damaged") from None
