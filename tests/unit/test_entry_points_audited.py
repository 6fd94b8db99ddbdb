"""Every service entry point of ``core/`` audits its refusals (``core.refusals.refusals_audited``).

An entry point is a module-level function whose first two parameters are ``(uow, actor)`` with the actor
annotated ``Actor``: what a page, a command or a direct caller reaches. A new one without the decorator
fails here, so a refusal can't leave the audit trail silent.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import Counter

import core
from core import refusals
from core.workflow import Actor


def _core_modules():
    for info in pkgutil.walk_packages(core.__path__, "core."):
        yield importlib.import_module(info.name)


def _is_entry_point(fn) -> bool:
    parameters = list(inspect.signature(fn).parameters.values())
    if len(parameters) < 2 or parameters[0].name != "uow":
        return False
    annotation = parameters[1].annotation
    annotation = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    return annotation.replace(" ", "") in ("Actor", "Actor|None")


def _entry_points() -> dict[str, object]:
    found = {}
    for module in _core_modules():
        for name, fn in vars(module).items():
            if inspect.isfunction(fn) and fn.__module__ == module.__name__ and _is_entry_point(fn):
                found[f"{module.__name__}.{name}"] = fn
    return found


def test_every_entry_point_of_core_audits_its_refusals():
    entry_points = _entry_points()
    assert len(entry_points) > 100 and "core.panel.voting.cast" in entry_points
    missing = sorted(name for name, fn in entry_points.items() if not hasattr(fn, refusals.MARK))
    assert missing == [], "decorate these with @refusals_audited (core/refusals.py)"


def test_each_entry_point_has_its_own_action_name_that_fits_the_trail():
    actions = Counter(getattr(fn, refusals.MARK) for fn in _entry_points().values())
    assert [a for a, n in actions.items() if n > 1] == []
    assert max(map(len, actions)) <= refusals.ACTION_LIMIT


def test_the_scan_sees_a_function_that_forgot_the_decorator():
    def plain(uow, actor: Actor, declaration_id: int) -> None:
        ...

    assert _is_entry_point(plain) and not hasattr(plain, refusals.MARK)
    assert hasattr(refusals.refusals_audited(plain), refusals.MARK)


def test_the_target_names_the_records_of_the_call():
    assert refusals.target_of({"session_id": 3, "stage": "group", "ids": [4, 5], "objection_ids": {9, 7},
                               "reason": "x", "record_id": None}) == "session:3 ids:4,5 objections:7,9"
    assert len(refusals.target_of({"ids": list(range(1000))})) == refusals.TARGET_LIMIT
