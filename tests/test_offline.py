"""Offline Leaflet assets: local copies, localised maps, standalone HTML."""

from __future__ import annotations

import re
from pathlib import Path

import folium
import folium.plugins
import pytest

from mapping.web import assets


def test_vendor_files_exist_in_the_xstatic_packages() -> None:
    files = assets.vendor_files()
    assert {"leaflet.js", "leaflet.css", "leaflet.markercluster.js",
            "MarkerCluster.css", "MarkerCluster.Default.css"} <= set(files)
    for path in files.values():
        assert path.is_file(), path
    assert "L.version" in files["leaflet.js"].read_text(encoding="utf-8") or \
        "1.9" in files["leaflet.js"].read_text(encoding="utf-8")[:300]


def test_install_static_copies_once(tmp_path: Path) -> None:
    dest = assets.install_static(tmp_path / "vendor")
    assert (dest / "leaflet.js").read_bytes() == assets.vendor_files()["leaflet.js"].read_bytes()
    assert (dest / "images" / "layers.png").is_file()
    stamp = (dest / "leaflet.js").stat().st_mtime_ns
    assets.install_static(dest)
    assert (dest / "leaflet.js").stat().st_mtime_ns == stamp


def test_localise_points_folium_at_local_urls_and_drops_unused_defaults() -> None:
    m = folium.Map(tiles=None)
    folium.plugins.MarkerCluster().add_to(m)
    missing = assets.localise(m, "/x/vendor")
    assert missing == []
    html = m.get_root().render()
    urls = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert urls, html[:500]
    assert all(u.startswith("/x/vendor/") for u in urls), urls
    assert "/x/vendor/leaflet.markercluster.js" in urls
    assert not re.search(r"jquery|bootstrap|awesome", html, re.I)


def test_localise_reports_unknown_plugins() -> None:
    m = folium.Map(tiles=None)
    folium.plugins.Fullscreen().add_to(m)
    missing = assets.localise(m)
    assert any("fullscreen" in u.lower() for u in missing)


def test_inline_assets_makes_a_standalone_page() -> None:
    m = folium.Map(tiles=None)  # folium's own CDN links, untouched
    folium.plugins.MarkerCluster().add_to(m)
    page = assets.inline_assets(m.get_root().render())
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', page)
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page
    assert "(inlined)" in page
    # Leaflet's images become data URIs inside the inlined CSS
    assert "url(images/" not in page and "data:image/png;base64," in page
    assert "markerClusterGroup" in page


def test_inline_assets_refuses_unknown_remote_assets() -> None:
    page = '<script src="https://example.org/plugin.js"></script>'
    with pytest.raises(assets.OfflineAssetError, match=r"example\.org/plugin\.js"):
        assets.inline_assets(page)
    assert assets.inline_assets(page, strict=False) == ""
