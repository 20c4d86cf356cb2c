"""Password hashing and the strength rule."""

from __future__ import annotations

import pytest
from argon2 import extract_parameters

from mapping.auth import WeakPassword, check_password_strength
from mapping.auth.passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password


def test_hash_is_argon2id_salted_and_verifies() -> None:
    a, b = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert a.startswith("$argon2id$")
    assert a != b  # a fresh salt each time
    assert "correct horse" not in a
    assert verify_password(a, "correct horse battery")
    assert not verify_password(a, "correct horse batterY")
    assert not needs_rehash(a)


def test_no_stored_hash_never_verifies() -> None:
    assert not verify_password(None, "no account has this password, it is only for timing")
    assert not verify_password("not a hash", "anything at all")


def test_an_unknown_name_costs_a_real_verification() -> None:
    # the constant verified for unknown names has the parameters of today's hashes (a
    # cheaper one would tell, by timing, which names exist) and is a real Argon2 hash
    assert extract_parameters(DUMMY_HASH) == extract_parameters(hash_password("x" * 12))
    assert not needs_rehash(DUMMY_HASH)


@pytest.mark.parametrize(("password", "rule"), [
    ("short", "at least 12"),
    ("            ", "spaces"),
    (" padded password ", "spaces"),
    ("amina-is-the-best", "account name"),
])
def test_weak_passwords_are_refused_with_the_rule(password: str, rule: str) -> None:
    with pytest.raises(WeakPassword, match=rule):
        check_password_strength(password, "Amina")
