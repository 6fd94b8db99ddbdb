"""The routes a demo declaration takes to its final state, as lists of named steps.

Each target state has one or more believable histories: the happy path up to it, with the detours
real declarations take now and then (a return and resubmission at the unit, a withdrawn approval, a
relay hop sending it back, a committee refusing receipt, a failed policy review with supplements).
A step is ``(name, params)``; core.setup.demo.steps performs each one through the engine.
"""
from __future__ import annotations

import random

Step = tuple[str, dict]

UNIT_REJECT = ("继续教育学时证明缺失，请补充后重新提交。", "论文检索证明未加盖单位公章，请补正。",
               "工作经历起止时间与劳动合同不一致，请核实后重新提交。", "学历证书扫描件不清晰，请重新上传。",
               "年度考核结果未填写完整，请补充。")
RETURN_REASONS = ("申报材料中现职称任职年限计算有误，请核实后重新申报。", "缺少任现职以来的业绩佐证材料，请补充后重新申报。",
                  "申报专业与现从事专业不一致，请核实申报专业。")
TERMINATE_REASONS = ("经核查，申报人不符合破格申报条件，终止本次申报。", "申报人已调离本单位，终止本次申报。",
                     "经核实存在材料不实情况，终止本次申报。")
RELAY_REJECT = ("单位推荐材料缺少公示情况说明，退回单位补正。", "推荐上报名单与公示名单不一致，请核实。")
REFUSE_REASONS = ("推荐材料不齐全，拒绝接收，请补齐后重新分配。", "申报人所在单位归口关系有误，请核实后重新分配。")
RECHECK_FAIL = ("现职称任职年限不足，不符合申报条件。", "继续教育学时不足，请补充相关证明。",
                "论文发表期刊不符合评审条件要求，请补充符合要求的业绩成果。")
RECHECK2_FAIL = ("补充材料仍不能证明符合申报条件，终止申报。",)
SUPPLEMENT_REJECT = ("补充材料未加盖单位公章，请重新提交。",)
INITIAL_REJECT = ("初定资格条件不符：所学专业与从事工作不一致。", "见习期满考核材料不完整，请补充。",
                  "学历认证材料缺失，请补充学信网学历认证报告。")
OPINIONS = ("申报材料齐全，符合申报条件。", "学历、资历符合条件，业绩材料真实。", "经审查，符合政策规定。")


def _reason(rng: random.Random, pool: tuple[str, ...]) -> dict:
    return {"reason": rng.choice(pool)}


def _verify(rng: random.Random, loop: float) -> list[Step]:
    steps: list[Step] = [("submit", {})]
    if rng.random() < loop:
        steps += [("unit_reject", _reason(rng, UNIT_REJECT)), ("resubmit", {})]
    return steps


def _publicity(rng: random.Random) -> list[Step]:
    steps = _verify(rng, 0.1) + [("unit_approve", {})]
    if rng.random() < 0.05:
        steps += [("withdraw", {}), ("unit_approve", {})]
    return steps


def _recommend(rng: random.Random) -> list[Step]:
    return _publicity(rng) + [("unit_publicity_done", {})]


def _relay_start(rng: random.Random) -> list[Step]:
    steps = _recommend(rng) + [("recommend", {})]
    if rng.random() < 0.05:
        steps += [("relay_reject", _reason(rng, RELAY_REJECT)), ("recommend", {})]
    return steps


def _receipt(rng: random.Random, self_review: bool, route_len: int) -> list[Step]:
    if self_review:
        steps = _recommend(rng) + [("assign_own", {})]
        again = ("assign_own", {})
    else:
        steps = _relay_start(rng) + [("relay_approve", {})] * (route_len - 1) + [("assign_committee", {})]
        again = ("assign_committee", {})
    if rng.random() < 0.04:
        steps += [("refuse", _reason(rng, REFUSE_REASONS)), again]
    return steps


def _policy(rng: random.Random, self_review: bool, route_len: int) -> list[Step]:
    steps = _receipt(rng, self_review, route_len) + [("accept", {})]
    if rng.random() < 0.5:
        steps.append(("initial_review", {"result": "pass", "opinion": rng.choice(OPINIONS)}))
    return steps


def _failed(rng: random.Random, self_review: bool, route_len: int) -> list[Step]:
    steps = _receipt(rng, self_review, route_len) + [("accept", {})]
    reason = rng.choice(RECHECK_FAIL)
    if rng.random() < 0.7:
        steps.append(("initial_review", {"result": "fail", "opinion": reason}))
    return steps + [("recheck_fail", {"reason": reason})]


def _supplement_verify(rng: random.Random, self_review: bool, route_len: int) -> list[Step]:
    steps = _failed(rng, self_review, route_len) + [("failed_done", {}), ("supplement_resubmit", {})]
    if rng.random() < 0.1:
        steps += [("supplement_reject", _reason(rng, SUPPLEMENT_REJECT)), ("supplement_resubmit", {})]
    return steps


def _candidate(rng: random.Random, self_review: bool, route_len: int) -> list[Step]:
    if rng.random() < 0.12:
        return _supplement_verify(rng, self_review, route_len) + [("supplement_approve", {}),
                                                                   ("recheck2_pass", {"opinion": rng.choice(OPINIONS)})]
    return _policy(rng, self_review, route_len) + [("recheck_pass", {"opinion": rng.choice(OPINIONS)})]


def _panel(rng: random.Random, self_review: bool, route_len: int) -> list[Step]:
    return _candidate(rng, self_review, route_len) + [("candidate_done", {})]


def _relay_prefix(rng: random.Random, hop: int) -> list[Step]:
    """Recommended and approved by ``hop`` relay units: now held by the hop-th one (0 = the first)."""
    return _relay_start(rng) + [("relay_approve", {})] * hop


def review_path(rng: random.Random, target: str, *, self_review: bool, route_len: int,
                hop: int | None = None) -> list[Step]:
    """The steps that take a review-flow draft to ``target``."""
    sr, n = self_review, route_len
    hop = rng.randrange(n) if hop is None and n else hop or 0
    simple = {
        "draft": lambda: [("save", {})] if rng.random() < 0.5 else [],
        "unit_verify": lambda: _verify(rng, 0.15),
        "unit_publicity": lambda: _publicity(rng),
        "unit_recommend": lambda: _recommend(rng),
        "relay": lambda: _relay_prefix(rng, hop),
        "material_receipt": lambda: _receipt(rng, sr, n),
        "policy_review": lambda: _policy(rng, sr, n),
        "failed_publicity": lambda: _failed(rng, sr, n),
        "supplement": lambda: _failed(rng, sr, n) + [("failed_done", {})],
        "supplement_verify": lambda: _supplement_verify(rng, sr, n),
        "policy_recheck": lambda: _supplement_verify(rng, sr, n) + [("supplement_approve", {})],
        "candidate_publicity": lambda: _candidate(rng, sr, n),
        "panel_review": lambda: _panel(rng, sr, n),
        "result_publicity": lambda: _panel(rng, sr, n) + [("tally", {"passed": True})],
        "not_approved": lambda: _panel(rng, sr, n) + [("tally", {"passed": False})],
        "filing": lambda: _panel(rng, sr, n) + [("tally", {"passed": True}), ("result_done", {})]
        + ([("submit_filing", {})] if rng.random() < 0.5 else []),
        "approved": lambda: _panel(rng, sr, n) + [("tally", {"passed": True}), ("result_done", {}),
                                                   ("submit_filing", {}), ("filing_approved", {})],
    }
    if target in simple:
        return simple[target]()
    return _ending(rng, target, sr, n)


def _ending(rng: random.Random, target: str, self_review: bool, route_len: int) -> list[Step]:
    """returned, terminated and cancelled: each reached in more than one way."""
    roll = rng.random()
    relay_ok = not self_review and route_len > 0
    if target == "returned":
        if roll < 0.6:
            return [("submit", {}), ("unit_reject", _reason(rng, UNIT_REJECT))]
        if roll < 0.8 and relay_ok:
            return _relay_prefix(rng, rng.randrange(route_len)) + [
                ("return_to_applicant", _reason(rng, RETURN_REASONS))]
        return _receipt(rng, self_review, route_len) + [("return_to_applicant", _reason(rng, RETURN_REASONS))]
    if target == "terminated":
        if roll < 0.35 and relay_ok:
            return _relay_prefix(rng, rng.randrange(route_len)) + [
                ("terminate", _reason(rng, TERMINATE_REASONS))]
        if roll < 0.65:
            return _receipt(rng, self_review, route_len) + [("terminate", _reason(rng, TERMINATE_REASONS))]
        return _supplement_verify(rng, self_review, route_len) + [("supplement_approve", {}),
                                                                   ("recheck2_fail", _reason(rng, RECHECK2_FAIL))]
    assert target == "cancelled", target
    if roll < 0.4:
        return [("cancel", {})]
    if roll < 0.8:
        return [("submit", {}), ("unit_reject", _reason(rng, UNIT_REJECT)), ("cancel", {})]
    return _failed(rng, self_review, route_len) + [("failed_done", {}), ("cancel", {})]


def initial_path(rng: random.Random, target: str, *, has_dept: bool) -> list[Step]:
    """The steps that take an initial-determination draft (职称初定, 004 ch.2) to ``target``."""
    verify: list[Step] = [("submit", {})]
    if target not in ("draft", "cancelled") and rng.random() < 0.1:
        verify += [("init_reject", _reason(rng, INITIAL_REJECT)), ("resubmit", {})]
    chain: list[Step] = [("init_unit_approve", {})] + ([("init_dept_approve", {})] if has_dept else []) \
        + [("init_hr_approve", {})]
    if target == "draft":
        return []
    if target == "unit_verify":
        return verify
    if target == "dept_review":
        assert has_dept
        return verify + chain[:1]
    if target == "hr_review":
        return verify + chain[:-1]
    if target == "approved":
        return verify + chain
    if target == "returned":
        return verify + chain[:rng.randrange(len(chain))] + [("init_reject", _reason(rng, INITIAL_REJECT))]
    assert target == "cancelled", target
    if rng.random() < 0.5:
        return [("cancel", {})]
    return [("submit", {}), ("init_reject", _reason(rng, INITIAL_REJECT)), ("cancel", {})]
