"""``python -m mapping accounts``: add, list, re-role and disable sign-in accounts.

Passwords are read from a prompt (typed twice) or, when stdin is not a
terminal, from its first line; never from the command line, where the shell
history and the process list would show them. There is no default account:
create the first administrator with ``accounts add NAME --role admin``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from typing import Any

from mapping.errors import MappingError
from mapping.roles import ROLES, SYSTEM


def add_parser(sub: Any) -> None:
    """Register the ``accounts`` command and its actions."""
    p = sub.add_parser("accounts", help="sign-in accounts: add, list, set-role, disable")
    p.add_argument("--database", default=None, metavar="URL",
                   help="SQLAlchemy URL of the school database "
                        "(default: $CARTE_SCOLAIRE_DATABASE_URL, else the store's file)")
    acc = p.add_subparsers(dest="accounts_command", required=True, metavar="ACTION")

    a = acc.add_parser("add", help="create an account; the password is read from a prompt "
                                   "or stdin")
    a.add_argument("name", help="account name (the e-mail address for OpenID Connect)")
    a.add_argument("--role", required=True, choices=ROLES)
    a.add_argument("--oidc", action="store_true",
                   help="no local password: signs in only through the OpenID Connect provider")
    a.set_defaults(run=run_add)

    ls = acc.add_parser("list", help="list the accounts")
    ls.set_defaults(run=run_list)

    r = acc.add_parser("set-role", help="give an account another role")
    r.add_argument("name")
    r.add_argument("role", choices=ROLES)
    r.set_defaults(run=run_set_role)

    d = acc.add_parser("disable", help="disable an account and end its sessions")
    d.add_argument("name")
    d.set_defaults(run=run_disable)

    pw = acc.add_parser("password", help="replace an account's password (prompt or stdin)")
    pw.add_argument("name")
    pw.set_defaults(run=run_password)


def read_password(name: str) -> str:
    """The new password for *name*: typed twice at a prompt, or stdin's first line."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        if not password:
            raise MappingError(f"no password on stdin for {name!r}; pipe one line, "
                               "e.g. from a password manager")
        return password
    first = getpass.getpass(f"password for {name}: ")
    if getpass.getpass("again: ") != first:
        raise MappingError("the two passwords differ; nothing was changed")
    return first


def _engine(args: argparse.Namespace) -> Any:
    from mapping.auth.database import open_engine

    return open_engine(args.database)


def run_add(args: argparse.Namespace) -> int:
    """Create the account."""
    from mapping.auth import add_account

    password = None if args.oidc else read_password(args.name)
    account = add_account(_engine(args), args.name, args.role, password, actor=SYSTEM)
    how = "OpenID Connect only" if args.oidc else "local password"
    print(f"account {account.name} created: {account.role}, {how}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Print one line per account."""
    from mapping.auth import list_accounts

    accounts = list_accounts(_engine(args), actor=SYSTEM)
    if not accounts:
        print("no accounts yet; create an administrator with "
              "'python -m mapping accounts add NAME --role admin'")
    for a in accounts:
        when = time.strftime("%Y-%m-%d", time.gmtime(a.created_at))
        state = "disabled" if a.disabled else "active"
        how = "password" if a.local_password else "oidc"
        print(f"{a.name}\t{a.role}\t{state}\t{how}\tcreated {when} by {a.created_by}")
    return 0


def run_set_role(args: argparse.Namespace) -> int:
    """Change the role."""
    from mapping.auth import set_role

    account = set_role(_engine(args), args.name, args.role, actor=SYSTEM)
    print(f"account {account.name} is now {account.role}")
    return 0


def run_disable(args: argparse.Namespace) -> int:
    """Disable the account."""
    from mapping.auth import disable_account

    account = disable_account(_engine(args), args.name, actor=SYSTEM)
    print(f"account {account.name} disabled; its sessions have ended")
    return 0


def run_password(args: argparse.Namespace) -> int:
    """Replace the password."""
    from mapping.auth import set_password

    account = set_password(_engine(args), args.name, read_password(args.name), actor=SYSTEM)
    print(f"password of {account.name} replaced; its sessions have ended")
    return 0
