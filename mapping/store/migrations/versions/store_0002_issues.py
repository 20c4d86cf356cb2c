"""Keep each delivery's validation report; index the change log by time (as-of reads).

Revision ID: store_0002
Revises: store_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mapping.store.coltypes import short_text

revision = "store_0002"
down_revision = "store_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``delivery_issues`` and the ``school_changes.at`` index."""
    op.create_table(
        "delivery_issues",
        sa.Column("delivery_id", sa.Integer, sa.ForeignKey("deliveries.delivery_id"),
                  primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("row", sa.Integer),
        sa.Column("column", sa.Text),
        sa.Column("value", sa.Text),
        sa.Column("severity", short_text(10), nullable=False),
        sa.Column("code", short_text(60)),
        sa.Column("message", sa.Text),
    )
    op.create_index("ix_school_changes_at", "school_changes", ["at"])


def downgrade() -> None:
    """Remove the report table and the index."""
    op.drop_index("ix_school_changes_at", "school_changes")
    op.drop_table("delivery_issues")
