"""Index the change log by school and change: as-of reads, histories, edit conflicts.

``(school_id, change_id)`` serves the newest change of each school up to a date
(:func:`mapping.store.history.states_as_of`), a school's history in order and
its state at a row version; it replaces the index on ``school_id`` alone, of
which it is a superset. No row is touched.

Revision ID: store_0003
Revises: store_0002
"""

from __future__ import annotations

from alembic import op

revision = "store_0003"
down_revision = "store_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``ix_school_changes_school_change``; drop ``ix_school_changes_school_id``."""
    op.create_index("ix_school_changes_school_change", "school_changes",
                    ["school_id", "change_id"])
    op.drop_index("ix_school_changes_school_id", "school_changes")


def downgrade() -> None:
    """Back to the index on ``school_id`` alone."""
    op.create_index("ix_school_changes_school_id", "school_changes", ["school_id"])
    op.drop_index("ix_school_changes_school_change", "school_changes")
