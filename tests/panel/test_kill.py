"""`kill -9` of the sidecar process at each step of a download's life, then a restart (or
another MediaHub taking over): every step still happens exactly once (docs/pipeline.md)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
import contextlib
import os
from pathlib import Path
import signal
import subprocess
import sys
from typing import Any

import aiohttp
import pytest

from custom_components.mediahub.hub.config import Settings
from custom_components.mediahub.hub.engine import MediaHub
from custom_components.mediahub.hub.lifecycle.tags import claim_category
from custom_components.mediahub.hub.models import Stage
from tests.hub.conftest import PLEX_ROOT, rig_settings
from tests.simulators.plex import PlexSimulator, Refresh
from tests.simulators.prowlarr import ProwlarrSimulator, SimRelease, place_tiny
from tests.support.qbittorrent import QbtInstance, free_port
from tests.support.sse import read_events
from tests.support.wait import WaitTimeoutError, until

HUB_PARENT = Path(__file__).resolve().parents[2] / "custom_components" / "mediahub"
TITLE = "Carnival.of.Souls.1962.mkv"


class SidecarProcess:
    """`python -m sidecar` as the stack runs it, with a panel open (so it polls each second)."""

    def __init__(self, settings: Settings, log: Path) -> None:
        self.settings = settings
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def environment(self) -> dict[str, str]:
        s = self.settings
        return {
            **os.environ,
            "PYTHONPATH": str(HUB_PARENT),
            "MEDIAHUB_PROWLARR_URL": s.prowlarr_url,
            "MEDIAHUB_PROWLARR_API_KEY": s.prowlarr_api_key,
            "MEDIAHUB_QBITTORRENT_URL": s.qbittorrent_url,
            "MEDIAHUB_QBITTORRENT_USERNAME": s.qbittorrent_username,
            "MEDIAHUB_QBITTORRENT_PASSWORD": s.qbittorrent_password,
            "MEDIAHUB_PLEX_URL": s.plex_url,
            "MEDIAHUB_PLEX_TOKEN": s.plex_token,
            "MEDIAHUB_STATE_DIR": s.state_dir,
            "MEDIAHUB_TORRENTS_DIR": s.torrents_dir,
            "MEDIAHUB_CATEGORIES": ",".join(f"{k}={v}" for k, v in s.categories.items()),
            "MEDIAHUB_PATH_MAP": ",".join(f"{a}={b}" for a, b in s.path_map),
            "MEDIAHUB_PORT": str(self.port),
            "MEDIAHUB_ORGANIZE": ",".join(s.organize) or "off",
        }

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "sidecar"],
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL: no cleanup, no last save."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        """Cleanup only: the simulators cannot answer its last calls from here (no loop runs)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[aiohttp.ClientSession]:
        """Started and serving, with a panel's event stream open for as long as it runs."""
        self.start()
        http = aiohttp.ClientSession()
        stream: asyncio.Task[Any] | None = None

        async def serving() -> bool:
            assert self.process is not None and self.process.poll() is None, self.log_tail()
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(f"{self.url}/health") as response:
                    return response.status == 200
            return False

        try:
            await self.until_logged(serving, "the sidecar to serve /health")
            stream = asyncio.create_task(self._watch(http))
            yield http
        finally:
            if stream is not None:
                stream.cancel()
                with contextlib.suppress(asyncio.CancelledError, aiohttp.ClientError):
                    await stream
            await http.close()

    async def _watch(self, http: aiohttp.ClientSession) -> None:
        async with http.get(f"{self.url}/api/events") as response:
            await read_events(response, lambda _name, _data: False, 10**9)

    async def grab(self, http: aiohttp.ClientSession, title: str) -> dict[str, Any]:
        headers = {"Origin": self.url, "X-MediaHub": "1", "Sec-Fetch-Site": "same-origin"}
        async with http.get(f"{self.url}/api/search?q={title}") as response:
            events = await read_events(response, lambda name, _data: name == "done", 500)
        [release] = [r for n, d in events if n == "results" for r in d["releases"]]
        async with http.post(
            f"{self.url}/api/downloads", json={"release_id": release["id"]}, headers=headers
        ) as response:
            assert response.status in (201, 202), await response.text()
            result: dict[str, Any] = await response.json()
            return result

    async def stage(self, http: aiohttp.ClientSession, infohash: str) -> str | None:
        async with http.get(f"{self.url}/api/downloads") as response:
            state = await response.json()
        # The panel leaves the stage out while a download is downloading.
        found = next((d for d in state["downloads"] if d["hash"] == infohash), None)
        return None if found is None else found.get("stage", Stage.DOWNLOADING.value)

    async def until_logged(
        self, check: Callable[[], Awaitable[object]], what: str, timeout: float = 60
    ) -> None:
        """`tests.support.wait.until`, with the sidecar's log in the failure."""
        try:
            await until(check, what, timeout=timeout)
        except WaitTimeoutError as timed_out:
            raise AssertionError(f"{timed_out}\n{self.log_tail()}") from None

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


@pytest.fixture
def stack(
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    tmp_path: Path,
) -> Iterator[SidecarProcess]:
    plex_sim.set_locations("1", f"{PLEX_ROOT}/movies")
    prowlarr_sim.add_indexer("Local", releases=[SimRelease(TITLE, category=2000, size=2048)])
    sidecar = SidecarProcess(
        rig_settings(qbittorrent5, prowlarr_sim, plex_sim, tmp_path), tmp_path / "panel.log"
    )
    yield sidecar
    sidecar.stop()


def place(settings: Settings) -> None:
    movies = Path(settings.categories["movies"])
    movies.mkdir(parents=True, exist_ok=True)
    place_tiny(movies, TITLE)


def complete(qbt: QbtInstance, settings: Settings, infohash: str) -> None:
    place(settings)
    qbt.api("POST", "torrents/recheck", data={"hashes": infohash})


async def until_stage(
    sidecar: SidecarProcess, http: aiohttp.ClientSession, infohash: str, stage: Stage
) -> None:
    async def reached() -> bool:
        return await sidecar.stage(http, infohash) == stage

    await sidecar.until_logged(reached, f"the download to reach {stage}", timeout=90)


def tags(qbt: QbtInstance) -> list[set[str]]:
    return [set(str(t["tags"]).split(", ")) for t in qbt.torrents()]


async def test_killed_with_a_grab_in_its_outbox(
    stack: SidecarProcess, qbittorrent5: QbtInstance, plex_sim: PlexSimulator
) -> None:
    qbittorrent5.stop()
    async with stack.running() as http:
        grabbed = await stack.grab(http, TITLE)
        assert grabbed["queued"] is True
    stack.kill()
    qbittorrent5.start()
    place(stack.settings)
    async with stack.running() as http:
        await until_stage(stack, http, grabbed["hash"], Stage.SCAN_SENT)
    assert [t["hash"] for t in qbittorrent5.torrents()] == [grabbed["hash"]]
    assert plex_sim.refreshes == [Refresh("1", f"{PLEX_ROOT}/movies/{TITLE}", False)]


async def test_killed_while_downloading(
    stack: SidecarProcess, qbittorrent5: QbtInstance, plex_sim: PlexSimulator
) -> None:
    async with stack.running() as http:
        grabbed = await stack.grab(http, TITLE)
        await until_stage(stack, http, grabbed["hash"], Stage.DOWNLOADING)
    stack.kill()
    await asyncio.to_thread(complete, qbittorrent5, stack.settings, grabbed["hash"])
    async with stack.running() as http:
        await until_stage(stack, http, grabbed["hash"], Stage.SCAN_SENT)
    assert plex_sim.refreshes == [Refresh("1", f"{PLEX_ROOT}/movies/{TITLE}", False)]
    assert tags(qbittorrent5) == [{"mediahub", "mediahub:via:panel", "mediahub:scan-sent"}]


async def test_killed_holding_the_scan_claim_another_mediahub_takes_it_over(
    stack: SidecarProcess, qbittorrent5: QbtInstance, plex_sim: PlexSimulator, tmp_path: Path
) -> None:
    """The sidecar claims the scan while Plex is away and dies; Home Assistant's engine sees
    the claim go stale and scans, once."""
    plex_sim.available = False
    place(stack.settings)
    async with stack.running() as http:
        grabbed = await stack.grab(http, TITLE)
        claim = claim_category("scan", grabbed["hash"], 0)
        await until(
            lambda: asyncio.to_thread(
                lambda: claim in qbittorrent5.api("GET", "torrents/categories").json()
            ),
            "the sidecar's claim",
            timeout=90,
        )
    stack.kill()
    plex_sim.available = True
    settings = Settings.from_mapping(
        {
            **{k: getattr(stack.settings, k) for k in stack.settings.__dataclass_fields__},
            "state_dir": str(tmp_path / "ha" / "state"),
            "torrents_dir": str(tmp_path / "ha" / "torrents"),
            "claim_timeout": 3,
        }
    )
    async with aiohttp.ClientSession() as session, MediaHub(settings, session) as home_assistant:
        downloads = home_assistant.downloads
        await until(
            lambda: downloads.pipeline.stage(grabbed["hash"]) is Stage.SCAN_SENT,
            "the stale claim to be taken over",
            timeout=90,
            between=downloads.refresh,
            interval=0.5,
        )
        await downloads.refresh()  # the takeover's own claim is removed with the step's end
    assert plex_sim.refreshes == [Refresh("1", f"{PLEX_ROOT}/movies/{TITLE}", False)]
    assert [c for c in qbittorrent5.api("GET", "torrents/categories").json() if "claim" in c] == []


async def test_killed_after_the_scan_it_is_not_sent_again(
    stack: SidecarProcess, qbittorrent5: QbtInstance, plex_sim: PlexSimulator
) -> None:
    place(stack.settings)
    async with stack.running() as http:
        grabbed = await stack.grab(http, TITLE)
        await until_stage(stack, http, grabbed["hash"], Stage.SCAN_SENT)
    stack.kill()
    async with stack.running() as http:
        # Seeing the mark is the poll that would otherwise have scanned.
        await until_stage(stack, http, grabbed["hash"], Stage.SCAN_SENT)
    assert plex_sim.refreshes == [Refresh("1", f"{PLEX_ROOT}/movies/{TITLE}", False)]
