"""Demo accounts: one memorable login per role, and the list the login page shows in demo mode.

The demo password lives here and nowhere else. Every account the demo builds is ``is_demo``, and
``core.identity.accounts.login_gate`` refuses demo accounts whenever demo mode is off, so this password
opens nothing in production. The login page calls :func:`list_demo_accounts` only in demo mode.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.config import demo_mode
from db.models import Account, Person, RoleGrant, Unit
from db.uow import UnitOfWork

DEMO_PASSWORD = "Demo#2026"

# login → the role it demonstrates, in the order the login page lists them
DEMO_LOGINS: dict[str, str] = {
    "demo_applicant": "applicant",
    "demo_unit_admin": "unit_admin",
    "demo_prov_admin": "unit_admin",
    "demo_unit_op": "unit_operator",
    "demo_dept_op": "dept_operator",
    "demo_county_hr": "hr_operator",
    "demo_city_hr": "hr_operator",
    "demo_prov_hr": "hr_operator",
    "demo_committee_op": "committee_operator",
    "demo_reviewer": "policy_reviewer",
    "demo_expert": "expert",
    "demo_leader": "group_leader",
    "demo_chair": "chair",
    "demo_vice_chair": "vice_chair",
    "demo_member": "committee_member",
}

# (unit slug, role) → demo login, for the staff accounts the province builds anyway
DEMO_STAFF = {
    ("zn_yy1", "unit_admin"): "demo_unit_admin",
    ("prov_hr", "unit_admin"): "demo_prov_admin",
    ("zn_yy1", "unit_operator"): "demo_unit_op",
    ("zn_health", "dept_operator"): "demo_dept_op",
    ("qp_hr", "hr_operator"): "demo_county_hr",
    ("zn_hr", "hr_operator"): "demo_city_hr",
    ("prov_hr", "hr_operator"): "demo_prov_hr",
    ("org_health", "committee_operator"): "demo_committee_op",
}
# expert duty in the provincial health committee's sessions → demo login
DEMO_EXPERTS = {"expert": "demo_expert", "group_leader": "demo_leader", "chair": "demo_chair",
                "vice_chair": "demo_vice_chair", "committee_member": "demo_member"}


def list_demo_accounts(session: Session) -> list[dict]:
    """[{login_name, display_name, role, unit_name}] of the demo accounts that exist, one per login."""
    rows = session.execute(
        select(Account.login_name, Account.display_name, RoleGrant.role, RoleGrant.unit_id, Person.unit_id)
        .join(RoleGrant, RoleGrant.account_id == Account.id)
        .outerjoin(Person, Person.id == Account.person_id)
        .where(Account.login_name.in_(list(DEMO_LOGINS)), Account.is_demo.is_(True), RoleGrant.active.is_(True))
        .order_by(RoleGrant.id)).all()
    unit_ids = {r[3] or r[4] for r in rows} - {None}
    names = dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids))).all()) if unit_ids else {}
    found: dict[str, dict] = {}
    for login, display, role, grant_unit, person_unit in rows:
        if role == DEMO_LOGINS[login] and login not in found:
            found[login] = {"login_name": login, "display_name": display, "role": role,
                            "unit_name": names.get(grant_unit or person_unit, "")}
    return [found[login] for login in DEMO_LOGINS if login in found]


# --- for the login page: one read, nothing outside demo mode ---------------------------------------

@dataclass(frozen=True)
class DemoAccount:
    login_name: str
    role: str
    unit_name: str | None


def login_page_accounts(uow: UnitOfWork) -> tuple[list[DemoAccount], str | None]:
    """The demo accounts (login, role, unit) and the demo password; nothing outside demo mode."""
    if not demo_mode():
        return [], None
    with uow.read() as session:
        rows = list_demo_accounts(session)
    return [_demo_row(r) for r in rows], DEMO_PASSWORD


def _demo_row(row: object) -> DemoAccount:
    get = row.get if isinstance(row, dict) else (lambda k, d=None: getattr(row, k, d))
    return DemoAccount(str(get("login_name")), str(get("role")), get("unit_name"))
