"""Password hashing (bcrypt), the password policy of rules.md, and random one-time passwords."""
from __future__ import annotations

import secrets
import string

import bcrypt

from core.common.config import RULES, bcrypt_rounds

# A short list of passwords seen everywhere; the seed systems' default "123@abc" among them.
WEAK = frozenset({
    "123@abc", "123456", "12345678", "123456789", "password", "password1", "password123", "p@ssw0rd",
    "passw0rd", "qwerty123", "admin123", "admin@123", "abc@123", "abc123456", "a123456", "aa123456",
    "1qaz2wsx", "1qaz@wsx", "qwe123!@#", "root@123", "test@123", "welcome1", "iloveyou", "88888888",
    "11111111", "00000000", "zxcvbnm123", "abcd1234", "abcd@1234", "admin@2024", "admin@2025", "admin@2026",
})
_SYMBOLS = "!@#$%^&*()-_=+[]{};:,.?/~"


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=bcrypt_rounds())).decode("ascii")


def check_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), password_hash.encode("ascii"))
    except ValueError:
        return False


def _classes(password: str) -> int:
    return sum((any(c.isupper() for c in password), any(c.islower() for c in password),
                any(c.isdigit() for c in password), any(not c.isalnum() for c in password)))


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
    if lowered in WEAK:
        problems.append("password.weak")
    personal = [v.lower() for v in (id_number, phone, login_name) if v and len(v) >= 4]
    if any(v in lowered or lowered in v for v in personal):
        problems.append("password.personal")
    return problems


def generate_temporary_password(length: int = 14) -> str:
    """A random password meeting every class, for initial and reset passwords."""
    pools = (string.ascii_uppercase, string.ascii_lowercase, string.digits, _SYMBOLS)
    alphabet = "".join(pools)
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if all(any(c in pool for c in candidate) for pool in pools):
            return candidate
