"""The real sidecar on 127.0.0.1, wired to a real qBittorrent and the simulators."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.mediahub.hub.config import Settings
from custom_components.mediahub.sidecar.app import PANEL, Panel, create_app
from tests.hub.conftest import PLEX_ROOT, rig_settings
from tests.simulators.plex import PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator
from tests.support.qbittorrent import QbtInstance, free_port
from tests.support.sse import read_events


@dataclass
class Sidecar:
    url: str
    port: int
    app: web.Application
    http: aiohttp.ClientSession

    @property
    def panel(self) -> Panel:
        return self.app[PANEL]

    @property
    def origin(self) -> dict[str, str]:
        """What the panel's own page sends with a change."""
        return {"Origin": self.url, "X-MediaHub": "1", "Sec-Fetch-Site": "same-origin"}

    async def post(
        self, path: str, body: Any = None, headers: Mapping[str, str] | None = None
    ) -> tuple[int, Any]:
        async with self.http.post(
            self.url + path,
            json={} if body is None else body,
            headers={**self.origin, **(headers or {})},
        ) as response:
            return response.status, await response.json()

    async def get(self, path: str) -> tuple[int, Any]:
        async with self.http.get(self.url + path) as response:
            return response.status, await response.json()

    async def sse(
        self,
        path: str,
        until: str | Callable[[str, Any], bool],
        limit: int = 500,
        connected: asyncio.Event | None = None,
    ) -> list[tuple[str, Any]]:
        """Read an SSE stream until the event named `until`, or for which `until(event, data)`
        holds (inclusive). `connected` is set when the first event arrives: from then on,
        nothing the server pushes is missed."""
        until_fn = until if callable(until) else lambda name, _data: name == until

        def done(name: str, data: Any) -> bool:
            if connected is not None:
                connected.set()
            return until_fn(name, data)

        async with self.http.get(self.url + path) as response:
            assert response.headers["Content-Type"].startswith("text/event-stream")
            return await read_events(response, done, limit)

    async def listen(
        self, path: str, until: str | Callable[[str, Any], bool]
    ) -> asyncio.Task[list[tuple[str, Any]]]:
        """Start reading an SSE stream in the background; returns once it is connected."""
        connected = asyncio.Event()
        task = asyncio.create_task(self.sse(path, until, connected=connected))
        await asyncio.wait_for(connected.wait(), 30)
        return task


@pytest.fixture
async def sidecar(
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    tmp_path: Path,
) -> AsyncIterator[Sidecar]:
    async with serve(sidecar_settings(qbittorrent5, prowlarr_sim, plex_sim, tmp_path)) as served:
        yield served


def sidecar_settings(
    qbt: QbtInstance, prowlarr: ProwlarrSimulator, plex: PlexSimulator, root: Path
) -> Settings:
    for key, folder in (("1", "movies"), ("2", "tv"), ("3", "music")):
        plex.set_locations(key, f"{PLEX_ROOT}/{folder}")
    return rig_settings(qbt, prowlarr, plex, root)


@contextlib.asynccontextmanager
async def serve(settings: Settings) -> AsyncIterator[Sidecar]:
    """The sidecar for these settings on a free port of 127.0.0.1, until the block ends."""
    app = create_app(settings)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    async with aiohttp.ClientSession() as http:
        yield Sidecar(f"http://127.0.0.1:{port}", port, app, http)
    await runner.cleanup()
