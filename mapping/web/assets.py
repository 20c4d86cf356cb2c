"""Offline Leaflet assets for web maps.

folium points every map at CDNs (Leaflet, jQuery, Bootstrap, awesome-markers,
Font Awesome), which renders nothing on a machine without internet. The maps of
this project only need Leaflet and Leaflet.markercluster, whose files ship in
the PyPI packages ``xstatic-leaflet`` and ``xstatic-leaflet-markercluster``.

This module

* lists those files (:func:`vendor_files`) and copies them into a folder a web
  server can serve (:func:`install_static`);
* points a folium map and its plugins at local URLs (:func:`localise`);
* turns a rendered map into one standalone HTML file with every asset inlined
  (:func:`inline_assets`), for offline HTML exports.
"""

from __future__ import annotations

import base64
import filecmp
import re
import shutil
from pathlib import Path
from typing import Any

from mapping.errors import MappingError

#: URL prefix under which :func:`install_static` files are served by the app
#: (Streamlit's static serving maps ``./static/`` to ``/app/static/``).
DEFAULT_PREFIX = "/app/static/vendor"

#: Assets the project's maps need, keyed by file name: (xstatic package, relative path).
_ASSETS: dict[str, tuple[str, str]] = {
    "leaflet.js": ("leaflet", "leaflet.js"),
    "leaflet.css": ("leaflet", "leaflet.css"),
    "images/layers.png": ("leaflet", "images/layers.png"),
    "images/layers-2x.png": ("leaflet", "images/layers-2x.png"),
    "images/marker-icon.png": ("leaflet", "images/marker-icon.png"),
    "images/marker-icon-2x.png": ("leaflet", "images/marker-icon-2x.png"),
    "images/marker-shadow.png": ("leaflet", "images/marker-shadow.png"),
    "leaflet.markercluster.js": ("leaflet_markercluster", "leaflet.markercluster.js"),
    "MarkerCluster.css": ("leaflet_markercluster", "MarkerCluster.css"),
    "MarkerCluster.Default.css": ("leaflet_markercluster", "MarkerCluster.Default.css"),
}

#: Scripts and style sheets, in load order, for a map with marker clusters.
JS_FILES = ("leaflet.js", "leaflet.markercluster.js")
CSS_FILES = ("leaflet.css", "MarkerCluster.css", "MarkerCluster.Default.css")

#: folium defaults our maps do not use (jQuery, Bootstrap, awesome-markers, fonts).
_UNUSED = re.compile(
    r"jquery|bootstrap|awesome[-_.]markers|fontawesome|awesome\.rotate|glyphicons", re.I
)


class OfflineAssetError(MappingError):
    """A map needs a remote asset that has no local copy."""


def _package_dir(package: str) -> Path:
    try:
        if package == "leaflet":
            import xstatic.pkg.leaflet as mod
        else:
            import xstatic.pkg.leaflet_markercluster as mod
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise OfflineAssetError(
            f"the Python package xstatic-{package.replace('_', '-')} is not installed; "
            "install the project requirements (pip install -r requirements.txt)"
        ) from exc
    return Path(mod.BASE_DIR)


def vendor_files() -> dict[str, Path]:
    """Local copies of the Leaflet files, keyed by their path under the vendor folder.

    Returns
    -------
    dict
        ``{"leaflet.js": Path(...), "images/layers.png": Path(...), ...}``.
    """
    return {name: _package_dir(pkg) / rel for name, (pkg, rel) in _ASSETS.items()}


def install_static(dest: Path) -> Path:
    """Copy the Leaflet files into *dest* (idempotent; only changed files are copied).

    Parameters
    ----------
    dest
        Target folder, e.g. ``<project>/static/vendor``.

    Returns
    -------
    pathlib.Path
        *dest*.
    """
    for name, src in vendor_files().items():
        target = dest / name
        if target.is_file() and filecmp.cmp(src, target, shallow=False):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
    return dest


def _asset_name(url: str) -> str | None:
    """The vendor file a script/style URL stands for, or ``None`` if unknown."""
    base = url.split("?", maxsplit=1)[0].rstrip("/").rsplit("/", 1)[-1]
    if base in ("leaflet-src.js",):
        base = "leaflet.js"
    return base if base in _ASSETS else None


def local_assets(
    js: list[tuple[str, str]], css: list[tuple[str, str]], prefix: str = DEFAULT_PREFIX
) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[str]]:
    """Rewrite a folium ``default_js``/``default_css`` pair to local URLs.

    Returns the new lists and the URLs dropped (unused folium defaults or
    assets without a local copy).
    """
    dropped: list[str] = []

    def convert(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
        out = []
        for name, url in items:
            local = _asset_name(url)
            if local is not None:
                out.append((name, f"{prefix.rstrip('/')}/{local}"))
            else:
                dropped.append(url)
        return out

    return convert(js), convert(css), dropped


def localise(root: Any, prefix: str = DEFAULT_PREFIX) -> list[str]:
    """Point a folium element tree (a map and its plugins) at local asset URLs.

    Parameters
    ----------
    root
        A ``folium.Map`` (or any element); every descendant with ``default_js``
        or ``default_css`` is rewritten in place.
    prefix
        URL prefix where :func:`install_static` files are served.

    Returns
    -------
    list of str
        Remote URLs that were removed and have no local copy (unused folium
        defaults such as jQuery are removed silently and not listed).
    """
    missing: list[str] = []
    stack = [root]
    while stack:
        el = stack.pop()
        if hasattr(el, "default_js") or hasattr(el, "default_css"):
            js, css, dropped = local_assets(
                list(getattr(el, "default_js", [])), list(getattr(el, "default_css", [])), prefix
            )
            el.default_js = js
            el.default_css = css
            missing.extend(u for u in dropped if not _UNUSED.search(u))
        stack.extend(getattr(el, "_children", {}).values())
    return sorted(set(missing))


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _css_text(name: str, files: dict[str, Path]) -> str:
    text = files[name].read_text(encoding="utf-8")

    def repl(match: re.Match[str]) -> str:
        ref = match.group(2)
        if ref in files:
            return f"url({_data_uri(files[ref])})"
        return match.group(0)

    return re.sub(r"url\((['\"]?)(images/[\w.-]+\.png)\1\)", repl, text)


_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=[\"']([^\"']+)[\"'][^>]*>\s*</script\s*>", re.I)
_LINK = re.compile(r"<link\b[^>]*\bhref=[\"']([^\"']+\.css[^\"']*)[\"'][^>]*/?>", re.I)


def inline_assets(html: str, *, strict: bool = True) -> str:
    """Return *html* as a standalone page: every Leaflet asset inlined, CDN links removed.

    Scripts and style sheets that point at Leaflet or Leaflet.markercluster
    (on a CDN or on the app's ``/app/static`` URLs) are replaced by the
    content of the local files, with the Leaflet images as data URIs; folium
    defaults the project's maps do not use (jQuery, Bootstrap,
    awesome-markers, Font Awesome) are removed.

    Parameters
    ----------
    html
        A rendered folium page, e.g. ``m.get_root().render()``.
    strict
        Raise on any other remote script or style sheet (default); when
        ``False`` such references are removed instead.

    Returns
    -------
    str
        HTML that loads nothing from the network (map tiles aside, if the map
        has a tile layer).

    Raises
    ------
    OfflineAssetError
        If *strict* and the page needs an asset with no local copy.

    Examples
    --------
    >>> page = '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>'
    >>> "cdn.jsdelivr" in inline_assets(page)
    False
    """
    files = vendor_files()
    unknown: list[str] = []

    def script(match: re.Match[str]) -> str:
        url = match.group(1)
        name = _asset_name(url)
        if name is not None and name.endswith(".js"):
            code = files[name].read_text(encoding="utf-8").replace("</script", "<\\/script")
            return f"<script>/* {name} (inlined) */\n{code}\n</script>"
        if not _UNUSED.search(url):
            unknown.append(url)
        return ""

    def link(match: re.Match[str]) -> str:
        url = match.group(1)
        name = _asset_name(url)
        if name is not None and name.endswith(".css"):
            return f"<style>/* {name} (inlined) */\n{_css_text(name, files)}\n</style>"
        if not _UNUSED.search(url):
            unknown.append(url)
        return ""

    out = _LINK.sub(link, _SCRIPT.sub(script, html))
    if unknown and strict:
        raise OfflineAssetError(
            f"the map needs {len(unknown)} asset(s) with no offline copy: "
            + ", ".join(sorted(set(unknown)))
            + "; remove the plugin that needs them or call inline_assets(html, strict=False)"
        )
    return out
