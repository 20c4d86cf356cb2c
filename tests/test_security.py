"""Library-level robustness: hostile text, hostile archives, fuzzed registry files.

The browser-level checks (no dialog, no injected element) are in
tests/e2e/test_security_e2e.py; here the library functions are checked
directly, fast.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.datasets import Region
from mapping.errors import MappingError
from mapping.schema import REGISTRY_COLUMNS

#: HTML/JS payloads a hostile or careless file may carry in any text field.
PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
)


def _registry(names: list[str]) -> gpd.GeoDataFrame:
    """A tiny registry of fictitious test schools in Marrakech, named *names*."""
    n = len(names)
    data: dict[str, Any] = dict.fromkeys(REGISTRY_COLUMNS)
    data.update(
        school_id=[f"TEST-{i}" for i in range(n)], name_fr=names, name_ar=names,
        cycle="primary", sector="public", kind=names, commune_code="07.351.01.01",
        lon=[-8.0 + 0.01 * i for i in range(n)], lat=31.63, seats=300, pupils=200,
        source=names, location_quality="fictitious", capacity_quality="fictitious",
    )
    df = pd.DataFrame(data)
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]),
                            crs="EPSG:4326")


# --------------------------------------------------------------------------- web map text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_school_popup_escapes_every_field(payload: str) -> None:
    webmap = pytest.importorskip("mapping.web")
    row = _registry([payload]).iloc[0].to_dict()
    for lang in ("fr", "ar", "en"):
        html = webmap.school_popup(row, lang)
        assert payload not in html
        assert "<img" not in html and "<script" not in html and "<svg" not in html
        assert "&lt;" in html


def test_rendered_map_carries_no_raw_payload() -> None:
    webmap = pytest.importorskip("mapping.web")
    m = webmap.base_map()
    webmap.add_schools(m, _registry(list(PAYLOADS)), "fr")
    page = m.get_root().render()
    for payload in PAYLOADS:
        assert payload not in page
    # nothing can close the inline script early; the names are there, escaped
    assert "</script>alert" not in page
    # (folium writes "<" and "&" inside JSON as \u003c and \u0026)
    escaped = "&lt;img src=x onerror=alert(1)&gt;"
    assert escaped in page or escaped.replace("&", "\\u0026") in page


def test_escape_neutralises_template_syntax() -> None:
    webmap = pytest.importorskip("mapping.web")
    assert webmap.esc("${alert(1)}`") == "&#36;{alert(1)}&#96;"
    assert webmap.esc(None) == "" and webmap.esc(float("nan")) == ""


def test_search_folding_accepts_hostile_text(region: Region) -> None:
    from mapping.filters import Selection

    for payload in PAYLOADS:
        mask = Selection(search=payload).commune_mask(region.communes)
        assert int(mask.sum()) == 0
    # regex metacharacters and odd text are matched literally, never raise
    for text in ("\x00", "ء" * 10_000, "((((", "[", "\\", "*+?"):
        mask = Selection(search=text).commune_mask(region.communes)
        assert len(mask) == 251
    assert int(Selection(search="((((").commune_mask(region.communes).sum()) == 0


# --------------------------------------------------------------------------- registry reader


def _reader() -> Callable[..., Any]:
    registry = pytest.importorskip("mapping.registry")
    fn = getattr(registry, "read_registry", None)
    if fn is None:
        pytest.skip("mapping.registry.read_registry is not available yet")
    return fn  # type: ignore[no-any-return]


def _registry_error() -> type[Exception]:
    from mapping.registry import RegistryError

    return RegistryError


def _valid_csv(rows: int = 3) -> str:
    header = "school_id,name_fr,name_ar,cycle,sector,commune_code,lon,lat,seats,pupils"
    lines = [header]
    for i in range(rows):
        lines.append(f"TEST-{i},École test {i},مدرسة اختبار {i},primary,public,"
                     f"07.351.01.01,{-8.0 + 0.001 * i:.4f},31.63,300,250")
    return "\n".join(lines) + "\n"


def _write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _shapefile_members() -> dict[str, bytes]:
    """The member files of a valid one-school shapefile."""
    gdf = _registry(["École test"])[["school_id", "name_fr", "cycle", "sector", "geometry"]]
    buf = io.BytesIO()
    gdf.to_file(buf, driver="ESRI Shapefile", layer="schools")  # type: ignore[arg-type]
    buf.seek(0)
    out: dict[str, bytes] = {}
    with zipfile.ZipFile(buf) as zf:
        for name in zf.namelist():
            out[name] = zf.read(name)
    return out


@pytest.fixture(scope="module")
def shapefile_members(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("shp")
    gdf = _registry(["École test"])[["school_id", "name_fr", "cycle", "sector", "geometry"]]
    gdf.to_file(folder / "schools.shp")
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.parametrize("evil", ["../evil.shp", "../../tmp/evil.shp", "/tmp/evil.shp",
                                  "a/../../evil.shp"])
def test_zip_with_path_traversal_is_rejected(
    tmp_path: Path, shapefile_members: dict[str, bytes], evil: str, region: Region
) -> None:
    read = _reader()
    members = {evil[: -len("shp")] + name.rsplit(".", 1)[1]: data
               for name, data in shapefile_members.items()}
    archive = _write_zip(tmp_path / "schools.zip", members)
    with pytest.raises(_registry_error(), match="unsafe member path"):
        read(archive, archive.name, region=region)
    # the same bytes, as an upload, are refused too
    with pytest.raises(_registry_error()):
        read(archive.read_bytes(), "upload.zip", region=region)
    # nothing was written outside the working folders
    assert not (tmp_path.parent / "evil.shp").exists()
    assert not Path("/tmp/evil.shp").exists()


def test_zip_bomb_is_rejected(
    tmp_path: Path, shapefile_members: dict[str, bytes], region: Region
) -> None:
    read = _reader()
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED,
                         compresslevel=9) as zf:
        for name, data in shapefile_members.items():
            zf.writestr(name, data)
        # 200 MB of zeros compress to about 200 KB: a ratio near 1000:1
        with zf.open("padding.dbf", "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(200):
                member.write(chunk)
    assert archive.stat().st_size < 1_000_000
    with pytest.raises(_registry_error(), match=r"(?i)zip bomb|expands"):
        read(archive, archive.name, region=region)


def test_valid_zipped_shapefile_still_reads(
    tmp_path: Path, shapefile_members: dict[str, bytes], region: Region
) -> None:
    read = _reader()
    archive = _write_zip(tmp_path / "schools.zip", shapefile_members)
    result = read(archive, archive.name, region=region)
    assert len(result.schools) == 1


def test_file_above_the_size_limit_is_refused(tmp_path: Path, region: Region) -> None:
    read = _reader()
    path = tmp_path / "big.csv"
    body = _valid_csv(1) + ("TEST-X,x,x,primary,public,07.351.01.01,-8.0,31.6,1,1\n" * 3_000)
    path.write_text(body, encoding="utf-8")
    assert path.stat().st_size > 100_000
    with pytest.raises(_registry_error(), match=r"(?i)(size|large|limit|MB|bytes)"):
        read(path, path.name, region=region, max_bytes=100_000)
    with pytest.raises(_registry_error()):
        read(path.read_bytes(), "big.csv", region=region, max_bytes=100_000)
    # the same file under the limit is read
    assert len(read(path, path.name, region=region).schools) >= 1


# --------------------------------------------------------------------------- fuzzing

_CORRUPTIONS = st.sampled_from([
    "drop_column", "rename_header", "payload_header", "blank_cells", "junk_cells",
    "huge_numbers", "swap_separator", "truncate", "extra_quotes", "duplicate_rows",
    "bad_encoding", "bom", "ragged_row", "nul_bytes", "only_header",
])


def _corrupt(corruptions: list[str], data: st.DataObject) -> bytes:
    """A valid 4-row registry CSV with *corruptions* applied in turn."""
    lines = _valid_csv(4).splitlines()
    header = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:]]
    cell = st.text(max_size=30).map(lambda s: s.replace(",", ";"))
    text_level: list[str] = []
    for corruption in corruptions:
        col = data.draw(st.integers(0, max(len(header) - 1, 0)), label="column")
        if not header:
            break
        if corruption == "drop_column":
            header.pop(col)
            for r in rows:
                if col < len(r):
                    r.pop(col)
        elif corruption == "rename_header":
            header[col] = data.draw(cell, label="name")
        elif corruption == "payload_header":
            header[col] = data.draw(st.sampled_from(PAYLOADS))
        elif corruption in ("blank_cells", "junk_cells", "huge_numbers"):
            if corruption == "blank_cells":
                value = ""
            elif corruption == "junk_cells":
                value = data.draw(cell, label="junk")
            else:
                value = data.draw(st.sampled_from(["1e308", "-1e308", "inf", "nan", "9" * 400,
                                                   "0x1F", "1,5", "-0", "-91", "181"]))
            for r in rows:
                if col < len(r):
                    r[col] = value
        elif corruption == "duplicate_rows":
            rows = rows + [list(r) for r in rows]
        elif corruption == "ragged_row" and rows:
            rows[0] = [*rows[0], "extra", "cells"]
        elif corruption == "only_header":
            rows = []
        else:
            text_level.append(corruption)
    out = "\n".join([",".join(header)] + [",".join(r) for r in rows]) + "\n"
    if "swap_separator" in text_level:
        out = out.replace(",", ";")
    if "extra_quotes" in text_level:
        out = out.replace(",", ',"', data.draw(st.integers(1, 5)))
    encoded = out.encode("utf-16") if "bad_encoding" in text_level else out.encode("utf-8")
    if "truncate" in text_level:
        encoded = encoded[: data.draw(st.integers(0, len(encoded)))]
    if "bom" in text_level:
        encoded = b"\xef\xbb\xbf" + encoded
    if "nul_bytes" in text_level:
        pos = data.draw(st.integers(0, len(encoded)))
        encoded = encoded[:pos] + b"\0\0" + encoded[pos:]
    return encoded


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(corruptions=st.lists(_CORRUPTIONS, min_size=1, max_size=3), data=st.data())
def test_fuzzed_near_valid_csv_gives_a_report_or_a_registry_error(
    tmp_path: Path, region: Region, corruptions: list[str], data: st.DataObject
) -> None:
    read = _reader()
    path = tmp_path / "fuzz.csv"
    path.write_bytes(_corrupt(corruptions, data))
    with contextlib.suppress(MappingError):
        result = read(path, path.name, region=region)
        # every row read is either accepted or rejected with a reason, never lost
        assert len(result.schools) + len(result.rejected) == result.summary["rows_read"]


# --------------------------------------------------------------------------- failing page


def _fail_data_page(monkeypatch: pytest.MonkeyPatch) -> str:
    """Make the Data page raise: its registry template builder fails."""
    import mapping.registry.template as template

    message = "test failure inside the data page"

    def boom(*_args: object, **_kwargs: object) -> bytes:
        raise RuntimeError(message)

    monkeypatch.setattr(template, "template_csv", boom)
    return message


@pytest.fixture()
def failing_app(monkeypatch: pytest.MonkeyPatch) -> tuple[Any, str]:
    """The app (AppTest), its Data page made to raise, already run on that page."""
    from streamlit.testing.v1 import AppTest

    from mapping.settings import PROJECT_ROOT

    message = _fail_data_page(monkeypatch)
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.switch_page("ui/pages/data.py")
    at.run()
    return at, message


def _shown(at: Any) -> str:
    parts = [e.value for e in at.error] + [e.value for e in at.exception]
    return "\n".join(str(p) for p in parts)


def test_a_failing_page_leaves_the_other_pages_serving(failing_app: tuple[Any, str]) -> None:
    at, message = failing_app
    assert message in _shown(at), "the Data page was expected to fail"
    # the sidebar (language, filters) still rendered around the failure
    assert len(at.sidebar.multiselect) >= 1
    for page, title in (("ui/pages/communes.py", "Communes"), ("ui/pages/remote.py", None),
                        ("ui/pages/map.py", "Carte")):
        at.switch_page(page)
        at.run()
        assert not at.exception, f"{page}: {_shown(at)[:300]}"
        assert at.title, page
        if title:
            assert at.title[0].value == title
    # and the failing page fails the same way again, without breaking the session
    at.switch_page("ui/pages/data.py")
    at.run()
    assert message in _shown(at)


def test_a_failing_page_shows_a_message_not_a_traceback(failing_app: tuple[Any, str]) -> None:
    at, message = failing_app
    assert not at.exception, "a traceback is shown"
    assert any(message in str(e.value) for e in at.error)
