"""Property: any bytes and any table give either a RegistryError or a report, nothing else."""

from __future__ import annotations

import io

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from mapping.registry import Limits, RegistryError, RegistryImport, read_registry

_SETTINGS = settings(max_examples=20, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
_NAMES = st.sampled_from(["f.csv", "f.txt", "f.xlsx", "f.geojson", "f.json", "f.gpkg",
                          "f.zip", "f.xls", "f.pdf", "f"])
_CELL = st.one_of(
    st.none(), st.text(max_size=12), st.integers(-10**6, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["primary", "Collégial", "تأهيلي", "07.041.03.05", "-7,68", "31.54",
                     "Ait Faska (CR)", "public", "Privé", "EPSG:26191", ""]),
)
_HEADERS = st.sampled_from(["school_id", "cycle", "commune_code", "lon", "lat", "x", "y",
                            "seats", "pupils", "Commune", "NOM_ETABL", "LL_COM", "LL_PROV",
                            "Nb salles", "اسم المؤسسة", "junk", ""])


def _outcome(region, data: bytes, name: str) -> None:
    try:
        res = read_registry(data, name, region=region)
    except RegistryError as exc:
        assert str(exc)
        return
    assert isinstance(res, RegistryImport)
    assert res.summary["accepted"] + res.summary["rejected"] == res.summary["rows_read"]
    assert len(res.schools) == res.summary["accepted"]


@_SETTINGS
@given(data=st.binary(max_size=600), name=_NAMES)
def test_arbitrary_bytes(region, data, name):
    _outcome(region, data, name)


@_SETTINGS
@given(headers=st.lists(_HEADERS, min_size=1, max_size=6),
       rows=st.lists(st.lists(_CELL, min_size=6, max_size=6), max_size=6),
       sep=st.sampled_from([",", ";"]), encoding=st.sampled_from(["utf-8", "cp1256"]))
def test_arbitrary_tables(region, headers, rows, sep, encoding):
    df = pd.DataFrame([r[: len(headers)] for r in rows], columns=range(len(headers)))
    df.columns = headers
    text = df.to_csv(index=False, sep=sep)
    _outcome(region, text.encode(encoding, errors="replace"), "table.csv")
    buf = io.BytesIO()
    try:
        df.to_excel(buf, index=False)
    except IllegalCharacterError:  # the test cannot write control characters to XLSX
        return
    _outcome(region, buf.getvalue(), "table.xlsx")


_SMALL = Limits(max_columns=40, max_cell_chars=2_000, max_line_chars=5_000, max_rows=50,
                max_cells=1_000)


def _limited(region, data: bytes, name: str) -> None:
    try:
        res = read_registry(data, name, region=region, limits=_SMALL)
    except RegistryError as exc:
        assert str(exc) and "Traceback" not in str(exc) and "/tmp" not in str(exc)
        return
    assert res.summary["accepted"] + res.summary["rejected"] == res.summary["rows_read"]


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(width=st.integers(1, 80), rows=st.integers(0, 4), sep=st.sampled_from([",", ";", "\t"]),
       cell=st.sampled_from(["primary", "row", "reasons", "", '"', "07.041.03.05"]))
def test_wide_tables(region, width, rows, sep, cell):
    header = sep.join((["school_id", "cycle", "commune_code"] + [f"c{i}" for i in range(width)])
                      [:width])
    body = "\n".join(sep.join([f"W{r}", *[cell] * (width - 1)]) for r in range(rows))
    _limited(region, (header + "\n" + body + "\n").encode(), "wide.csv")


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(length=st.integers(0, 8_000), quote=st.booleans(),
       filler=st.sampled_from(["a", ",", ";", "\n", "é", "م"]))
def test_long_lines(region, length, quote, filler):
    cell = ('"' if quote else "") + filler * length
    data = f"school_id,cycle,commune_code\nL1,primary,{cell}\nL2,primary,07.041.03.05\n"
    _limited(region, data.encode(), "long.csv")


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheets=st.lists(st.lists(st.lists(_CELL, min_size=1, max_size=4), max_size=4),
                       min_size=1, max_size=4),
       header=st.booleans())
def test_multi_sheet_workbooks(region, sheets, header):
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for k, rows in enumerate(sheets):
        ws = wb.create_sheet(f"s{k}")
        if header:
            ws.append(["school_id", "cycle", "commune_code", "name_fr"])
        for row in rows:
            try:
                ws.append([str(v) if isinstance(v, float) else v for v in row])
            except IllegalCharacterError:  # the test cannot write control characters
                continue
    buf = io.BytesIO()
    wb.save(buf)
    _limited(region, buf.getvalue(), "multi.xlsx")
