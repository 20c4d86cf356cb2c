"""Imported HCP layers reach the catalogue, the commune table, legend, print and exports."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.text import Text
from pypdf import PdfReader

from mapping import printing
from mapping.catalogue import LANGS, UNITS
from mapping.classify import classify
from mapping.cli import main
from mapping.datasets import Region
from mapping.exchange import PackageError, current_layer, export_hcp, import_hcp, layers_dir
from mapping.exchange.layers import folder_stamp
from mapping.exports import readable_csv, sources_table
from mapping.filters import Selection
from mapping.indicators import GROUPS, catalogue, get
from mapping.store.settings import STORE_DIR_ENV
from mapping.table import indicator_table, without_geometry
from mapping.themes import THEMES
from mapping.web.legend import legend_html

RATE = "hcp_schooling_rate_6_to_11"
YOUSSOUFIA = "07.585"


@pytest.fixture()
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty store folder named by the environment, as the app and commands read it."""
    folder = tmp_path / "store"
    monkeypatch.setenv(STORE_DIR_ENV, str(folder))
    return folder


@pytest.fixture(scope="module")
def cli_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """HCP's package built from data/ by the command line."""
    out = tmp_path_factory.mktemp("hcp") / "hcp.zip"
    assert main(["exchange", "export", "--producer", "hcp", "--out", str(out)]) == 0
    return out


def _created(package: Path) -> str:
    import zipfile

    with zipfile.ZipFile(package) as archive:
        return str(json.loads(archive.read("datapackage.json"))["created"])


def _hcp_ids() -> list[str]:
    return [i for i in catalogue() if i.startswith("hcp_")]


def test_no_layer_leaves_the_catalogue_and_table_as_they_are(store_dir: Path,
                                                             region: Region) -> None:
    assert current_layer() is None and _hcp_ids() == []
    own = [i.id for theme in THEMES if theme.id != "exchange" for i in theme.indicators]
    assert list(catalogue()) == own
    assert not [c for c in indicator_table(region).columns if c.startswith("hcp_")]


def test_imported_layer_reaches_catalogue_table_legend_and_exports(
        store_dir: Path, cli_package: Path, region: Region,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exchange", "import", str(cli_package)]) == 0
    assert str(layers_dir()) in capsys.readouterr().out
    assert layers_dir() == store_dir / "indicators"
    created, today = _created(cli_package), datetime.now(UTC).date().isoformat()

    ind = get(RATE)
    assert ind.source.startswith(f"HCP, RGPH 2024, paquet de livraison du {created} (sha256 ")
    assert ind.source.endswith(f", importé le {today}")
    assert ind.note["en"] == f"HCP, RGPH 2024, delivery package {created} (format 1.0.0), " \
                             f"imported {today}."
    assert set(_hcp_ids()) == {f"hcp_{c}" for c in (
        "population_legal", "school_age_preschool_est", "school_age_primary_est",
        "school_age_lower_secondary_est", "school_age_upper_secondary_est",
        "schooling_rate_6_to_11", "sex_female")}
    for hcp in (catalogue()[i] for i in _hcp_ids()):  # described like every indicator
        assert hcp.theme in GROUPS and hcp.unit in UNITS and hcp.year == 2024
        assert all(hcp.label[lang].strip() and hcp.note[lang] for lang in LANGS)
        assert any("\u0600" <= ch <= "\u06ff" for ch in hcp.label["ar"])
    assert get("hcp_population_legal").unit == "people"

    table = indicator_table(region)
    got = table.set_index("code")[RATE]
    want = region.census_2024.set_index("code")["schooling_rate_6_to_11"]
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False)

    legend = legend_html(ind, classify(table[RATE].dropna().to_numpy()), "fr")
    assert f"paquet de livraison du {created}" in legend and f"importé le {today}" in legend

    csv = readable_csv(without_geometry(table)[["code", RATE]], "fr").decode("utf-8-sig")
    header, machine = csv.splitlines()[:2]
    assert header == "Code HCP de la commune,Taux de scolarisation des 6-11 ans (paquet HCP) [%]"
    assert machine.split(",") == ["code", RATE]
    sources = sources_table(["code", RATE], "en")
    row = sources[sources["column"] == RATE].iloc[0]
    assert row["source"] == ind.source and row["note"] == ind.note["en"]


def test_printed_map_footer_names_the_package(store_dir: Path, cli_package: Path,
                                              region: Region) -> None:
    layer, _ = import_hcp(cli_package)
    note = layer.indicators[0].note
    table = indicator_table(region)
    for lang in ("fr", "en"):
        fig = printing.render_map(table, RATE, selection=Selection(provinces=(YOUSSOUFIA,)),
                                  lang=lang)
        texts = " ".join(t.get_text() for t in fig.findobj(Text))
        assert " ".join(note[lang].split()) in " ".join(texts.split())
    buf = io.BytesIO()
    printing.save(fig, buf, "pdf")
    pdf = " ".join(" ".join(p.extract_text() for p in PdfReader(buf).pages).split())
    assert f"delivery package {_created(cli_package)}" in pdf


def test_the_newest_package_is_the_one_used(store_dir: Path, cli_package: Path,
                                            region: Region) -> None:
    import_hcp(cli_package)
    first = current_layer()
    assert first is not None and current_layer() is first  # unchanged folder: cached
    newer = store_dir / "hcp-newer.zip"
    newer.write_bytes(export_hcp(region, created=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)))
    import_hcp(newer)
    assert get(RATE).source.startswith("HCP, RGPH 2024, paquet de livraison du "
                                       "2030-01-02T03:04:05Z")
    used = current_layer()
    assert used is not None and used.version == "hcp-rgph-2024-2030-01-02t03:04:05z"
    assert len(list(layers_dir().glob("*.json"))) == 2  # the older layer is kept
    # importing the older package again does not take its place
    import_hcp(cli_package)
    assert "2030-01-02T03:04:05Z" in get(RATE).source


def test_unreadable_layer_is_left_out(store_dir: Path, cli_package: Path) -> None:
    _, target = import_hcp(cli_package)
    broken = target.parent / "hcp-zzz.json"
    broken.write_text("{not json", encoding="utf-8")
    layer = current_layer()
    assert layer is not None and layer.version.startswith("hcp-rgph-2024-")
    assert RATE in catalogue()


def test_bad_package_writes_no_layer(store_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(PackageError, match="not-a-zip"):
        import_hcp(bad)
    assert folder_stamp(layers_dir()) == (0, 0) and _hcp_ids() == []


def test_stamp_follows_the_folder(store_dir: Path, cli_package: Path) -> None:
    assert folder_stamp(layers_dir()) == (0, 0)
    _, target = import_hcp(cli_package)
    count, newest = folder_stamp(layers_dir())
    assert count == 2 and newest >= target.stat().st_mtime_ns
    assert re.fullmatch(r"hcp-rgph-2024-.*\.csv", target.name)


def test_a_layer_imported_while_the_app_runs_is_offered_at_its_next_rerun(
        store_dir: Path, cli_package: Path) -> None:
    from streamlit.testing.v1 import AppTest

    from mapping.settings import PROJECT_ROOT

    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert not any("(paquet HCP)" in o for o in at.selectbox(key="m_indicator").options)
    import_hcp(cli_package)
    at.run()  # same process, caches warm: the commune table is rebuilt for the new theme
    assert not at.exception
    picker = at.selectbox(key="m_indicator")
    label = catalogue()[RATE].label_in("fr")
    assert any(o.endswith(label) for o in picker.options), picker.options
    picker.set_value(RATE).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="m_indicator").value == RATE


def test_a_layer_indicator_is_named_in_every_language(store_dir: Path,
                                                      cli_package: Path) -> None:
    import_hcp(cli_package)
    ind = catalogue()[RATE]
    base = catalogue()["schooling_rate_6_to_11"]
    for lang in LANGS:
        assert ind.label_in(lang).startswith(base.label_in(lang))
    assert "paquet" not in ind.label_in("ar") and "Taux" not in ind.label_in("ar")
