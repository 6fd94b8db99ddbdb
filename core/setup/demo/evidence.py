"""What guards look for besides the declaration itself: publicity batches and objections, the unit's
proof of recommendation, supplementary materials, and the committee's evaluation filing.

Batches are shared the way real ones are: a unit publishes the declarations it approved together,
a committee publishes a week's candidates or results in one notice (the batch key holds the dates).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from core.setup.demo.clock import at
from core.setup.demo.context import Ctx
from core.setup.demo.files import store_pdf
from db.models import Attachment, Committee, DeclarationRecord, FilingRecord, Objection, PublicityBatch, PublicityItem

KIND_TITLE = {"unit": "职称申报人员公示", "candidate": "拟送评人员名单公示", "result": "职称评审结果公示",
              "failed_review": "政策性审查未通过人员名单公示"}
OBJECTIONS = ("反映该申报人论文存在代写嫌疑。", "反映该申报人任职年限不足，与实际工作经历不符。",
              "反映该申报人年度考核结果与申报材料不一致。")
DISMISSALS = ("经核查，论文为本人独立完成，反映问题不属实。", "经核实，申报人任职年限符合规定，反映问题不属实。")


def publicize(ctx: Ctx, declaration_id: int, kind: str, owner_unit_id: int, window: tuple[dt.date, dt.date],
              committee: Committee | None = None) -> int:
    """Put the declaration into the owner's published batch for that window (creating it once)."""
    key = (kind, owner_unit_id, committee.id if committee else None, window)
    if key not in ctx.batches:
        starts, ends = window
        subject = committee.name if committee else ctx.unit_names[owner_unit_id]
        actor = ctx.committee_ops.get(owner_unit_id) if committee else ctx.ops.get(owner_unit_id)
        contact = ctx.op_contacts.get(owner_unit_id, ("", ""))
        batch = PublicityBatch(
            kind=kind, owner_unit_id=owner_unit_id, committee_id=committee.id if committee else None,
            title=f"{subject}{KIND_TITLE[kind]}（{starts:%Y年%m月%d日}）",
            body=(f"现将有关人员名单予以公示，公示期为{starts:%Y年%m月%d日}至{ends:%Y年%m月%d日}。"
                  f"公示期间如有异议，请以书面形式实名反映，联系人：{contact[0]}。"),
            starts_on=starts, ends_on=ends, status="published", is_public=True,
            created_by=actor.account_id if actor else None, created_at=at(starts, 8, ctx.rng.randint(30, 59)))
        ctx.session.add(batch)
        ctx.session.flush()
        ctx.batches[key] = batch.id
    ctx.session.add(PublicityItem(batch_id=ctx.batches[key], declaration_id=declaration_id))
    ctx.session.flush()
    return ctx.batches[key]


def objection(ctx: Ctx, declaration_id: int, batch_id: int, window: tuple[dt.date, dt.date], *,
              dismissed: bool) -> None:
    """A named objection during the publicity, dismissed after checking or still open."""
    starts, ends = window
    latest = max(starts, min(ends, ctx.today - dt.timedelta(days=1)))  # never in the future
    raised = at(starts + dt.timedelta(days=ctx.rng.randint(0, (latest - starts).days)), 10, ctx.rng.randint(0, 59))
    raised = min(raised, ctx.now - dt.timedelta(hours=1))
    ctx.session.add(Objection(
        declaration_id=declaration_id, batch_id=batch_id, raised_by_name=ctx.ids.name(ctx.rng.random() < 0.5),
        contact=ctx.ids.mobile(), text=ctx.rng.choice(OBJECTIONS), status="dismissed" if dismissed else "open",
        resolution=ctx.rng.choice(DISMISSALS) if dismissed else None, created_at=raised,
        resolved_at=at(ends, 16, ctx.rng.randint(0, 59)) if dismissed else None))
    ctx.session.flush()


def attach_unit_proof(ctx: Ctx, declaration_id: int, unit_id: int, now: dt.datetime) -> None:
    """The unit's signed recommendation and publicity report: one PDF per unit, attached to each dossier."""
    key = f"proof:{unit_id}"
    if key not in ctx.files:
        name = ctx.unit_names[unit_id]
        ctx.files[key] = store_pdf(ctx.session, "单位推荐意见及公示情况说明", [
            f"推荐单位：{name}", f"{ctx.year}年度职称申报人员已在本单位公示五个工作日，公示期间无异议。",
            "经单位研究，同意推荐上述人员参加职称评审。", "（单位盖章）"])
    ctx.session.add(Attachment(declaration_id=declaration_id, owner_unit_id=unit_id, purpose="unit_proof",
                               sha256=ctx.files[key], original_name=f"{ctx.unit_names[unit_id]}推荐意见.pdf",
                               uploaded_by=ctx.ops[unit_id].account_id, uploaded_at=now))
    ctx.session.flush()


def attach_certificates(ctx: Ctx, declaration_id: int, rows: list[DeclarationRecord], uploader: int,
                        now: dt.datetime) -> None:
    """A scan on every row with a certificate number: submit requires one (core.declaring.record_schema)."""
    needing = [r for r in rows if r.data.get("certificate_no")]
    if not needing:
        return
    ctx.session.flush()
    if "certificate" not in ctx.files:
        ctx.files["certificate"] = store_pdf(ctx.session, "证书扫描件", ["（演示数据：证书扫描件）"])
    ctx.session.add_all(Attachment(declaration_id=declaration_id, record_id=r.id, purpose="evidence",
                                   sha256=ctx.files["certificate"], original_name=f"{r.data.get('name', '证书')}证书.pdf",
                                   uploaded_by=uploader, uploaded_at=now) for r in needing)


def add_supplement(ctx: Ctx, declaration_id: int, data: dict, applicant_name: str, uploader: int,
                   now: dt.datetime) -> None:
    """The supplementary material (sealed by the unit) a resubmission from supplement requires."""
    position = ctx.session.scalar(select(func.count()).select_from(DeclarationRecord).where(
        DeclarationRecord.declaration_id == declaration_id, DeclarationRecord.module == "supplement"))
    record = DeclarationRecord(declaration_id=declaration_id, module="supplement", position=position, data=data,
                               created_at=now, updated_at=now)
    ctx.session.add(record)
    ctx.session.flush()
    sha = store_pdf(ctx.session, "补充材料", [f"申报人：{applicant_name}", data["description"], "（单位盖章）"])
    ctx.session.add(Attachment(declaration_id=declaration_id, record_id=record.id, purpose="supplement", sha256=sha,
                               original_name="补充材料.pdf", uploaded_by=uploader, uploaded_at=now))
    ctx.session.flush()


def filing_record(ctx: Ctx, committee: Committee, day: dt.date | None, now: dt.datetime) -> FilingRecord:
    """The evaluation filing of one meeting (§6.2.11) with its four attachments."""
    key = (committee.id, day)
    if key not in ctx.filings:
        names = {"committee_notice": "评委会组建通知", "result_list": "评审结果公示名单",
                 "publicity_report": "公示情况报告", "qualification_document": "职称资格文件"}
        files = {k: store_pdf(ctx.session, title, [committee.name, f"评审日期：{day or ''}"]) for k, title in names.items()}
        record = FilingRecord(committee_id=committee.id, year=committee.year, status="submitted", attachments=files,
                              submitted_at=now)
        ctx.session.add(record)
        ctx.session.flush()
        ctx.filings[key] = record
    return ctx.filings[key]
