"""The committee's publicities: the §6.2.8 template, failed-review publicity into the supplement loop
and re-examination (both ways), candidate publicity into the panel-review pool."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from core.review.committee_publicity import committee_notice
from core.declaring.dossier import dossier
from core.common.errors import NotFound
from core.machines.pledge import PLEDGE_TEXT
from core.review.publicity import complete_batch, create_batch, edit_notice, publish
from db.models import Declaration, PublicityBatch
from tests.integration.transition_support import add_supplement
from tests.integration.unit_support import AFTER, END, START, applicant_of, at, declarations, run
from tests.world import World

DEADLINE = dt.date(2025, 10, 31)
REASON = "任职年限不足，请补充任职文件"


@pytest.fixture
def world(uow):
    with uow.write() as s:
        w = World.build(s)
        ids = declarations(w, 2, "policy_review")
    return w, ids


def _state(uow, d):
    with uow.write() as s:
        return s.get(Declaration, d).state


def _run_publicity(uow, w, kind, ids, title="公示", body="内容") -> int:
    op = w.actor("committee_op")
    batch = run(uow, w, lambda w: create_batch(w.session, op, kind, ids, title, body, START, END,
                                                  committee_id=w.committee_id, now=at(START), today=START))
    run(uow, w, lambda w: edit_notice(w.session, op, batch, title + "（修订）", body, now=at(START), today=START))
    run(uow, w, lambda w: publish(w.session, op, batch, now=at(START), today=START))
    run(uow, w, lambda w: complete_batch(w.session, op, batch, now=at(AFTER), today=AFTER))
    return batch


def _fail(uow, w, d):
    run(uow, w, lambda w: w.do("reviewer", d, "recheck_fail", reason=REASON))


def test_the_failed_review_notice_follows_the_template_of_6_2_8(uow, world):
    w, ids = world
    for d in ids:
        _fail(uow, w, d)
    notice = run(uow, w, lambda w: committee_notice(w.session, w.actor("committee_op"), "failed_review", ids,
                                                      START, END, DEADLINE))
    assert notice.title == "省工程评委会组建单位2026年度工程系列土木建筑工程专业技术职务任职资格政策性审查未通过人员公示表"
    assert notice.body.startswith("经专家组审核，现将省工程评委会组建单位2026年度工程系列土木建筑工程专业技术职务任职资格"
                                  "政策性审查未通过人员予以公示，公示期为2025年9月30日至2025年10月14日。")
    assert "查看审查未通过原因" in notice.body and "线上补充材料截止时间至2025年10月31日" in notice.body
    assert "1. 申报人" in notice.body and "\n2. 申报人" in notice.body and "5201" not in notice.body
    with pytest.raises(NotFound):
        run(uow, w, lambda w: committee_notice(w.session, w.actor("unit_op"), "failed_review", ids, START, END))


def _resubmit_supplement(uow, w, d):
    def go(w):
        add_supplement(w, d)
        w.do(applicant_of(w, d), d, "resubmit")
        w.do("unit_op", d, "approve")
    run(uow, w, go)


def test_the_supplement_loop_passes_to_candidate_publicity_or_terminates(uow, world):
    w, (a, b) = world
    for d in (a, b):
        _fail(uow, w, d)
    batch = _run_publicity(uow, w, "failed_review", [a, b])
    with uow.write() as s:
        assert s.get(PublicityBatch, batch).status == "completed"
        mine = dossier(s, w.actor(applicant_of(replace(w, session=s), a)), a)
        assert mine.state == "supplement" and REASON in [e.comment for e in mine.timeline]
    for d in (a, b):
        _resubmit_supplement(uow, w, d)
        assert _state(uow, d) == "policy_recheck"
    run(uow, w, lambda w: w.do("reviewer", a, "pass"))
    run(uow, w, lambda w: w.do("reviewer", b, "fail", reason="补充材料仍不符合条件"))
    assert (_state(uow, a), _state(uow, b)) == ("candidate_publicity", "terminated")


def test_a_completed_candidate_publicity_puts_its_declarations_into_the_panel_review_pool(uow, world):
    w, ids = world
    for d in ids:
        run(uow, w, lambda w, d=d: w.do("reviewer", d, "recheck_pass"))
    notice = run(uow, w, lambda w: committee_notice(w.session, w.actor("committee_op"), "candidate", ids, START, END))
    assert "拟送评人员名单公示" in notice.title
    _run_publicity(uow, w, "candidate", ids, notice.title, notice.body)
    with uow.write() as s:
        for d in ids:
            row = s.get(Declaration, d)
            assert (row.state, row.committee_id, row.holder_unit_id) == \
                ("panel_review", w.committee_id, w.units["organizer"])


def test_a_policy_reviewer_runs_its_own_committees_candidate_list_but_not_another_scopes(uow, world):
    from core.review.publicity_view import list_batches

    w, ids = world
    with uow.write() as s:  # reviewers as the app creates them: at the organizer unit
        for name, series in (("unit_reviewer", "engineering"), ("health_reviewer", "health")):
            w.actors[name] = replace(w, session=s)._actor(name, "policy_reviewer", w.units["organizer"],
                                                          committee_id=w.committee_id, year=2026,
                                                          series_codes=(series,))
    for d in ids:
        run(uow, w, lambda w, d=d: w.do("reviewer", d, "recheck_pass"))
    me, other = w.actor("unit_reviewer"), w.actor("health_reviewer")
    with pytest.raises(NotFound):
        run(uow, w, lambda w: create_batch(w.session, other, "candidate", ids, "公示", "", START, END,
                                              now=at(START), today=START))
    batch = run(uow, w, lambda w: create_batch(w.session, me, "candidate", ids, "公示", "", START, END,
                                                  now=at(START), today=START))
    run(uow, w, lambda w: publish(w.session, me, batch, now=at(START), today=START))
    with uow.write() as s:
        assert [b.id for b in list_batches(s, me, "candidate")] == [batch]
        assert s.get(PublicityBatch, batch).committee_id == w.committee_id
    run(uow, w, lambda w: complete_batch(w.session, me, batch, now=at(AFTER), today=AFTER))
    assert {_state(uow, d) for d in ids} == {"panel_review"}
    with pytest.raises(NotFound):
        run(uow, w, lambda w: create_batch(w.session, me, "result", ids, "公示", "", START, END,
                                              now=at(START), today=START))
