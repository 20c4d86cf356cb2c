"""Hostile registry files (generated here, never committed): each ends in a clear outcome.

The files are built at test time; limits are lowered where a default-sized
file would only make the test slow (the benchmark ``benchmarks/hostile.py``
runs the full-sized set with the default limits).
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import Workbook
from shapely.geometry import LineString, Point, Polygon

from mapping.cli import main
from mapping.registry import MAX_BYTES, Limits, RegistryError, read_registry
from mapping.registry.limits import current
from mapping.registry.readers import SUFFIXES

ROOT = Path(__file__).resolve().parents[1]
HEADER = "school_id,name_fr,cycle,commune_code,seats\n"


def _codes(res) -> list[str]:  # type: ignore[no-untyped-def]
    return list(res.issues["code"])


def _xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, content if info.filename == name else src.read(info))
    return buf.getvalue()


_TABLE = [["school_id", "name_fr", "cycle", "commune_code"],
          ["H1", "École Une", "primary", "07.041.03.05"],
          ["H2", "École Deux", "primary", "07.041.03.05"]]


# --- limits before or while reading -------------------------------------------------------

def test_limits_have_defaults_and_env_overrides() -> None:
    assert MAX_BYTES == 50 * 1024 * 1024 == Limits().max_bytes
    lim = current({"MAPPING_REGISTRY_MAX_COLUMNS": "7", "MAPPING_REGISTRY_MAX_ROWS": "-3"})
    assert lim.max_columns == 7 and lim.max_rows == Limits().max_rows


def test_app_upload_limit_equals_library_limit() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_BYTES  # Streamlit counts MiB


def test_uploader_accepts_every_extension_read() -> None:
    page = (ROOT / "ui" / "pages" / "data.py").read_text(encoding="utf-8")
    assert "SUFFIXES" in page
    assert {".tsv", ".xlsm", ".csv", ".zip"} <= set(SUFFIXES)


def test_xlsx_expanding_past_the_limit_is_refused_before_parsing(region) -> None:
    book = _xlsx({"registre": _TABLE})
    sheet = b"<worksheet>" + b" " * 60_000_000 + b"</worksheet>"
    bomb = _replace_member(book, "xl/worksheets/sheet1.xml", sheet)
    assert len(bomb) < 1_000_000
    with pytest.raises(RegistryError, match=r"zip bomb|expands"):
        read_registry(bomb, "bomb.xlsx", region=region)


def test_csv_of_many_short_rows_stops_at_the_row_limit(region) -> None:
    data = HEADER.encode() + b"1\n" * 2_000_000
    with pytest.raises(RegistryError, match="more than 1,000 rows"):
        read_registry(data, "rows.csv", region=region, limits=Limits(max_rows=1_000))


def test_xlsx_with_an_absurd_dimension_is_refused_before_iterating(region) -> None:
    wb = Workbook()
    wb.active["A1"] = "school_id"
    wb.active["XFD1"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    assert len(buf.getvalue()) < 10_000
    with pytest.raises(RegistryError, match="XFD"):
        read_registry(buf.getvalue(), "wide.xlsx", region=region)


def test_xlsx_rows_stop_at_the_row_limit(region) -> None:
    rows = _TABLE + [[f"H{i}", "x", "primary", "07.041.03.05"] for i in range(3, 2_000)]
    with pytest.raises(RegistryError, match="rows"):
        read_registry(_xlsx({"registre": rows}), "long.xlsx", region=region,
                      limits=Limits(max_rows=500))


def test_twenty_thousand_columns_are_refused_naming_the_line(region) -> None:
    data = (",".join(f"c{i}" for i in range(20_000)) + "\n").encode()
    with pytest.raises(RegistryError, match=r"line 1 .*20,000 columns"):
        read_registry(data, "wide.csv", region=region)


def test_zipped_long_line_is_refused_quickly(region) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("long.csv", HEADER + "a" * 300_000 + "\n")
    with pytest.raises(RegistryError, match="zip bomb"):
        read_registry(buf.getvalue(), "long.zip", region=region)
    # refused either by the csv module's field limit (131,072 by default) or, where a
    # library imported earlier raised that process-wide limit, by the project's cell limit
    with pytest.raises(RegistryError, match=r"line 2\b.* [\d,]+ (are accepted|characters)"):
        read_registry((HEADER + "a" * 300_000 + "\n").encode(), "long.csv", region=region)


def test_huge_cell_names_line_and_column(region) -> None:
    for size, where in ((50_000, "line 2, column 2"), (10_000_000, r"line 2\b")):
        data = (HEADER + 'H1,"' + "x" * size + '",primary,07.041.03.05,10\n').encode()
        with pytest.raises(RegistryError, match=where):
            read_registry(data, "cell.csv", region=region)


def test_nul_bytes_name_the_line_and_utf16_without_bom_is_read(region) -> None:
    with pytest.raises(RegistryError, match="NUL byte on line 3"):
        read_registry((HEADER + "H1,a,primary,07.041.03.05,1\nH2\x00,b\n").encode(), "n.csv",
                      region=region)
    text = HEADER + "H1,École,primary,07.041.03.05,10\n"
    res = read_registry(text.encode("utf-16-le"), "u16.csv", region=region)
    assert res.summary["encoding"] == "utf-16-le" and res.summary["accepted"] == 1


# --- no crash, no collision ---------------------------------------------------------------

def test_a_column_named_row_or_reasons_does_not_collide(region) -> None:
    data = ("row,reasons,school_id,cycle,commune_code\n"
            "1,x,H1,université,07.041.03.05\n").encode()
    res = read_registry(data, "row.csv", region=region)
    assert list(res.rejected.columns[:3]) == ["row", "row (file)", "reasons (file)"]
    assert res.rejected["row"].tolist() == [2] and res.rejected["reasons"].iloc[0]


def test_cli_never_shows_a_traceback(tmp_path, capsys) -> None:
    path = tmp_path / "row.csv"
    path.write_text("row,school_id,cycle\n1,H1,primary\n", encoding="utf-8")
    assert main(["registry", "validate", str(path)]) in (0, 1)
    path.write_bytes(b"\x00" * 100)
    assert main(["registry", "validate", str(path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


# --- nothing read partly without saying so -----------------------------------------------

def test_unbalanced_quote_rejects_the_merged_record(region) -> None:
    lines = [HEADER.strip()] + [f"H{i},École {i},primary,07.041.03.05,10" for i in range(1, 11)]
    lines[3] = 'H3,"École 3,primary,07.041.03.05,10'
    res = read_registry(("\n".join(lines) + "\n").encode(), "quote.csv", region=region)
    merged = res.issues[res.issues["code"] == "merged_lines"]
    assert len(merged) == 1 and merged["row"].iloc[0] == 4
    assert res.summary["accepted"] == 2  # H1, H2: every later line is named in the error
    assert "4-11" in merged["value"].iloc[0]


def test_every_sheet_is_read_or_named(region) -> None:
    other = [["school_id", "name_fr", "cycle", "commune_code"],
             ["S1", "Lycée", "upper_secondary", "07.041.03.05"]]
    data = _xlsx({"primaire": _TABLE, "lycees": other, "notes": [["a note"]]})
    res = read_registry(data, "two.xlsx", region=region)
    left = res.issues[res.issues["code"] == "part_left"]
    assert left["value"].tolist() == ["lycees"] and res.parts == ("primaire", "lycees", "notes")
    second = read_registry(data, "two.xlsx", region=region, part="lycees")
    assert second.summary["accepted"] == 1 and second.part == "lycees"
    assert "primaire" in second.issues["value"].tolist()


def test_duplicated_header_keeps_both_columns_with_a_warning(region) -> None:
    data = (HEADER.strip() + ",seats\nH1,a,primary,07.041.03.05,10,20\n").encode()
    res = read_registry(data, "dup.csv", region=region)
    assert "seats (2)" in res.columns and "duplicate_header" in _codes(res)


def test_uncached_formula_is_reported_with_its_cell(region) -> None:
    rows = [["school_id", "name_fr", "cycle", "commune_code", "seats"],
            ["H1", "a", "primary", "07.041.03.05", "=2*100"]]
    res = read_registry(_xlsx({"registre": rows}), "f.xlsx", region=region)
    line = res.issues[res.issues["code"] == "uncached_formula"].iloc[0]
    assert line["row"] == 2 and line["column"] == "E" and line["value"] == "=2*100"


def _vector(region, geoms, tmp_path: Path, name: str = "v.gpkg") -> gpd.GeoDataFrame:
    centre = region.communes.to_crs(32629).geometry.iloc[0].representative_point()
    gdf = gpd.GeoDataFrame({"school_id": [f"V{i}" for i in range(len(geoms))],
                            "name_fr": ["x"] * len(geoms), "cycle": ["primary"] * len(geoms)},
                           geometry=[g(centre) for g in geoms], crs=32629)
    return gdf


def test_non_point_geometries_are_reduced_with_a_warning(region, tmp_path) -> None:
    gdf = _vector(region, [lambda c: Point(c.x, c.y),
                           lambda c: Polygon([(c.x, c.y), (c.x + 50, c.y), (c.x, c.y + 50)]),
                           lambda c: LineString([(c.x, c.y), (c.x + 30, c.y + 30)])], tmp_path)
    gdf.to_file(tmp_path / "v.gpkg", layer="schools")
    gdf.iloc[:1].to_file(tmp_path / "v.gpkg", layer="other")
    res = read_registry(tmp_path / "v.gpkg", "v.gpkg", region=region)
    notes = res.issues[res.issues["code"] == "non_point_geometry"]
    assert notes["value"].tolist() == ["Polygon", "LineString"]
    assert res.summary["with_point"] == 3 and not res.unsure
    assert res.issues[res.issues["code"] == "part_left"]["value"].tolist() == ["other"]


def test_second_shapefile_is_named_and_arabic_without_cpg_is_read(region, tmp_path) -> None:
    gdf = _vector(region, [lambda c: Point(c.x, c.y)], tmp_path)
    gdf["name_ar"] = ["مدرسة الأمل"]
    gdf.to_file(tmp_path / "a.shp", encoding="cp1256")
    gdf.to_file(tmp_path / "b.shp", encoding="utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in sorted(tmp_path.iterdir()):
            if p.suffix != ".cpg":
                zf.write(p, p.name)
    res = read_registry(buf.getvalue(), "two.zip", region=region)
    assert res.schools["name_ar"].tolist() == ["مدرسة الأمل"]
    assert res.issues[res.issues["code"] == "part_left"]["value"].tolist() == ["b.shp"]
    other = read_registry(buf.getvalue(), "two.zip", region=region, part="b.shp")
    assert other.schools["name_ar"].tolist() == ["مدرسة الأمل"]


# --- no silent change ---------------------------------------------------------------------

@pytest.mark.parametrize("seats", ["1,200", "1.200"])
def test_thousands_separators_in_counts_are_read_and_reported(region, seats) -> None:
    data = f'school_id;cycle;commune_code;seats\nH1;primary;07.041.03.05;{seats}\n'.encode()
    res = read_registry(data, "t.csv", region=region)
    assert res.schools["seats"].tolist() == [1200.0]
    assert "thousands_separator" in _codes(res)


def test_windows_1252_and_upper_case_french_are_not_garbled(region) -> None:
    text = ("school_id;name_fr;cycle;commune_code\n"
            "H1;“ÉCOLE ÉLÉMENTAIRE” – À CÔTÉ;primary;07.041.03.05\n")
    res = read_registry(text.encode("cp1252"), "fr.csv", region=region)
    assert res.schools["name_fr"].tolist() == ["“ÉCOLE ÉLÉMENTAIRE” – À CÔTÉ"]
    assert res.summary["encoding"] == "windows-1252"


def test_arabic_windows_1256_is_still_read(region) -> None:
    text = "school_id;name_ar;cycle;commune_code\nH1;مدرسة النور;ابتدائي;07.041.03.05\n"
    res = read_registry(text.encode("cp1256"), "ar.csv", region=region)
    assert res.schools["name_ar"].tolist() == ["مدرسة النور"]


# --- messages -----------------------------------------------------------------------------

def test_wrong_lambert_zone_shows_the_users_values_and_a_crs_hint(region) -> None:
    data = b"school_id;cycle;x;y\nH1;primary;283311,45;107644,55\n"
    res = read_registry(data, "l.csv", region=region, crs="EPSG:26192")
    line = res.issues[res.issues["code"] == "outside_region"].iloc[0]
    assert line["value"] == "283311.45, 107644.55" and line["column"] == "x"
    assert "EPSG:26191" in line["message"] and "EPSG:26192" in line["message"]


def test_gdal_errors_do_not_leak_server_paths(region) -> None:
    for data, name in ((b"SQLite format 3\x00" + b"\x01" * 2000, "bad.gpkg"),
                       (b'{"type": "FeatureCollection", "features": [', "bad.geojson")):
        with pytest.raises(RegistryError) as exc:
            read_registry(data, name, region=region)
        assert "/tmp" not in str(exc.value) and "registry-" not in str(exc.value)
        assert name in str(exc.value)


def test_server_path_in_the_file_name_is_not_echoed(region) -> None:
    with pytest.raises(RegistryError) as exc:
        read_registry(b"x", "/srv/app/uploads/tmp123/evil.pdf", region=region)
    assert "/srv" not in str(exc.value) and "evil.pdf" in str(exc.value)


# --- no live formula in what is written ---------------------------------------------------

def test_cli_report_and_rejected_of_a_hostile_workbook_carry_no_formula(tmp_path) -> None:
    rows = [["school_id", "name_fr", "cycle", "commune_code", "=HYPERLINK(\"http://x\")"],
            ["=HYPERLINK(\"http://evil\",\"click\")", "@SUM(1)", "+cmd|' /C calc'!A0",
             "07.041.03.05", "-2+3"],
            ["H2", "=1+1", "université", "@SUM(1)", "x"]]
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    for cell in ("A2", "B3"):  # stored as text, not as formulas
        wb.active[cell].data_type = "s"
    src = tmp_path / "hostile.xlsx"
    wb.save(src)
    report, rejected = tmp_path / "report.csv", tmp_path / "rejected.csv"
    main(["registry", "validate", str(src), "--report", str(report), "--rejected",
          str(rejected)])
    for path in (report, rejected):
        text = path.read_text(encoding="utf-8-sig")
        cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
        live = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")
                and not re.fullmatch(r"-?\d+(\.\d+)?", c)]
        assert live == [], (path.name, live)
    assert "'@SUM(1)" in rejected.read_text(encoding="utf-8-sig")


def test_every_school_is_accepted_rejected_or_named(region) -> None:
    data = pd.DataFrame({"school_id": ["A", "B", "C"], "cycle": ["primary", "?", "primary"],
                         "commune_code": ["07.041.03.05"] * 3}).to_csv(index=False).encode()
    res = read_registry(data, "ok.csv", region=region)
    assert res.summary["accepted"] + res.summary["rejected"] == res.summary["rows_read"] == 3
