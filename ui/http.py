"""HTTP layer of the app process: browser caching of the map's content-hashed files.

Streamlit serves the app's ``static/`` folder (``server.enableStaticServing``) with
``Cache-Control: no-cache`` and without answering conditional requests, so every
page load downloaded the commune geometry, the point layers and the map
component again. Their names carry a hash of their content
(``geometry.1d103399a9232b7d.json``): a browser may keep them for good.
:class:`ImmutableAssets` says so; the vendored Leaflet files, whose names carry
no hash, may be kept for a day.
"""

from __future__ import annotations

import re
from typing import Any, Final

#: ``/app/static/mapview/<name>.<16 hex digits>.<ext>``, under any base URL path.
HASHED_ASSET: Final = re.compile(r"/app/static/mapview/[\w.-]+\.[0-9a-f]{16}\.(?:json|js|css)$")
#: The vendored Leaflet files (``/app/static/vendor/...``).
VENDOR_ASSET: Final = re.compile(r"/app/static/vendor/[\w./-]+$")
#: Cache-Control of content-hashed files: a new content gets a new name.
IMMUTABLE: Final = b"public, max-age=31536000, immutable"
#: Cache-Control of the vendored files: replaced by a package upgrade, at most a day late.
ONE_DAY: Final = b"public, max-age=86400"


def cache_control(path: str) -> bytes | None:
    """The ``Cache-Control`` value the app sets for *path*, or ``None`` to leave it alone.

    Examples
    --------
    >>> cache_control("/app/static/mapview/geometry.1d103399a9232b7d.json")
    b'public, max-age=31536000, immutable'
    >>> cache_control("/app/static/vendor/leaflet.js")
    b'public, max-age=86400'
    >>> cache_control("/app/static/exports/report.csv") is None
    True
    """
    if HASHED_ASSET.search(path):
        return IMMUTABLE
    if VENDOR_ASSET.search(path):
        return ONE_DAY
    return None


class ImmutableAssets:
    """ASGI middleware: long browser caching for the map's static files (see module).

    Only successful answers (200) are changed; errors keep Streamlit's headers.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        value = cache_control(scope.get("path", "")) if scope["type"] == "http" else None
        if value is None:
            await self.app(scope, receive, send)
            return

        async def send_with_cache(message: Any) -> None:
            if message["type"] == "http.response.start" and message.get("status") == 200:
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() != b"cache-control"]
                message = {**message, "headers": [*headers, (b"cache-control", value)]}
            await send(message)

        await self.app(scope, receive, send_with_cache)
