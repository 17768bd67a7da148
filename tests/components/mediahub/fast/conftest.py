"""The fast tier: Home Assistant with an engine that answers from model fixtures, so no
service is started and a test takes a fraction of a second (`scripts/test --fast`).

What MediaHub does against real services stays the work of the tier above
(tests/components/mediahub/): this one pins what the integration makes of the engine's public
face: the platforms' entities, the actions, the panel's websocket commands and the diagnostics.
`FixtureEngine` answers from the models below and records in `Calls` what it was asked to do.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final, cast
from unittest.mock import PropertyMock, patch

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.mediahub.const import DOMAIN
from custom_components.mediahub.hub import (
    MAX_TORRENT_BYTES,
    PROFILE_CATEGORIES,
    Asker,
    AssessedBatch,
    Assessment,
    AuditState,
    Bandwidth,
    BestGrab,
    ConnectionStatus,
    CycleReport,
    Download,
    DownloadCounts,
    DownloadsSnapshot,
    DownloadStatus,
    GrabResult,
    Hold,
    Indexer,
    IndexerSearchStatus,
    IndexerState,
    InPlex,
    InvalidInputError,
    Library,
    LibraryItem,
    MadeWish,
    Marks,
    MediaHubError,
    Origin,
    PathMap,
    PlexServerInfo,
    Quality,
    QualityProfile,
    ReadyItem,
    Release,
    RequestRules,
    ResultsBatch,
    SearchEvent,
    SearchOutcome,
    Settings,
    Source,
    SpeedSchedule,
    TransferAudit,
    TransferState,
    VpnState,
    VpnStatus,
    Wish,
    WishKind,
    WishRequest,
    WishState,
    assess,
    checked_profile,
    default_profile,
    is_infohash,
    validated_bandwidth,
)

ENTRY_ID = "01JMEDIAHUBFASTTIERENTRY00"
GB: Final = 1024**3

# --- What qBittorrent, Prowlarr, Plex and gluetun hold ------------------------------------

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
# Arrival came from a grab that qBittorrent no longer has; MediaHub kept its .torrent.
READY = [
    ReadyItem("c" * 40, "Arrival.2016.1080p.BluRay", ARRIVAL, "Movies", 1_764_000_500, "f" * 40)
]
KEPT: Final = {READY[0].hash: READY[0].name}  # what `redownload` can add again
ADDED: Final = ("b" * 40, "Big.Buck.Bunny.2008.1080p")  # what a magnet, URL or file adds

# --- What a search finds (every query: Nyaa answers, EZTV fails) ---------------------------


def _release(title: str, guid: str, *, size: int, seeders: int, infohash: str) -> Release:
    return Release(
        id=f"release-{guid}",
        title=title,
        size=size,
        seeders=seeders,
        leechers=seeders // 10,
        indexer="Nyaa",
        indexer_id=1,
        category_id=2040,
        category="movies",
        age_hours=30.0,
        published="2025-11-24T10:00:00Z",
        protocol="torrent",
        infohash=infohash,
    )


ARRIVAL_1080 = _release(
    "Arrival.2016.1080p.BluRay.x264-SPARKS",
    "arrival-1080",
    size=9 * GB,
    seeders=200,
    infohash=READY[0].hash,
)
ARRIVAL_2160 = _release(
    "Arrival.2016.2160p.WEB-DL.DV.H.265-FLUX",
    "arrival-2160",
    size=14 * GB,
    seeders=80,
    infohash="d" * 40,
)
ARRIVAL_CAM = _release(
    "Arrival.2016.CAM.x264-NOGRP", "arrival-cam", size=GB, seeders=900, infohash="e" * 40
)
DUNE_WEB = _release(DUNE.name, "dune-web", size=DUNE.size, seeders=41, infohash=DUNE.hash)
# What each title's name says (guessit is not run here: it takes a second to warm up).
_QUALITIES = {
    ARRIVAL_1080: Quality(
        "Arrival",
        year=2016,
        resolution="1080p",
        source=Source.BLURAY,
        video_codec="H.264",
        group="SPARKS",
    ),
    ARRIVAL_2160: Quality(
        "Arrival",
        year=2016,
        resolution="2160p",
        source=Source.WEB_DL,
        video_codec="H.265",
        hdr=("Dolby Vision",),
        group="FLUX",
    ),
    ARRIVAL_CAM: Quality(
        "Arrival", year=2016, source=Source.CAM, video_codec="H.264", group="NOGRP"
    ),
    DUNE_WEB: Quality("Dune Part Two", year=2024, resolution="1080p", source=Source.WEB_DL),
}
RELEASES: Final = {release.id: release for release in _QUALITIES}
# Judged by the engine's own rules against the movies profile: the CAM copy fails it.
ASSESSED: Final = [assess(r, q, default_profile("movies")) for r, q in _QUALITIES.items()]
ANSWERED: Final = [
    IndexerSearchStatus(1, "Nyaa", IndexerState.OK, count=len(RELEASES), elapsed_ms=412),
    IndexerSearchStatus(2, "EZTV", IndexerState.ERROR, elapsed_ms=95, error="HTTP 503"),
]
BEST: Final = ASSESSED[1]  # grab_best's pick: the 2160p copy (Plex has Arrival in 1080p)


# --- The engine's parts --------------------------------------------------------------------


@dataclass
class Calls:
    """What the engine did, in order: (part.method, its arguments by name). A call the
    engine refuses is not recorded: it did nothing. `fail` makes the next call raise that
    error instead, as the engine does when a service is away or says no."""

    made: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    fail: MediaHubError | None = None

    def __call__(self, name: str, **arguments: Any) -> None:
        if (err := self.fail) is not None:
            self.fail = None
            raise err
        self.made.append((name, arguments))


@dataclass
class _Pipeline:
    """`downloads.pipeline`: how many downloads are at each stage."""

    def counts(self) -> dict[str, int]:
        return {"downloading": 1}


@dataclass
class _Model:
    """`downloads.model`: qBittorrent's sync state (its response id)."""

    rid: int = 42


@dataclass
class _Downloads:
    """`engine.downloads`: the snapshot, and grabs and controls recorded in `calls`; hashes,
    release ids and libraries are refused as the engine refuses them."""

    current: DownloadsSnapshot
    calls: Calls
    outbox: list[Any] = field(default_factory=list)
    holds: frozenset[Hold] = frozenset()
    pending_scans: int = 0
    pipeline: _Pipeline = field(default_factory=_Pipeline)
    model: _Model = field(default_factory=_Model)

    async def refresh(self) -> DownloadsSnapshot:
        return self.current

    def snapshot(self) -> DownloadsSnapshot:
        return self.current

    def _known(self, infohash: str) -> str:
        infohash = infohash.strip().lower()
        if not is_infohash(infohash):
            raise InvalidInputError("invalid_hash", "a download is named by its 40-character hash")
        if infohash not in self.current.downloads:
            raise InvalidInputError("unknown_download", "qBittorrent has no such download")
        return infohash

    async def grab(
        self,
        release_id: str,
        category: str | None = None,
        *,
        origin: Origin = Origin.ACTION,
        wanted: dict[str, Any] | None = None,
    ) -> GrabResult:
        if (release := RELEASES.get(release_id)) is None:
            raise InvalidInputError("unknown_release", "that result is unknown: search again")
        self.calls("downloads.grab", release_id=release_id, category=category, origin=origin)
        chosen = category or release.category
        return GrabResult(release.infohash or "", release.title, chosen, False, origin)

    async def add_torrent(
        self, source: str, category: str | None = None, *, origin: Origin = Origin.ACTION
    ) -> GrabResult:
        if not source.startswith(("magnet:", "http://", "https://")):
            raise InvalidInputError("invalid_source", "give a magnet: link or an http(s) URL")
        self.calls("downloads.add_torrent", source=source, category=category, origin=origin)
        return GrabResult(*ADDED, category, queued=False, origin=origin)

    async def add_torrent_file(
        self, data: bytes, category: str | None = None, *, origin: Origin = Origin.ACTION
    ) -> GrabResult:
        if len(data) > MAX_TORRENT_BYTES:
            raise InvalidInputError("torrent_too_large", "the torrent file is too large")
        self.calls("downloads.add_torrent_file", data=data, category=category, origin=origin)
        return GrabResult(*ADDED, category, queued=False, origin=origin)

    async def redownload(
        self, infohash: str, category: str | None = None, *, origin: Origin = Origin.ACTION
    ) -> GrabResult:
        infohash = infohash.strip().lower()
        if not is_infohash(infohash):
            raise InvalidInputError("invalid_hash", "a download is named by its 40-character hash")
        if infohash in self.current.downloads:
            raise InvalidInputError("already_downloading", "that download is in qBittorrent")
        if infohash not in KEPT:
            raise InvalidInputError("no_stored_torrent", "no stored torrent for that hash")
        self.calls("downloads.redownload", infohash=infohash, origin=origin)
        return GrabResult(infohash, KEPT[infohash], category or "movies", False, origin)

    async def pause(self, infohash: str) -> None:
        self.calls("downloads.pause", infohash=self._known(infohash))

    async def resume(self, infohash: str) -> None:
        self.calls("downloads.resume", infohash=self._known(infohash))

    async def force_start(self, infohash: str) -> None:
        self.calls("downloads.force_start", infohash=self._known(infohash))

    async def move_in_queue(self, infohash: str, *, top: bool) -> None:
        self.calls("downloads.move_in_queue", infohash=self._known(infohash), top=top)

    async def remove(self, infohash: str, *, delete_files: bool = False) -> None:
        self.calls("downloads.remove", infohash=self._known(infohash), delete_files=delete_files)

    async def pause_all(self) -> None:
        self.calls("downloads.pause_all")

    async def resume_all(self) -> None:
        self.calls("downloads.resume_all")

    async def scan_library(self, key: str, path: str | None = None) -> None:
        if not any(key in (lib.key, lib.title) for lib in LIBRARIES):
            raise InvalidInputError("unknown_library", "no such library", values={"library": key})
        self.calls("downloads.scan_library", key=key, path=path)


@dataclass
class _Search:
    """`engine.search`: every query finds the same releases (Nyaa answers, EZTV fails)."""

    calls: Calls

    async def search_all(self, query: str, categories: list[int]) -> SearchOutcome:
        self.calls("search.search_all", query=query, categories=categories)
        by_id = {a.release.id: a for a in ASSESSED}
        return SearchOutcome(query, tuple(categories), [*RELEASES.values()], ANSWERED, by_id)

    async def search(self, query: str, categories: list[int]) -> AsyncIterator[SearchEvent]:
        """As the engine streams it: every indexer pending, then each one's answer."""
        self.calls("search.search", query=query, categories=categories)
        for indexer in ANSWERED:
            yield IndexerSearchStatus(indexer.indexer_id, indexer.name, IndexerState.PENDING)
        yield ANSWERED[0]
        yield ResultsBatch(1, [*RELEASES.values()])
        yield AssessedBatch(1, ASSESSED)
        yield ANSWERED[1]


@dataclass
class _Best:
    """`engine.best`: grab_best always picks BEST; a profile's changes are checked as the
    engine checks them."""

    calls: Calls

    async def grab(
        self,
        query: str,
        category: str | None = None,
        *,
        overrides: Mapping[str, Any] | None = None,
        season: int | None = None,
        origin: Origin,
    ) -> BestGrab:
        if overrides:
            checked_profile(default_profile(category), overrides)
        self.calls(
            "best.grab",
            query=query,
            category=category,
            overrides=overrides,
            season=season,
            origin=origin,
        )
        release = BEST.release
        chosen = category or release.category
        return BestGrab(
            BEST, GrabResult(release.infohash or "", release.title, chosen, False, origin)
        )


@dataclass
class _Bandwidth:
    """`engine.bandwidth`: qBittorrent's limits; a change is validated by the engine's rules,
    recorded as it was asked, and applied."""

    current: Bandwidth
    calls: Calls

    async def read(self) -> Bandwidth:
        return self.current

    async def change(self, changes: Mapping[str, Any]) -> Bandwidth:
        values = validated_bandwidth(changes)
        self.calls("bandwidth.change", changes=dict(changes))
        schedule = replace(self.current.schedule, **values.pop("schedule", {}))
        self.current = replace(self.current, **values, schedule=schedule)
        return self.current


@dataclass
class _Profiles:
    """`engine.profiles`: every category at its defaults; a save is checked as the engine
    checks it."""

    calls: Calls

    async def all(self) -> dict[str, QualityProfile]:
        return {category: default_profile(category) for category in PROFILE_CATEGORIES}

    async def save(self, category: str, data: Mapping[str, Any]) -> QualityProfile:
        profile = checked_profile(default_profile(category), data)
        self.calls("profiles.save", category=category, profile=profile)
        return profile

    async def reset(self, category: str) -> QualityProfile:
        self.calls("profiles.reset", category=category)
        return default_profile(category)


@dataclass
class _Prowlarr:
    """`engine.prowlarr`: its version and indexers."""

    indexer_list: list[Indexer]

    async def version(self) -> str:
        return "2.3.6.5217"

    async def indexers(self) -> list[Indexer]:
        return self.indexer_list


@dataclass
class _Plex:
    """`engine.plex`: the server and its libraries."""

    server: PlexServerInfo
    library_list: list[Library]

    async def identity(self) -> PlexServerInfo:
        return self.server

    async def libraries(self) -> list[Library]:
        return self.library_list


@dataclass
class _Qbittorrent:
    """`engine.qbittorrent`: its versions."""

    version: str | None
    api_version: str | None = "2.11.4"


@dataclass
class _Guards:
    """`engine.guards`: the free space kept."""

    min_free: int


@dataclass
class _PlexWatch:
    """`engine.plexwatch`: Plex's websocket, never opened here."""

    on_change: Callable[[], None] | None = None

    def close(self) -> None:
        return None


# The wish list: a show followed, and a movie that came (done wishes are completed items).
WISHES: Final = (
    Wish(
        kind=WishKind.FOLLOW,
        title="Severance",
        category="tv",
        asked_by="Anna",
        created_at=1_767_225_600.0,
        id=2,
    ),
    Wish(
        kind=WishKind.WANT,
        title="Dune Part Three",
        category="movies",
        asked_by="voice",
        created_at=1_767_139_200.0,
        id=1,
        year=2026,
        state=WishState.AVAILABLE,
    ),
)


@dataclass
class _Wishes:
    """`engine.wishes`: the list as Prowlarr would keep it; a new wish is number 3."""

    wishes: tuple[Wish, ...]
    calls: Calls
    rules: _Rules = field(init=False)

    def __post_init__(self) -> None:
        self.rules = _Rules(self.calls)

    async def all(self) -> tuple[Wish, ...]:
        return self.wishes

    async def get(self, wish_id: int) -> Wish:
        found = next((w for w in self.wishes if w.id == wish_id), None)
        if found is None:
            raise InvalidInputError("unknown_wish", "no such wish", values={"wish": str(wish_id)})
        return found

    async def find(self, title: str, *, waiting: bool = False) -> Wish:
        found = next((w for w in self.wishes if w.title.casefold() == title.casefold()), None)
        if found is None:
            raise InvalidInputError("unknown_wish", "no such wish", values={"wish": title})
        return found

    async def make(self, request: WishRequest, asked_by: Asker | str) -> MadeWish:
        asker = Asker(asked_by) if isinstance(asked_by, str) else asked_by
        self.calls("wishes.make", request=request, asked_by=asker.name, admin=asker.admin)
        kind = request.kind or WishKind.FOLLOW
        made = Wish(
            kind=kind,
            title=request.title,
            category=request.category or "tv",
            asked_by=asker.name,
            created_at=1_767_312_000.0,
            id=3,
            asked_by_id=asker.user_id,
            state=WishState.WANTED if asker.admin else WishState.WAITING,
        )
        return MadeWish(made, joined=False)

    async def approve(self, wish: Wish, by: Asker) -> Wish:
        self.calls("wishes.approve", wish_id=wish.id, by=by.name)
        return replace(wish, state=WishState.WANTED)

    async def decline(self, wish: Wish, by: Asker, reason: str | None = None) -> Wish:
        self.calls("wishes.decline", wish_id=wish.id, by=by.name, reason=reason)
        return replace(wish, state=WishState.DECLINED)

    async def end(self, wish: Wish, by: str) -> Wish:
        self.calls("wishes.end", wish_id=wish.id, by=by)
        return replace(wish, state=WishState.DONE)

    async def forget(self, wish: Wish) -> None:
        self.calls("wishes.forget", wish_id=wish.id)


@dataclass
class _Rules:
    """`engine.wishes.rules`: the household's request rules, as Prowlarr would keep them."""

    calls: Calls
    rules: RequestRules = field(default_factory=RequestRules)

    async def get(self) -> RequestRules:
        return self.rules

    async def save(self, rules: RequestRules) -> RequestRules:
        self.calls("rules.save", rules=rules)
        self.rules = rules
        return rules


@dataclass
class _Watch:
    """`engine.watch`: one cycle, now."""

    calls: Calls

    async def cycle(self) -> CycleReport:
        self.calls("watch.cycle")
        return CycleReport(ran=True, wishes=2, releases=40, searches=1, grabbed=(), waiting=0)


class FixtureEngine:
    """What the integration uses of `hub.engine.MediaHub`, answering from the models above;
    `calls` is what it was asked to do, `polls` how often it was polled."""

    def __init__(self, settings: Settings, _session: object) -> None:
        self.settings = settings
        self.calls = Calls()
        self.polls = 0
        self.downloads = _Downloads(SNAPSHOT, self.calls)
        self.search = _Search(self.calls)
        self.best = _Best(self.calls)
        self.profiles = _Profiles(self.calls)
        self.prowlarr = _Prowlarr(INDEXERS)
        self.plex = _Plex(PLEX, LIBRARIES)
        self.qbittorrent = _Qbittorrent(SNAPSHOT.version)
        self.bandwidth = _Bandwidth(BANDWIDTH, self.calls)
        self.guards = _Guards(min_free=1_000_000_000)
        self.gluetun = object()  # configured
        self.plexwatch = _PlexWatch()
        self.wishes = _Wishes(WISHES, self.calls)
        self.watch = _Watch(self.calls)
        self.path_map = PathMap([("/media", "/data")])
        self.closed = False
        self.finishing_in: float | None = None  # a download's completion expected this soon

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self.closed = True

    async def vpn_status(self) -> VpnStatus:
        return VPN

    async def watch_plex(self, _session: object) -> None:
        return None

    async def watch_wishes(self) -> None:
        return None

    def ready_to_watch(self, limit: int = 20) -> list[ReadyItem]:
        return READY[:limit]

    def available(self, _event: object) -> ReadyItem | None:
        return READY[0]

    def marks(self, assessment: Assessment) -> Marks:
        """Plex has Arrival (in 1080p); qBittorrent has what SNAPSHOT lists."""
        release = assessment.release
        download = self.downloads.current.downloads.get(release.infohash or "")
        in_plex = assessment.quality.title == ARRIVAL.title
        return Marks(
            in_plex=InPlex(ARRIVAL, ARRIVAL.resolution) if in_plex else None,
            downloading=download.progress if download else None,
        )

    async def poll(self) -> DownloadsSnapshot:
        self.polls += 1
        return await self.downloads.refresh()

    def poll_interval(self, interval: float) -> float:
        return interval if self.finishing_in is None else min(interval, self.finishing_in)

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


@pytest.fixture
async def engine(
    hass: HomeAssistant, fast_entry: MockConfigEntry, fixture_engine: None
) -> FixtureEngine:
    """The fast entry, loaded without its entities (test_platforms pins those): its engine,
    to tell what it was asked."""
    with patch("custom_components.mediahub.PLATFORMS", []):
        assert await hass.config_entries.async_setup(fast_entry.entry_id)
        await hass.async_block_till_done()
    return cast(FixtureEngine, fast_entry.runtime_data.engine)
