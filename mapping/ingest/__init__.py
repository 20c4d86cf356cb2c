"""Build the project's ``data/`` extracts from the raw official files.

Run by developers, never at app start::

    python -m mapping ingest --source ../shared/data

The build is deterministic: running it twice gives byte-identical files.
"""

from __future__ import annotations

from mapping.ingest.build import build_all

__all__ = ["build_all"]
