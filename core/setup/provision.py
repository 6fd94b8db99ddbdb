"""First start in production (demo mode off): create the provincial HR bureau and its first admin.

``python -m core.setup.provision --bureau 某省人力资源和社会保障厅 --name 张三 --id-number ... --phone ...``
prints the admin's account name and a random one-time password, to be changed at first login. From
there the admin creates personal accounts and grants roles (hr_operator, ...) on the admin pages.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.identity.accounts import create_account, grant_role
from core.common.errors import DomainError, ValidationError
from core.identity.people import PHONE, validate_id_number
from core.org.units import add_unit
from db.base import utcnow
from db.migrate import upgrade_to_head
from db.models import Person, Unit
from db.uow import UnitOfWork


def provision_province(session: Session, *, bureau_name: str, admin_name: str, admin_id_number: str,
                       admin_phone: str, now: dt.datetime | None = None) -> tuple[str, str]:
    """On an empty database: the provincial HR bureau and its admin. Returns (login, one-time password)."""
    now = now or utcnow()
    if session.scalar(select(Unit.id).limit(1)) is not None:
        raise ValidationError("provision.not_empty")
    id_number = validate_id_number(admin_id_number)
    if not PHONE.match((admin_phone or "").strip()) or not 2 <= len((admin_name or "").strip()) <= 30 \
            or not (bureau_name or "").strip():
        raise ValidationError("provision.invalid")
    bureau = add_unit(session, name=bureau_name.strip(), kind="hr_bureau", region_level="province")
    person = Person(name=admin_name.strip(), id_number=id_number, phone=admin_phone.strip(), unit_id=bureau.id,
                    created_at=now)
    session.add(person)
    session.flush()
    account, temporary = create_account(session, login_name=id_number.lower(), display_name=person.name,
                                        person_id=person.id, now=now)
    grant_role(session, account.id, "unit_admin", bureau.id, now=now)
    audit.append(session, kind="admin", action="provision", at=now, unit_id=bureau.id,
                 target=f"account:{account.id}", detail={"bureau": bureau.name})
    assert temporary is not None
    return account.login_name, temporary


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.setup.provision", description=__doc__.splitlines()[0])
    parser.add_argument("--bureau", required=True, help="name of the provincial HR bureau")
    parser.add_argument("--name", required=True, help="the first admin's real name")
    parser.add_argument("--id-number", required=True, help="the admin's resident ID number")
    parser.add_argument("--phone", required=True, help="the admin's mobile phone")
    args = parser.parse_args(argv)
    uow = UnitOfWork.from_url()
    try:
        upgrade_to_head(uow.engine)
        with uow.write() as session:
            login, password = provision_province(session, bureau_name=args.bureau, admin_name=args.name,
                                                 admin_id_number=args.id_number, admin_phone=args.phone)
    except DomainError as error:
        print(error.message("zh"), file=sys.stderr)
        return 1
    finally:
        uow.dispose()
    print(f"admin account: {login}\none-time password (change it at first login): {password}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
