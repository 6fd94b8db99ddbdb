"""What the applicant's pages ask for, one transaction each (like core.desks.generic and core.desks.unit).

Reads open a read session; every click that changes something is one ``unit_of_work``, so a refused
row, file or submit leaves nothing half saved. The services called here check the actor again
(ownership, state, scope): this module only bundles them per screen.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from core.declaring import choices
from core.declaring import records
from core.declaring import transitions
from core.common import config
from core.declaring import declarations
from core.declaring import evidence
from core.identity import people
from core.declaring import submission
from core.declaring.form_pdf import declaration_form_pdf
from core.declaring.records import RecordView
from core.declaring.dossier import Dossier, access_declaration, dossier
from core.common.errors import InvalidAction, ValidationError
from core.declaring.record_schema import SCHEMAS
from core.workflow import Actor, Option
from db.uow import UnitOfWork
from core.refusals import refusals_audited


ACTIONS = ("submit", "resubmit", "cancel")  # what the applicant's page offers as buttons


@dataclass(frozen=True)
class Overview:
    binding: str  # bound / pending / none
    unit_name: str | None
    rows: list[declarations.MyDeclaration]


@dataclass(frozen=True)
class Editor:
    """Everything the page shows about one of the applicant's declarations."""

    dossier: Dossier
    values: dict[str, Any]  # the declaration's fields (codes, ids) for the form
    scope: declarations.EditScope
    modules: tuple[str, ...]  # required modules first, then any other module holding rows
    required: frozenset[str]
    records: dict[str, list[RecordView]]
    options: list[Option]
    problems: list[submission.Problem]
    notice: str


@dataclass(frozen=True)
class FormChoices:
    levels: list[choices.Choice]
    series: list[choices.Choice]
    specialties: list[choices.Choice]
    self_review: bool
    committees: list[choices.CommitteeChoice]


def this_year() -> int:
    return config.today().year


def register(uow: UnitOfWork, **fields: str) -> str:
    """Self-registration; returns the login name (the ID number)."""
    with uow.write() as session:
        return people.register_applicant(session, **fields).login_name


@refusals_audited
def overview(uow: UnitOfWork, actor: Actor) -> Overview:
    with uow.read() as session:
        status, unit_name = people.binding_status(session, actor.person_id) if actor.person_id else ("none", None)
        return Overview(status, unit_name, declarations.my_declarations(session, actor))


def search_units(uow: UnitOfWork, text: str) -> list[tuple[int, str]]:
    with uow.read() as session:
        return people.search_units(session, text)


@refusals_audited
def request_binding(uow: UnitOfWork, actor: Actor, unit_id: int) -> None:
    with uow.write() as session:
        people.request_binding(session, actor, unit_id)


@refusals_audited
def form_choices(uow: UnitOfWork, actor: Actor, year: int, level: str | None, series: str | None,
                 review_type: str | None) -> FormChoices:
    """The cascade for the form: levels; series of the level; specialties of the series; committees."""
    with uow.read() as session:
        found = FormChoices(choices.choices_levels(session), choices.choices_series(session, level),
                            choices.choices_specialties(session, series), False, [])
        if not (level and series):
            return found
        try:
            self_review = choices.self_review_available(session, actor, year, level, series)
            committees = choices.open_committees(session, actor, year, level, series, review_type)
        except ValidationError:  # not bound: nothing to offer (the page says why)
            return found
        return FormChoices(found.levels, found.series, found.specialties, self_review, committees)


@refusals_audited
def create(uow: UnitOfWork, actor: Actor, flow: str, year: int, fields: dict[str, Any]) -> int:
    with uow.write() as session:
        return declarations.create_draft(session, actor, flow=flow, year=year, **fields)


@refusals_audited
def save_fields(uow: UnitOfWork, actor: Actor, declaration_id: int, changes: dict[str, Any]) -> None:
    with uow.write() as session:
        declarations.update_fields(session, actor, declaration_id, changes)


@refusals_audited
def editor(uow: UnitOfWork, actor: Actor, declaration_id: int) -> Editor:
    """The dossier, the form values, what may change now, the rows, the actions and every open problem."""
    with uow.read() as session:
        d = access_declaration(session, actor, declaration_id)
        values = {name: getattr(d, name) for name in declarations.FIELDS}
        required = declarations.required_modules_for(session, d)
        rows = records.list_records(session, actor, d.id)
        scope = declarations.edit_scope(d.state)
        modules = tuple(dict.fromkeys([*required, *(m for m in SCHEMAS if m in rows or m in scope.modules)]))
        options = [o for o in transitions.options(session, actor, d.id) if o.action in ACTIONS]
        problems = submission.problems_before_submit(session, actor, d.id) if scope.modules else []
        return Editor(dossier(session, actor, d.id), values, scope, modules, frozenset(required), rows, options,
                      problems, declarations.notice_for(session, actor, d.id))


@refusals_audited
def problems(uow: UnitOfWork, actor: Actor, declaration_id: int) -> list[submission.Problem]:
    with uow.read() as session:
        return submission.problems_before_submit(session, actor, declaration_id)


@refusals_audited
def add_row(uow: UnitOfWork, actor: Actor, declaration_id: int, module: str, data: dict[str, Any]) -> int:
    with uow.write() as session:
        return records.add_record(session, actor, declaration_id, module, data)


@refusals_audited
def update_row(uow: UnitOfWork, actor: Actor, record_id: int, data: dict[str, Any]) -> None:
    with uow.write() as session:
        records.update_record(session, actor, record_id, data)


@refusals_audited
def remove_row(uow: UnitOfWork, actor: Actor, record_id: int) -> None:
    with uow.write() as session:
        records.remove_record(session, actor, record_id)


@refusals_audited
def attach(uow: UnitOfWork, actor: Actor, declaration_id: int, record_id: int, name: str, data: bytes) -> int:
    with uow.write() as session:
        return evidence.attach_evidence(session, actor, declaration_id, record_id, name, data)


@refusals_audited
def detach(uow: UnitOfWork, actor: Actor, attachment_id: int) -> None:
    with uow.write() as session:
        evidence.remove_evidence(session, actor, attachment_id)


@refusals_audited
def act(uow: UnitOfWork, actor: Actor, declaration_id: int, action: str, payload: dict, version: int) -> int:
    """Submit, resubmit or cancel: one transaction through the engine (which checks everything again)."""
    if action not in ACTIONS:
        raise InvalidAction("error.role_not_allowed", action=f"action.{action}")
    return transitions.execute(uow, actor, declaration_id, action, payload, expected_version=version)


@refusals_audited
def form_pdf(uow: UnitOfWork, actor: Actor, declaration_id: int, lang: str, now: dt.datetime | None = None) -> bytes:
    with uow.read() as session:
        return declaration_form_pdf(session, actor, declaration_id, lang, now)
