"""Failed sign-ins: 5 per 15 minutes per account and per client, then refused and logged."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import Engine

from mapping.auth import (
    MAX_FAILURES,
    WINDOW_S,
    SignInFailed,
    SignInThrottled,
    add_account,
    sign_in,
)
from mapping.roles import SYSTEM

PASSWORD = "olive tree kasbah 42"
T0 = 2_000_000.0


def _fail(engine: Engine, name: str, client: str, now: float, times: int) -> None:
    for i in range(times):
        with pytest.raises(SignInFailed):
            sign_in(engine, name, f"wrong guess {i:04d}", client=client, now=now + i)


def test_account_limit_holds_across_clients_then_lifts(
        engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    add_account(engine, "amina", "editor", PASSWORD, actor=SYSTEM)
    for i in range(MAX_FAILURES):  # one guess from each of five addresses
        _fail(engine, "amina", f"10.0.0.{i}", T0 + i, 1)
    with caplog.at_level(logging.WARNING, logger="mapping.auth"), \
            pytest.raises(SignInThrottled, match="this account"):
        sign_in(engine, "amina", PASSWORD, client="10.9.9.9", now=T0 + 10)  # even the right one
    assert "throttled" in caplog.text and "10.9.9.9" in caplog.text
    signed = sign_in(engine, "amina", PASSWORD, client="10.9.9.9", now=T0 + WINDOW_S + 5)
    assert signed.actor.name == "amina"


def test_client_limit_holds_across_accounts(engine: Engine) -> None:
    add_account(engine, "amina", "editor", PASSWORD, actor=SYSTEM)
    for i in range(MAX_FAILURES):  # one guess at each of five names
        _fail(engine, f"user{i}", "10.0.0.66", T0 + i, 1)
    with pytest.raises(SignInThrottled, match="this computer"):
        sign_in(engine, "amina", PASSWORD, client="10.0.0.66", now=T0 + 10)
    # another client is not held back by this one
    assert sign_in(engine, "amina", PASSWORD, client="10.0.0.67", now=T0 + 10).token


def test_fewer_failures_than_the_limit_do_not_block(engine: Engine) -> None:
    add_account(engine, "amina", "editor", PASSWORD, actor=SYSTEM)
    _fail(engine, "amina", "10.0.0.1", T0, MAX_FAILURES - 1)
    assert sign_in(engine, "amina", PASSWORD, client="10.0.0.1", now=T0 + 10).token
