"""The decision table (评审表决表) of a tallied panel session, as data, as .xlsx and as a Chinese PDF.

``build(uow, actor, session_id)`` reads the confirmed tally (``TallyResult``: the committee's decision and
the group's recommendation) for the committee unit's operators and the session's chair and vice chairs,
the same scope as ``core.panel.views.results``; before the tally it refuses. Every tally row's hash is
checked again (``core.panel.voting.result_hash``): a row whose figures no longer match its hash is
refused, never printed. The documents carry a short digest of the rows' hashes (``digest_of``), so a
printout can be checked against the database.

``excel_bytes(table)`` and ``pdf_bytes(table)`` render the same table (A4 landscape for the PDF) with the
signatures block (主任委员签字, 监票人, 计票人, 日期). Text cells of the sheet go through
``core.common.spreadsheet.safe_cell``, so an applicant's or unit's name never runs as a formula.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.common.errors import InvalidAction
from core.common.i18n import t
from core.common.spreadsheet import safe_cell
from core.declaring.form_pdf import CHINA_TZ, cjk_font
from core.machines.spec import Actor
from core.panel import rules
from core.panel.access import viewer_session
from core.panel.facts import committee_counts
from core.panel.voting import result_hash
from db.models import Committee, Declaration, Level, PanelSession, Person, Series, Specialty, TallyResult, Unit
from db.uow import UnitOfWork
from core.refusals import refusals_audited

HEADERS = ("panel_table.col.number", "panel_table.col.name", "panel_table.col.unit", "panel_table.col.title",
           "panel_table.col.level", "panel_table.col.members", "panel_table.col.present", "panel_table.col.yes",
           "panel_table.col.no", "panel_table.col.abstain", "panel_table.col.result", "panel_table.col.group")
SIGNATURES = ("panel_table.sign.chair", "panel_table.sign.scrutineer", "panel_table.sign.counter",
              "panel_table.sign.date")
DIGEST_LENGTH = 16  # hex characters printed (64 bits): enough to tell a printout from another


@dataclass(frozen=True)
class TableRow:
    number: int                 # 序号
    declaration_id: int
    applicant: str              # 姓名
    unit: str                   # 工作单位
    series: str                 # 申报系列
    specialty: str              # 申报专业
    level: str                  # 申报资格
    members: int                # 应到
    present: int                # 实到
    yes: int                    # 同意
    no: int                     # 不同意
    abstain: int                # 弃权
    passed: bool                # 表决结果
    group_passed: bool | None   # the review group's recommendation (None: no group count)
    record_hash: str


@dataclass(frozen=True)
class DecisionTable:
    session_id: int
    committee: str
    title: str
    year: int
    meeting_on: dt.date | None
    tallied_at: dt.datetime      # Asia/Shanghai local time
    members: int                 # the committee's voting members (应到)
    present: int                 # signed in at the tally (实到)
    rows: tuple[TableRow, ...]
    record_hashes: tuple[str, ...]   # every tally row of the session (committee and group), by dossier and stage
    digest: str                      # digest_of(record_hashes), printed on the documents
    lang: str = "zh"

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.rows)


def digest_of(record_hashes: tuple[str, ...] | list[str]) -> str:
    """The short check code printed on a table: sha256 of the rows' hashes, one per line, first 16 hex
    characters in groups of four (``3F2A-…``). Recompute it from ``tally_result.record_hash`` ordered by
    declaration and stage (``committee`` before ``group``)."""
    code = hashlib.sha256("\n".join(record_hashes).encode()).hexdigest()[:DIGEST_LENGTH].upper()
    return "-".join(code[i:i + 4] for i in range(0, DIGEST_LENGTH, 4))


@refusals_audited
def build(uow: UnitOfWork, actor: Actor, session_id: int, *, lang: str = "zh") -> DecisionTable:
    """The 评审表决表 of a tallied session the actor may see (its committee unit's operator, its chair or a vice
    chair; NotFound otherwise). Refused before the tally and when a tally row no longer matches its hash."""
    with uow.read() as s:
        panel = viewer_session(s, actor, session_id, rules.CONSOLE_DUTIES)
        if panel.status != "tallied":
            raise InvalidAction("panel_table.not_tallied")
        return _table(s, panel, lang)


def _table(s: Session, panel: PanelSession, lang: str) -> DecisionTable:
    tallies = list(s.scalars(select(TallyResult).where(TallyResult.session_id == panel.id)
                             .order_by(TallyResult.declaration_id, TallyResult.stage)))
    if any(row.record_hash != result_hash(row) for row in tallies):
        raise InvalidAction("panel_table.hash_mismatch")
    group = {r.declaration_id: r.passed for r in tallies if r.stage == "group"}
    committee = {r.declaration_id: r for r in tallies if r.stage == "committee"}
    if not committee:
        raise InvalidAction("panel_table.not_tallied")
    zh = lang == "zh"
    names = s.execute(select(Declaration.id, Person.name, Unit.name, Series.name_zh if zh else Series.name_en,
                             Specialty.name_zh if zh else Specialty.name_en, Level.name_zh if zh else Level.name_en,
                             Declaration.series_code, Declaration.specialty_code, Declaration.level_code)
                      .join(Person, Person.id == Declaration.applicant_person_id)
                      .join(Unit, Unit.id == Declaration.unit_id)
                      .outerjoin(Series, Series.code == Declaration.series_code)
                      .outerjoin(Specialty, Specialty.code == Declaration.specialty_code)
                      .outerjoin(Level, Level.code == Declaration.level_code)
                      .where(Declaration.id.in_(list(committee))))
    found = {r[0]: r for r in names}
    rows = []
    for number, declaration_id in enumerate(sorted(committee), start=1):
        _, person, unit, series, specialty, level, series_code, specialty_code, level_code = found[declaration_id]
        r = committee[declaration_id]
        rows.append(TableRow(number, declaration_id, person, unit, series or series_code or "",
                             specialty or specialty_code or "", level or level_code or "", r.members, r.present,
                             r.yes, r.no, r.abstain, r.passed, group.get(declaration_id), r.record_hash))
    members, present = committee_counts(s, panel.id)
    tallied = panel.tallied_at or s.scalar(select(func.max(TallyResult.confirmed_at)).where(
        TallyResult.session_id == panel.id, TallyResult.stage == "committee"))
    committee_name = s.scalar(select(Committee.name).where(Committee.id == panel.committee_id)) or ""
    hashes = tuple(r.record_hash for r in tallies)
    return DecisionTable(panel.id, committee_name, panel.title, panel.year, panel.meeting_on,
                         tallied.astimezone(CHINA_TZ), members, present, tuple(rows), hashes, digest_of(hashes), lang)


# --- the shared wording -----------------------------------------------------------------------------------

def _title(table: DecisionTable) -> str:
    return t("panel_table.title", table.lang)


def _heading_lines(table: DecisionTable) -> list[str]:
    lang = table.lang
    date = table.meeting_on.isoformat() if table.meeting_on else t("panel_table.no_date", lang)
    return [t("panel_table.committee", lang, name=table.committee) + "    "
            + t("panel_table.session", lang, title=table.title) + "    " + t("panel_table.year", lang, year=table.year),
            t("panel_table.meeting_on", lang, date=date) + "    "
            + t("panel_table.tallied_at", lang, time=table.tallied_at.strftime("%Y-%m-%d %H:%M")) + "    "
            + t("panel_table.attendance", lang, members=table.members, present=table.present)]


def _cells(table: DecisionTable, row: TableRow) -> list:
    lang = table.lang
    group = ("panel_table.group.none" if row.group_passed is None
             else "panel_table.group.passed" if row.group_passed else "panel_table.group.failed")
    title = "/".join(x for x in (row.series, row.specialty) if x)
    return [row.number, row.applicant, row.unit, title, row.level, row.members, row.present, row.yes, row.no,
            row.abstain, t("panel_table.result.passed" if row.passed else "panel_table.result.failed", lang),
            t(group, lang)]


def _summary(table: DecisionTable) -> str:
    total = len(table.rows)
    return t("panel_table.summary", table.lang, total=total, passed=table.passed, failed=total - table.passed)


def _check_line(table: DecisionTable) -> str:
    return t("panel_table.digest", table.lang, digest=table.digest, count=len(table.record_hashes))


# --- Excel -----------------------------------------------------------------------------------------------

def excel_bytes(table: DecisionTable) -> bytes:
    """The table as one .xlsx sheet: title, session lines, headers, rows, summary, signatures, check code."""
    lang = table.lang
    book = Workbook()
    sheet = book.active
    sheet.title = t("panel_table.sheet", lang)[:31]
    width = len(HEADERS)
    thin = Side(style="thin")
    grid = Border(left=thin, right=thin, top=thin, bottom=thin)

    def line(text: str, *, bold: bool = False, size: int = 11, center: bool = False) -> None:
        sheet.append([safe_cell(text)])
        n = sheet.max_row
        sheet.merge_cells(start_row=n, start_column=1, end_row=n, end_column=width)
        cell = sheet.cell(n, 1)
        cell.font = Font(bold=bold, size=size)
        cell.alignment = Alignment(horizontal="center" if center else "left", vertical="center", wrap_text=True)

    line(f"{table.committee} {_title(table)}", bold=True, size=16, center=True)
    for text in _heading_lines(table):
        line(text)
    sheet.append([safe_cell(t(h, lang)) for h in HEADERS])
    header_row = sheet.max_row
    for row in table.rows:
        sheet.append([safe_cell(v) for v in _cells(table, row)])
    for r in sheet.iter_rows(min_row=header_row, max_row=sheet.max_row, max_col=width):
        for cell in r:
            cell.border = grid
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if cell.row == header_row:
                cell.font = Font(bold=True)
    line(_summary(table))
    sheet.append([])
    signatures: list = [None] * width
    for n, key in enumerate(SIGNATURES):  # a label every third column, room to sign after it
        signatures[n * 3] = safe_cell(t(key, lang) + "：")
    sheet.append(signatures)
    sheet.row_dimensions[sheet.max_row].height = 36
    line(_check_line(table), size=9)
    for index, size in enumerate((6, 12, 24, 22, 10, 8, 8, 8, 8, 8, 10, 12), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = size
    sheet.print_options.horizontalCentered = True
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = f"{header_row}:{header_row}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------------------------

def _styles() -> dict:
    base = dict(fontName=cjk_font(), wordWrap="CJK")
    return {"title": ParagraphStyle("dt-title", fontSize=18, leading=26, alignment=1, spaceAfter=4, **base),
            "sub": ParagraphStyle("dt-sub", fontSize=10, leading=15, alignment=1, **base),
            "cell": ParagraphStyle("dt-cell", fontSize=9, leading=12, alignment=1, **base),
            "p": ParagraphStyle("dt-p", fontSize=10, leading=15, **base)}


def pdf_bytes(table: DecisionTable) -> bytes:
    """The table as an A4 landscape PDF in Chinese (STSong-Light), the check code on every page."""
    lang, st = table.lang, _styles()
    cell = st["cell"]
    data = [[Paragraph(escape(t(h, lang)), cell) for h in HEADERS]]
    data += [[Paragraph(escape(str(v)), cell) for v in _cells(table, row)] for row in table.rows]
    widths = [m * mm for m in (11, 22, 50, 44, 18, 18, 18, 15, 16, 15, 20, 24)]  # 271 of 273 mm
    grid = Table(data, colWidths=widths, repeatRows=1)
    grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                              ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                              ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E0E6EE"))]))
    signature = Table([[Paragraph(escape(t(key, lang) + "："), st["p"]) for key in SIGNATURES]],
                      colWidths=[68 * mm] * len(SIGNATURES), rowHeights=[16 * mm])
    signature.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    story = [Paragraph(escape(f"{table.committee} {_title(table)}"), st["title"]),
             *[Paragraph(escape(text), st["sub"]) for text in _heading_lines(table)], Spacer(1, 4 * mm), grid,
             Spacer(1, 3 * mm), KeepTogether([Paragraph(escape(_summary(table)), st["p"]), signature])]
    page = landscape(A4)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=page, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=14 * mm,
                            bottomMargin=16 * mm, title=_title(table), author="",
                            subject=f"panel session {table.session_id}")

    def footer(canvas, document) -> None:
        canvas.setFont(cjk_font(), 8)
        canvas.drawString(12 * mm, 8 * mm, _check_line(table))
        canvas.drawRightString(page[0] - 12 * mm, 8 * mm, t("panel_table.page", lang, n=document.page))

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
