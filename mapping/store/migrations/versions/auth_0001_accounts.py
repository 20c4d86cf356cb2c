"""Sign-in accounts, their sessions and every sign-in attempt (see :mod:`mapping.auth`).

A branch of its own (label ``auth``), independent of the store's revisions:
``upgrade heads`` applies both. Tables already made by
:func:`mapping.auth.create_tables` (a database that served sign-ins before its
first upgrade) are left as they are.

Revision ID: auth_0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mapping.store.coltypes import short_text

revision = "auth_0001"
down_revision = None
branch_labels = ("auth",)
depends_on = None


def upgrade() -> None:
    """Create ``accounts``, ``auth_sessions`` and ``sign_in_attempts`` when missing."""
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "accounts" not in existing:
        op.create_table(
            "accounts",
            sa.Column("name", short_text(120), primary_key=True),
            sa.Column("role", short_text(16), nullable=False),
            sa.Column("password_hash", short_text(255), nullable=True),
            sa.Column("disabled", sa.Boolean, nullable=False),
            sa.Column("created_at", sa.Float, nullable=False),
            sa.Column("created_by", short_text(120), nullable=False),
        )
    if "auth_sessions" not in existing:
        op.create_table(
            "auth_sessions",
            sa.Column("token_sha256", short_text(64), primary_key=True),
            sa.Column("account", short_text(120), sa.ForeignKey("accounts.name"),
                      nullable=False),
            sa.Column("client", short_text(120), nullable=False),
            sa.Column("created_at", sa.Float, nullable=False),
            sa.Column("expires_at", sa.Float, nullable=False),
            sa.Column("ended_at", sa.Float, nullable=True),
        )
    if "sign_in_attempts" not in existing:
        op.create_table(
            "sign_in_attempts",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("account", short_text(120), nullable=False),
            sa.Column("client", short_text(120), nullable=False),
            sa.Column("at", sa.Float, nullable=False),
            sa.Column("ok", sa.Boolean, nullable=False),
        )
        op.create_index("ix_sign_in_attempts_account_at", "sign_in_attempts",
                        ["account", "at"])
        op.create_index("ix_sign_in_attempts_client_at", "sign_in_attempts", ["client", "at"])


def downgrade() -> None:
    """Drop the three tables (every account and session is lost)."""
    op.drop_table("sign_in_attempts")
    op.drop_table("auth_sessions")
    op.drop_table("accounts")
