"""The printable declaration form (申报表, 004 ch.2: "打印出申报表一式两份") as a PDF.

Rendered with reportlab's built-in CID font STSong-Light, which every PDF reader supplies, so
Chinese text shows without shipping a font file. The form is read-side: anyone who may see the
declaration may print it (core.declaring.dossier.access_declaration); the full ID number and phone appear
only for the applicant and the employer that verifies them (rules.md, PIPL), masked for others.
"""
from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.declaring.records import RecordView, list_records
from core.declaring.dossier import access_declaration
from core.common.i18n import t
from core.common.masking import mask_id_number, mask_phone
from core.machines.pledge import PLEDGE_TEXT
from core.declaring.record_schema import FLAG, SCHEMAS, Field
from core.workflow import Actor
from db.base import utcnow
from db.models import Committee, Declaration, Level, Person, Series, Specialty, TitleName, Unit

FONT = "STSong-Light"
CHINA_TZ = dt.timezone(dt.timedelta(hours=8))
UNSUBMITTED = frozenset({"draft"})


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """Register the built-in Chinese CID font once and return its name (for every printed document)."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


@lru_cache(maxsize=1)
def _styles() -> dict:
    base = dict(fontName=cjk_font(), wordWrap="CJK")
    return {"title": ParagraphStyle("title", fontSize=18, leading=26, alignment=1, spaceAfter=6, **base),
            "sub": ParagraphStyle("sub", fontSize=9, leading=13, alignment=1, spaceAfter=8, **base),
            "h": ParagraphStyle("h", fontSize=12.5, leading=18, spaceBefore=10, spaceAfter=4, **base),
            "m": ParagraphStyle("m", fontSize=11, leading=16, spaceBefore=6, spaceAfter=2, **base),
            "p": ParagraphStyle("p", fontSize=10, leading=15, **base)}


def _local(moment: dt.datetime | None) -> str:
    return moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") if moment else ""


def _name(session: Session, model, key: str | None, lang: str) -> str:
    row = session.get(model, key) if key else None
    return (row.name_zh if lang == "zh" else row.name_en) if row else (key or "")


def _sees_full_identity(actor: Actor, d: Declaration) -> bool:
    own = actor.role == "applicant" and actor.person_id == d.applicant_person_id
    verifying = actor.role in ("unit_operator", "unit_admin") and actor.unit_id == d.unit_id
    return own or verifying


def _applicant_rows(session: Session, actor: Actor, d: Declaration, lang: str) -> list[tuple[str, str]]:
    person = session.get(Person, d.applicant_person_id)
    full = _sees_full_identity(actor, d)
    id_number = (person.id_number or "") if full else mask_id_number(person.id_number)
    phone = (person.phone or "") if full else mask_phone(person.phone)
    unit = session.scalar(select(Unit.name).where(Unit.id == d.unit_id)) or ""
    return [(t("detail.applicant", lang), person.name), (t("detail.id_number", lang), id_number),
            (t("detail.phone", lang), phone), (t("detail.unit", lang), unit)]


def _declared_rows(session: Session, d: Declaration, lang: str) -> list[tuple[str, str]]:
    title = session.get(TitleName, (d.series_code, d.level_code))
    rows = [(t("detail.year", lang), str(d.year)), (t("label.decl.flow", lang), t(f"flow.{d.flow}", lang)),
            (t("detail.title_sought", lang), " / ".join(x for x in (
                _name(session, Series, d.series_code, lang), _name(session, Specialty, d.specialty_code, lang),
                _name(session, Level, d.level_code, lang)) if x)),
            (t("form.title_name", lang), (title.name_zh if lang == "zh" else title.name_en) if title else ""),
            (t("detail.method", lang), t(f"method.{d.method}", lang))]
    if d.method == "exceptional":
        rows.append((t("form.grounds", lang), d.exceptional_grounds or ""))
    if d.flow == "review":
        committee = session.scalar(select(Committee.name).where(Committee.id == d.committee_id)) \
            if d.committee_id else None
        rows += [(t("detail.review_type", lang), t(f"review_type.{d.review_type}", lang) if d.review_type else ""),
                 (t("detail.committee", lang), committee or "")]
    rows += [(t("form.state", lang), t(f"state.{d.state}", lang)),
             (t("form.submitted_at", lang), _local(d.submitted_at) or t("form.not_submitted", lang))]
    return rows


def _table(rows: list[tuple[str, str]], widths: tuple[float, float], heading: str | None = None):
    """A two-column grid of label and value, optionally under a heading row spanning both columns."""
    p = _styles()["p"]
    data = [[Paragraph(escape(k), p), Paragraph(escape(v), p)] for k, v in rows]
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F2F2F2"))]
    if heading:
        data.insert(0, [Paragraph(escape(heading), p), ""])
        style += [("SPAN", (0, 0), (1, 0)), ("BACKGROUND", (0, 0), (1, 0), colors.HexColor("#E0E6EE"))]
    table = Table(data, colWidths=widths, repeatRows=1 if heading else 0)
    table.setStyle(TableStyle(style))
    return table


def _record_flowables(records: dict[str, list[RecordView]], lang: str, widths: tuple[float, float]) -> list:
    """Each module in form order: its heading, then one grid per row with the row's evidence file names."""
    st = _styles()
    out: list = []
    for module, schema in SCHEMAS.items():
        rows = records.get(module, [])
        if not rows and module == "supplement":
            continue
        blocks: list = []
        for n, row in enumerate(rows, start=1):
            cells = [(t(f"label.field.{module}.{f.name}", lang), _value(f, row.data[f.name], lang))
                     for f in schema.fields if row.data.get(f.name) not in (None, "")]
            if row.files:
                cells.append((t("form.evidence", lang), "；".join(f.name for f in row.files)))
            blocks.append(_table(cells, widths, t("form.row", lang, n=n)))
        heading = Paragraph(escape(t(f"label.module.{module}", lang)), st["m"])
        first = blocks[0] if blocks else Paragraph(escape(t("form.no_rows", lang)), st["p"])
        out += [KeepTogether([heading, first]), *blocks[1:]]
    return out


def _value(f: Field, value: object, lang: str) -> str:
    if f.kind == FLAG:
        return t("form.yes" if value else "form.no", lang)
    label = next(((zh, en) for code, zh, en in f.choices if code == value), None)
    return (label[0] if lang == "zh" else label[1]) if label else str(value)


def declaration_form_pdf(session: Session, actor: Actor, declaration_id: int, lang: str = "zh",
                         now: dt.datetime | None = None) -> bytes:
    """The 申报表 of a declaration the actor may see, as PDF bytes (A4, Chinese rendered by STSong-Light)."""
    d = access_declaration(session, actor, declaration_id)
    st, widths = _styles(), (42 * mm, 128 * mm)
    title = t("form.title_initial" if d.flow == "initial_determination" else "form.title", lang)
    printed = escape(t("form.subtitle", lang, id=d.id, time=_local(now or utcnow())))
    story = [Paragraph(escape(title), st["title"]), Paragraph(printed, st["sub"]),
             Paragraph(escape(t("form.basic", lang)), st["h"]),
             _table(_applicant_rows(session, actor, d, lang), widths),
             Paragraph(escape(t("form.declared", lang)), st["h"]), _table(_declared_rows(session, d, lang), widths),
             Paragraph(escape(t("form.records", lang)), st["h"]),
             *_record_flowables(list_records(session, actor, d.id), lang, widths),
             KeepTogether([Paragraph(escape(t("form.pledge", lang)), st["h"]), Paragraph(escape(PLEDGE_TEXT), st["p"]),
                           Paragraph(escape(t("form.pledge_unsigned" if d.state in UNSUBMITTED
                                              else "form.pledge_signed", lang)), st["p"])])]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=title, author="", subject=f"declaration {d.id}")

    def footer(canvas, document) -> None:
        canvas.setFont(FONT, 8)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, t("form.page", lang, n=document.page))

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
