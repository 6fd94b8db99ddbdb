"""The printable declaration form (申报表): real Chinese text, every module's rows, masked identity for others."""
from __future__ import annotations

import base64
import re
import shutil
import subprocess
import zlib

import pytest

from core.declaring.form_pdf import FONT, declaration_form_pdf
from core.declaring.records import add_record
from core.declaring.declarations import create_draft
from core.common.errors import NotFound
from core.declaring.evidence import attach_evidence
from core.files.store import minimal_pdf, sniff_media_type
from core.machines.pledge import PLEDGE_TEXT
from tests.world import LEVEL, SAMPLE_ROWS, SERIES, SPECIALTY, YEAR, World

_LITERAL = re.compile(rb"\((?:[^()\\]|\\.)*\)\s*Tj", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


@pytest.fixture(autouse=True)
def store_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TITLES_FILE_STORE", str(tmp_path / "files"))


def _unescape(literal: bytes) -> bytes:
    def one(m: re.Match) -> bytes:
        code = m.group(1)
        return bytes([int(code, 8)]) if code[:1].isdigit() else _ESCAPES.get(code, code)
    return re.sub(rb"\\([0-7]{1,3}|.)", one, literal, flags=re.S)


def _text_without_poppler(pdf: bytes) -> str:
    """The STSong-Light (UCS-2) strings of every page, joined: enough to find phrases without a PDF tool."""
    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        content = zlib.decompress(base64.a85decode(stream.strip()[:-2]))
        for literal in _LITERAL.findall(content):
            raw = _unescape(literal[1:literal.rindex(b")")])
            text.append(raw.decode("utf-16-be", "replace") if len(raw) % 2 == 0 else raw.decode("latin-1"))
    return "".join(text)


def _text(pdf: bytes) -> str:
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
        return re.sub(r"\s+", "", out.stdout.decode("utf-8"))
    return re.sub(r"\s+", "", _text_without_poppler(pdf))


def _declaration(w: World) -> int:
    me = w.actor("applicant")
    d = create_draft(w.session, me, flow="review", year=YEAR, level_code=LEVEL, series_code=SERIES,
                     specialty_code=SPECIALTY, method="exceptional", exceptional_grounds="主持完成省级重点工程",
                     review_type="socialized", committee_id=w.committee_id)
    for module, row in SAMPLE_ROWS.items():
        data = {**row, "certificate_no": "GC2012001"} if module == "education" else row
        rid = add_record(w.session, me, d, module, data)
        if module == "education":
            attach_evidence(w.session, me, d, rid, "本科毕业证书.pdf", minimal_pdf("cert"))
    add_record(w.session, me, d, "achievement", {"kind": "award", "title": "市科技进步二等奖", "date": "2022-11"})
    return d


def test_the_form_is_a_pdf_with_chinese_text_in_the_cid_font(uow):
    with uow.write() as s:
        w = World.build(s)
        d = _declaration(w)
        pdf = declaration_form_pdf(s, w.actor("applicant"), d)
    assert sniff_media_type(pdf) == "application/pdf" and FONT.encode() in pdf
    text = _text(pdf)
    for phrase in ("专业技术职务任职资格申报表", "张三", "市建筑设计院", "工程/土木建筑工程/副高级", "高级工程师", "破格",
                   "主持完成省级重点工程", "省工程系列高级评委会", "草稿(暂存)", "尚未提交", "学历学位信息", "重庆大学",
                   "本科毕业证书.pdf", "业绩成果及论文", "获奖", "市科技进步二等奖", "工作总结", "诚信承诺",
                   "".join(PLEDGE_TEXT.split())[:30]):
        assert phrase in text, phrase


def test_the_owner_sees_the_full_id_number_and_other_units_see_it_masked(uow):
    with uow.write() as s:
        w = World.build(s)
        d = _declaration(w)
        w.drive(d, "relay")
        own = _text(declaration_form_pdf(s, w.actor("applicant"), d))
        verifying = _text(declaration_form_pdf(s, w.actor("unit_op"), d))
        parent = _text(declaration_form_pdf(s, w.actor("dept_op"), d))
        with pytest.raises(NotFound):
            declaration_form_pdf(s, w.actor("sibling_op"), d)
    assert "110101199003070016" in own and "13800001234" in verifying
    assert "110101199003070016" not in parent and "1101**********0016" in parent and "138****1234" in parent
    assert "上级单位流转" in own and "申报人已手动输入上述承诺" in own


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm (poppler-utils) not installed")
def test_the_first_page_renders_to_an_image(sqlite_only, tmp_path):
    with sqlite_only.write() as s:
        w = World.build(s)
        pdf = declaration_form_pdf(s, w.actor("applicant"), _declaration(w))
    (tmp_path / "form.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(tmp_path / "form.pdf"),
                    str(tmp_path / "page")], check=True)
    page = next(tmp_path.glob("page*.png")).read_bytes()
    assert page.startswith(b"\x89PNG") and len(page) > 10_000


def test_the_fallback_text_reader_agrees_with_the_form(sqlite_only):
    with sqlite_only.write() as s:
        w = World.build(s)
        text = _text_without_poppler(declaration_form_pdf(s, w.actor("applicant"), _declaration(w)))
    assert "专业技术职务任职资格申报表" in text and "重庆大学" in text
