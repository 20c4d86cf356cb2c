"""Settings of sign-in: whether viewing the maps needs an account."""

from __future__ import annotations

import os
from typing import Final

#: Set to ``1``/``true``/``yes`` to make every visitor sign in before seeing anything.
VIEW_NEEDS_ACCOUNT_ENV: Final = "CARTE_SCOLAIRE_VIEW_NEEDS_ACCOUNT"


def view_needs_account(value: str | None = None) -> bool:
    """Whether viewing needs an account (default: no, as for the public demo).

    Parameters
    ----------
    value
        The setting as text; default ``$CARTE_SCOLAIRE_VIEW_NEEDS_ACCOUNT``.

    Examples
    --------
    >>> view_needs_account("yes"), view_needs_account(""), view_needs_account("0")
    (True, False, False)
    """
    raw = os.environ.get(VIEW_NEEDS_ACCOUNT_ENV, "") if value is None else value
    return raw.strip().lower() in ("1", "true", "yes", "on")
