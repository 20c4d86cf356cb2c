"""Project exceptions.

Errors a user can cause (a corrupt data file, an unknown code, a bad upload)
raise a subclass of :class:`MappingError` whose message says what is wrong,
where, and what to do. The UI shows the message and keeps running.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self


class MappingError(ValueError):
    """Base class of every error the project raises on purpose.

    Its message (``str(exc)``) is English, for the command line and the logs. An error
    the app's users can cause may also carry the key of the same message in the
    interface's message catalogue (:mod:`mapping.i18n`) and the values of its fields
    (:meth:`keyed`); the app shows that one, in the interface language.

    Attributes
    ----------
    key
        Message key in ``mapping/locales``, or ``None``.
    params
        Fields of that message (numbers are formatted for the language by the app).
    """

    key: str | None = None
    params: dict[str, object] = {}  # noqa: RUF012 - replaced, never changed, by keyed()

    def keyed(self, key: str, **params: object) -> Self:
        """Attach the message's key and fields; return the error (``raise E(...).keyed(...)``)."""
        self.key = key
        self.params = params
        return self


class DataError(MappingError):
    """A data file is missing, malformed or inconsistent.

    Parameters
    ----------
    message
        What is wrong, in one sentence.
    path
        The file concerned.
    row
        1-based data row (header excluded) or record index, when known.
    column
        Column or field name, when known.
    value
        The offending value, when known.
    hint
        What the user can do about it.
    """

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        hint: str | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.row = row
        self.column = column
        self.value = value
        self.hint = hint
        parts = [message]
        where = []
        if self.path is not None:
            where.append(f"file {self.path}")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        if value is not None:
            where.append(f"value {value!r}")
        if where:
            parts.append("(" + ", ".join(where) + ")")
        if hint:
            parts.append(f"— {hint}")
        super().__init__(" ".join(parts))


class UnknownCodeError(MappingError, KeyError):
    """A commune, province or indicator code that the project does not know."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""
