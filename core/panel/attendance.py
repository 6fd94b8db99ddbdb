"""Signing experts in and out at the meeting (签到 / 签退, §6.2.10.3), by the committee unit.

Only a signed-in member reviews and votes (no proxy); signing out ends that until they sign in again.
Present for the quorum is signed in now.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from core.common.errors import InvalidAction, ValidationError
from core.machines.spec import Actor
from core.panel.access import not_tallied, operated_session
from core.panel.sessions import log
from db.base import utcnow
from db.models import PanelMember
from db.uow import UnitOfWork
from core.refusals import refusals_audited


@refusals_audited
def sign(uow: UnitOfWork, actor: Actor, session_id: int, member_ids: Iterable[int], *, signed_in: bool) -> int:
    """Sign these members in (or out); returns how many changed."""
    ids = sorted({int(i) for i in member_ids})
    if not ids:
        raise ValidationError("panel.pick_members")
    now = utcnow()
    with uow.write() as s:
        panel = operated_session(s, actor, session_id)
        not_tallied(panel)
        members = s.scalars(select(PanelMember).where(PanelMember.session_id == panel.id,
                                                      PanelMember.id.in_(ids))).all()
        if len(members) != len(ids):
            raise InvalidAction("panel.not_members")
        changed = 0
        for m in members:
            if m.declined_at is not None:
                raise InvalidAction("panel.member_declined")
            here = m.signed_in_at is not None and m.signed_out_at is None
            if signed_in and not here:
                m.signed_in_at, m.signed_out_at = now, None
                changed += 1
            elif not signed_in and here:
                m.signed_out_at = now
                changed += 1
        log(s, actor, "sign_in" if signed_in else "sign_out", f"panel_session:{panel.id}", now,
            members=[m.id for m in members], changed=changed)
        return changed
