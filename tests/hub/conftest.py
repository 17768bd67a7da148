"""An engine wired to real qBittorrent and the simulators, on a test's own directories."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from custom_components.mediahub.hub.config import Settings
from custom_components.mediahub.hub.engine import MediaHub
from custom_components.mediahub.hub.errors import MediaHubError
from custom_components.mediahub.hub.events import EngineEvent
from tests.simulators.plex import PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator
from tests.support.qbittorrent import QbtInstance
from tests.support.wait import until

PLEX_ROOT = "/data"  # where Plex sees the media volume


@dataclass
class Rig:
    """One engine and everything it talks to, plus what it told its listeners."""

    engine: MediaHub
    qbittorrent: QbtInstance
    prowlarr: ProwlarrSimulator
    plex: PlexSimulator
    media: Path
    settings: Settings
    events: list[EngineEvent] = field(default_factory=list)

    def of_type[E](self, kind: type[E]) -> list[E]:
        return [e for e in self.events if isinstance(e, kind)]

    async def poll(self) -> None:
        """One poll of the engine, as its hosts do it (a failing one is retried later)."""
        with contextlib.suppress(MediaHubError):
            await self.engine.poll()

    async def poll_until(
        self, predicate: Callable[[], bool], timeout: float = 60, what: str = "condition"
    ) -> None:
        """Poll the engine (as its hosts do) until `predicate` holds."""
        await self.poll()
        await until(predicate, what, timeout=timeout, between=self.poll)


def rig_settings(
    qbt: QbtInstance, prowlarr: ProwlarrSimulator, plex: PlexSimulator, root: Path
) -> Settings:
    media = root / "media"
    return Settings.from_mapping(
        {
            "prowlarr_url": prowlarr.url,
            "prowlarr_api_key": prowlarr.api_key,
            "qbittorrent_url": qbt.url,
            "qbittorrent_username": qbt.username,
            "qbittorrent_password": qbt.password,
            "plex_url": plex.url,
            "plex_token": plex.token,
            "path_map": {str(media): PLEX_ROOT},
            "categories": {c: str(media / c) for c in ("movies", "tv", "music", "books")},
            "state_dir": str(root / "state"),
            "torrents_dir": str(root / "torrents"),
            "search_timeout": 5,
            # Tests whose subject is not organizing keep the release's names (test_organize
            # turns it on, as it is by default).
            "organize": "off",
        }
    )


type RigFactory = Callable[..., Awaitable[Rig]]


@pytest.fixture
async def make_rig(
    tmp_path: Path, prowlarr_sim: ProwlarrSimulator, plex_sim: PlexSimulator
) -> AsyncIterator[RigFactory]:
    """make_rig(qbittorrent) → a Rig; another call with the same dirs is a restarted engine."""
    plex_sim.set_locations("1", f"{PLEX_ROOT}/movies")
    plex_sim.set_locations("2", f"{PLEX_ROOT}/tv")
    plex_sim.set_locations("3", f"{PLEX_ROOT}/music")
    async with aiohttp.ClientSession() as session:

        async def make(qbt: QbtInstance, *, start: bool = True, **changes: Any) -> Rig:
            settings = replace(rig_settings(qbt, prowlarr_sim, plex_sim, tmp_path), **changes)
            engine = MediaHub(settings, session)
            rig = Rig(engine, qbt, prowlarr_sim, plex_sim, tmp_path / "media", settings)
            engine.subscribe(rig.events.append)
            if start:
                await engine.start()
            return rig

        yield make
