"""Catalogue entries of policy review, reviewer accounts, committee publicities and the public portal.
Merged into core.messages.MESSAGES."""
from __future__ import annotations

_FAILED_BODY_ZH = (
    "经专家组审核，现将{unit}{year}年度{series}系列{specialty}专业技术职务任职资格政策性审查未通过人员予以公示，"
    "公示期为{start}至{end}。\n\n{lines}\n\n"
    "一、请未通过人员登录本平台查看未通过原因（我的申报—》选择申报—》办理记录—》查看审查未通过原因）。"
    "在审查未通过公示的流程退回到申报个人后，申报个人可在“我的申报”中补充材料（补充材料均须加盖单位公章）后重新提交。"
    "线上补充材料截止时间至{deadline}。\n\n"
    "二、对政策性审查结果有异议的，可以电话、书面报送材料等形式反映，也可在本平台公示公开页面实名提出异议。"
    "反映情况须客观真实，以单位名义反映情况的材料需加盖单位公章，以个人名义反映情况的材料应署名并提供有效联系方式。\n\n"
    "需补充纸质材料的申报人，请将补充材料（加盖单位公章）装入资料袋，并在封面注明姓名、单位、联系电话、拟申报专业及任职资格，"
    "补充纸质材料时间截止到{deadline}，节假日除外。同时在系统内补充相同材料后重新提交，逾期不再受理。\n\n{unit}")
_FAILED_BODY_EN = (
    "After the expert group's check, {unit} publishes the people whose {year} {series} ({specialty}) declarations "
    "failed the policy review. Period: {start} to {end}.\n\n{lines}\n\n"
    "1. Applicants concerned can see the reasons in this platform (My declarations → the declaration → history). "
    "When the publicity ends the declaration returns to them for supplements (stamped by the unit), to be "
    "resubmitted online by {deadline}.\n\n"
    "2. Objections to the review results may be raised by phone, in writing, or on this platform's public notices, "
    "with a real name and valid contact details.\n\n{unit}")

_ENTRIES: dict[str, tuple[str, str]] = {
    # --- reviewer accounts -------------------------------------------------------------------------
    "reviewer.series_required": ("请至少选择一个系列", "Choose at least one series"),
    "reviewer.series_unknown": ("未知的系列", "Unknown series"),
    "reviewer.specialty_unknown": ("专业不属于所选系列", "A specialty does not belong to the chosen series"),
    "reviewer.name_invalid": ("名称不能超过 {max} 字", "The name may have at most {max} characters"),
    "reviewer.used": ("该账号已开展审查，不能再修改（只能启用或停用）",
                      "This account has already reviewed: it can no longer be edited (only enabled or disabled)"),
    "reviewer.tab.list": ("审查账号", "Reviewer accounts"),
    "reviewer.tab.create": ("新增审查账号", "New reviewer account"),
    "reviewer.no_committees": ("本单位没有组建的评委会", "Your unit organises no committee"),
    "reviewer.committee": ("评委会", "Committee"),
    "reviewer.series": ("审查系列", "Series"),
    "reviewer.specialties": ("审查专业（不选则为全部专业）", "Specialties (none = all)"),
    "reviewer.display_name": ("账号名称（可不填）", "Account name (optional)"),
    "reviewer.create": ("创建账号", "Create the account"),
    "reviewer.created": ("已创建审查账号 {login}。一次性密码（只显示这一次，请安全交付，首次登录须修改）：{password}",
                         "Reviewer account {login} created. One-time password (shown only now; it must be changed at first login): {password}"),
    "reviewer.empty": ("尚无审查账号", "No reviewer accounts yet"),
    "reviewer.col_login": ("登录账号", "Login"),
    "reviewer.col_name": ("名称", "Name"),
    "reviewer.col_year": ("年度", "Year"),
    "reviewer.col_scope": ("审查范围", "Scope"),
    "reviewer.col_status": ("状态", "Status"),
    "reviewer.col_used": ("已开展审查", "Has reviewed"),
    "reviewer.all_specialties": ("全部专业", "all specialties"),
    "reviewer.pick": ("选择账号", "Select an account"),
    "reviewer.edit": ("修改账号（开展审查前可修改）", "Edit (until its first review)"),
    "reviewer.save": ("保存修改", "Save"),
    "reviewer.saved": ("已保存", "Saved"),
    "reviewer.locked_edit": ("该账号已开展审查，只能启用或停用", "This account has reviewed: it can only be enabled or disabled"),
    "reviewer.enable": ("启用", "Enable"),
    "reviewer.disable": ("停用", "Disable"),
    "reviewer.confirm_disable": ("确定停用账号 {login} 吗？其登录会话立即失效。", "Disable {login}? Its sessions end at once."),
    "reviewer.enabled": ("已启用", "Enabled"),
    "reviewer.disabled": ("已停用", "Disabled"),
    "reviewer.no_delete": ("审查账号不能删除，只能停用。", "Reviewer accounts cannot be deleted, only disabled."),
    # --- policy review -------------------------------------------------------------------------------
    "review.tab.initial": ("初审记录", "Initial reviews"),
    "review.initial_hint": ("初审只记录意见，不决定流程；复核通过进入拟送评人员名单公示，复核不通过须写明原因并进入审查未通过公示。",
                            "The initial review only records an opinion; the recheck decides."),
    "review.initial_none": ("该申报尚无初审记录", "No initial review recorded yet"),
    "review.col_result": ("初审结果", "Result"),
    "review.col_opinion": ("初审意见", "Opinion"),
    "review.col_reviewer": ("审查账号", "Reviewer"),
    # --- committee publicity notices ---------------------------------------------------------------
    "review.notice.failed_review.title": ("{unit}{year}年度{series}系列{specialty}专业技术职务任职资格政策性审查未通过人员公示表",
                                          "{unit}: {year} {series} ({specialty}) declarations that failed the policy review"),
    "review.notice.failed_review.body": (_FAILED_BODY_ZH, _FAILED_BODY_EN),
    "review.notice.candidate.title": ("{unit}{year}年度{series}系列{specialty}专业技术职务任职资格拟送评人员名单公示",
                                      "{unit}: {year} {series} ({specialty}) candidates for the panel review"),
    "review.notice.candidate.body": (
        "经政策性审查，现将{unit}{year}年度{series}系列{specialty}专业技术职务任职资格拟送评人员名单（共{count}人）予以公示，"
        "公示期为{start}至{end}。\n\n{lines}\n\n公示期间，对上述人员有异议的，请以真实姓名在本平台公示公开页面提出，"
        "或以电话、书面形式向{unit}反映，并提供有效联系方式和具体事实。\n\n{unit}",
        "After the policy review, {unit} publishes the {count} candidates of {year} {series} ({specialty}) for the "
        "panel review. Period: {start} to {end}.\n\n{lines}\n\nObjections: under a real name on this platform's "
        "public notices, or to {unit}, with contact details and facts.\n\n{unit}"),
    "review.notice.result.title": ("{unit}{year}年度{series}系列{specialty}专业技术职务任职资格评审结果公示",
                                   "{unit}: results of the {year} {series} ({specialty}) review"),
    "review.notice.result.body": (
        "现将{unit}{year}年度{series}系列{specialty}专业技术职务任职资格评审通过人员（共{count}人）予以公示，"
        "公示期为{start}至{end}。\n\n{lines}\n\n公示期间如有异议，请以真实姓名在本平台公示公开页面提出，"
        "或向{unit}反映，并提供有效联系方式和具体事实。\n\n{unit}",
        "{unit} publishes the {count} people who passed the {year} {series} ({specialty}) review. Period: {start} "
        "to {end}.\n\n{lines}\n\nObjections: under a real name on this platform or to {unit}.\n\n{unit}"),
    "review.kind_pick": ("公示类型", "Kind of publicity"),
    "review.deadline": ("补充材料截止日期", "Supplement deadline"),
    "review.fill": ("按模板生成标题和内容", "Fill title and text from the template"),
    "review.confirm_complete.failed_review": (
        "确定完成公示 #{id} 吗？无待处理举报的申报将退回申报人补充材料，不能撤销。",
        "Complete publicity #{id}? Its declarations go back to their applicants for supplements. This cannot be undone."),
    "review.confirm_complete.candidate": (
        "确定完成公示 #{id} 吗？无待处理举报的申报将进入评委会评审，不能撤销。",
        "Complete publicity #{id}? Its declarations enter the panel review. This cannot be undone."),
    "review.confirm_complete.result": (
        "确定完成公示 #{id} 吗？无待处理举报的申报将进入备案，不能撤销。",
        "Complete publicity #{id}? Its declarations go on to filing. This cannot be undone."),
    # --- public portal -----------------------------------------------------------------------------
    "portal.title": ("公示公开", "Public notices"),
    "portal.nav": ("公示公开", "Public notices"),
    "portal.intro": ("正在公示期内的各类公示。公示期结束后不再显示。", "Notices in their publicity period; they disappear when it ends."),
    "portal.search": ("按姓名或单位搜索", "Search by name or unit"),
    "portal.empty": ("当前没有正在公示的内容", "No notice is running now"),
    "portal.pick": ("查看公示", "Open a notice"),
    "portal.owner": ("公示单位：{owner}", "Published by: {owner}"),
    "portal.period": ("公示期：{start} 至 {end}", "Period: {start} to {end}"),
    "portal.col_name": ("姓名", "Name"),
    "portal.col_employer": ("工作单位", "Employer"),
    "portal.col_series": ("系列", "Series"),
    "portal.col_specialty": ("专业", "Specialty"),
    "portal.col_level": ("申报级别", "Level"),
    "portal.col_kind": ("类型", "Kind"),
    "portal.col_title": ("标题", "Title"),
    "portal.col_owner": ("公示单位", "Published by"),
    "portal.col_period": ("公示期", "Period"),
    "portal.how_to_object": ("对公示人员有异议的，请在公示期内实名提出（姓名、联系方式、具体事实），由{owner}受理。",
                             "Objections during the period, under a real name with contact details and facts, go to {owner}."),
    "portal.object_title": ("提出异议", "Raise an objection"),
    "portal.object_person": ("异议对象", "About"),
    "portal.object_name": ("您的姓名", "Your name"),
    "portal.object_contact": ("联系方式", "Contact"),
    "portal.object_text": ("异议内容（具体事实和线索）", "Objection (facts)"),
    "portal.object_submit": ("提交异议", "Submit"),
    "portal.object_done": ("异议已提交，由{owner}受理。", "Objection submitted; {owner} handles it."),
    "portal.rate_limited": ("提交过于频繁，请稍后再试", "Too many objections; please try again later"),
    "portal.not_found": ("该公示不存在或已结束", "This notice does not exist or has ended"),
    "nav.portal": ("公示公开", "Public notices"),
    "ws.reviewer_accounts": ("政策性审查账号", "Policy reviewer accounts"),
    "portal.back_login": ("返回登录", "Back to sign-in"),
}

MESSAGES_REVIEW: dict[str, dict[str, str]] = {k: {"zh": zh, "en": en} for k, (zh, en) in _ENTRIES.items()}
