"""Sign-in in the app: OpenID Connect through ``st.login``, else local accounts.

When ``.streamlit/secrets.toml`` has an ``[auth]`` section (Streamlit's
OpenID Connect settings), the sidebar offers ``st.login``; the provider's
e-mail claim, unless marked unverified, is matched with an account of that
name for its role (otherwise a viewer; :mod:`mapping.auth.oidc`), and the
sign-out button calls ``st.logout``, which also ends the provider's session.
Without it, the sidebar shows the local form, checked against the accounts of
the school database (:mod:`mapping.auth`).

The session token is kept in ``st.session_state`` and, across page loads, in
the ``carte_session`` cookie (``SameSite=Strict``, ``Secure`` over HTTPS, 12
hours); it is checked against the database on every run, so signing out,
disabling an account or changing its role takes effect at the next
interaction, whichever app process serves it.

Pages reflect the role; the library enforces it: the store's write functions
take the :class:`~mapping.roles.Actor` returned by :func:`actor` and refuse a
role that may not write. Use :func:`require_page` at the top of an edit page
and list it in :data:`PAGE_ACTIONS` so a viewer's URL never reaches the form.
"""

from __future__ import annotations

import logging
from typing import Any, Final

import streamlit as st
from sqlalchemy import Engine

from mapping.auth import SESSION_TTL_S, SignInFailed, SignInThrottled, session_actor
from mapping.auth import sign_in as _sign_in
from mapping.auth import sign_out as _sign_out
from mapping.auth.config import view_needs_account
from mapping.auth.oidc import claims_actor
from mapping.errors import MappingError
from mapping.roles import MIN_ROLE, Action, Actor
from ui import state

LOG = logging.getLogger("carte_scolaire.auth")

#: ``url_path`` of the pages that only some roles may open, and the action they need.
#: app.py leaves them out of the navigation for other roles.
PAGE_ACTIONS: Final[dict[str, Action]] = {
    "schools": "edit",
    "deliveries": "publish",
    "accounts": "manage_accounts",
}
_TOKEN = "auth_token"
#: Cookie keeping the session token across page loads (SameSite=Strict, Secure on HTTPS).
COOKIE = "carte_session"
_COOKIE_JS = """<script>
(function () {{
  var secure = parent.location.protocol === "https:" ? "; Secure" : "";
  parent.document.cookie = "{name}={value}; Path=/; Max-Age={age}; SameSite=Strict" + secure;
}})();
</script>"""


def oidc_configured() -> bool:
    """Whether ``.streamlit/secrets.toml`` configures an OpenID Connect provider."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


@st.cache_resource(show_spinner=False)
def _open(url: str) -> Engine:
    """The engine on *url*, once per process and URL (a failure is not cached)."""
    from mapping.auth.database import open_engine

    return open_engine(url)


def _engine() -> Engine | str:
    """The accounts database engine, or why there is none."""
    from mapping.auth.database import database_url

    try:
        return _open(database_url())
    except MappingError as exc:
        return str(exc)
    except Exception as exc:  # database unreachable: sign-in unavailable, viewing goes on
        LOG.exception("accounts database unavailable")
        return f"database unreachable ({type(exc).__name__}; details in the server log)"


def engine() -> Engine | None:
    """The accounts database engine, or ``None`` when none is configured."""
    eng = state.this_run("auth_engine", None, _engine)
    return eng if isinstance(eng, Engine) else None


def client_address() -> str:
    """The client's address as nginx reports it (``X-Real-IP``), else the socket's."""
    headers: Any = st.context.headers
    real = headers.get("X-Real-IP") if headers is not None else None
    if real:
        return str(real)[:120]
    return str(getattr(st.context, "ip_address", None) or "unknown")


def actor() -> Actor | None:
    """The signed-in account, or ``None`` for an anonymous visitor.

    Looked up once per script run (the navigation asks for every page) and
    again whenever the session's token changes (sign-in, sign-out).
    """
    return state.this_run("auth_actor", st.session_state.get(_TOKEN), _actor)


def _cookie() -> str | None:
    """The session cookie the browser sent with this page load (read once per run)."""
    def read() -> str | None:
        cookies: Any = st.context.cookies
        value = cookies.get(COOKIE) if cookies is not None else None
        return str(value) if value else None

    return state.this_run("auth_cookie", None, read)


def _actor() -> Actor | None:
    eng = engine()
    if oidc_configured():
        user: Any = st.user
        if user.get("is_logged_in"):
            return claims_actor(eng, dict(user))
        return None
    if eng is None:
        return None
    token = st.session_state.get(_TOKEN)
    if not token:  # a new page load: the cookie set at sign-in, if any
        token = _cookie()
    if not token:
        return None
    found = session_actor(eng, str(token))
    if found is None:  # ended elsewhere (sign-out, disabled, expired)
        st.session_state.pop(_TOKEN, None)
    else:
        st.session_state[_TOKEN] = str(token)
    return found


def _write_cookie(value: str, max_age: int) -> None:
    """Set (or, with *max_age* 0, delete) the session cookie from the browser."""
    import re

    from streamlit.components.v1 import html

    if not re.fullmatch(r"[A-Za-z0-9_-]*", value):  # tokens are URL-safe base64
        raise ValueError("session token with unexpected characters")
    html(_COOKIE_JS.format(name=COOKIE, value=value, age=max_age), height=0)


def can(action: Action) -> bool:
    """Whether the signed-in account (if any) may perform *action*."""
    who = actor()
    if who is None:
        return action == "view" and not view_needs_account()
    return who.may(action)


def _role_label(role: str) -> str:
    return state.t(f"auth.role.{role}")


def _local_form(where: Any) -> None:
    eng = engine()
    if eng is None:
        where.caption(state.t("auth.unavailable",
                              detail=str(state.this_run("auth_engine", None, _engine))))
        return
    with where.form("auth_sign_in", clear_on_submit=True):
        name = st.text_input(state.t("auth.name"), key="auth_name")
        password = st.text_input(state.t("auth.password"), type="password", key="auth_password")
        submitted = st.form_submit_button(state.t("auth.submit"))
    if submitted:
        try:
            signed = _sign_in(eng, name.strip(), password, client=client_address())
        except SignInThrottled:
            where.error(state.t("auth.throttled"))
        except SignInFailed:
            where.error(state.t("auth.failed"))
        else:
            st.session_state[_TOKEN] = signed.token
            st.rerun()


def sign_in_panel() -> Actor | None:
    """The sidebar's sign-in block; returns the signed-in account, if any."""
    who = actor()
    box = st.sidebar.container(key="auth_panel")
    token = st.session_state.get(_TOKEN)
    if who is not None and token and _cookie() != token:
        # on every run until the page is loaded again with the cookie: the same
        # element each time, so its script runs once, whenever the browser gets to it
        with box:
            _write_cookie(str(token), SESSION_TTL_S)
    elif st.session_state.pop("auth_cookie", None) == "":  # just signed out
        with box:
            _write_cookie("", 0)
    if who is not None:
        box.caption(state.t("auth.signed_in", name=who.name, role=_role_label(who.role)))
        if box.button(state.t("auth.sign_out"), key="auth_sign_out"):
            token = st.session_state.pop(_TOKEN, None)
            eng = engine()
            if token and eng is not None:
                _sign_out(eng, str(token))
            if oidc_configured():
                # st.logout() queues the browser's redirect to the provider's sign-out;
                # st.rerun() would drop it from the queue, st.stop() lets it through
                st.logout()
                st.stop()
            st.session_state["auth_cookie"] = ""
            st.rerun()
        return who
    with box.expander(state.t("auth.title"), expanded=view_needs_account()):
        if oidc_configured():
            if st.button(state.t("auth.sign_in_oidc"), key="auth_oidc"):
                st.login()
        else:
            _local_form(st)
    return None


def gate() -> Actor | None:
    """Show the sign-in block; stop the page when viewing needs an account and none is in.

    Call once from ``app.py`` before the navigation runs.
    """
    who = sign_in_panel()
    if who is None and view_needs_account():
        st.info(state.t("auth.view_needs_account"))
        st.stop()
    return who


def allowed_pages(url_paths: list[str]) -> list[str]:
    """The *url_paths* the signed-in account may open (see :data:`PAGE_ACTIONS`)."""
    return [p for p in url_paths if p not in PAGE_ACTIONS or can(PAGE_ACTIONS[p])]


def require_page(action: Action) -> Actor:
    """Stop the page with a clear message unless the account may perform *action*.

    Returns
    -------
    Actor
        The signed-in account, to pass to the store's write functions.
    """
    who = actor()
    needed = _role_label(MIN_ROLE[action])
    if who is None:
        st.warning(state.t("auth.refused_anonymous", role=needed))
        st.stop()
    assert who is not None  # st.stop() does not return
    if not who.may(action):
        st.error(state.t("auth.refused", role=needed, name=who.name,
                         current=_role_label(who.role)))
        st.stop()
    return who
