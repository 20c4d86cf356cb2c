"""First visits replayed without a browser: the server's side of "twenty people open the map".

Twenty people who open the map together each run their own browser on their own
machine; only the server is shared. Twenty Chromium renderers on the benchmark
machine's two cores measure that machine instead (each first page costs about
2.5 s of browser CPU here, against 0.3 s of app CPU). So one real Chromium
visit is *recorded* (:func:`record_visit`: every HTTP request it makes and what
it sends on Streamlit's websocket) and then *replayed* by light clients
(:func:`replay_visit`): the same requests in the same order, the same
websocket messages, until the server has sent the whole first run of the
script and the map's geometry and points. The server does exactly the work it
does for a browser; the clients skip only the drawing.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

#: Parallel HTTP connections of one replayed visitor (what browsers open per host).
CONNECTIONS_PER_VISITOR = 6


@dataclass(frozen=True)
class Visit:
    """What a browser asked of the server for one first map.

    Attributes
    ----------
    before
        Paths (with query) fetched before the websocket opened, in order.
    messages
        Binary websocket frames the browser sent (Streamlit ``BackMsg``s).
    after
        Paths fetched once the script had run (map component, geometry, points).
    received_bytes
        Bytes of websocket frames the browser received, for the record.
    """

    before: tuple[str, ...]
    messages: tuple[bytes, ...]
    after: tuple[str, ...]
    received_bytes: int


async def record_visit(url: str, wait_drawn: Any) -> Visit:
    """Open *url* once in a fresh Chromium context and record what it asks for.

    Parameters
    ----------
    url
        Base URL of the app (or of the proxy in front of it).
    wait_drawn
        ``async (page) -> None`` that returns once the first map is drawn.
    """
    from playwright.async_api import async_playwright

    from benchmarks.browser import launch_chromium

    origin = _origin(url)
    before: list[str] = []
    after: list[str] = []
    messages: list[bytes] = []
    received = [0]
    opened = [False]

    def on_request(request: Any) -> None:
        if request.method != "GET" or not request.url.startswith(origin):
            return  # blob: URLs and anything off-site are not the server's work
        parts = urlsplit(request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        (after if opened[0] else before).append(path)

    def on_websocket(ws: Any) -> None:
        opened[0] = True
        ws.on("framesent", lambda p: messages.append(p if isinstance(p, bytes) else p.encode()))
        ws.on("framereceived", lambda p: received.__setitem__(0, received[0] + len(p)))

    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        try:
            ctx = await browser.new_context(viewport={"width": 1400, "height": 900})
            page = await ctx.new_page()
            page.on("request", on_request)
            page.on("websocket", on_websocket)
            await page.goto(url, wait_until="domcontentloaded")
            await wait_drawn(page)
            await ctx.close()
        finally:
            await browser.close()
    if not messages:
        raise RuntimeError(f"the browser sent nothing on the websocket of {url}")
    return Visit(tuple(before), tuple(messages), tuple(after), received[0])


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


async def _fetch_all(client: Any, paths: tuple[str, ...]) -> int:
    """GET *paths* over the client's pool; return the bytes received. Fails on any error."""
    async def one(path: str) -> int:
        resp = await client.get(path)
        if resp.status_code >= 400:
            raise RuntimeError(f"GET {path} answered {resp.status_code}")
        return len(resp.content)

    return sum(await asyncio.gather(*(one(p) for p in dict.fromkeys(paths))))


async def _run_script(url: str, cookies: dict[str, str], messages: tuple[bytes, ...],
                      timeout_s: float) -> int:
    """Open Streamlit's websocket, send *messages*, read until the script has run."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect
    from websockets.typing import Origin, Subprotocol

    origin = _origin(url)
    ws_url = origin.replace("http", "ws", 1) + "/_stcore/stream"
    header = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
    received = 0
    async with connect(ws_url, subprotocols=[Subprotocol("streamlit")], origin=Origin(origin),
                       additional_headers=header, max_size=None,
                       open_timeout=timeout_s) as ws:
        for frame in messages:
            await ws.send(frame)
        while True:
            raw = await asyncio.wait_for(ws.recv(), timeout_s)
            data = raw if isinstance(raw, bytes) else raw.encode()
            received += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            if msg.WhichOneof("type") == "script_finished":
                if msg.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    raise RuntimeError(f"the script ended with status {msg.script_finished}")
                return received


@dataclass(frozen=True)
class Replay:
    """One replayed visit: seconds until the server had sent the whole first map, and bytes."""

    seconds: float
    fetched_bytes: int
    received_bytes: int


async def replay_visit(url: str, visit: Visit, timeout_s: float = 300.0) -> Replay:
    """Replay *visit* against *url* and time it until the server has sent the whole first map.

    Route cookies the proxy sets on the first answer are kept and sent on the
    websocket, so a replayed visitor stays on one app process as a browser does.

    Raises
    ------
    RuntimeError
        When a request fails or the script does not finish successfully.
    websockets.exceptions.ConnectionClosed
        When the server closes the websocket (a message it refuses).
    """
    import httpx

    t0 = time.perf_counter()
    limits = httpx.Limits(max_connections=CONNECTIONS_PER_VISITOR)
    async with httpx.AsyncClient(base_url=_origin(url), limits=limits, timeout=timeout_s,
                                 headers={"Accept-Encoding": "gzip, deflate"}) as client:
        first, *rest = visit.before or ("/",)
        resp = await client.get(first)
        if resp.status_code >= 400:
            raise RuntimeError(f"GET {first} answered {resp.status_code}")
        fetched = len(resp.content) + await _fetch_all(client, tuple(rest))
        received = await _run_script(url, dict(client.cookies), visit.messages, timeout_s)
        fetched += await _fetch_all(client, visit.after)
    return Replay(time.perf_counter() - t0, fetched, received)
