"""A login name no account can have (NUL, lone surrogates, control characters, 5,000 characters) is an
unknown name like any other: the dummy hash, the generic failure, an audit row; never a crash (a lone
surrogate cannot be encoded as UTF-8 for the audit hash; PostgreSQL refuses NUL in text)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.desks import login
from core.identity.passwords import check_password, dummy_hash
from db.models import AuditEvent

ODD_NAMES = ["\udcff", "a\x00b", "\x1b[31m", "x" * 5000, "522225\u202e1991"]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_an_impossible_login_name_is_refused_like_an_unknown_one(uow, name):
    password_hash = login.gate(uow, name, "203.0.113.9")
    assert password_hash == dummy_hash() and not check_password("whatever", password_hash)
    login.fail(uow, name, "203.0.113.9")
    with uow.read() as session:
        (target,) = session.scalars(select(AuditEvent.target).where(AuditEvent.kind == "login")).all()
    assert len(target) <= login.LOGIN_NAME_MAX and "\x00" not in target
    target.encode("utf-8")  # storable and hashable


def test_as_typed_keeps_ordinary_names_as_they_are():
    assert login.as_typed("52222519910717381X") == "52222519910717381X"
    assert login.as_typed(" 张 三 ") == " 张 三 "
    assert login.as_typed(None) == ""
