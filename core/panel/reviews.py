"""Expert review (专家评审, §6.2.10.5): an expert writes opinions on the dossiers distributed to them.

The main reviewer (主审) writes the academic and performance evaluation, the defense question, and
(with defense on, after the defense) the defense evaluation and score, and the overall opinion; a deputy
(副审) writes the overall opinion only. 暂存 keeps a draft; 完成材料审查 makes it final and read-only.
Only while the group is reviewing, and only a signed-in expert.
"""
from __future__ import annotations

from sqlalchemy import select

from core.common.errors import InvalidAction, NotFound, ValidationError
from core.common.text import clean_text
from core.machines.spec import Actor
from core.panel.facts import SIGNED_IN, member_of
from core.panel.sessions import log
from db.base import utcnow
from db.models import DossierAssignment, PanelMember, PanelSession, ReviewGroup
from db.uow import UnitOfWork
from core.refusals import refusals_audited

MAX_TEXT = 2000
MAIN_FIELDS = ("academic", "defense_question", "defense_evaluation", "defense_score", "overall")
DEFENSE_FIELDS = ("defense_evaluation", "defense_score")
DEPUTY_FIELDS = ("overall",)


def fields_for(is_main: bool, defense: bool) -> tuple[str, ...]:
    """The opinion fields this reviewer writes (defense fields only when the session has a defense)."""
    if not is_main:
        return DEPUTY_FIELDS
    return tuple(f for f in MAIN_FIELDS if defense or f not in DEFENSE_FIELDS)


def _clean(opinion: dict, allowed: tuple[str, ...]) -> dict:
    out = {}
    for name in allowed:
        value = opinion.get(name)
        if value is None or value == "":
            continue
        if name == "defense_score":
            try:
                score = int(value)
            except (TypeError, ValueError):
                raise ValidationError("panel.review.score_range") from None
            if not 0 <= score <= 100:
                raise ValidationError("panel.review.score_range")
            out[name] = score
        else:
            text = clean_text(value, f"panel.field.{name}")
            if len(text) > MAX_TEXT:
                raise ValidationError("panel.review.too_long", max=MAX_TEXT)
            if text:
                out[name] = text
    return out


def own_assignment(s, actor: Actor, assignment_id: int) -> tuple[DossierAssignment, PanelMember, PanelSession]:
    row = s.get(DossierAssignment, assignment_id)
    if row is None:
        raise NotFound()
    member = s.get(PanelMember, row.member_id)
    panel = s.get(PanelSession, member.session_id)
    mine = member_of(s, actor, panel.id)
    if mine is None or mine.id != member.id:
        raise NotFound()
    return row, member, panel


@refusals_audited
def save(uow: UnitOfWork, actor: Actor, assignment_id: int, opinion: dict, *, final: bool) -> None:
    """暂存 (``final=False``) or 完成材料审查 (``final=True``: every field of the reviewer's part required)."""
    now = utcnow()
    with uow.write() as s:
        row, member, panel = own_assignment(s, actor, assignment_id)
        if row.final:
            raise InvalidAction("panel.review.already_final")
        if s.scalar(select(ReviewGroup.status).where(ReviewGroup.id == row.group_id)) != "reviewing":
            raise InvalidAction("panel.group_not_reviewing")
        if not s.scalar(select(PanelMember.id).where(PanelMember.id == member.id, SIGNED_IN)):
            raise InvalidAction("panel.not_signed_in")
        allowed = fields_for(row.is_main, panel.defense)
        clean = _clean(opinion, allowed)
        if final:
            missing = [f for f in allowed if f not in clean]  # finishing needs every field of the reviewer's part
            if missing:
                raise ValidationError("panel.review.missing", details=[f"panel.field.{f}" for f in missing])
        row.opinion, row.final, row.updated_at = clean, bool(final), now
        log(s, actor, "review_final" if final else "review_draft", f"dossier_assignment:{row.id}", now,
            declaration=row.declaration_id)
