"""Who may see and act on which panel session: the committee unit's operators, and the members.

Every panel read and write starts here, so scope is checked in one place; a session or group outside
the actor's scope is NotFound, the same as a missing one (no existence leak).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.errors import InvalidAction, NotFound
from core.machines.spec import Actor
from core.panel.facts import member_of
from db.models import Committee, PanelMember, PanelSession, ReviewGroup

OPERATOR = "committee_operator"


def operated_session(session: Session, actor: Actor, session_id: int) -> PanelSession:
    """The session, if the actor operates its committee's organizer unit."""
    panel = session.get(PanelSession, session_id)
    if panel is None or actor.role != OPERATOR or actor.unit_id is None:
        raise NotFound()
    organizer = session.scalar(select(Committee.organizer_unit_id).where(Committee.id == panel.committee_id))
    if organizer != actor.unit_id:
        raise NotFound()
    return panel


def operated_group(session: Session, actor: Actor, group_id: int) -> tuple[ReviewGroup, PanelSession]:
    group = session.get(ReviewGroup, group_id)
    if group is None:
        raise NotFound()
    return group, operated_session(session, actor, group.session_id)


def in_setup(panel: PanelSession) -> None:
    if panel.status != "setup":
        raise InvalidAction("panel.not_setup")


def not_tallied(panel: PanelSession) -> None:
    if panel.status == "tallied":
        raise InvalidAction("panel.already_tallied")


def member_session(session: Session, actor: Actor, session_id: int,
                   duties: tuple[str, ...] | None = None) -> tuple[PanelSession, PanelMember]:
    """The session and the actor's own membership in it (optionally with one of these duties)."""
    panel = session.get(PanelSession, session_id)
    member = member_of(session, actor, session_id, duties) if panel is not None else None
    if member is None:
        raise NotFound()
    return panel, member


def viewer_session(session: Session, actor: Actor, session_id: int, duties: tuple[str, ...]) -> PanelSession:
    """The session for its committee unit's operators, or for a member holding one of these duties."""
    if actor.role == OPERATOR:
        return operated_session(session, actor, session_id)
    return member_session(session, actor, session_id, duties)[0]
