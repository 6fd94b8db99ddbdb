"""Every refusal of a service entry point is audited as a denial (rules, Audit: one row per denial).

A service entry point is a function of ``core/`` taking ``(uow: UnitOfWork, actor: Actor, ...)``: what a
page, a command or anyone calling the services directly reaches. Each carries :func:`refusals_audited`
(``tests/unit/test_entry_points_audited.py`` checks that none is missing). When the call is refused for
scope or permission (:class:`NotFound`, :class:`Forbidden`), the decorator writes the denial in a
transaction of its own (the refused one rolled back) through ``core.audit.denials``, which counts identical
denials rather than writing them all, and re-raises the original error unchanged. Other errors (a guard,
a validation, a concurrent change) are not denials and pass through untouched; an allowed call costs one
extra frame and nothing else.

A refusal already audited on its way out (``mark_audited``, e.g. by ``core.declaring.transitions``, which
names the declaration's action, or by an inner entry point) is not written twice. Recording never masks
the refusal: if it fails, the failure is logged and the original error raised.
"""
from __future__ import annotations

import datetime as dt
import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from core.audit import denials
from core.common.errors import Forbidden, NotFound
from core.workflow import Actor
from db.base import utcnow
from db.uow import UnitOfWork

REFUSALS = (NotFound, Forbidden)
TARGET_LIMIT = 200  # characters of the audited target (AuditEvent.target)
ACTION_LIMIT = 32  # characters of the audited action (AuditEvent.action)
MARK = "refusals_audited"  # the attribute the decorator sets on the entry point: its audited action name

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])


def mark_audited(error: BaseException) -> None:
    """Say that this refusal is in the trail already, so no entry point on its way out writes it again."""
    try:
        error.audited = True  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover - an exception type with __slots__
        pass


def is_audited(error: BaseException) -> bool:
    return bool(getattr(error, "audited", False))


def record(session: Session, actor: Actor | None, action: str, target: str, error: BaseException,
           now: dt.datetime | None = None) -> None:
    """Audit one refusal in the caller's transaction and mark the error; an anonymous caller has no account."""
    denials.record(session, at=now or utcnow(), action=action, target=target[:TARGET_LIMIT],
                   account_id=getattr(actor, "account_id", None), role=getattr(actor, "role", None),
                   unit_id=getattr(actor, "unit_id", None), error=getattr(error, "key", type(error).__name__))
    mark_audited(error)


def action_name(fn: Callable[..., Any]) -> str:
    """The entry point's stable name in the trail: its module's last name and its own
    (``voting.cast``, ``unit.batch``; a test keeps them unique)."""
    return f"{fn.__module__.rpartition('.')[2]}.{fn.__name__}"


def _id_name(parameter: str) -> str | None:
    """``declaration_id`` -> ``declaration``, ``objection_ids`` -> ``objections``, ``id``/``ids`` as they are;
    None for a parameter that names no record."""
    if parameter in ("id", "ids"):
        return parameter
    if parameter.endswith("_id"):
        return parameter[:-3]
    if parameter.endswith("_ids"):
        return parameter[:-4] + "s"
    return None


def _value(value: Any) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return ",".join(str(v) for v in items)
    return str(value)


def target_of(arguments: dict[str, Any]) -> str:
    """The record ids of a call as ``name:value`` pairs (``declaration:5 objections:1,2``), at most 200 characters."""
    pairs = []
    for parameter, value in arguments.items():
        name = _id_name(parameter)
        if name is not None and value is not None:
            pairs.append(f"{name}:{_value(value)}")
    return " ".join(pairs)[:TARGET_LIMIT]


def refusals_audited(fn: F | None = None, *, name: str | None = None) -> Any:
    """Audit the entry point's refusals (NotFound, Forbidden) as denials, then re-raise them unchanged.

    ``@refusals_audited`` names the action after the function (:func:`action_name`);
    ``@refusals_audited(name=...)`` names it when that would not fit the trail's action column."""
    if fn is None:
        return functools.partial(refusals_audited, name=name)
    action = name or action_name(fn)
    if len(action) > ACTION_LIMIT:
        raise ValueError(f"{action!r}: an audited action has at most {ACTION_LIMIT} characters; "
                         f"name it with @refusals_audited(name=...)")
    signature = inspect.signature(fn)
    uow_name, actor_name = list(signature.parameters)[:2]

    @functools.wraps(fn)
    def entry_point(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except REFUSALS as error:
            if not is_audited(error):
                _record_refusal(signature, uow_name, actor_name, action, args, kwargs, error)
            raise

    setattr(entry_point, MARK, action)
    return entry_point  # type: ignore[return-value]


def _record_refusal(signature: inspect.Signature, uow_name: str, actor_name: str, action: str,
                    args: tuple[Any, ...], kwargs: dict[str, Any], error: BaseException) -> None:
    """Write the denial in its own transaction; a failure here is logged, never raised over the refusal."""
    try:
        arguments = signature.bind_partial(*args, **kwargs).arguments
        uow: UnitOfWork = arguments.pop(uow_name)
        actor: Actor | None = arguments.pop(actor_name, None)
        with uow.write() as session:
            record(session, actor, action, target_of(arguments), error)
    except Exception:  # noqa: BLE001 - the refusal is what the caller must see
        log.exception("could not audit the refusal of %s", action)
