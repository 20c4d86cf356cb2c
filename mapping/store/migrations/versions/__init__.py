"""Alembic revisions of the school database."""
