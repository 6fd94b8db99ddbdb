"""Reporting paths (路径申请, 002 §2.5): a unit applies per series and level to an upper unit outside its
subtree, only that unit decides, and an approved path overrides the parent chain during relay."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.common.errors import InvalidAction, NotFound, ValidationError
from core.review.recommendation import attach_unit_proof, recommend
from core.org.report_paths import apply_path, decide_path, list_paths, path_targets
from core.files.store import minimal_pdf
from core.org.units import add_unit
from db.models import Declaration, ReportPath, Unit
from tests.integration.unit_support import OPERATOR, REASON, declarations, run
from tests.world import LEVEL, SERIES, World


@pytest.fixture
def world(uow, tmp_path, monkeypatch):
    monkeypatch.setenv("TITLES_FILE_STORE", str(tmp_path / "files"))
    with uow.write() as s:
        w = World.build(s)
    return w


def _apply(who: str, target: str, level: str = LEVEL):
    return lambda w: apply_path(w.session, w.actor(who), SERIES, level, w.units[target])


def _decide(who: str, path_id: int, approve: bool, reason: str | None = None):
    return lambda w: decide_path(w.session, w.actor(who), path_id, approve, reason)


def test_an_approved_path_overrides_the_parent_chain_when_the_unit_reports(uow, world):
    w = world
    path = run(uow, w, _apply("unit_op", "other_dept"))
    run(uow, w, _decide("other_dept_op", path, True, "同意"))
    ids = run(uow, w, lambda w: declarations(w, 1, "unit_recommend"))
    op = w.actor("unit_op")
    run(uow, w, lambda w: attach_unit_proof(w.session, op, ids, "单位证明.pdf", minimal_pdf("proof")))
    run(uow, w, lambda w: recommend(w.session, op, ids, *OPERATOR))
    with uow.write() as s:
        d = s.get(Declaration, ids[0])
        assert (d.state, d.holder_unit_id) == ("relay", w.units["other_dept"])
        assert d.relay_route == [w.units["other_dept"], w.units["city"], w.units["prov"]]
    rows = run(uow, w, lambda w: list_paths(w.session, w.actor("unit_op")))
    assert [(r.id, r.status, r.target_name, r.reason) for r in rows] == [(path, "approved", "市卫健委", "同意")]


def test_the_target_must_be_a_department_or_hr_bureau_outside_the_units_subtree(uow, world):
    w = world
    with uow.write() as s:
        inner = add_unit(s, name="市住建局下属处", kind="department", parent=s.get(Unit, w.units["dept"])).id
    for who, target in (("unit_op", "employer"), ("unit_op", "sibling"), ("unit_op", "organizer")):
        with pytest.raises(ValidationError) as caught:
            run(uow, w, _apply(who, target))
        assert caught.value.key == "report_path.bad_target"
    with pytest.raises(ValidationError):
        run(uow, w, lambda w: apply_path(w.session, w.actor("dept_op"), SERIES, LEVEL, inner))
    with pytest.raises(ValidationError):
        run(uow, w, lambda w: apply_path(w.session, w.actor("unit_op"), SERIES, "no_such_level", w.units["city"]))
    with pytest.raises(NotFound):
        run(uow, w, _apply("applicant", "city"))
    targets = dict(run(uow, w, lambda w: path_targets(w.session, w.actor("dept_op"))))
    assert inner not in targets and w.units["dept"] not in targets and w.units["city"] in targets


def test_only_the_target_units_operator_decides_and_a_rejection_needs_a_reason(uow, world):
    w = world
    path = run(uow, w, _apply("unit_op", "city"))
    with pytest.raises(ValidationError):
        run(uow, w, _apply("unit_op", "other_dept"))  # one pending application per series and level
    for who in ("dept_op", "prov_hr", "other_dept_op", "unit_op"):
        with pytest.raises(NotFound):
            run(uow, w, _decide(who, path, True))
    with pytest.raises(ValidationError):
        run(uow, w, _decide("city_hr", path, False, " "))
    run(uow, w, _decide("city_hr", path, False, REASON))
    with pytest.raises(InvalidAction):
        run(uow, w, _decide("city_hr", path, True))
    incoming = run(uow, w, lambda w: list_paths(w.session, w.actor("city_hr"), "incoming"))
    outgoing = run(uow, w, lambda w: list_paths(w.session, w.actor("unit_op")))
    assert [(r.id, r.status, r.reason) for r in incoming] == [(path, "rejected", REASON)] == \
        [(r.id, r.status, r.reason) for r in outgoing]
    assert run(uow, w, lambda w: list_paths(w.session, w.actor("sibling_op"))) == []


def test_approving_a_new_path_for_the_same_title_supersedes_the_old_one(uow, world):
    w = world
    first = run(uow, w, _apply("unit_op", "other_dept"))
    run(uow, w, _decide("other_dept_op", first, True))
    second = run(uow, w, _apply("unit_op", "city"))
    run(uow, w, _decide("city_hr", second, True))
    other_level = run(uow, w, _apply("unit_op", "other_dept", level="intermediate"))
    run(uow, w, _decide("other_dept_op", other_level, True))
    with uow.write() as s:
        status = dict(s.execute(select(ReportPath.id, ReportPath.status)).all())
    assert status == {first: "superseded", second: "approved", other_level: "approved"}
