"""Catalogue entries of the unit and relay workspaces' core (publicity, objections, recommendation,
reporting paths, batches, exports, work lists). Merged into core.messages.MESSAGES."""
from __future__ import annotations

_ENTRIES: dict[str, tuple[str, str]] = {
    # --- working days ------------------------------------------------------------------------------
    "workdays.not_covered": ("系统尚无 {year} 年的国家法定节假日安排（目前支持 {first}–{last} 年），无法计算工作日",
                             "The official holiday calendar of {year} is not available (covered: {first}–{last})"),
    "workdays.too_short": ("公示期不得少于 {n} 个工作日（自开始日次日起算，含调休上班日）：结束日期最早为 {earliest}",
                           "The publicity must last at least {n} working days after its start (make-up working days count): the earliest end is {earliest}"),
    # --- batches -----------------------------------------------------------------------------------
    "batch.empty": ("请至少选择一条申报", "Select at least one declaration"),
    "batch.too_many": ("一次最多处理 {max} 条申报", "At most {max} declarations at a time"),
    "batch.failed": ("批量操作未执行：{total} 条中有 {failed} 条不能处理，全部未作改动",
                     "Nothing was done: {failed} of {total} declarations cannot be processed"),
    "batch.failure_line": ("#{id}：{message}", "#{id}: {message}"),
    "batch.confirm": ("确定要对选中的 {count} 条申报执行“{action}”吗？提交后不可撤销。",
                      "Really {action} the {count} selected declarations? This cannot be undone."),
    # --- publicity ---------------------------------------------------------------------------------
    "publicity.bad_kind": ("未知的公示类型", "Unknown kind of publicity"),
    "publicity.title_invalid": ("请填写公示标题（不超过 {max} 字）", "Enter a title (at most {max} characters)"),
    "publicity.body_too_long": ("公示内容不能超过 {max} 字", "The notice may have at most {max} characters"),
    "publicity.wrong_state": ("以下申报不在“{state}”环节", "These declarations are not in '{state}'"),
    "publicity.already_in_batch": ("以下申报已在未结束的公示批次中", "These declarations are already in an open publicity"),
    "publicity.start_in_past": ("公示开始日期不能早于今天", "The publicity cannot start in the past"),
    "publicity.not_draft": ("该公示已发布，不能再次发布", "This publicity has already been published"),
    "publicity.not_editable": ("公示已结束或已完成，不能再修改公示内容", "The publicity has ended; its notice can no longer be edited"),
    "publicity.not_published": ("该公示尚未发布或已完成", "This publicity is not published, or already completed"),
    "publicity.notice_title": ("{unit}关于{year}年度专业技术职称评审申报人员的公示",
                               "{unit}: publicity of the {year} professional title declarations"),
    "publicity.notice_body": (
        "根据职称评审工作有关规定，经本单位内部核验，现将{unit}{count}名同志申报{year}年度专业技术职称评审的有关情况"
        "予以公示：\n\n{lines}\n\n公示时间：{start}至{end}（不少于{days}个工作日）。\n\n公示期间，如对上述人员的申报"
        "材料有异议，请以实名方式向{unit}反映（举报），写明真实姓名和联系方式，并提供具体事实和线索。\n\n{unit}\n{date}",
        "Following the rules of title review and the unit's verification, {unit} publishes the {count} declarations "
        "for the {year} professional title review:\n\n{lines}\n\nPublicity period: {start} to {end} (at least {days} "
        "working days).\n\nDuring this period, anyone who objects to a declaration may tell {unit} under their real "
        "name, with contact details and the facts.\n\n{unit}\n{date}"),
    "publicity.notice_line": ("{n}. {name}，{series}，{specialty}，{level}", "{n}. {name}, {series}, {specialty}, {level}"),
    "publicity.date": ("{y}年{m}月{d}日", "{y}-{m}-{d}"),
    "publicity.kind.unit": ("申报公示", "Unit publicity"),
    "publicity.kind.failed_review": ("审查未通过公示", "Failed-review publicity"),
    "publicity.kind.candidate": ("拟送评人员名单公示", "Candidate publicity"),
    "publicity.kind.result": ("评审结果公示", "Result publicity"),
    "publicity.status.draft": ("未发布", "Draft"),
    "publicity.status.published": ("公示中", "Published"),
    "publicity.status.completed": ("已完成公示", "Completed"),
    "publicity.held": ("以下申报有未处理的举报，暂不能完成公示", "An open objection holds these declarations"),
    # --- objections --------------------------------------------------------------------------------
    "objection.name_invalid": ("请填写举报人真实姓名（{min}–{max} 字）", "Enter your real name ({min}–{max} characters)"),
    "objection.contact_invalid": ("请填写联系方式（{min}–{max} 字）", "Enter a contact ({min}–{max} characters)"),
    "objection.text_invalid": ("请填写举报内容（{min}–{max} 字）", "Describe the objection ({min}–{max} characters)"),
    "objection.not_in_publicity": ("该申报当前不在公示期内，不能举报", "This declaration is not in a running publicity"),
    "objection.already_resolved": ("该举报已处理", "This objection has already been resolved"),
    "objection.bad_outcome": ("请选择处理结果", "Choose how to resolve the objection"),
    "objection.outcome.dismiss": ("举报不成立（驳回）", "Dismiss"),
    "objection.outcome.return": ("举报属实，退回申报人", "Uphold: return to the applicant"),
    "objection.outcome.terminate": ("举报属实，终止申报", "Uphold: terminate"),
    "objection.status.open": ("待处理", "Open"),
    "objection.status.dismissed": ("已驳回", "Dismissed"),
    "objection.status.upheld": ("属实已处理", "Upheld"),
    # --- reporting paths ---------------------------------------------------------------------------
    "report_path.bad_title": ("请选择有效的职称系列和级别", "Choose a valid series and level"),
    "report_path.bad_target": ("上报单位须为本单位以外的主管部门或人社部门", "The target must be a department or HR bureau outside your unit"),
    "report_path.pending_exists": ("该系列、级别已有待审核的路径申请", "A path for this series and level is already pending"),
    "report_path.not_pending": ("该路径申请已审核", "This path application has already been decided"),
    "report_path.status.pending": ("待审核", "Pending"),
    "report_path.status.approved": ("已生效", "Approved"),
    "report_path.status.rejected": ("审核不通过", "Rejected"),
    "report_path.status.superseded": ("已被新路径替代", "Superseded"),
    # --- work lists --------------------------------------------------------------------------------
    "worklist.bad_sort": ("不支持的排序方式", "Unsupported sort order"),
    "worklist.bad_status": ("不支持的审核状态", "Unsupported status"),
    "worklist.status.pending": ("待审核", "Pending"),
    "worklist.status.passed": ("审核通过", "Passed"),
    "worklist.status.failed": ("审核不通过", "Failed"),
    "worklist.supplement": ("补充材料（通过后直接进入政策性审查复审）", "Supplements (goes straight to re-examination when approved)"),
    # --- exports -----------------------------------------------------------------------------------
    "export.sheet": ("申报列表", "Declarations"),
    "export.id_number": ("身份证号", "ID number"),
    "export.phone": ("手机号", "Phone"),
    "export.year": ("年度", "Year"),
    "export.specialty": ("专业", "Specialty"),
}

MESSAGES_UNIT: dict[str, dict[str, str]] = {k: {"zh": zh, "en": en} for k, (zh, en) in _ENTRIES.items()}
