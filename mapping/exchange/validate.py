"""Validate a delivery package: Table Schema checks (frictionless) and domain checks.

:func:`open_package` checks the package as a whole (safe zip, descriptor,
format version, producer, every resource present with its SHA-256) and raises
:class:`~mapping.exchange.errors.PackageError` on the first problem.
:func:`validate_package` runs those checks, then the row checks, and returns a
:class:`Receipt`: counts read / valid / invalid per table and every error with
its resource, row, field and value.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd

from mapping.exchange import schemas
from mapping.exchange.archive import read_members
from mapping.exchange.errors import PackageError
from mapping.exchange.package import PackageMeta, sha256

#: Tables every package of a producer must hold.
REQUIRED_RESOURCES: Final = {"aref": ("schools", "communes"), "hcp": ("indicators", "communes")}
#: At most this many errors are kept per table (counts stay exact up to it).
MAX_ERRORS: Final = 50_000
_FK_CODE = "unknown-commune"


@dataclass(frozen=True)
class Issue:
    """One error found in a package.

    Attributes
    ----------
    code
        ``unknown-commune``, a frictionless error type (``constraint-error``,
        ``type-error``, ``primary-key``...) or a domain code (``girls-above-pupils``,
        ``unknown-parent``, ``half-coordinates``), or a package error code.
    message
        What is wrong and what to do.
    resource, row, field, value
        Where: resource name, 1-based data row (header excluded), field, value.
    """

    code: str
    message: str
    resource: str | None = None
    row: int | None = None
    field: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class TableCount:
    """Rows of one table: read, valid (no error) and invalid."""

    resource: str
    read: int
    valid: int
    invalid: int


@dataclass(frozen=True)
class Receipt:
    """What a validation found: package metadata, counts and every error."""

    name: str
    meta: PackageMeta | None
    counts: tuple[TableCount, ...] = ()
    issues: tuple[Issue, ...] = ()

    @property
    def valid(self) -> bool:
        """Whether the package has no error at all."""
        return self.meta is not None and not self.issues

    def issues_frame(self) -> pd.DataFrame:
        """The errors as a table (``code, resource, row, field, value, message``)."""
        cols = ["code", "resource", "row", "field", "value", "message"]
        rows = [[getattr(i, c) for c in cols] for i in self.issues]
        out = pd.DataFrame(rows, columns=cols)
        out["row"] = out["row"].astype("Int64")
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form of the receipt."""
        return {
            "package": self.name,
            "valid": self.valid,
            "meta": None if self.meta is None else vars(self.meta),
            "counts": [vars(c) for c in self.counts],
            "issues": [vars(i) for i in self.issues],
        }

    def to_text(self, limit: int = 50) -> str:
        """A plain-text receipt: one line per table, then up to *limit* errors."""
        lines = [f"package {self.name}: {'valid' if self.valid else 'INVALID'}"]
        if self.meta is not None:
            m = self.meta
            lines.append(f"producer {m.producer}, period {m.period}, created {m.created}, "
                         f"format {m.schema_version}")
        for c in self.counts:
            lines.append(f"  {c.resource}: {c.read} read, {c.valid} valid, {c.invalid} invalid")
        for issue in self.issues[:limit]:
            where = ", ".join(
                f"{k} {v}" for k, v in (("resource", issue.resource), ("row", issue.row),
                                        ("field", issue.field), ("value", issue.value))
                if v is not None)
            lines.append(f"  [{issue.code}] {issue.message}" + (f" ({where})" if where else ""))
        if len(self.issues) > limit:
            lines.append(f"  ... and {len(self.issues) - limit} more errors")
        return "\n".join(lines)


@dataclass(frozen=True)
class OpenedPackage:
    """A package whose envelope passed :func:`open_package`."""

    name: str
    descriptor: dict[str, Any]
    members: dict[str, bytes]
    meta: PackageMeta = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "meta", PackageMeta.from_descriptor(self.descriptor))

    def table(self, resource: str) -> pd.DataFrame:
        """Read a CSV resource as text columns (empty cells become ``None``)."""
        res = next(r for r in self.descriptor["resources"] if r.get("name") == resource)
        data = self.members[res["path"]]
        frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False,
                            encoding="utf-8-sig")
        return frame.map(_unneutralise)

    def has(self, resource: str) -> bool:
        """Whether the package holds a resource named *resource*."""
        return any(r.get("name") == resource for r in self.descriptor["resources"])


def _unneutralise(value: str) -> str | None:
    """Undo :func:`mapping.exports.neutralise` and read empty cells as ``None``."""
    if value == "":
        return None
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def open_package(path: Path | str) -> OpenedPackage:
    """Check the envelope of the package at *path* and return its contents.

    Raises
    ------
    PackageError
        ``not-a-zip``, ``unsafe-path``, ``zip-bomb``, ``descriptor-missing``,
        ``descriptor-not-json``, ``descriptor-invalid``,
        ``unknown-schema-version``, ``unknown-producer``, ``missing-resource``
        or ``hash-mismatch``, with the resource concerned.
    """
    path = Path(path)
    members = read_members(path)
    raw = members.get("datapackage.json")
    if raw is None:
        raise PackageError("descriptor-missing", f"{path.name} has no datapackage.json at its "
                           "root; a delivery package is built by `python -m mapping exchange "
                           "export`")
    try:
        descriptor = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageError("descriptor-not-json", f"datapackage.json of {path.name} is not "
                           f"valid JSON ({exc}); ask the producer for a new package") from exc
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise PackageError("descriptor-invalid", f"datapackage.json of {path.name} is not a "
                           "Data Package descriptor (an object with a 'resources' list)")
    version = descriptor.get("schema_version")
    if not schemas.is_known_version(version):
        raise PackageError("unknown-schema-version", f"{path.name} uses package format "
                           f"{version!r}; this project reads format {schemas.SCHEMA_VERSION} "
                           "(same major version, minor not above); update the project or ask "
                           "the producer for that format")
    producer = descriptor.get("producer")
    if producer not in schemas.PRODUCERS:
        raise PackageError("unknown-producer", f"{path.name} names producer {producer!r}; "
                           f"expected one of {', '.join(schemas.PRODUCERS)}")
    names = []
    for i, res in enumerate(descriptor["resources"]):
        if not isinstance(res, dict) or not isinstance(res.get("path"), str):
            raise PackageError("descriptor-invalid", f"resource {i + 1} of {path.name} has no "
                               "'path' inside the package")
        name = str(res.get("name", res["path"]))
        names.append(name)
        data = members.get(res["path"])
        if data is None:
            raise PackageError("missing-resource", f"resource {name!r} ({res['path']}) is "
                               f"listed in datapackage.json but missing from {path.name}",
                               resource=name)
        expected = str(res.get("hash", ""))
        actual = sha256(data)
        if expected.removeprefix("sha256:") != actual:
            raise PackageError("hash-mismatch", f"resource {name!r} ({res['path']}) was altered "
                               f"after packaging: SHA-256 {actual[:12]}… differs from the "
                               f"descriptor's {expected.removeprefix('sha256:')[:12] or 'none'}…;"
                               " ask the producer to send the package again", resource=name)
    for required in REQUIRED_RESOURCES[str(producer)]:
        if required not in names:
            raise PackageError("missing-resource", f"a {producer} package must hold a "
                               f"{required!r} resource; {path.name} has "
                               f"{', '.join(names) or 'none'}", resource=required)
    return OpenedPackage(path.name, descriptor, members)


def _schema_issues(package: OpenedPackage) -> tuple[list[TableCount], list[Issue]]:
    import frictionless

    counts: list[TableCount] = []
    issues: list[Issue] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, data in package.members.items():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        descriptor = dict(package.descriptor)
        descriptor["resources"] = [r for r in descriptor["resources"]
                                   if r.get("type") == "table" or "schema" in r]
        try:
            fpkg = frictionless.Package(descriptor, basepath=str(root))
            report = fpkg.validate(limit_errors=MAX_ERRORS)
        except frictionless.FrictionlessException as exc:
            raise PackageError("descriptor-invalid", f"datapackage.json of {package.name} is "
                               f"not a valid Data Package: {exc}") from exc
        for task in report.tasks:
            bad_rows: set[int] = set()
            for err in task.errors:
                row_number = getattr(err, "row_number", None)
                row = int(row_number) - 1 if row_number else None
                if row is not None:
                    bad_rows.add(row)
                fld = getattr(err, "field_name", None)
                value = getattr(err, "cell", None)
                code = str(err.type)
                if code == "foreign-key":
                    fields = list(getattr(err, "field_names", []) or [])
                    cells = list(getattr(err, "field_cells", []) or [])
                    fld = ",".join(fields) or None
                    value = ",".join(str(c) for c in cells) or None
                    code = _FK_CODE
                issues.append(Issue(code, f"{err.title}: {err.note}", task.name, row,
                                    None if fld is None else str(fld),
                                    None if value is None else str(value)))
            read = int(task.stats.get("rows") or 0)
            counts.append(TableCount(task.name, read, read - len(bad_rows), len(bad_rows)))
    return counts, issues


def _row_issue(code: str, message: str, resource: str, rows: Iterable[Any],
               field_name: str, values: Mapping[Any, object]) -> list[Issue]:
    return [Issue(code, message, resource, int(i) + 1, field_name,
                  None if values.get(i) is None else str(values[i])) for i in rows]


def domain_issues(package: OpenedPackage, commune_codes: Iterable[str]) -> list[Issue]:
    """The project's checks beyond the Table Schemas.

    * the package's commune list and every commune code it uses are among the
      region's HCP communes (a package cannot bring its own communes);
    * schools: ``pupils_girls`` not above ``pupils``; ``parent_id`` names a
      school of the package; ``lon`` and ``lat`` given together.
    """
    known = set(commune_codes)
    out: list[Issue] = []
    checks = [("communes", "code")]
    if package.has("schools"):
        checks.append(("schools", "commune_code"))
    if package.has("indicators"):
        checks.append(("indicators", "code"))
    for resource, column in checks:
        table = package.table(resource)
        if column not in table:
            continue
        values = table[column].to_dict()
        bad = [i for i, v in values.items() if v is not None and v not in known]
        out += _row_issue(_FK_CODE, f"commune code unknown to HCP's list of the region's "
                          f"{len(known)} communes; use the HCP 2024 code (see the crosswalk "
                          "for communes renumbered since 2014)", resource, bad, column, values)
    if package.has("schools"):
        schools = package.table("schools")
        if {"pupils", "pupils_girls"} <= set(schools.columns):
            pupils = pd.to_numeric(schools["pupils"], errors="coerce")
            girls = pd.to_numeric(schools["pupils_girls"], errors="coerce")
            bad = [int(i) for i in schools.index[(girls > pupils).to_numpy()]]
            out += _row_issue("girls-above-pupils", "more girls than pupils; correct "
                              "pupils_girls or pupils", "schools", bad, "pupils_girls",
                              schools["pupils_girls"].to_dict())
        if {"parent_id", "school_id"} <= set(schools.columns):
            ids = set(schools["school_id"].dropna())
            parents = schools["parent_id"].to_dict()
            bad = [i for i, v in parents.items() if v is not None and v not in ids]
            out += _row_issue("unknown-parent", "parent_id names no school of this package; "
                              "give the school group's school_id or leave it empty", "schools",
                              bad, "parent_id", parents)
        if {"lon", "lat"} <= set(schools.columns):
            half = schools["lon"].isna() != schools["lat"].isna()
            bad = [int(i) for i in schools.index[half.to_numpy()]]
            out += _row_issue("half-coordinates", "lon and lat must be given together",
                              "schools", bad, "lon", schools["lon"].to_dict())
    return out


def validate_package(path: Path | str, commune_codes: Iterable[str] | None = None) -> Receipt:
    """Validate the package at *path* and return its receipt.

    Parameters
    ----------
    path
        The ``.zip`` delivery package.
    commune_codes
        The region's HCP commune codes; read from ``data/`` when ``None``.

    Returns
    -------
    Receipt
        ``receipt.valid`` is ``False`` when anything is wrong; a package that
        cannot be opened has one issue with its package error code and no counts.
    """
    name = Path(path).name
    try:
        package = open_package(path)
        counts, issues = _schema_issues(package)
    except PackageError as exc:
        return Receipt(name, None, (), (Issue(exc.code, exc.detail, exc.resource),))
    if commune_codes is None:
        from mapping.datasets import load_communes

        commune_codes = load_communes()["code"].tolist()
    extra = domain_issues(package, commune_codes)
    if extra:
        bad: dict[str, set[int]] = {}
        for issue in [*issues, *extra]:
            if issue.resource is not None and issue.row is not None:
                bad.setdefault(issue.resource, set()).add(issue.row)
        counts = [TableCount(c.resource, c.read, c.read - len(bad.get(c.resource, set())),
                             len(bad.get(c.resource, set()))) for c in counts]
    return Receipt(name, package.meta, tuple(counts), tuple(issues + extra))
