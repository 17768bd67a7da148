"""What goes over the wire: compressed as the browser allows, cached as long as is safe.

Bytes are read as they arrive (no client-side decompression), so the sizes asserted are the
ones a phone downloads.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
import gzip
import hashlib
import json
from pathlib import Path
import re
from typing import Any
import zlib

import aiohttp
import pytest

from custom_components.mediahub.hub.models import DownloadStatus
from custom_components.mediahub.sidecar.app import STATIC
from custom_components.mediahub.sidecar.state import HEAD, STATUS_ORDER, UNORDERED
from tests.panel.conftest import Sidecar
from tests.simulators.prowlarr import ProwlarrSimulator, SimRelease
from tests.support.qbittorrent import QbtInstance, add_stopped_torrents
from tests.support.wait import until

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not (STATIC / "index.html").is_file(), reason="the UI is not built (scripts/test builds it)"
)


def built(kind: str) -> Path:
    """The biggest built file of this kind (for scripts: the app's chunk)."""
    return max((STATIC / "assets").glob(f"*.{kind}"), key=lambda path: path.stat().st_size)


async def raw_get(url: str, accept: str | None) -> tuple[aiohttp.ClientResponse, bytes]:
    headers = {"Accept-Encoding": accept} if accept is not None else {}
    async with (
        aiohttp.ClientSession(auto_decompress=False, skip_auto_headers=["Accept-Encoding"]) as raw,
        raw.get(url, headers=headers) as response,
    ):
        return response, await response.read()


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [("gzip, deflate, br, zstd", "br"), ("gzip, deflate", "gzip"), (None, None)],
)
async def test_assets_go_out_precompressed_and_cached_for_a_year(
    sidecar: Sidecar, accept: str | None, encoding: str | None
) -> None:
    script = built("js")
    response, body = await raw_get(f"{sidecar.url}/assets/{script.name}", accept)
    assert response.status == 200
    assert response.headers.get("Content-Encoding") == encoding
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Accept-Encoding" in response.headers.get("Vary", "")
    original = script.read_bytes()
    if encoding == "br":  # the build's own brotli file, as it is (node's zlib made it)
        assert body == script.with_name(script.name + ".br").read_bytes()
        assert len(body) < len(original) / 3
    elif encoding == "gzip":
        assert gzip.decompress(body) == original
    else:
        assert body == original
    assert int(response.headers["Content-Length"]) == len(body)


async def test_the_page_is_never_cached_and_compressed_too(sidecar: Sidecar) -> None:
    response, body = await raw_get(f"{sidecar.url}/", "br")
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Content-Encoding"] == "br"
    assert body == (STATIC / "index.html.br").read_bytes()
    # The compressed siblings are not pages of their own.
    response, _ = await raw_get(f"{sidecar.url}/assets/{built('js').name}.br", "br")
    assert response.status == 404


async def test_json_answers_are_compressed(sidecar: Sidecar, qbittorrent5: QbtInstance) -> None:
    await asyncio.to_thread(add_stopped_torrents, qbittorrent5, 20)  # a list worth compressing
    await sidecar.panel.poll_once()
    response, body = await raw_get(f"{sidecar.url}/api/downloads", "gzip")
    assert response.headers["Content-Encoding"] == "gzip"
    assert b'"downloads"' in gzip.decompress(body)


async def test_event_streams_are_compressed_and_flushed_per_event(
    sidecar: Sidecar, prowlarr_sim: ProwlarrSimulator
) -> None:
    """An event can be read as soon as it is sent: the fast indexer's results decode while the
    slow one is still searching, not all at once when the stream ends."""
    prowlarr_sim.add_indexer("Slow", latency=2.0, releases=[SimRelease("Series Title S05E02 Slow")])
    headers = {"Accept-Encoding": "gzip"}
    async with (
        aiohttp.ClientSession(auto_decompress=False, skip_auto_headers=["Accept-Encoding"]) as raw,
        raw.get(f"{sidecar.url}/api/search?q=S05E02", headers=headers) as response,
    ):
        assert response.headers["Content-Encoding"] == "gzip"
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        text = ""
        results_before_done = False
        async for chunk in response.content.iter_any():
            text += inflate.decompress(chunk).decode()
            if "event: done" in text:
                break
            results_before_done = results_before_done or "event: results" in text
    assert results_before_done
    assert "Series Title S05E02 Slow" in text


async def test_panels_that_open_together_each_get_the_list_and_every_change(
    sidecar: Sidecar, qbittorrent5: QbtInstance
) -> None:
    """The first snapshot is compressed once for all the panels that connect (each stream goes
    on from a copy of the compressor): every one still decodes it, and what follows."""
    hashes = await asyncio.to_thread(add_stopped_torrents, qbittorrent5, 20)
    await sidecar.panel.poll_once()
    target = hashes[0]

    def resumed(name: str, data: dict) -> bool:  # type: ignore[type-arg]
        changed = data["changed"] if name == "downloads" else []
        return any(d["hash"] == target and d["status"] != "stopped" for d in changed)

    panels = [await sidecar.listen("/api/events", until=resumed) for _ in range(3)]
    status, _ = await sidecar.post(f"/api/downloads/{target}/resume")
    assert status == 200
    for panel in panels:
        events = await asyncio.wait_for(panel, 60)  # each decoded by aiohttp, from gzip
        name, snapshot = events[0]
        assert name == "snapshot"
        assert {d["hash"] for d in snapshot["downloads"]} == set(hashes)
        assert resumed(*events[-1])


async def test_the_inlined_stylesheet_is_the_only_inline_style_allowed(sidecar: Sidecar) -> None:
    """The build inlines the CSS (no second request before the first paint); the CSP allows
    exactly that <style> by its hash, and still no inline script."""
    page = (STATIC / "index.html").read_text()
    [css] = re.findall(r"<style>(.*?)</style>", page, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    response, _ = await raw_get(f"{sidecar.url}/", None)
    policy = response.headers["Content-Security-Policy"]
    assert f"style-src 'self' 'sha256-{digest}';" in policy
    assert "script-src 'self';" in policy
    assert "<script>" not in page and 'rel="stylesheet"' not in page


async def test_a_page_starts_from_the_head_of_its_list(
    sidecar: Sidecar, qbittorrent5: QbtInstance
) -> None:
    """GET /api/downloads?head (what index.html preloads) carries the first screen's worth of
    the list, in the panel's order, and how many there are; the whole list is one request (or
    the stream's first event) away, at the same revision, and follows a change."""
    hashes = await asyncio.to_thread(add_stopped_torrents, qbittorrent5, HEAD + 10)
    whole = await settled(sidecar, lambda state: state["total"] == len(hashes))
    response, body = await raw_get(f"{sidecar.url}/api/downloads?head", "gzip")
    assert response.headers["Content-Encoding"] == "gzip"
    head = json.loads(gzip.decompress(body))
    plain_response, plain = await raw_get(f"{sidecar.url}/api/downloads?head", None)
    assert "Content-Encoding" not in plain_response.headers
    assert json.loads(plain) == head

    assert {d["hash"] for d in whole["downloads"]} == set(hashes)
    assert whole["total"] == head["total"] == len(hashes)
    assert head["revision"] == whole["revision"]
    in_order = sorted(
        whole["downloads"],
        key=lambda d: (STATUS_ORDER.get(DownloadStatus(d["status"]), 9), -d["added_on"]),
    )
    assert head["downloads"] == in_order[:HEAD]
    assert {k: v for k, v in head.items() if k != "downloads"} == {
        k: v for k, v in whole.items() if k != "downloads"
    }

    # A change: the whole list carries it (that download encoded again, the others kept).
    whole = await settled(
        sidecar, lambda state: all(d["status"] == "stopped" for d in state["downloads"])
    )
    target = whole["downloads"][-1]["hash"]
    status, _ = await sidecar.post(f"/api/downloads/{target}/resume")
    assert status == 200
    after = await settled(
        sidecar,
        lambda state: any(
            d["hash"] == target and d["status"] != "stopped" for d in state["downloads"]
        ),
    )
    assert after["revision"] != whole["revision"]
    unchanged = [d for d in after["downloads"] if d["hash"] != target]
    assert unchanged == [d for d in whole["downloads"] if d["hash"] != target]


async def settled(sidecar: Sidecar, done: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """The panel's whole state once `done` holds of it, polling qBittorrent until then (a
    torrent just added is checked first; one just started takes a moment to say so)."""

    async def state_once_done() -> dict[str, Any] | None:
        await sidecar.panel.poll_once()
        _, state = await sidecar.get("/api/downloads")
        return state if done(state) else None

    state: dict[str, Any] | None = await until(
        state_once_done, "qBittorrent to reach the state the test waits for"
    )
    assert state is not None
    return state


def test_the_server_orders_the_head_as_the_panel_orders_its_list() -> None:
    """STATUS_ORDER (sidecar/state.py) and ORDER (frontend/src/downloads.ts) are one rule."""
    source = (REPO / "frontend" / "src" / "downloads.ts").read_text()
    [body] = re.findall(r"const ORDER: Record<string, number> = \{(.*?)\};", source, re.DOTALL)
    panel = {name: int(rank) for name, rank in re.findall(r"(\w+): (\d+)", body)}
    assert panel == {str(status): rank for status, rank in STATUS_ORDER.items()}
    assert f"?? {UNORDERED}" in source
