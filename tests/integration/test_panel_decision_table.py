"""The decision table (评审表决表): the tally's figures, as .xlsx and as a Chinese PDF, in scope, after the tally only."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from core.common.errors import InvalidAction, NotFound
from core.files.store import sniff_media_type
from core.panel import decision_table, voting
from db.models import Declaration, Person, TallyResult
from tests.integration.test_declaration_pdf import _text
from tests.panel_world import PanelWorld

EVIL = '=HYPERLINK("http://evil.example","x")'


def _tallied(uow, *, fail_last: bool = True) -> PanelWorld:
    """A tallied session whose last dossier the committee rejects (so both results show)."""
    pw = PanelWorld.build(uow)
    pw.run_to("committee_voting")
    last = pw.dossiers[-1]
    pw.vote_committee(lambda n, d: "reject" if fail_last and d == last else "approve")
    voting.tally(uow, pw.chair(), pw.session_id)
    return pw


def _tally_rows(uow, session_id: int) -> list[TallyResult]:
    with uow.read() as s:
        rows = list(s.scalars(select(TallyResult).where(TallyResult.session_id == session_id)
                              .order_by(TallyResult.declaration_id, TallyResult.stage)))
        s.expunge_all()
        return rows


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_the_table_holds_the_tally_figures_names_and_the_digest_of_the_hashes(uow):
    pw = _tallied(uow)
    table = decision_table.build(uow, pw.operator, pw.session_id)
    tallies = _tally_rows(uow, pw.session_id)
    committee = {r.declaration_id: r for r in tallies if r.stage == "committee"}
    group = {r.declaration_id: r.passed for r in tallies if r.stage == "group"}
    assert [r.declaration_id for r in table.rows] == sorted(pw.dossiers) == sorted(committee)
    assert [r.number for r in table.rows] == list(range(1, len(pw.dossiers) + 1))
    for row in table.rows:
        t = committee[row.declaration_id]
        assert (row.members, row.present, row.yes, row.no, row.abstain, row.passed, row.record_hash) == \
               (t.members, t.present, t.yes, t.no, t.abstain, t.passed, t.record_hash)
        assert row.group_passed is group[row.declaration_id] is True
        assert (row.series, row.specialty, row.level) == ("工程", "土木建筑工程", "副高级")
        assert row.applicant.startswith("申报人") and row.unit == "市建筑设计院"
    assert [r.passed for r in table.rows] == [True] * (len(pw.dossiers) - 1) + [False]
    assert table.passed == len(pw.dossiers) - 1
    assert table.committee and table.title == "2026年度工程系列高级评审会" and table.year == 2026
    assert table.tallied_at.utcoffset() == dt.timedelta(hours=8)
    assert table.members >= table.present > 0 and table.members == table.rows[0].members
    assert table.record_hashes == tuple(r.record_hash for r in tallies) and len(tallies) == 2 * len(pw.dossiers)
    assert table.digest == decision_table.digest_of([r.record_hash for r in tallies])
    assert len(table.digest) == 19 and table.digest.count("-") == 3


def test_the_chair_may_build_it_and_english_names_come_from_the_catalogue(uow):
    pw = _tallied(uow)
    table = decision_table.build(uow, pw.chair(), pw.session_id, lang="en")
    assert (table.rows[0].series, table.rows[0].specialty, table.rows[0].level) == \
           ("Engineering", "Civil engineering", "Associate senior")
    sheet = _sheet(decision_table.excel_bytes(table))
    values = [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert "Decision table" in " ".join(map(str, values)) and "Chair's signature：" in values


def test_refused_before_the_tally_and_outside_the_scope(uow):
    pw = PanelWorld.build(uow)
    pw.run_to("committee_voting")
    with pytest.raises(InvalidAction) as refused:
        decision_table.build(uow, pw.operator, pw.session_id)
    assert refused.value.key == "panel_table.not_tallied" and "尚未统票" in str(refused.value)
    pw.vote_committee()
    voting.tally(uow, pw.chair(), pw.session_id)
    voter = next(m for m in pw.members() if m.duty == "committee_member")
    for outsider in (pw.world.actor("own_committee_op"), pw.world.actor("unit_op"), pw.member_actor(voter),
                     pw.leader()):
        with pytest.raises(NotFound):
            decision_table.build(uow, outsider, pw.session_id)
    with pytest.raises(NotFound):
        decision_table.build(uow, pw.operator, pw.session_id + 999)


def test_a_tally_row_changed_after_the_tally_is_refused(uow):
    pw = _tallied(uow, fail_last=False)
    with uow.write() as s:
        s.execute(update(TallyResult).where(TallyResult.session_id == pw.session_id,
                                            TallyResult.declaration_id == pw.dossiers[0],
                                            TallyResult.stage == "committee").values(yes=TallyResult.yes - 1))
    with pytest.raises(InvalidAction) as refused:
        decision_table.build(uow, pw.operator, pw.session_id)
    assert refused.value.key == "panel_table.hash_mismatch"


def test_the_sheet_has_title_headers_rows_signatures_and_no_formula(uow):
    pw = _tallied(uow)
    with uow.write() as s:
        person = s.scalar(select(Declaration.applicant_person_id).where(Declaration.id == pw.dossiers[0]))
        s.execute(update(Person).where(Person.id == person).values(name=EVIL))
    table = decision_table.build(uow, pw.operator, pw.session_id)
    data = decision_table.excel_bytes(table)
    assert sniff_media_type(data) != "application/pdf" and data[:2] == b"PK"
    sheet = _sheet(data)
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = [c.value for c in cells]
    assert any(isinstance(v, str) and "评审表决表" in v for v in values)
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "序号")
    assert rows[header] == ("序号", "姓名", "工作单位", "申报系列/专业", "申报资格", "应到人数", "实到人数", "同意",
                            "不同意", "弃权", "表决结果", "评议组意见")
    body = rows[header + 1:header + 1 + len(table.rows)]
    assert body[0][1] == "'" + EVIL  # shown as text, never run
    for got, row in zip(body, table.rows):
        assert got[0] == row.number and got[2] == "市建筑设计院" and got[3] == "工程/土木建筑工程"
        assert got[4] == "副高级" and got[5:10] == (row.members, row.present, row.yes, row.no, row.abstain)
        assert got[10] == ("通过" if row.passed else "不通过") and got[11] == "建议通过"
    assert [r[10] for r in body].count("不通过") == 1
    for label in ("主任委员签字：", "监票人：", "计票人：", "日期："):
        assert label in values
    assert any(isinstance(v, str) and table.digest in v for v in values)
    assert sheet.page_setup.orientation == "landscape"


def test_the_pdf_is_chinese_landscape_with_the_names_results_and_signatures(uow):
    pw = _tallied(uow)
    table = decision_table.build(uow, pw.operator, pw.session_id)
    pdf = decision_table.pdf_bytes(table)
    assert sniff_media_type(pdf) == "application/pdf" and b"STSong-Light" in pdf
    assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in pdf  # A4 landscape
    text = _text(pdf)
    for phrase in ("评审表决表", "2026年度工程系列高级评审会", "应到委员", "通过", "不通过", "建议通过", "市建筑设计院",
                   "工程/土木建筑工程", "副高级", "主任委员签字", "监票人", "计票人", "日期", table.digest,
                   table.tallied_at.strftime("%Y-%m-%d%H:%M"), *(r.applicant for r in table.rows)):
        assert phrase in text, phrase
