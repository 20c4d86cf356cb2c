"""Import: AREF package into an empty store row for row; HCP package as indicator layer."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from mapping.exchange import PackageError, import_aref, read_hcp
from mapping.registry.frame import canonical
from mapping.roles import Actor, PermissionDenied
from mapping.store import open_store

EDITOR = Actor("amina", "editor")


def test_round_trip_into_an_empty_store(aref_zip: Path, registry: gpd.GeoDataFrame,
                                        tmp_path: Path) -> None:
    store = open_store(tmp_path / "schools.gpkg", seed=False)
    assert len(store.current_registry()) == 0
    done = import_aref(store, EDITOR, aref_zip)
    assert len(store.current_registry()) == 0  # a draft until published
    assert store.delivery(done.delivery_id).kind == "exchange_package"
    store.publish(EDITOR, done.delivery_id)
    got = canonical(store.current_registry()).sort_values("school_id").reset_index(drop=True)
    want = canonical(registry).sort_values("school_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)


def test_bad_package_leaves_the_store_untouched(aref_zip: Path, tmp_path: Path) -> None:
    store = open_store(tmp_path / "schools.gpkg", seed=False)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(aref_zip.read_bytes()[:-200])
    before = store.version()
    with pytest.raises(PackageError, match="not-a-zip"):
        import_aref(store, EDITOR, bad)
    assert store.version() == before and len(store.deliveries()) == 0


def test_viewer_may_not_import(aref_zip: Path, tmp_path: Path) -> None:
    store = open_store(tmp_path / "schools.gpkg", seed=False)
    with pytest.raises(PermissionDenied):
        import_aref(store, Actor("guest", "viewer"), aref_zip)


def test_hcp_package_gives_a_layer_with_provenance(hcp_zip: Path, region) -> None:
    layer = read_hcp(hcp_zip)
    assert len(layer.table) == 251
    assert layer.version == "hcp-rgph-2024-2026-12-01t08:00:00z"
    ind = {i.id: i for i in layer.indicators}
    source = ind["hcp_schooling_rate_6_to_11"].source
    assert source.startswith("HCP, RGPH 2024, paquet de livraison du 2026-12-01T08:00:00Z")
    assert "importé" not in source  # read, not imported yet
    assert layer.provenance["sha256"][:12] in source
    assert ind["hcp_school_age_primary_est"].estimated
    c24 = region.census_2024.set_index("code")["schooling_rate_6_to_11"]
    got = layer.table.set_index("code")["hcp_schooling_rate_6_to_11"]
    pd.testing.assert_series_equal(got.sort_index(), c24.sort_index(), check_names=False)


@pytest.mark.parametrize("kind", ["hash-mismatch", "unknown-schema-version",
                                  "descriptor-not-json", "missing-resource", "unsafe-path",
                                  "zip-bomb", "unknown-commune"])
def test_each_bad_package_leaves_the_store_untouched(aref_zip: Path, tmp_path: Path,
                                                     kind: str) -> None:
    from tests.exchange.test_package import _broken

    store = open_store(tmp_path / "schools.gpkg", seed=False)
    # row errors (an unknown commune) are refused as a whole: "invalid-rows"
    code = "invalid-rows.*not found in the lookup table" if kind == "unknown-commune" else kind
    with pytest.raises(PackageError, match=code):
        import_aref(store, EDITOR, _broken(aref_zip, tmp_path, kind))
    assert len(store.deliveries()) == 0 and len(store.current_registry()) == 0
