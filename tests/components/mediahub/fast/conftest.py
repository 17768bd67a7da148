"""The fast tier: Home Assistant with an engine that answers from model fixtures, so no
service is started and a platform test takes a fraction of a second (`scripts/test --fast`).

What MediaHub does against real services stays the work of the tier above
(tests/components/mediahub/): this one pins what the platforms make of the engine's models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from unittest.mock import PropertyMock, patch

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.mediahub.const import DOMAIN
from custom_components.mediahub.hub.models import (
    AuditState,
    Bandwidth,
    ConnectionStatus,
    Download,
    DownloadCounts,
    DownloadsSnapshot,
    DownloadStatus,
    Hold,
    Indexer,
    Library,
    LibraryItem,
    PlexServerInfo,
    SpeedSchedule,
    TransferAudit,
    TransferState,
    VpnState,
    VpnStatus,
)
from custom_components.mediahub.hub.pathmap import PathMap
from custom_components.mediahub.hub.ready import ReadyItem

ENTRY_ID = "01JMEDIAHUBFASTTIERENTRY00"

DUNE = Download(
    hash="a" * 40,
    name="Dune.Part.Two.2024.1080p.WEB-DL",
    state="downloading",
    status=DownloadStatus.DOWNLOADING,
    progress=0.42,
    size=8_000_000_000,
    downloaded=3_360_000_000,
    download_speed=5_250_000,
    upload_speed=120_000,
    eta=880,
    category="movies",
    tags=("mediahub",),
    save_path="/media/movies",
    content_path="/media/movies/Dune.Part.Two.2024.1080p.WEB-DL",
    added_on=1_764_000_000,
    completed_on=None,
    seeds=41,
    peers=7,
    ratio=0.01,
    from_mediahub=True,
    vpn_audit=TransferAudit(
        AuditState.UNPROTECTED,
        verified_bytes=3_000_000_000,
        unprotected_bytes=360_000_000,
        unprotected_at=1_764_000_600.0,
    ),
)
SNAPSHOT = DownloadsSnapshot(
    downloads={DUNE.hash: DUNE},
    transfer=TransferState(
        download_speed=5_250_000,
        upload_speed=120_000,
        alltime_download=912_000_000_000,
        alltime_upload=455_000_000_000,
        free_space=1_200_000_000_000,
        connection_status=ConnectionStatus.CONNECTED,
        external_ipv4="198.51.100.7",
        dht_nodes=312,
        upload_limit=2_048_000,
    ),
    counts=DownloadCounts(downloading=1, seeding=3, stopped=1, errored=0, total=5),
    version="v5.3.0",
)
INDEXERS = [
    Indexer(1, "Nyaa", enabled=True, protocol="torrent", privacy="public", failing=False),
    Indexer(2, "EZTV", enabled=True, protocol="torrent", privacy="public", failing=True),
    Indexer(3, "Old", enabled=False, protocol="torrent", privacy="private", failing=False),
]
PLEX = PlexServerInfo("Living room", "f3e5c8b2a1d0", "1.41.3.9314-a0bfb8370")
LIBRARIES = [
    Library("1", "Movies", "movie", ("/data/movies",)),
    Library("2", "TV Shows", "show", ("/data/tv",)),
]
BANDWIDTH = Bandwidth(
    alt_speed=False,
    download_limit=0,
    upload_limit=2_048_000,
    alt_download_limit=512_000,
    alt_upload_limit=102_400,
    schedule=SpeedSchedule(enabled=True, from_hour=18, to_hour=23, days=1),
)
VPN = VpnStatus(
    VpnState.CONNECTED,
    tunnel="running",
    public_ip="198.51.100.7",
    country="Netherlands",
    qbittorrent_ip="198.51.100.7",
)


@dataclass
class _Downloads:
    current: DownloadsSnapshot
    outbox: list[Any] = field(default_factory=list)
    holds: frozenset[Hold] = frozenset()

    async def refresh(self) -> DownloadsSnapshot:
        return self.current

    def snapshot(self) -> DownloadsSnapshot:
        return self.current


@dataclass
class _Prowlarr:
    indexer_list: list[Indexer]

    async def version(self) -> str:
        return "2.3.6.5217"

    async def indexers(self) -> list[Indexer]:
        return self.indexer_list


@dataclass
class _Plex:
    server: PlexServerInfo
    library_list: list[Library]

    async def identity(self) -> PlexServerInfo:
        return self.server

    async def libraries(self) -> list[Library]:
        return self.library_list


@dataclass
class _Qbittorrent:
    version: str | None


@dataclass
class _Bandwidth:
    current: Bandwidth | None


@dataclass
class _Guards:
    min_free: int


@dataclass
class _PlexWatch:
    on_change: Callable[[], None] | None = None

    def close(self) -> None:
        return None


ARRIVAL = LibraryItem(
    key="1001",
    type="movie",
    title="Arrival",
    section="1",
    year=2016,
    resolution="1080p",
    files=("/data/movies/Arrival (2016)/Arrival (2016).mkv",),
    thumb="/library/metadata/1001/thumb/1764000000",
)
READY = [
    ReadyItem("c" * 40, "Arrival.2016.1080p.BluRay", ARRIVAL, "Movies", 1_764_000_500, "f" * 40)
]


class FixtureEngine:
    """What the integration uses of `hub.engine.MediaHub`, answering from the models above."""

    def __init__(self, *_settings_and_session: object) -> None:
        self.downloads = _Downloads(SNAPSHOT)
        self.prowlarr = _Prowlarr(INDEXERS)
        self.plex = _Plex(PLEX, LIBRARIES)
        self.qbittorrent = _Qbittorrent(SNAPSHOT.version)
        self.bandwidth = _Bandwidth(BANDWIDTH)
        self.guards = _Guards(min_free=1_000_000_000)
        self.gluetun = object()  # configured
        self.plexwatch = _PlexWatch()
        self.path_map = PathMap([("/media", "/data")])
        self.closed = False

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self.closed = True

    async def vpn_status(self) -> VpnStatus:
        return VPN

    async def watch_plex(self, _session: object) -> None:
        return None

    def ready_to_watch(self, limit: int = 20) -> list[ReadyItem]:
        return READY[:limit]

    def available(self, _event: object) -> ReadyItem | None:
        return READY[0]

    async def poll(self) -> DownloadsSnapshot:
        return await self.downloads.refresh()

    def subscribe(self, _listener: Callable[[object], None]) -> Callable[[], None]:
        return lambda: None


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Home Assistant's serializer: states and registry entries without their timestamps."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Entities disabled by default are created too, so their snapshots are taken."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


@pytest.fixture
def fixture_engine() -> Iterator[None]:
    with patch("custom_components.mediahub.MediaHub", FixtureEngine):
        yield


@pytest.fixture
def fast_entry(hass: HomeAssistant, tmp_path: Any) -> MockConfigEntry:
    hass.config.config_dir = str(tmp_path)
    entry = MockConfigEntry(
        domain=DOMAIN,
        entry_id=ENTRY_ID,
        title="MediaHub",
        unique_id=PLEX.machine_identifier,
        data={
            "prowlarr_url": "http://prowlarr.home:9696",
            "prowlarr_api_key": "k" * 32,
            "qbittorrent_url": "http://qbittorrent.home:8080",
            "qbittorrent_username": "admin",
            "qbittorrent_password": "secret",
            "plex_url": "http://plex.home:32400",
            "plex_token": "t" * 20,
            "gluetun_url": "http://gluetun.home:8000",
            "gluetun_api_key": "g" * 16,
        },
    )
    entry.add_to_hass(hass)
    return entry
