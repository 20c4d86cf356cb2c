"""Who the OpenID Connect provider signed in: its ID token claims to an actor.

``st.login`` (configured in ``.streamlit/secrets.toml``) leaves the claims of
the provider's ID token in ``st.user``; the UI passes them here. The e-mail
claim names the account; a provider that says the address is not verified
(``email_verified`` false) gets no more than a viewer, so nobody gains a role
by typing someone else's address at a provider that does not check it.

Examples
--------
>>> identity({"sub": "f3a9", "email": "planner@aref.ma", "email_verified": True})
('planner@aref.ma', True)
>>> identity({"sub": "f3a9", "email": "planner@aref.ma", "email_verified": "false"})
('planner@aref.ma', False)
>>> identity({"sub": "f3a9"})
('f3a9', False)
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Engine

from mapping.auth.sessions import external_actor
from mapping.roles import Actor


def _false(value: object) -> bool:
    """Whether a claim says no (some providers send booleans as strings)."""
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def identity(claims: Mapping[str, object]) -> tuple[str, bool]:
    """The name to show for *claims*, and whether it may pick an account's role.

    Parameters
    ----------
    claims
        The ID token's claims (``st.user``).

    Returns
    -------
    tuple of (str, bool)
        The e-mail claim, else ``sub``, else ``"unknown"``; and ``True`` only
        for an e-mail claim that the provider does not mark as unverified
        (providers that never send ``email_verified``, such as some
        directories, are trusted for their own addresses).
    """
    email = claims.get("email")
    if isinstance(email, str) and email.strip():
        return email.strip(), not _false(claims.get("email_verified"))
    sub = claims.get("sub")
    return (str(sub) if sub else "unknown")[:120], False


def claims_actor(engine: Engine | None, claims: Mapping[str, object]) -> Actor:
    """The actor for a user signed in by the provider.

    Parameters
    ----------
    engine
        The accounts database, or ``None`` when it is unavailable (then a viewer).
    claims
        The ID token's claims (``st.user``).

    Returns
    -------
    Actor
        The enabled account named by a verified e-mail claim with its role;
        anyone else is a viewer under the name of :func:`identity`.
    """
    name, trusted = identity(claims)
    if engine is None or not trusted:
        return Actor(name, "viewer")
    return external_actor(engine, name)
