"""The applicant's declaration: cascading choices, committees, drafts, fields, rows, submit, returns and supplements."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.declaring import declarations as decl
from core.declaring.choices import (choices_levels, choices_series, choices_specialties, open_committees,
                                      self_review_available)
from core.declaring.records import add_record, list_records, remove_record, update_record
from core.declaring.dossier import dossier
from core.common.errors import GuardFailed, InvalidAction, NotFound, ValidationError
from core.common.i18n import t
from core.machines.pledge import PLEDGE_TEXT
from core.declaring.submission import problems_before_submit
from core.declaring.transitions import act, options
from db.models import AuditEvent, Committee, Declaration, Person
from tests.integration.transition_support import add_supplement, place
from tests.world import LEVEL, SAMPLE_ROWS, SERIES, SPECIALTY, YEAR, World

BASIC = dict(level_code=LEVEL, series_code=SERIES, specialty_code=SPECIALTY)


def _draft(w: World, who: str = "applicant", **fields) -> int:
    return decl.create_draft(w.session, w.actor(who), flow="review", year=YEAR, **{**BASIC, **fields})


def _complete_draft(w: World) -> int:
    d = _draft(w, review_type="socialized", committee_id=w.committee_id)
    for module, row in SAMPLE_ROWS.items():
        add_record(w.session, w.actor("applicant"), d, module, row)
    return d


def _state(w: World, d: int) -> str:
    return w.session.get(Declaration, d, populate_existing=True).state


def _details(error) -> list[str]:
    return list(error.value.details)


def test_level_series_and_specialty_are_cascading_choices(uow):
    with uow.write() as s:
        World.build(s)
        assert [c[0] for c in choices_levels(s)] == ["junior", "intermediate", "associate_senior", "full_senior"]
        assert ("engineering", "高级工程师", "Engineering associate_senior") in choices_series(s, LEVEL)
        assert ("health", "副主任医师", "Health associate_senior") in choices_series(s, LEVEL)
        specialties = {c[0] for c in choices_specialties(s, "engineering")}
        assert "eng_civil" in specialties and not any(c.startswith("hea_") for c in specialties)
        assert choices_specialties(s, None) == []


def test_only_committees_open_for_series_level_region_and_year_are_offered(uow):
    with uow.write() as s:
        w = World.build(s)
        me = w.actor("applicant")
        assert [c.id for c in open_committees(s, me, YEAR, LEVEL, SERIES, "socialized")] == [w.committee_id]
        assert [c.id for c in open_committees(s, me, YEAR, LEVEL, SERIES, "self_review")] == [w.own_committee_id]
        assert open_committees(s, me, YEAR + 1, LEVEL, SERIES, "socialized") == []
        assert open_committees(s, me, YEAR, "full_senior", SERIES, "socialized") == []
        assert open_committees(s, me, YEAR, LEVEL, "health", "socialized") == []
        s.get(Committee, w.committee_id).open_for_declaration = False
        s.get(Committee, w.own_committee_id).region_unit_id = w.units["other_dept"]  # a region not covering us
        s.flush()
        assert open_committees(s, me, YEAR, LEVEL, SERIES, "socialized") == []
        assert not self_review_available(s, me, YEAR, LEVEL, SERIES)
        assert t("decl.no_committee") == "未查到相关的评委会"


def test_self_review_is_offered_only_to_staff_of_the_employer_holding_the_authority(uow):
    with uow.write() as s:
        w = World.build(s)
        assert self_review_available(s, w.actor("applicant"), YEAR, LEVEL, SERIES)
        assert not self_review_available(s, w.actor("other_applicant"), YEAR, LEVEL, SERIES)
        with pytest.raises(ValidationError) as refused:
            _draft(w, "other_applicant", review_type="self_review")
        assert _details(refused) == ["decl.self_review_unavailable"]


def test_an_unbound_applicant_is_told_to_bind_to_a_unit_first(uow):
    with uow.write() as s:
        w = World.build(s)
        s.get(Person, w.applicant_person_id).unit_id = None
        s.flush()
        with pytest.raises(ValidationError) as refused:
            _draft(w)
        assert refused.value.key == "guard.not_bound" and "绑定" in refused.value.message()
        with pytest.raises(ValidationError):
            open_committees(s, w.actor("applicant"), YEAR, LEVEL, SERIES, "socialized")


def test_a_draft_keeps_partial_information_and_is_audited(uow):
    with uow.write() as s:
        w = World.build(s)
        d = decl.create_draft(s, w.actor("applicant"), flow="review", year=YEAR, level_code=LEVEL,
                              series_code=SERIES)
        row = s.get(Declaration, d)
        assert (row.state, row.holder_unit_id, row.version, row.unit_id) == ("draft", None, 1, w.units["employer"])
        assert row.specialty_code is None and row.committee_id is None and row.method == "regular"
        decl.update_fields(s, w.actor("applicant"), d, {"specialty_code": SPECIALTY, "review_type": "socialized",
                                                         "committee_id": str(w.committee_id)})
        row = s.get(Declaration, d, populate_existing=True)
        assert (row.specialty_code, row.committee_id, row.version) == (SPECIALTY, w.committee_id, 1)
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.declaration_id == d)))
        assert actions == ["create", "edit_fields"]


def test_every_field_problem_is_listed_together(uow):
    with uow.write() as s:
        w = World.build(s)
        with pytest.raises(ValidationError) as refused:
            decl.create_draft(s, w.actor("applicant"), flow="review", year=1999, level_code="nope",
                              series_code=SERIES, specialty_code="hea_surgery", method="exceptional")
        assert _details(refused) == ["decl.year_invalid", "decl.level_invalid", "decl.specialty_invalid",
                                     "decl.grounds_required"]
        assert s.scalar(select(func.count()).select_from(Declaration)) == 0


def test_exceptional_needs_grounds_and_other_methods_drop_them(uow):
    with uow.write() as s:
        w = World.build(s)
        d = _draft(w, method="exceptional", exceptional_grounds="获省级科技进步一等奖")
        with pytest.raises(ValidationError) as refused:
            decl.update_fields(s, w.actor("applicant"), d, {"exceptional_grounds": "  "})
        assert _details(refused) == ["decl.grounds_required"]
        decl.update_fields(s, w.actor("applicant"), d, {"method": "series_change"})
        row = s.get(Declaration, d, populate_existing=True)
        assert (row.method, row.exceptional_grounds) == ("series_change", None)
        with pytest.raises(ValidationError) as bad:
            decl.update_fields(s, w.actor("applicant"), d, {"method": "bribe"})
        assert _details(bad) == ["decl.method_invalid"]


def test_the_review_type_must_match_the_committee_kind(uow):
    with uow.write() as s:
        w = World.build(s)
        with pytest.raises(ValidationError) as social:
            _draft(w, review_type="socialized", committee_id=w.own_committee_id)
        with pytest.raises(ValidationError) as own:
            _draft(w, review_type="self_review", committee_id=w.committee_id)
        with pytest.raises(ValidationError) as both:
            _draft(w, review_type="socialized,self_review")
        assert (_details(social), _details(own)) == (["decl.committee_mismatch"], ["decl.committee_mismatch"])
        assert _details(both) == ["decl.review_type_invalid"]
        d = _draft(w, review_type="self_review", committee_id=w.own_committee_id)
        assert s.get(Declaration, d).committee_id == w.own_committee_id


def test_changing_what_a_choice_hangs_on_clears_the_choice(uow):
    with uow.write() as s:
        w = World.build(s)
        d = _draft(w, review_type="socialized", committee_id=w.committee_id)
        decl.update_fields(s, w.actor("applicant"), d, {"series_code": "health"})
        row = s.get(Declaration, d, populate_existing=True)
        assert (row.series_code, row.specialty_code, row.committee_id) == ("health", None, None)
        with pytest.raises(ValidationError) as locked:
            decl.update_fields(s, w.actor("applicant"), d, {"year": YEAR + 1})
        assert _details(locked) == ["decl.locked.year"]


def test_an_initial_determination_has_no_committee_and_its_own_modules(uow):
    with uow.write() as s:
        w = World.build(s)
        with pytest.raises(ValidationError) as refused:
            decl.create_draft(s, w.actor("applicant"), flow="initial_determination", year=YEAR, **BASIC,
                              review_type="socialized", committee_id=w.committee_id)
        assert _details(refused) == ["decl.no_committee_here"]
        d = decl.create_draft(s, w.actor("applicant"), flow="initial_determination", year=YEAR, **BASIC)
        assert decl.required_modules_for(s, d) == ("education", "work_history", "work_summary")
        for module in ("education", "work_history", "work_summary"):
            add_record(s, w.actor("applicant"), d, module, SAMPLE_ROWS[module])
        act(s, w.actor("applicant"), d, "submit", {"pledge": PLEDGE_TEXT})
        assert _state(w, d) == "unit_verify"


def test_a_second_declaration_of_the_same_year_is_refused_early(uow):
    with uow.write() as s:
        w = World.build(s)
        first = _draft(w)
        with pytest.raises(ValidationError) as refused:
            _draft(w)
        assert refused.value.message() == "您2026年度已有一项职称评审（含暂存的草稿）：请继续办理该申报，或将其作废后再新建"
        decl.create_draft(s, w.actor("applicant"), flow="review", year=YEAR - 1, **BASIC)  # another year is fine
        act(s, w.actor("applicant"), first, "cancel")
        assert _draft(w) != first


def test_required_modules_follow_the_committee(uow):
    with uow.write() as s:
        w = World.build(s)
        s.get(Committee, w.committee_id).required_modules = ["education", "other"]
        d = _draft(w, review_type="socialized", committee_id=w.committee_id)
        assert decl.required_modules_for(s, d) == ("education", "other")
        keys = [p.key for p in problems_before_submit(s, w.actor("applicant"), d)]
        assert keys == ["missing.module.education", "missing.module.other"]


def test_rows_are_added_edited_and_removed_with_per_module_checks(uow):
    with uow.write() as s:
        w = World.build(s)
        me, d = w.actor("applicant"), _draft(w)
        with pytest.raises(ValidationError) as bad:
            add_record(s, me, d, "education", {"school": "x" * 101, "end": "2031-07", "start": "2012-13"})
        assert _details(bad) == ["rec.education.school.too_long", "rec.education.start.bad_date",
                                 "rec.education.end.future"]
        with pytest.raises(ValidationError) as order:
            add_record(s, me, d, "work_history",
                       {"employer": "甲", "position": "乙", "start": "2015-01", "end": "2014-01"})
        assert _details(order) == ["rec.work_history.end.order"]
        with pytest.raises(ValidationError) as kind:
            add_record(s, me, d, "achievement", {"kind": "rumour", "title": "t", "date": "2020-01"})
        assert _details(kind) == ["rec.achievement.kind.bad_choice"]
        for module, data, key in (("nonsense", {"a": 1}, "rec.module_unknown"), ("other", {"junk": "x"}, "rec.empty")):
            with pytest.raises(ValidationError) as refused:
                add_record(s, me, d, module, data)
            assert refused.value.key == key
        partial = add_record(s, me, d, "education", {"school": "重庆大学", "hacker_field": "<script>"})
        assert list_records(s, me, d)["education"][0].data == {"school": "重庆大学"}
        update_record(s, me, partial, SAMPLE_ROWS["education"])
        add_record(s, me, d, "work_summary", SAMPLE_ROWS["work_summary"])
        with pytest.raises(ValidationError) as single:
            add_record(s, me, d, "work_summary", SAMPLE_ROWS["work_summary"])
        assert single.value.key == "rec.single"
        remove_record(s, me, partial)
        assert set(list_records(s, me, d)) == {"work_summary"}
        with pytest.raises(NotFound):
            remove_record(s, w.actor("other_applicant"), partial)


def test_submit_lists_every_missing_or_invalid_item_at_once(uow):
    with uow.write() as s:
        w = World.build(s)
        me = w.actor("applicant")
        d = decl.create_draft(s, me, flow="review", year=YEAR, level_code=LEVEL, series_code=SERIES,
                              method="exceptional", exceptional_grounds="业绩突出")
        add_record(s, me, d, "education", {**SAMPLE_ROWS["education"], "certificate_no": "GC2012001"})
        add_record(s, me, d, "work_history", {"employer": "市建筑设计院"})
        add_record(s, me, d, "work_summary", {"text": "太短了"})
        s.execute(Declaration.__table__.update().where(Declaration.id == d).values(exceptional_grounds=None))
        with pytest.raises(GuardFailed) as refused:
            act(s, me, d, "submit", {"pledge": "我承诺材料真实"})
        assert _details(refused) == [
            "missing.specialty_code", "missing.exceptional_grounds", "missing.review_type", "missing.committee",
            "missing.module.qualification", "missing.module.achievement", "rec.education.evidence",
            "rec.work_history.position.required", "rec.work_history.start.required",
            "rec.work_summary.text.too_short", "guard.committee_not_open", "guard.pledge_mismatch"]
        rows = [p.text() for p in problems_before_submit(s, me, d) if p.row]
        assert rows[0] == "第1条 · 学历学位信息：填写了证书编号的条目须上传对应的证明材料"
        assert _state(w, d) == "draft"


def test_a_submitted_declaration_is_read_only(uow):
    with uow.write() as s:
        w = World.build(s)
        me, d = w.actor("applicant"), _complete_draft(w)
        act(s, me, d, "submit", {"pledge": PLEDGE_TEXT})
        record = list_records(s, me, d)["education"][0].id
        for attempt in (lambda: decl.update_fields(s, me, d, {"method": "regular"}),
                        lambda: add_record(s, me, d, "other", {"title": "补充"}),
                        lambda: update_record(s, me, record, SAMPLE_ROWS["education"]),
                        lambda: remove_record(s, me, record)):
            with pytest.raises(InvalidAction) as refused:
                attempt()
            assert refused.value.message() == "当前状态“单位内部核验”下申报为只读，不能修改"
        with pytest.raises(NotFound):
            decl.update_fields(s, w.actor("other_applicant"), d, {"method": "regular"})


def test_a_returned_declaration_is_edited_resubmitted_and_publicized_again(uow):
    with uow.write() as s:
        w = World.build(s)
        me, d = w.actor("applicant"), _complete_draft(w)
        w.drive(d, "unit_recommend")
        w.do("unit_op", d, "return_to_applicant", reason="工作经历时间有误，请核对")
        assert decl.notice_for(s, me, d) == "notice.returned"
        work = list_records(s, me, d)["work_history"][0].id
        update_record(s, me, work, {**SAMPLE_ROWS["work_history"], "start": "2012-09"})
        decl.update_fields(s, me, d, {"specialty_code": "eng_software"})
        act(s, me, d, "resubmit", {"pledge": PLEDGE_TEXT})
        w.do("unit_op", d, "approve")
        assert _state(w, d) == "unit_publicity"
        steps = dossier(s, me, d).timeline
        returned = next(e for e in steps if e.action == "return_to_applicant")
        assert (returned.comment, returned.unit_name) == ("工作经历时间有误，请核对", "市建筑设计院")


def test_after_a_failed_policy_review_only_supplements_and_the_category_change(uow):
    with uow.write() as s:
        w = World.build(s)
        me, d = w.actor("applicant"), place(w, "supplement")
        assert decl.edit_scope("supplement").modules == {"supplement"}
        with pytest.raises(ValidationError) as locked:
            decl.update_fields(s, me, d, {"level_code": "intermediate"})
        assert _details(locked) == ["decl.locked.level_code"]
        with pytest.raises(InvalidAction) as other_module:
            add_record(s, me, d, "education", SAMPLE_ROWS["education"])
        assert other_module.value.key == "decl.supplement_only"
        decl.update_fields(s, me, d, {"method": "exceptional", "exceptional_grounds": "获国家级奖项",
                                      "specialty_code": "eng_software"})
        row = add_record(s, me, d, "supplement", {"title": "继续教育证明", "description": "已加盖单位公章"})
        with pytest.raises(GuardFailed) as unsealed:
            act(s, me, d, "resubmit")
        assert _details(unsealed) == ["rec.supplement.evidence"]
        w.attach(d, "supplement", record_id=row)
        act(s, me, d, "resubmit")
        assert _state(w, d) == "supplement_verify"
        assert decl.notice_for(s, me, d) == "notice.submitted"


def test_after_a_failed_re_examination_a_new_declaration_is_the_way_forward(uow):
    with uow.write() as s:
        w = World.build(s)
        me, d = w.actor("applicant"), place(w, "policy_recheck")
        w.do("reviewer", d, "fail", reason="论文与申报专业不符")
        notice = decl.notice_for(s, me, d)
        assert t(notice).startswith("复审未通过，本申报已终止")
        assert [o.action for o in options(s, me, d)] == []
        with pytest.raises(InvalidAction):
            decl.update_fields(s, me, d, {"method": "regular"})
        assert _draft(w) != d


def test_my_declarations_tell_state_holder_and_since_when(uow):
    with uow.write() as s:
        w = World.build(s)
        me, d = w.actor("applicant"), _complete_draft(w)
        act(s, me, d, "submit", {"pledge": PLEDGE_TEXT})
        draft = decl.create_draft(s, me, flow="initial_determination", year=YEAR, **BASIC)
        mine = decl.my_declarations(s, me)
        assert [m.id for m in mine] == [draft, d]
        assert (mine[1].state, mine[1].holder_name, mine[1].title_name) == ("unit_verify", "市建筑设计院", "高级工程师")
        assert mine[1].state_since is not None and mine[1].submitted_at is not None
        assert (mine[0].held_by_applicant, mine[0].holder_name) == (True, None)
        assert decl.my_declarations(s, w.actor("other_applicant")) == []
        assert decl.my_declarations(s, w.actor("unit_op")) == []


def test_cancel_asks_for_confirmation_and_ends_the_declaration(uow):
    with uow.write() as s:
        w = World.build(s)
        me, d = w.actor("applicant"), _draft(w)
        cancel = next(o for o in options(s, me, d) if o.action == "cancel")
        assert cancel.confirm and t("notice.cancel_confirm").startswith("作废后本申报不能恢复")
        act(s, me, d, "cancel")
        assert decl.notice_for(s, me, d) == "notice.cancelled"
        with pytest.raises(InvalidAction):
            add_record(s, me, d, "other", {"title": "x"})


def test_a_complete_supplement_has_no_problems_and_others_cannot_ask(uow):
    with uow.write() as s:
        w = World.build(s)
        d = place(w, "supplement")
        add_supplement(w, d)  # a sealed supplement with its file
        assert problems_before_submit(s, w.actor("applicant"), d) == []
        with pytest.raises(NotFound):
            problems_before_submit(s, w.actor("other_applicant"), d)
