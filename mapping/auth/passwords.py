"""Password hashing (Argon2id through ``argon2-cffi``) and the strength rule."""

from __future__ import annotations

from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from mapping.errors import MappingError

#: Shortest password accepted for a local account.
MIN_PASSWORD_LENGTH: Final = 12

_HASHER: Final = PasswordHasher()  # argon2-cffi's RFC 9106 low-memory profile
#: Verified against when the account does not exist, so a wrong name costs the
#: same time as a wrong password and names cannot be probed by timing. A constant made
#: with ``_HASHER`` (same parameters, checked by ``tests/auth/test_passwords.py``):
#: hashing it at import cost every process start about 0.1 s of CPU.
DUMMY_HASH: Final = ("$argon2id$v=19$m=65536,t=3,p=4$j5YsCkU7thtKcx3drQqW+Q$"
                     "htbSao1mbZD2zGLVU4aq6z2nf8DGDjntZbi7sjFYBPQ")


class WeakPassword(MappingError):
    """A new password does not meet the strength rule."""


def check_password_strength(password: str, name: str) -> None:
    """Refuse a password that is too short, blank or contains the account name.

    Raises
    ------
    WeakPassword
        Saying which rule failed and what to do.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(
            f"password for {name!r} has {len(password)} characters; use at least "
            f"{MIN_PASSWORD_LENGTH} (a few unrelated words make a good one)"
        )
    if not password.strip() or password != password.strip():
        raise WeakPassword(f"password for {name!r} starts or ends with spaces; remove them")
    if name and name.lower() in password.lower():
        raise WeakPassword(f"password for {name!r} contains the account name; choose another")


def hash_password(password: str) -> str:
    """The Argon2id hash of *password*, salt and parameters included."""
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether *password* matches *stored_hash* (``None``: no local password).

    Always runs one Argon2 verification, against a dummy hash when there is
    no stored one, so the answer takes the same time either way.
    """
    try:
        return _HASHER.verify(stored_hash or DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether *stored_hash* was made with older parameters than the current ones."""
    return _HASHER.check_needs_rehash(stored_hash)
