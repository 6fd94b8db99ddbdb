"""Catalogue entries of the applicant workspace: declaring, records, evidence, submit problems, notices.

Kept apart from core.messages so the applicant work can grow without touching the shared table;
the per-field record messages are generated from the module schemas (core.record_schema).
"""
from __future__ import annotations

from core.record_schema import ACHIEVEMENT_KINDS, SCHEMAS, catalogue

_DECL = {
    "invalid": ("申报信息有误，请按提示修改", "Please correct the declaration details"),
    "read_only": ("当前状态“{state}”下申报为只读，不能修改", "In state '{state}' the declaration is read-only"),
    "supplement_only": ("待补充材料阶段只能在“政策性审查未通过补充材料”栏补充材料，或修改申报类别",
                        "While awaiting supplements only the supplementary materials and the category can change"),
    "open_exists": ("您{year}年度已有一项{flow}（含暂存的草稿）：请继续办理该申报，或将其作废后再新建",
                    "You already have a {flow} for {year} (drafts included): continue it, or cancel it first"),
    "flow_invalid": ("请选择职称评审或职称初定", "Choose title review or initial determination"),
    "year_invalid": ("申报年度不正确", "The year is not valid"),
    "level_invalid": ("请从列表中选择申报级别", "Choose a level from the list"),
    "series_invalid": ("请从列表中选择职称系列", "Choose a series from the list"),
    "specialty_invalid": ("所选专业不属于该职称系列，请重新选择", "The specialty does not belong to the series"),
    "method_invalid": ("申报方式只能是正常晋升、破格或转系列", "The method is regular, exceptional or series change"),
    "grounds_required": ("破格申报须填写破格理由", "An exceptional declaration needs its grounds"),
    "grounds_too_long": ("破格理由不能超过 {max} 字", "The grounds may have at most {max} characters"),
    "review_type_invalid": ("评审类别只能选择社会化评审或自主评审中的一项",
                            "The review type is exactly one of socialized review and self-review"),
    "self_review_unavailable": ("您的单位没有该系列、级别、年度已备案的自主评审委员会，请选择社会化评审",
                                "Your employer holds no self-review authority for this series, level and year"),
    "committee_mismatch": ("所选评委会与评审类别不符", "The committee does not match the review type"),
    "no_committee_here": ("职称初定不选择评委会和评审类别", "An initial determination has no committee or review type"),
    "locked": ("以下各项在当前阶段不能修改", "These cannot be changed now"),
    "unknown_field": ("没有这一项：{field}", "No such field: {field}"),
    "no_committee": ("未查到相关的评委会", "No matching committee found"),
    "self_review_hint": ("自主评审只适用于取得自主评审权的用人单位，社会化评审与自主评审不能同时选择",
                         "Self-review only applies to employers holding a self-review authority; choose exactly one"),
}
DECL_FIELDS = {
    "year": ("申报年度", "year"), "flow": ("申报事项", "kind of declaration"), "level_code": ("申报级别", "level"),
    "series_code": ("职称系列", "series"), "specialty_code": ("专业", "specialty"), "method": ("申报方式", "method"),
    "exceptional_grounds": ("破格理由", "grounds"), "review_type": ("评审类别", "review type"),
    "committee_id": ("申报评委会", "committee"),
}
_LOCKED = {name: (f"不能修改{zh}", f"The {en} cannot be changed now") for name, (zh, en) in DECL_FIELDS.items()}
_REC = {
    "invalid": ("材料信息有误，请按提示修改", "Please correct the row"),
    "module_unknown": ("没有这个材料栏目", "No such module"),
    "empty": ("请至少填写一项内容", "Fill in at least one field"),
    "single": ("工作总结只能有一份，请修改已有的内容", "There is one work summary: edit the existing one"),
    "too_many": ("每个栏目最多 {max} 条", "At most {max} rows per module"),
}
_FILE = {
    "bad_name": ("文件名不能包含路径符号（/ \\）或控制字符，且不超过 {max} 个字符，请改名后重新上传",
                 "File names may not contain path characters (/ \\) or control characters, "
                 "nor exceed {max} characters"),
    "no_evidence": ("该栏目不需要上传证明材料", "This module takes no evidence files"),
    "too_many": ("每条最多上传 {max} 个文件", "At most {max} files per row"),
}
_PROBLEM = {
    "specialty_mismatch": ("所选专业不属于该职称系列", "The specialty does not belong to the series"),
    "at_row": ("第{row}条 · {text}", "Row {row} · {text}"),
}
_NOTICE = {
    "draft": ("草稿已暂存，可随时回来继续填写；填写完整、手动输入诚信承诺书后提交。提交后不能再修改",
              "Saved as a draft: come back any time. Submit when complete, with the pledge typed by hand; "
              "after submitting it is read-only"),
    "returned": ("申报已被退回：请在“追踪”中查看退回原因，修改后重新提交。重新提交后将再次进行单位公示",
                 "Returned to you: see the reason under Track, edit and resubmit; "
                 "it goes through unit publicity again"),
    "returned_initial": ("申报已被退回：请在“追踪”中查看退回原因，修改后重新提交",
                         "Returned to you: see the reason under Track, edit and resubmit"),
    "supplement": ("政策性审查未通过：请在“追踪”中查看原因，在“政策性审查未通过补充材料”栏补充材料"
                   "（须加盖单位公章），可修改申报类别，然后重新提交",
                   "Policy review failed: see the reasons under Track, add supplementary materials (sealed by "
                   "your unit), change the category if needed, and resubmit"),
    "submitted": ("已提交，申报为只读。可在“追踪”中查看当前办理单位和办理进度",
                  "Submitted: read-only now. Track shows who holds it and every step"),
    "terminated_recheck": ("复审未通过，本申报已终止，不能再修改或重新提交。如需申报，请重新新建申报（须重新经过单位公示等环节）",
                           "The re-examination failed and this declaration has ended; it cannot be edited or "
                           "resubmitted. To declare again, start a new declaration"),
    "terminated": ("本申报已被终止，原因见“追踪”。如需申报，请重新新建申报",
                   "This declaration was terminated (see Track for the reason). To declare again, start a new one"),
    "approved": ("评审通过", "Approved"),
    "not_approved": ("评审未通过，原因见“追踪”", "Not approved; see Track"),
    "cancelled": ("本申报已作废", "This declaration was cancelled"),
    "cancel_confirm": ("作废后本申报不能恢复，确定要作废吗？", "A cancelled declaration cannot be restored. Cancel it?"),
}
_FORM = {
    "title": ("专业技术职务任职资格申报表", "Professional title declaration form"),
    "title_initial": ("专业技术职务初定申报表", "Initial title determination form"),
    "basic": ("一、申报人基本信息", "1. Applicant"), "declared": ("二、申报信息", "2. Declaration"),
    "records": ("三、申报材料", "3. Materials"), "pledge": ("四、诚信承诺", "4. Integrity pledge"),
    "state": ("当前状态", "State"), "submitted_at": ("提交时间", "Submitted at"),
    "not_submitted": ("尚未提交", "Not submitted"), "evidence": ("证明材料", "Evidence"),
    "no_rows": ("（无）", "(none)"), "grounds": ("破格理由", "Grounds"),
    "pledge_signed": ("申报人已手动输入上述承诺。", "Typed by hand by the applicant."),
    "pledge_unsigned": ("（提交时由申报人手动输入）", "(typed by the applicant when submitting)"),
    "page": ("第 {n} 页", "Page {n}"),
    "subtitle": ("申报编号：{id}；打印时间：{time}", "Declaration no. {id}; printed {time}"),
    "title_name": ("申报职称", "Title sought"),
    "yes": ("是", "yes"), "no": ("否", "no"), "row": ("第 {n} 条", "Row {n}"),
}
_MINE = {  # the applicant's pages (pages/my_declarations.py, ui/applicant_*.py)
    "bind_title": ("工作单位绑定", "Employer binding"),
    "bound": ("已绑定工作单位：{unit}", "Bound to your employer: {unit}"),
    "pending": ("已申请绑定“{unit}”，等待单位确认。单位确认接收前不能申报",
                "You asked to join '{unit}': waiting for the unit to accept. You can declare once it has"),
    "search": ("按单位名称查找（可只输入部分名称，多个关键词用空格分隔）",
               "Find your employer by name (part of the name is enough; separate words by spaces)"),
    "no_units": ("未找到名称包含这些关键词的单位", "No unit's name contains these words"),
    "pick_unit": ("选择单位", "Choose the unit"),
    "request": ("申请绑定该单位", "Ask to join this unit"),
    "requested": ("已提交绑定申请，请等待单位确认", "Request sent: wait for the unit to accept"),
    "list_title": ("申报记录", "Declarations"),
    "empty": ("您还没有申报", "You have no declarations yet"),
    "col_year": ("年度", "Year"), "col_flow": ("申报事项", "Kind"), "col_title": ("申报职称", "Title sought"),
    "col_holder": ("当前办理方", "Now held by"),
    "new_review": ("新建职称评审申报", "New title review declaration"),
    "new_initial": ("新建职称初定申报", "New initial determination"),
    "new_title": ("新建{flow}", "New {flow}"),
    "year": ("申报年度", "Year"),
    "create": ("暂存（保存为草稿）", "Save as draft"),
    "created": ("草稿已保存（#{id}），请继续填写申报材料", "Draft #{id} saved: go on with the materials"),
    "close": ("取消", "Cancel"),
    "pick": ("选择申报（查看、填写、提交、追踪）", "Choose a declaration (view, fill in, submit, track)"),
    "pick_none": ("（未选择）", "(none)"),
    "basic_title": ("基本信息", "Basic information"),
    "choose": ("（请选择）", "(choose)"),
    "save": ("暂存", "Save draft"),
    "saved": ("已暂存", "Saved"),
    "modules_title": ("申报材料", "Materials"),
    "required": ("必填", "required"),
    "row": ("第{n}条", "Row {n}"),
    "edit_row": ("修改本条", "Edit this row"),
    "save_row": ("保存本条", "Save this row"),
    "remove_row": ("删除本条", "Remove this row"),
    "add_row": ("添加一条", "Add a row"),
    "add_title": ("新增一条{module}", "New row: {module}"),
    "row_added": ("已添加一条", "Row added"),
    "row_saved": ("已保存", "Row saved"),
    "row_removed": ("已删除", "Row removed"),
    "no_rows": ("尚未填写", "Nothing yet"),
    "files": ("证明材料", "Evidence"),
    "no_files": ("尚未上传证明材料", "No evidence uploaded"),
    "needs_file": ("本条须上传证明材料", "This row needs its evidence file"),
    "upload": ("上传证明材料（PDF、JPG、PNG）", "Upload evidence (PDF, JPG, PNG)"),
    "upload_button": ("上传", "Upload"),
    "uploaded": ("已上传：{name}", "Uploaded: {name}"),
    "download": ("下载", "Download"),
    "remove_file": ("删除", "Remove"),
    "file_removed": ("已删除文件", "File removed"),
    "read_only": ("当前状态下申报为只读", "The declaration is read-only in this state"),
    "date_hint": ("日期格式：2015-07-01 或 2015-07", "Dates like 2015-07-01 or 2015-07"),
    "submit_title": ("提交申报", "Submit"),
    "problems": ("提交前还需完成以下 {n} 项：", "{n} items to complete before submitting:"),
    "ready": ("各项已填写完整，手动输入诚信承诺书后即可提交", "Complete: type the pledge and submit"),
    "submit_failed": ("未能提交，请完成以下各项后重试：", "Not submitted: complete these items and try again:"),
    "confirm_submit": ("提交后申报为只读，不能再修改。确定要{action}吗？",
                       "After this the declaration is read-only. {action} now?"),
    "confirm_cancel": ("作废后本申报不能恢复，确定要作废申报 #{id} 吗？",
                       "A cancelled declaration cannot be restored. Cancel declaration #{id}?"),
    "missing_module": ("尚未填写“{module}”", "'{module}' is not filled in yet"),
    "last_reason": ("{action}（{time}，{unit}）：{text}", "{action} ({time}, {unit}): {text}"),
    "pdf": ("下载申报表（PDF）", "Download the declaration form (PDF)"),
}
_REG = {
    "open": ("没有账号？申报人注册", "No account? Register as an applicant"),
    "title": ("申报人注册", "Applicant registration"),
    "intro": ("注册后以身份证号登录，再申请绑定工作单位，单位确认后即可申报",
              "After registering you log in with your ID number, ask to join your employer, and declare once "
              "it accepts"),
    "name": ("姓名", "Name"), "id_number": ("身份证号", "Resident ID number"), "phone": ("手机号", "Mobile phone"),
    "password": ("密码", "Password"), "repeat": ("再次输入密码", "Repeat the password"),
    "submit": ("注册", "Register"),
    "mismatch": ("两次输入的密码不一致", "The two passwords differ"),
    "done": ("注册成功。您的登录账号是身份证号 {login}，请返回登录页用它登录",
             "Registered. Your account name is your ID number {login}: go back and log in with it"),
    "back": ("返回登录", "Back to login"),
}
_LABELS = {f"achievement.{c}": (zh, en) for c, zh, en in ACHIEVEMENT_KINDS} | {
    f"module.{m}": (s.zh, s.en) for m, s in SCHEMAS.items()} | {f"decl.{k}": v for k, v in DECL_FIELDS.items()} | {
    f"field.{m}.{f.name}": (f.zh, f.en) for m, s in SCHEMAS.items() for f in s.fields}


def _section(prefix: str, table: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    return {f"{prefix}.{k}": {"zh": zh, "en": en} for k, (zh, en) in table.items()}


MESSAGES_APPLICANT: dict[str, dict[str, str]] = {
    **_section("decl", _DECL), **_section("decl.locked", _LOCKED), **_section("rec", _REC), **_section("file", _FILE),
    **_section("problem", _PROBLEM), **_section("notice", _NOTICE), **_section("form", _FORM),
    **_section("mine", _MINE), **_section("reg", _REG),
    **_section("label", {k: (zh, en[:1].upper() + en[1:]) for k, (zh, en) in _LABELS.items()}), **catalogue(),
}
