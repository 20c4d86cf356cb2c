"""The registry validation report, rejected rows and accepted schools, in the reader's language.

:func:`mapping.registry.validate.validate_table` writes its report with a
machine ``code`` per line and an English message. This module rewrites the
report for a person: translated headers, severity and message (keyed by the
line's ``code``, from ``mapping/locales/report.json``), while keeping the
machine code in its own column so a report can still be filtered or compared.

Placeholders of a message other than ``value`` (``fixed``, ``other``) are read
back from the English message with the validator's own template.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

import pandas as pd

from mapping.i18n import messages, t
from mapping.numbers import format_number
from mapping.provenance import quality_label, source_label
from mapping.registry.validate import CODES
from mapping.schema import QUALITY_LEVELS

#: Report columns, in the order they are shown.
REPORT_COLUMNS: Final = ("row", "column", "value", "severity", "problem", "message", "code")
_CODED: Final = {"cycle": "cycle", "sector": "sector", "kind": "report.kind",
                 "status": "report.status"}
_QUALITY: Final = ("location_quality", "capacity_quality")


@cache
def _pattern(code: str) -> re.Pattern[str]:
    """Regex reading the placeholders back from the English message of *code*."""
    template = CODES[code][1]
    out, pos, seen = [], 0, set()
    for m in re.finditer(r"\{(\w+)(![rs])?\}", template):
        out.append(re.escape(template[pos:m.start()]))
        name = m.group(1)
        out.append(".*?" if name in seen else f"(?P<{name}>.*?)")
        seen.add(name)
        pos = m.end()
    out.append(re.escape(template[pos:]))
    return re.compile("^" + "".join(out) + "$", re.S)


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def message_text(code: str, message: str, value: object, lang: str) -> str:
    """The report message of one line in *lang*.

    Parameters
    ----------
    code
        The line's ``code``.
    message
        Its English message (placeholders are read back from it).
    value
        Its ``value`` column.
    lang
        Interface language.

    Examples
    --------
    >>> message_text("duplicate_id", "school id 'A1' already used on row 3", "A1", "fr")
    "code d'établissement « A1 » déjà utilisé à la ligne 3"
    """
    key = f"report.msg.{code}"
    if code not in CODES or key not in messages():
        return str(message)
    found = _pattern(code).match(str(message))
    fields = {k: _unquote(v) for k, v in found.groupdict().items()} if found else {}
    if not found and value is not None and value == value:
        fields["value"] = str(value)
    for name in ("value", "fixed", "other"):
        fields.setdefault(name, "")
    if code == "unknown_quality" and fields["fixed"] in QUALITY_LEVELS:
        fields["fixed"] = quality_label(fields["fixed"], lang)
    return t(key, lang, **fields)


def field_label(field: str, lang: str) -> str:
    """Readable name of a registry field (the field itself when unknown)."""
    key = f"report.field.{field}"
    return t(key, lang) if key in messages() else field


def translate_report(issues: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The validation report for a person reading *lang*.

    Parameters
    ----------
    issues
        The report as :class:`mapping.registry.RegistryImport` gives it
        (``row, column, value, severity, code, message``).
    lang
        Interface language.

    Returns
    -------
    pandas.DataFrame
        Columns, headed in *lang*: row, column (a registry field's readable
        name, or the file's own header), value, severity, problem (short),
        message (full sentence) and the machine code.
    """
    rows = []
    for line in issues.to_dict("records"):
        code = str(line.get("code"))
        value = line.get("value")
        rows.append({
            "row": line.get("row"),
            "column": field_label(str(line.get("column")), lang),
            "value": "" if value is None or value != value else str(value),
            "severity": t(f"report.severity.{line.get('severity')}", lang),
            "problem": t(f"registry.issue.{code}", lang),
            "message": message_text(code, str(line.get("message")), value, lang),
            "code": code,
        })
    out = pd.DataFrame(rows, columns=list(REPORT_COLUMNS))
    return out.rename(columns={c: t(f"report.col.{c}", lang) for c in REPORT_COLUMNS})


def translate_rejected(rejected: pd.DataFrame, issues: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Rejected rows with their reasons in *lang* (the file's own columns untouched).

    Parameters
    ----------
    rejected
        ``row``, the original columns and ``reasons`` (English).
    issues
        The report the reasons come from.
    lang
        Interface language.
    """
    out = rejected.copy()
    errors = issues[issues["severity"] == "error"]
    by_row: dict[int, list[str]] = {}
    for line in errors.to_dict("records"):
        by_row.setdefault(int(line["row"]), []).append(
            message_text(str(line["code"]), str(line["message"]), line.get("value"), lang))
    if "reasons" in out:
        out["reasons"] = ["; ".join(by_row.get(int(r), [])) for r in out["row"]]
    return out.rename(columns={"row": t("report.col.row", lang),
                               "reasons": t("report.col.reasons", lang)})


def _number(field: str, value: object, lang: str) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if field == "year":
        return str(int(float(value)))  # type: ignore[arg-type]
    return format_number(value, lang, 5 if field in ("lon", "lat") else 0)


def _coded_value(field: str, value: object, lang: str) -> str:
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return t("report.no_location", lang) if field == "location_quality" else ""
    if field in _QUALITY:
        return quality_label(value, lang)
    if field == "source":
        return source_label(value, lang)
    key = f"{_CODED[field]}.{value}"
    return t(key, lang) if key in messages() else str(value)


def translate_schools(schools: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Accepted schools for display: readable headers and values, empty cells left empty.

    Coded values (cycle, sector, kind, status, quality levels, source) are
    written in *lang*; codes such as ``school_id`` and ``commune_code`` stay
    as text; numbers are written in *lang*; ``None``/NaN become empty cells
    (a missing location says "no point"). The geometry column is dropped.
    For display only: use the registry itself for anything computed.
    """
    frame = pd.DataFrame(schools.drop(columns="geometry", errors="ignore"))
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        values = frame[col]
        if col in _CODED or col in _QUALITY or col == "source":
            out[col] = [_coded_value(col, v, lang) for v in values.tolist()]
        elif pd.api.types.is_numeric_dtype(values):
            out[col] = [_number(col, v, lang) for v in values.tolist()]
        else:
            out[col] = ["" if v is None or (isinstance(v, float) and v != v) else str(v)
                        for v in values.tolist()]
    return out.rename(columns={c: field_label(c, lang) for c in out.columns})
