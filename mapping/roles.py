"""Who may do what: the roles of the shared school database.

Every function that writes to the store takes the acting :class:`Actor` and
calls :func:`require` first, so a role is enforced in the library and not only
by what the pages show.

Examples
--------
>>> require(Actor("amina", "editor"), "edit")
>>> require(Actor("guest", "viewer"), "edit")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
mapping.roles.PermissionDenied: account 'guest' (viewer) may not edit; ask an administrator ...
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from mapping.errors import MappingError

Role = Literal["viewer", "editor", "admin"]
Action = Literal["view", "edit", "publish", "manage_accounts", "upgrade_database"]

#: Roles, least to most powerful.
ROLES: Final[tuple[Role, ...]] = ("viewer", "editor", "admin")

#: The least role that may perform each action.
MIN_ROLE: Final[dict[Action, Role]] = {
    "view": "viewer",
    "edit": "editor",
    "publish": "editor",
    "manage_accounts": "admin",
    "upgrade_database": "admin",
}


class PermissionDenied(MappingError):
    """The acting account's role may not perform the requested action."""


@dataclass(frozen=True)
class Actor:
    """The account on whose behalf a function acts.

    Attributes
    ----------
    name
        Account name, written in every history row.
    role
        One of :data:`ROLES`.
    """

    name: str
    role: Role

    def may(self, action: Action) -> bool:
        """Whether this account may perform *action*."""
        return ROLES.index(self.role) >= ROLES.index(MIN_ROLE[action])


#: The account used by command-line tools run by whoever administers the machine.
SYSTEM: Final = Actor("system", "admin")


def require(actor: Actor, action: Action) -> None:
    """Refuse *action* unless *actor*'s role allows it.

    Raises
    ------
    PermissionDenied
        With the account, its role and the role needed.
    """
    if actor.role not in ROLES:
        raise PermissionDenied(f"account {actor.name!r} has an unknown role {actor.role!r}")
    if not actor.may(action):
        needed = MIN_ROLE[action]
        raise PermissionDenied(
            f"account {actor.name!r} ({actor.role}) may not {action.replace('_', ' ')}; "
            f"ask an administrator for the {needed} role"
        )
