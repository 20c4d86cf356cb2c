"""The school database: one shared, versioned registry (GeoPackage or PostGIS).

The embedded default is a single GeoPackage file, ``schools.gpkg`` in
``$CARTE_SCOLAIRE_STORE_DIR`` (default ``<project>/var/``), created on first use
with the embedded default registry as its first published delivery; it opens
in QGIS as it is. ``$CARTE_SCOLAIRE_DATABASE_URL`` (a ``postgresql+psycopg://``
URL) selects a PostGIS database instead. Both have the same tables
(:mod:`mapping.store.models`) and Alembic migrations (:data:`SCRIPT_LOCATION`).

Public API
----------
:func:`open_store` (``open_store()``, ``open_store(url)``, ``open_store(path)``)
    A :class:`Store`, upgraded and seeded when new.
:meth:`Store.current_registry` (``as_of=None``, ``include_closed=False``)
    The published registry, or the registry as of a past time, as a registry
    GeoDataFrame (``attrs["store_version"]`` = newest change id).
:meth:`Store.version`
    Newest change id: cache keys for readers.
Deliveries
    :meth:`Store.import_file` (file → validated draft delivery + preview),
    :meth:`Store.create_delivery` (an already validated registry frame, with
    ``kind`` = ``"file_import"`` | ``"manual_edit"`` | ``"exchange_package"``,
    ``mode`` = ``"full"`` | ``"partial"``), :meth:`Store.preview`,
    :meth:`Store.publish`, :meth:`Store.deliveries`, :meth:`Store.delivery`,
    :meth:`Store.delivery_issues`, :meth:`Store.delivery_rejected`,
    :meth:`Store.delivery_schools`.
Edits (optimistic locking: pass the ``row_version`` you read)
    :meth:`Store.school`, :meth:`Store.add_school`, :meth:`Store.edit_school`,
    :meth:`Store.move_school`, :meth:`Store.close_school`,
    :meth:`Store.reopen_school`; a stale version raises :class:`EditConflict`
    (what the other person changed), a rule broken :class:`EditRejected`.
History
    :meth:`Store.history` (one row per changed field: who, when, before → after),
    :meth:`Store.change_count`.
Plumbing for other packages
    :attr:`Store.engine`, :meth:`Store.session` (SQLAlchemy ORM session),
    :meth:`Store.writing` (a transaction holding the write lock),
    :data:`SCRIPT_LOCATION` and :func:`alembic_config` (add tables with a new
    Alembic revision whose ``down_revision`` is the current head, and put it in
    :data:`mapping.store.migrate.HEADS`: opening a store compares the database with it),
    :func:`default_url`.

Every write method takes the acting :class:`mapping.roles.Actor`, calls
:func:`mapping.roles.require` first (``"edit"``, or ``"publish"`` to publish)
and writes ``actor.name`` in the delivery and every change-log row. A writer
waiting longer than the busy timeout (``$CARTE_SCOLAIRE_STORE_BUSY_TIMEOUT``,
10 s) for another writer gets :class:`StoreBusy` ("busy, try again").
"""

from __future__ import annotations

from pathlib import Path

from mapping.store.deliveries import Delivery
from mapping.store.diff import Operation, Preview
from mapping.store.engine import make_engine
from mapping.store.errors import EditConflict, EditRejected, StoreBusy, StoreError
from mapping.store.history import to_epoch
from mapping.store.migrate import SCRIPT_LOCATION, alembic_config, head_revisions, is_current
from mapping.store.settings import DATABASE_URL_ENV, STORE_DIR_ENV, busy_timeout, default_url
from mapping.store.store import ImportOutcome, SchoolRecord, Store

__all__ = [
    "DATABASE_URL_ENV",
    "SCRIPT_LOCATION",
    "STORE_DIR_ENV",
    "Delivery",
    "EditConflict",
    "EditRejected",
    "ImportOutcome",
    "Operation",
    "Preview",
    "SchoolRecord",
    "Store",
    "StoreBusy",
    "StoreError",
    "alembic_config",
    "default_url",
    "head_revisions",
    "open_store",
    "resolve_url",
    "to_epoch",
]


def resolve_url(target: str | Path | None = None) -> str:
    """The SQLAlchemy URL for a URL, a GeoPackage path, or ``None`` (the default).

    Examples
    --------
    >>> resolve_url("/tmp/x.gpkg")
    'sqlite:////tmp/x.gpkg'
    >>> resolve_url("postgresql+psycopg://u@127.0.0.1/db")
    'postgresql+psycopg://u@127.0.0.1/db'
    """
    if target is None:
        return default_url()
    text = str(target)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def open_store(
    target: str | Path | None = None,
    *,
    timeout: float | None = None,
    upgrade: bool = True,
    seed: bool = True,
) -> Store:
    """Open the school database, creating and upgrading it when needed.

    Parameters
    ----------
    target
        A SQLAlchemy URL, a GeoPackage path, or ``None`` for
        :func:`default_url` (``$CARTE_SCOLAIRE_DATABASE_URL`` or the embedded
        GeoPackage).
    timeout
        Bounded wait for another writer's lock, seconds (default
        ``$CARTE_SCOLAIRE_STORE_BUSY_TIMEOUT`` or 10).
    upgrade
        Run the Alembic migrations when the schema is not at the newest revision.
    seed
        Publish the embedded default registry into a database with no delivery.

    Raises
    ------
    StoreError
        For an unsupported URL; :class:`StoreBusy` when the database stays locked.
    """
    wait = busy_timeout(timeout)
    store = Store(make_engine(resolve_url(target), wait), wait)
    if upgrade and not is_current(store.engine):
        store.upgrade()
    if seed:
        store.seed_default()
    return store
