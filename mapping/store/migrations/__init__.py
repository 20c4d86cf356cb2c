"""Alembic migrations of the school database (script location of :mod:`mapping.store`)."""
