"""The rows of each declaration module, declared as data: fields, types, limits and evidence rules.

002 fig. 1-13/1-14 and 004 ch.2-3: each module (education, qualifications, ...) holds rows that
are added, edited and removed, each row with its own evidence upload. Validation has two depths
so that 暂存 works at any time: ``save`` checks what a row may never hold (wrong types, bad dates,
overlong text, unknown choices), ``submit`` adds what a complete row must have (required fields,
minimum lengths). Evidence rules are checked at submit, since files are uploaded after the row
exists ("填写证书编号后必须上传对应的材料", 004 fig. 6/10).

Every problem is a catalogue key ``rec.<module>.<field>.<kind>``, generated here with its text
(core.msg_applicant), so the engine can list them among the other missing items.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

TEXT, LONG, DATE, UNTIL, CHOICE, FLAG = "text", "long", "date", "until", "choice", "flag"
PRESENT = ("至今", "present", "")  # an open end of a work period ("至今")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
MAX_ROWS = 50


@dataclass(frozen=True)
class Field:
    name: str
    zh: str
    en: str
    kind: str = TEXT
    required: bool = False
    max_len: int = 100
    min_len: int = 0
    choices: tuple[tuple[str, str, str], ...] = ()  # (code, zh, en)


@dataclass(frozen=True)
class ModuleSchema:
    module: str
    zh: str
    en: str
    fields: tuple[Field, ...]
    evidence: str = "optional"  # none / optional / required / "if:<field>" (required once that field is filled)
    single: bool = False  # one row only (the work summary)
    period: tuple[str, str] | None = None  # (from, to): to may not be before from

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


ACHIEVEMENT_KINDS = (("paper", "论文", "Paper"), ("award", "获奖", "Award"), ("project", "项目", "Project"),
                     ("patent", "专利", "Patent"))
_CERT = Field("certificate_no", "证书编号", "certificate number", max_len=64)

SCHEMAS: dict[str, ModuleSchema] = {s.module: s for s in (
    ModuleSchema("education", "学历学位信息", "Education", (
        Field("school", "毕业院校", "school", required=True), Field("major", "所学专业", "major", required=True),
        Field("degree", "学历学位", "degree", required=True, max_len=50),
        Field("start", "入学时间", "start", DATE), Field("end", "毕业时间", "graduation date", DATE, required=True),
        _CERT, Field("full_time", "全日制", "full-time", FLAG)), evidence="if:certificate_no", period=("start", "end")),
    ModuleSchema("qualification", "专业技术资格", "Qualifications", (
        Field("name", "资格名称", "title", required=True), Field("level", "资格级别", "level", max_len=50),
        Field("obtained_on", "取得时间", "date obtained", DATE, required=True),
        Field("issuer", "发证机关", "issuer", max_len=200), _CERT), evidence="if:certificate_no"),
    ModuleSchema("work_history", "工作经历", "Work history", (
        Field("employer", "工作单位", "employer", required=True, max_len=200),
        Field("position", "职务/岗位", "position", required=True),
        Field("start", "起始时间", "from", DATE, required=True), Field("end", "截止时间", "to", UNTIL),
        Field("duties", "工作内容", "duties", LONG, max_len=1000)), period=("start", "end")),
    ModuleSchema("achievement", "业绩成果及论文", "Achievements and papers", (
        Field("kind", "类别", "kind", CHOICE, required=True, choices=ACHIEVEMENT_KINDS),
        Field("title", "名称/题目", "title", required=True, max_len=200),
        Field("date", "时间", "date", DATE, required=True),
        Field("description", "说明", "description", LONG, max_len=2000),
        Field("journal", "刊物", "journal", max_len=200), Field("role", "本人作用/排名", "role", max_len=50),
        Field("issuer", "颁发单位", "issuer", max_len=200), Field("grade", "等级", "grade", max_len=50))),
    ModuleSchema("work_summary", "工作总结", "Work summary", (
        Field("text", "工作总结", "work summary", LONG, required=True, min_len=200, max_len=5000),),
        evidence="none", single=True),
    ModuleSchema("unit_publicity_proof", "单位公示及结果报告证明", "Unit publicity proof", (
        Field("title", "材料名称", "title", required=True),), evidence="required"),
    ModuleSchema("other", "其他材料", "Other materials", (
        Field("title", "材料名称", "title", required=True),
        Field("description", "说明", "description", LONG, max_len=1000)), evidence="required"),
    ModuleSchema("supplement", "政策性审查未通过补充材料", "Supplementary materials", (
        Field("title", "材料名称", "title", required=True),
        Field("description", "补充说明", "description", LONG, required=True, max_len=2000),
        Field("sealed_by_unit", "已加盖单位公章", "sealed by the unit", FLAG)), evidence="required"),
)}


def schema(module: str) -> ModuleSchema | None:
    return SCHEMAS.get(module)


def parse_date(value: str) -> dt.date | None:
    """'YYYY-MM-DD' or 'YYYY-MM' (the first of that month); None if neither."""
    m = DATE_RE.match(value)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3] or 1))
    except ValueError:
        return None


def clean_row(module: str, data: dict[str, Any]) -> dict[str, Any]:
    """The row's declared fields only: text stripped, flags as booleans, empty values dropped."""
    s = SCHEMAS[module]
    row: dict[str, Any] = {}
    for f in s.fields:
        value = data.get(f.name)
        if f.kind == FLAG:
            if value is not None:
                row[f.name] = bool(value)
            continue
        if value is None:
            continue
        text = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
        if text:
            row[f.name] = text
    return row


def _field_problem(f: Field, value: Any, today: dt.date | None, strict: bool) -> str | None:
    if f.kind == FLAG or value in (None, ""):
        return "required" if strict and f.required and f.kind != FLAG else None
    text = str(value)
    if len(text) > f.max_len:
        return "too_long"
    if f.kind == CHOICE and text not in {c for c, _, _ in f.choices}:
        return "bad_choice"
    if f.kind in (DATE, UNTIL) and not (f.kind == UNTIL and text in PRESENT):
        day = parse_date(text)
        if day is None:
            return "bad_date"
        if today is not None and day > today:
            return "future"
    if strict and len(text) < f.min_len:
        return "too_short"
    return None


def row_problems(module: str, data: dict[str, Any], *, strict: bool, today: dt.date | None = None) -> list[str]:
    """Message keys of everything wrong with one row (``strict``: as a complete row at submit)."""
    s = SCHEMAS[module]
    problems = [f"rec.{module}.{f.name}.{kind}" for f in s.fields
                if (kind := _field_problem(f, data.get(f.name), today, strict))]
    if s.period:
        start, end = (parse_date(str(data.get(n) or "")) for n in s.period)
        if start and end and end < start:
            problems.append(f"rec.{module}.{s.period[1]}.order")
    return problems


def needs_evidence(module: str, data: dict[str, Any]) -> bool:
    """Whether a complete row of this module must carry at least one evidence file."""
    rule = SCHEMAS[module].evidence
    if rule.startswith("if:"):
        return bool(str(data.get(rule[3:]) or "").strip())
    return rule == "required"


def accepts_evidence(module: str) -> bool:
    return SCHEMAS[module].evidence != "none"


_KINDS = {
    "required": ("请填写{f}", "{f} is required"),
    "too_long": ("{f}不能超过 {max} 个字", "{f} may have at most {max} characters"),
    "too_short": ("{f}不能少于 {min} 个字", "{f} needs at least {min} characters"),
    "bad_choice": ("请从列表中选择{f}", "Choose {f} from the list"),
    "bad_date": ("{f}格式应为 年-月-日 或 年-月（如 2015-07-01、2015-07）", "{f} must be a date like 2015-07-01 or 2015-07"),
    "future": ("{f}不能晚于今天", "{f} cannot be in the future"),
}


def catalogue() -> dict[str, dict[str, str]]:
    """Generated messages for every (module, field, problem) and each module's evidence rule."""
    out: dict[str, dict[str, str]] = {}
    for s in SCHEMAS.values():
        for f in s.fields:
            for kind, (zh, en) in _KINDS.items():
                out[f"rec.{s.module}.{f.name}.{kind}"] = {
                    "zh": f"{s.zh}：" + zh.format(f=f.zh, max=f.max_len, min=f.min_len),
                    "en": f"{s.en}: " + en.format(f=f.en, max=f.max_len, min=f.min_len)}
        if s.period:
            (a, b) = (s.field(n) for n in s.period)
            out[f"rec.{s.module}.{b.name}.order"] = {"zh": f"{s.zh}：{b.zh}不能早于{a.zh}",
                                                     "en": f"{s.en}: {b.en} cannot be before {a.en}"}
        out[f"rec.{s.module}.evidence"] = {"zh": f"{s.zh}：{_evidence_zh(s)}", "en": f"{s.en}: {_evidence_en(s)}"}
    return out


def _evidence_zh(s: ModuleSchema) -> str:
    if s.evidence.startswith("if:"):
        return f"填写了{s.field(s.evidence[3:]).zh}的条目须上传对应的证明材料"
    return "每一条都须上传证明材料" + ("（须加盖单位公章）" if s.module == "supplement" else "")


def _evidence_en(s: ModuleSchema) -> str:
    if s.evidence.startswith("if:"):
        return f"a row with a {s.field(s.evidence[3:]).en} needs its evidence file"
    return "every row needs its evidence file" + (" (sealed by the unit)" if s.module == "supplement" else "")
