"""Safe reading of a delivery zip: no path outside the package, no bomb.

Every member name is checked before anything is read (no absolute path, no
``..``, no backslash or drive letter, no symbolic link), and members are read
in bounded chunks so a forged size header cannot hide a bomb.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath
from typing import Final

from mapping.exchange.errors import PackageError

#: At most this many members in a package.
MAX_MEMBERS: Final = 50
#: At most this many bytes once uncompressed, all members together.
MAX_TOTAL_BYTES: Final = 512 * 1024 * 1024
#: A member larger than :data:`RATIO_FLOOR` bytes may not expand more than this.
MAX_RATIO: Final = 200
RATIO_FLOOR: Final = 1024 * 1024
_CHUNK = 1 << 16


def _check_name(name: str) -> None:
    path = PurePosixPath(name)
    bad = (
        not name
        or name.startswith("/")
        or "\\" in name
        or (len(name) > 1 and name[1] == ":")
        or any(part == ".." for part in path.parts)
        or "\x00" in name
    )
    if bad:
        raise PackageError(
            "unsafe-path",
            f"zip member {name!r} points outside the package; "
            "rebuild the package with `python -m mapping exchange export`",
            resource=name,
        )


def read_members(path: Path | str) -> dict[str, bytes]:
    """Read every file of the zip at *path* into memory, safely.

    Parameters
    ----------
    path
        The ``.zip`` delivery package.

    Returns
    -------
    dict
        Member name (POSIX, relative) → content.

    Raises
    ------
    PackageError
        ``not-a-zip``, ``unsafe-path`` or ``zip-bomb``.
    """
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackageError("not-a-zip", f"{path.name} is not a readable zip file ({exc})") from exc
    out: dict[str, bytes] = {}
    total = 0
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise PackageError("zip-bomb", f"{path.name} holds {len(infos)} members; "
                               f"a package holds at most {MAX_MEMBERS}")
        for info in infos:
            _check_name(info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise PackageError("unsafe-path", f"zip member {info.filename!r} is a symbolic "
                                   "link; a package holds plain files only",
                                   resource=info.filename)
            if info.is_dir():
                continue
            chunks: list[bytes] = []
            size = 0
            try:
                with archive.open(info) as member:
                    while chunk := member.read(_CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        too_big = total > MAX_TOTAL_BYTES
                        ratio = size / max(info.compress_size, 1)
                        if too_big or (size > RATIO_FLOOR and ratio > MAX_RATIO):
                            raise PackageError(
                                "zip-bomb",
                                f"zip member {info.filename!r} expands beyond the limits "
                                f"({MAX_TOTAL_BYTES // 2**20} MB in all, {MAX_RATIO}:1 "
                                "compression); the package is refused",
                                resource=info.filename,
                            )
                        chunks.append(chunk)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise PackageError("not-a-zip", f"zip member {info.filename!r} of {path.name} "
                                   f"cannot be read ({exc})", resource=info.filename) from exc
            out[info.filename] = b"".join(chunks)
    return out
