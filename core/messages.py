"""Catalogue entries: key -> {"zh": ..., "en": ...}. A test checks both languages for every key."""
from __future__ import annotations

_STATES = {
    "draft": ("草稿(暂存)", "Draft"), "unit_verify": ("单位内部核验", "Unit verification"),
    "unit_publicity": ("申报公示", "Unit publicity"), "unit_recommend": ("单位推荐上报", "Unit recommendation"),
    "relay": ("上级单位流转", "Relay"), "material_receipt": ("材料接收", "Material receipt"),
    "policy_review": ("政策性审查", "Policy review"), "failed_publicity": ("审查未通过公示", "Failed-review publicity"),
    "supplement": ("待补充材料", "Awaiting supplements"),
    "supplement_verify": ("单位内部核验(补充材料)", "Unit verification (supplements)"),
    "policy_recheck": ("政策性审查复审", "Policy re-examination"),
    "candidate_publicity": ("拟送评人员名单公示", "Candidate publicity"), "panel_review": ("线上评审", "Panel review"),
    "result_publicity": ("评审结果公示", "Result publicity"), "filing": ("评审工作备案", "Evaluation filing"),
    "approved": ("评审通过(已发证)", "Approved"), "not_approved": ("评审未通过", "Not approved"),
    "returned": ("已退回", "Returned"), "terminated": ("已终止", "Terminated"), "cancelled": ("已作废", "Cancelled"),
    "dept_review": ("主管部门审核", "Department review"), "hr_review": ("人社部门审批", "HR bureau approval"),
}
_ACTIONS = {
    "save": ("暂存", "Save draft"), "submit": ("提交申报", "Submit"), "cancel": ("作废申报", "Cancel"),
    "resubmit": ("重新提交", "Resubmit"), "approve": ("审核通过", "Approve"), "reject": ("审核不通过", "Reject"),
    "complete_publicity": ("完成公示", "Complete publicity"), "recommend": ("推荐上报", "Recommend"),
    "assign_own_committee": ("分配自主评委会", "Assign own committee"), "assign_committee": ("分配评委会", "Assign committee"),
    "return_to_applicant": ("退回申报人", "Return to applicant"), "terminate": ("终止申报", "Terminate"),
    "accept": ("同意接收", "Accept"), "refuse": ("拒绝接收", "Refuse"), "initial_review": ("初审", "Initial review"),
    "recheck_pass": ("复核通过", "Recheck: pass"), "recheck_fail": ("复核不通过", "Recheck: fail"),
    "pass": ("复审通过", "Re-examination: pass"), "fail": ("复审不通过", "Re-examination: fail"),
    "tally": ("统票", "Tally"), "submit_filing": ("提交备案", "Submit filing"),
    "filing_approved": ("备案通过", "Approve filing"), "filing_rejected": ("备案不通过", "Reject filing"),
    "withdraw": ("撤回", "Withdraw"),
}
_ROLES = {
    "applicant": ("申报人", "Applicant"), "unit_admin": ("单位管理员", "Unit admin"),
    "unit_operator": ("单位经办员", "Unit operator"), "dept_operator": ("主管部门经办", "Department operator"),
    "hr_operator": ("人社经办", "HR bureau operator"), "committee_operator": ("评委会组建单位经办", "Committee organizer operator"),
    "policy_reviewer": ("政策性审查账号", "Policy reviewer"), "expert": ("评审专家", "Expert"),
    "group_leader": ("评议组组长", "Group leader"), "chair": ("主任委员", "Chair"),
    "vice_chair": ("副主任委员", "Vice chair"), "committee_member": ("评委会委员", "Committee member"),
}
_GUARDS = {
    "not_bound": ("您尚未绑定工作单位，或单位尚未确认接收：请先在个人资料中申请绑定单位，待单位确认后再申报",
                  "You are not bound to an employer yet: ask to join your unit and wait for it to accept"),
    "committee_not_open": ("未查到相关的评委会：所选评委会未对该系列、级别、地区和年度开放",
                           "No matching committee is open for this series, level, region and year"),
    "other_active": ("您本年度已有一项进行中的申报，同一年度只能有一项有效申报",
                     "You already have an active declaration this year"),
    "no_supplement": ("请先在“政策性审查未通过补充材料”栏补充材料", "Add supplementary materials first"),
    "publicity_running": ("公示期尚未结束（或尚未发布公示），不能完成公示", "The publicity period has not ended yet"),
    "open_objection": ("该申报有未处理的举报，处理后才能继续", "An open objection holds this declaration"),
    "no_route": ("未找到上报路径：本单位尚未归口到主管部门或人社部门", "No reporting route: the unit has no parent department or HR bureau"),
    "no_unit_proof": ("请先上传单位证明材料", "Attach the unit's proof first"),
    "no_own_committee": ("本单位没有该系列、级别已备案通过的自主评审委员会", "The unit has no approved self-review committee for this series and level"),
    "top_must_assign": ("已到最高一级人社部门，请分配评委会", "This is the top HR bureau: assign a committee"),
    "not_top_hop": ("只有流转路径最高一级的人社部门可以分配评委会", "Only the top HR bureau of the route assigns a committee"),
    "committee_not_authorized": ("该评委会没有该系列、级别、年度已备案通过的评审权", "The committee holds no approved review authority for this series, level and year"),
    "not_tallied": ("尚未完成统票", "The vote has not been tallied"),
    "nothing_to_withdraw": ("没有可撤回的操作，或下一环节已处理", "Nothing to withdraw, or the next holder has already acted"),
    "not_last_actor": ("只有上一步的办理人可以撤回", "Only whoever took the last step can withdraw it"),
    "pledge_mismatch": ("诚信承诺书须手动完整输入，且与原文一致", "Type the integrity pledge by hand, exactly as written"),
}
_MISSING = {
    "level_code": ("申报级别", "level"), "series_code": ("职称系列", "series"), "specialty_code": ("专业", "specialty"),
    "exceptional_grounds": ("破格申报理由", "grounds for the exceptional declaration"),
    "review_type": ("评审类别（社会化评审或自主评审，只能选一项）", "review type (socialized or self-review, exactly one)"),
    "committee": ("申报评委会", "committee"),
    "module.education": ("学历学位信息", "education"), "module.qualification": ("专业技术资格", "qualifications"),
    "module.work_history": ("工作经历", "work history"), "module.achievement": ("业绩成果及论文", "achievements and papers"),
    "module.work_summary": ("工作总结", "work summary"), "module.unit_publicity_proof": ("单位公示及结果报告证明", "unit publicity proof"),
    "module.other": ("其他材料", "other materials"), "module.supplement": ("政策性审查未通过补充材料", "supplementary materials"),
}
_INPUTS = {
    "pledge": ("诚信承诺书", "integrity pledge"), "operator_name": ("经办人姓名", "operator's name"),
    "operator_phone": ("经办人电话", "operator's phone"), "committee_id": ("评委会", "committee"),
    "result": ("审查结果（通过/不通过）", "result (pass/fail)"), "reason": ("原因", "reason"),
}
_ERRORS = {
    "generic": ("操作失败，请稍后重试", "The operation failed; please try again"),
    "not_found": ("申报不存在或您无权查看", "Not found, or outside your scope"),
    "forbidden": ("您无权执行此操作", "You may not do this"),
    "role_not_allowed": ("您当前的角色不能执行“{action}”", "Your current role cannot {action}"),
    "invalid_action": ("当前状态“{state}”下不能执行“{action}”", "'{action}' is not possible in state '{state}'"),
    "guard_failed": ("不能执行“{action}”，原因如下", "Cannot {action}, because"),
    "concurrent_change": ("该申报已被他人处理，请刷新后查看最新状态", "Someone else has just acted on this declaration; refresh to see its current state"),
    "validation": ("输入有误，请检查", "Please check your input"),
    "reason_required": ("请填写原因", "A reason is required"),
    "reason_too_long": ("原因不能超过 {max} 字", "The reason may have at most {max} characters"),
    "inputs_missing": ("请补全以下信息", "Please fill in"),
}

_ACCOUNT = {
    "account.login_taken": ("该账号名已被使用", "That account name is taken"),
    "account.login_invalid": ("账号名只能包含字母、数字和 . _ - @，且不超过 64 个字符",
                              "Account names use letters, digits and . _ - @ (at most 64)"),
    "account.not_found": ("账号不存在或不在您的管理范围内", "No such account in your scope"),
    "auth.failed": ("账号或密码错误，或账号暂不可用。连续输错多次将被临时锁定，请联系单位管理员",
                    "Wrong account or password, or the account is unavailable. Repeated failures lock it for a while"),
    "password.current_wrong": ("当前密码不正确", "The current password is wrong"),
    "password.rejected": ("新密码不符合要求", "The new password does not meet the policy"),
    "password.too_short": ("密码长度不足", "The password is too short"),
    "password.too_simple": ("密码须包含大写字母、小写字母、数字、符号中的至少三类", "Use at least three of: upper case, lower case, digits, symbols"),
    "password.whitespace": ("密码首尾不能有空格", "No spaces at the start or end"),
    "password.too_long": ("密码过长", "The password is too long"),
    "password.weak": ("该密码过于常见，请换一个", "That password is too common"),
    "password.personal": ("密码不能包含账号名、身份证号或手机号", "The password may not contain your account name, ID number or phone"),
    "password.same_as_old": ("新密码不能与当前密码相同", "The new password must differ from the current one"),
}


def _section(prefix: str, table: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    return {f"{prefix}.{k}": {"zh": zh, "en": en} for k, (zh, en) in table.items()}


MESSAGES: dict[str, dict[str, str]] = {
    **_section("state", _STATES), **_section("action", _ACTIONS), **_section("role", _ROLES),
    **_section("guard", _GUARDS), **_section("missing", _MISSING), **_section("input", _INPUTS),
    **_section("error", _ERRORS),
    **{k: {"zh": zh, "en": en} for k, (zh, en) in _ACCOUNT.items()},
}
