"""Password hashing (bcrypt), the password policy of rules.md, and random one-time passwords."""
from __future__ import annotations

import re
import secrets
import string
from pathlib import Path

import bcrypt
from zxcvbn import zxcvbn

from core.common.config import RULES, bcrypt_rounds

WEAK_LIST = Path(__file__).with_name("weak_passwords.txt")


def _load_weak(path: Path) -> frozenset[str]:
    lines = (line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


# Known-weak passwords and stems (core/identity/weak_passwords.txt): common Chinese and global choices,
# pinyin words, keyboard walks, the demo password's stem. zxcvbn's English dictionaries miss most of them.
WEAK = _load_weak(WEAK_LIST)
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a", "$": "s",
         "!": "i", "+": "t"}
_LEET_L = {**_LEET, "1": "l", "!": "l"}  # 1 and ! read as l as well as i
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")  # digits and symbols in front or behind: years, 1314, #, !
_TAIL = re.compile(r"[\W_]+$")  # symbols behind (1qaz2wsx!)
_PERSONAL_RUN = 6  # this many consecutive characters of an ID number, phone or login name in a password
_SYMBOLS = "!@#$%^&*()-_=+[]{};:,.?/~"


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=bcrypt_rounds())).decode("ascii")


_DUMMY: dict[int, str] = {}


def dummy_hash() -> str:
    """A bcrypt hash at the configured cost of a random password nobody knows, computed once per cost.
    Checking a password against it costs what checking a real account's does, so a login for an unknown,
    locked or disabled account takes as long as a wrong password for a real one."""
    rounds = bcrypt_rounds()
    if rounds not in _DUMMY:
        _DUMMY[rounds] = hash_password(secrets.token_urlsafe(24))
    return _DUMMY[rounds]


def check_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), password_hash.encode("ascii"))
    except ValueError:
        return False


def _classes(password: str) -> int:
    return sum((any(c.isupper() for c in password), any(c.islower() for c in password),
                any(c.isdigit() for c in password), any(not c.isalnum() for c in password)))


def weak_forms(password: str) -> set[str]:
    """The forms of a password compared with the known-weak list: lower-cased, with the digits and
    symbols in front and behind stripped (Woaini1314 -> woaini, Demo#2026 -> demo), and leetspeak read
    as letters (P@ssw0rd -> password), so one stem in the list stands for all its decorations."""
    lowered = password.lower()
    stem = _EDGES.sub("", lowered)
    forms = {lowered, stem, _TAIL.sub("", lowered)} | {"".join(table.get(c, c) for c in stem) for table in (_LEET, _LEET_L)}
    return {f for f in forms if f}


def is_known_weak(password: str) -> bool:
    return bool(weak_forms(password) & WEAK)


def _has_personal_run(lowered: str, value: str) -> bool:
    """Whether the password holds the value, or any run of ``_PERSONAL_RUN`` of its characters
    (the last 8 digits of an ID number, a birth date, most of a phone number)."""
    if value in lowered or lowered in value:
        return True
    return any(value[i:i + _PERSONAL_RUN] in lowered for i in range(len(value) - _PERSONAL_RUN + 1))


def strength(password: str, user_inputs: list[str]) -> int:
    """zxcvbn's score, 0 (guessed at once) to 4 (very unlikely), with the user's own data and the
    known-weak stems as extra dictionaries."""
    return int(zxcvbn(password[:72], user_inputs=[*user_inputs, *sorted(WEAK)])["score"])


def policy_problems(password: str, *, id_number: str | None = None, phone: str | None = None,
                    login_name: str | None = None) -> list[str]:
    """Every rule the password breaks, as catalogue keys (empty when it is acceptable)."""
    problems = []
    if len(password) < RULES.password_min_length:
        problems.append("password.too_short")
    if _classes(password) < RULES.password_min_classes:
        problems.append("password.too_simple")
    if password != password.strip():
        problems.append("password.whitespace")
    if len(password.encode("utf-8")) > 72:
        problems.append("password.too_long")
    lowered = password.lower()
    if is_known_weak(password):
        problems.append("password.weak")
    personal = [v.lower() for v in (id_number, phone, login_name) if v and len(v) >= 4]
    if any(_has_personal_run(lowered, v) for v in personal):
        problems.append("password.personal")
    if not problems and RULES.password_min_strength and strength(password, personal) < RULES.password_min_strength:
        problems.append("password.guessable")
    return problems


def generate_temporary_password(length: int = 14) -> str:
    """A random password meeting every class, for initial and reset passwords."""
    pools = (string.ascii_uppercase, string.ascii_lowercase, string.digits, _SYMBOLS)
    alphabet = "".join(pools)
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if all(any(c in pool for c in candidate) for pool in pools):
            return candidate
