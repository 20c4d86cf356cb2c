"""Limits on uploaded registry files, checked before or while reading.

Every limit has a documented default and may be overridden by an environment
variable read when :func:`current` is called (``MAPPING_REGISTRY_MAX_ROWS=50000``
for example). The defaults keep any file of :data:`DEFAULT_MAX_BYTES` or less
within a few seconds and a few hundred megabytes of memory.

========================== ======================================= ============
Setting                    Meaning                                 Default
========================== ======================================= ============
``max_bytes``              file size, and bytes after decompression 50 MiB
``max_rows``               data rows (records, features)           200,000
``max_columns``            columns of a table                      500
``max_cells``              cells of a table (rows x columns)       2,000,000
``max_cell_chars``         characters in one cell                  10,000
``max_line_chars``         characters in one CSV line              1,000,000
``max_sheets``             sheets, layers or shapefiles read       20
``max_zip_ratio``          uncompressed/compressed ratio of a zip  200
                           member (members above 64 KiB)
``max_zip_members``        members of a zip archive                1,000
``sniff_chars``            characters read to detect the separator 65,536
========================== ======================================= ============

The region holds about 4,000 schools and the whole country fewer than 30,000
(with satellite units), so 50,000 rows leave room for any real registry while
a full read stays within a few seconds.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

#: Prefix of the environment variables overriding the limits.
ENV_PREFIX = "MAPPING_REGISTRY_"
#: Default upload limit in bytes: 50 MiB, the same as the app's 50 MB upload setting
#: (Streamlit counts ``maxUploadSize`` in MiB).
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The limits applied to one registry file (see the module table)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_rows: int = 50_000
    max_columns: int = 500
    max_cells: int = 2_000_000
    max_cell_chars: int = 10_000
    max_line_chars: int = 1_000_000
    max_sheets: int = 20
    max_zip_ratio: int = 200
    max_zip_members: int = 1_000
    sniff_chars: int = 65_536

    def with_bytes(self, max_bytes: int | None) -> Limits:
        """These limits with another byte limit (``None`` keeps it)."""
        return self if max_bytes is None else replace(self, max_bytes=int(max_bytes))


def current(environ: Mapping[str, str] | None = None) -> Limits:
    """The limits in force: defaults overridden by ``MAPPING_REGISTRY_*`` variables.

    Parameters
    ----------
    environ
        Variables to read (defaults to :data:`os.environ`). A value that is not
        a positive integer is ignored.

    Examples
    --------
    >>> current({"MAPPING_REGISTRY_MAX_ROWS": "10"}).max_rows
    10
    >>> current({"MAPPING_REGISTRY_MAX_ROWS": "lots"}).max_rows
    50000
    """
    env = os.environ if environ is None else environ
    changes: dict[str, int] = {}
    for f in fields(Limits):
        text = env.get(ENV_PREFIX + f.name.upper())
        if text is None:
            continue
        try:
            value = int(text.replace("_", ""))
        except ValueError:
            continue
        if value > 0:
            changes[f.name] = value
    return replace(Limits(), **changes)


#: The byte limit with no environment override (the public ``MAX_BYTES``).
MAX_BYTES = DEFAULT_MAX_BYTES
