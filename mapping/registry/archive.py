"""Zip archives (zipped files, and XLSX workbooks) checked before anything is extracted.

Member paths, the number of members, their declared uncompressed sizes and
their compression ratios are checked from the central directory; members are
then read with a hard cap, so a member lying about its size cannot expand
past the limit either.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import PurePosixPath

from mapping.registry.errors import RegistryError
from mapping.registry.limits import Limits

#: Members smaller than this (uncompressed) are not held to the ratio limit.
RATIO_FLOOR = 64 * 1024


def open_zip(data: bytes, filename: str, what: str = "zip archive") -> zipfile.ZipFile:
    """Open *data* as a zip archive or raise :class:`RegistryError`."""
    import io

    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise RegistryError(f"cannot read the {what} {filename!r}: it is not a valid zip file "
                            f"({exc})") from exc


def check_members(zf: zipfile.ZipFile, filename: str, limits: Limits) -> list[zipfile.ZipInfo]:
    """Members of *zf* after the path, count, size and ratio checks.

    Raises
    ------
    RegistryError
        Unsafe path, too many members, a member expanding more than
        :attr:`Limits.max_zip_ratio` times or a total above
        :attr:`Limits.max_bytes`.
    """
    members = zf.infolist()
    if len(members) > limits.max_zip_members:
        raise RegistryError(f"{filename!r} holds {len(members):,} archive members; at most "
                            f"{limits.max_zip_members:,} are accepted")
    total = 0
    for info in members:
        name = PurePosixPath(info.filename.replace("\\", "/"))
        if name.is_absolute() or ".." in name.parts or re.match(r"^[A-Za-z]:", info.filename):
            raise RegistryError(f"{filename!r} has an unsafe member path: {info.filename!r}")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > limits.max_zip_ratio:
            raise RegistryError(
                f"the member {info.filename!r} of {filename!r} expands {ratio:,.0f} times "
                f"(at most {limits.max_zip_ratio} accepted); the file is refused as a possible "
                "zip bomb")
    if total > limits.max_bytes:
        raise RegistryError(f"{filename!r} expands to {total:,} bytes, above the "
                            f"{limits.max_bytes:,}-byte limit; split it")
    return members


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, filename: str,
                limits: Limits) -> bytes:
    """The bytes of one member, never more than :attr:`Limits.max_bytes`."""
    try:
        with zf.open(info) as fh:
            data = fh.read(limits.max_bytes + 1)
    except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, ValueError,
            NotImplementedError) as exc:
        raise RegistryError(f"cannot extract {info.filename!r} from {filename!r}: "
                            f"{exc}") from exc
    if len(data) > limits.max_bytes:
        raise RegistryError(f"the member {info.filename!r} of {filename!r} expands past the "
                            f"{limits.max_bytes:,}-byte limit; split it")
    return data
