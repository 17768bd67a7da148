"""Typed values that cross the engine's boundary (to Home Assistant and the panel).

None of them carries a secret or a Prowlarr link: what a browser or Home Assistant state may
see is exactly what is here. What they are sent as: `wire.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

# qBittorrent's ETA for "unknown / infinite".
ETA_UNKNOWN: Final = 8_640_000

# Newznab/Torznab parent categories ↔ qBittorrent category names.
CATEGORY_BY_NEWZNAB: Final = {2000: "movies", 5000: "tv", 3000: "music", 7000: "books"}
NEWZNAB_BY_CATEGORY: Final = {name: number for number, name in CATEGORY_BY_NEWZNAB.items()}


class IndexerState(StrEnum):
    """How one indexer's part of a search ended."""

    PENDING = "pending"
    OK = "ok"
    TIMED_OUT = "timed_out"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Release:
    """One search result. `id` is opaque: grab it with `grab(id)`."""

    id: str
    title: str
    size: int
    seeders: int | None
    leechers: int | None
    indexer: str
    indexer_id: int
    category_id: int | None
    category: str | None  # the qBittorrent category it would go to (movies, tv, ...)
    age_hours: float
    published: str | None
    protocol: str
    infohash: str | None = None
    ids: tuple[str, ...] = ()  # what the indexer says it is: imdb://tt0133093, tmdb://603


@dataclass(frozen=True, slots=True)
class IndexerSearchStatus:
    """One indexer's part of a search: count and milliseconds when it answered."""

    indexer_id: int
    name: str
    state: IndexerState
    count: int = 0
    elapsed_ms: int | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Indexer:
    """An indexer Prowlarr knows, with its health."""

    id: int
    name: str
    enabled: bool
    protocol: str
    privacy: str | None
    failing: bool
    disabled_till: str | None = None


class Stage(StrEnum):
    """Where a download is in MediaHub's pipeline (see `pipeline`)."""

    QUEUED = "queued"  # in this process's outbox: qBittorrent has not taken it yet
    REFUSED = "refused"  # qBittorrent would not take it
    DOWNLOADING = "downloading"
    COMPLETED = "completed"  # 100 % and in its final folder; the steps after it are due
    SCAN_SENT = "scan_sent"  # Plex was asked to scan exactly its folder
    NO_LIBRARY = "no_library"  # done without a scan: no Plex library covers its folder
    AVAILABLE = "available"  # Plex lists it: ready to watch
    NOT_IN_PLEX = "not_in_plex"  # scanned, but Plex had not listed it within the time allowed
    REMOVED = "removed"


class Origin(StrEnum):
    """Who grabbed a download (its `mediahub:via:` tag in qBittorrent)."""

    PANEL = "panel"
    ACTION = "action"  # a Home Assistant action run by a person
    AUTOMATION = "automation"  # an action with no person behind it
    VOICE = "voice"  # Assist, and the LLM tools
    WISH = "wish"  # MediaHub itself, for a household's wish (wishes/watch.py)


class DownloadStatus(StrEnum):
    """qBittorrent's many states (4.x and 5.x spellings) folded into what a person asks."""

    DOWNLOADING = "downloading"
    SEEDING = "seeding"
    STOPPED = "stopped"
    QUEUED = "queued"
    CHECKING = "checking"
    STALLED = "stalled"
    METADATA = "metadata"
    MOVING = "moving"
    ERRORED = "errored"
    UNKNOWN = "unknown"


_STATUS_BY_STATE: Final = {
    "downloading": DownloadStatus.DOWNLOADING,
    "forcedDL": DownloadStatus.DOWNLOADING,
    "stalledDL": DownloadStatus.STALLED,
    "metaDL": DownloadStatus.METADATA,
    "forcedMetaDL": DownloadStatus.METADATA,
    "queuedDL": DownloadStatus.QUEUED,
    "queuedUP": DownloadStatus.QUEUED,
    "checkingDL": DownloadStatus.CHECKING,
    "checkingUP": DownloadStatus.CHECKING,
    "checkingResumeData": DownloadStatus.CHECKING,
    "allocating": DownloadStatus.CHECKING,
    "uploading": DownloadStatus.SEEDING,
    "forcedUP": DownloadStatus.SEEDING,
    "stalledUP": DownloadStatus.SEEDING,
    "stoppedDL": DownloadStatus.STOPPED,
    "stoppedUP": DownloadStatus.STOPPED,
    "pausedDL": DownloadStatus.STOPPED,  # qBittorrent 4.x
    "pausedUP": DownloadStatus.STOPPED,  # qBittorrent 4.x
    "moving": DownloadStatus.MOVING,
    "error": DownloadStatus.ERRORED,
    "missingFiles": DownloadStatus.ERRORED,
}


def status_of(state: str) -> DownloadStatus:
    """Fold a qBittorrent state string (either version's spelling) into a DownloadStatus."""
    return _STATUS_BY_STATE.get(state, DownloadStatus.UNKNOWN)


@dataclass(frozen=True, slots=True)
class Stall:
    """Why a download is dead: no peer with its data, or (a magnet) no metadata, for a while."""

    metadata: bool  # the metadata never came, rather than the data
    minutes: int

    @property
    def code(self) -> str:
        """What the panel translates (its English is for logs and events)."""
        return "no_metadata" if self.metadata else "no_peers"

    def __str__(self) -> str:
        if self.metadata:
            return f"no metadata after {self.minutes} min"
        return f"no peers for {self.minutes} min"


@dataclass(frozen=True, slots=True)
class Download:
    """A torrent in qBittorrent as MediaHub shows it."""

    hash: str
    name: str
    state: str  # qBittorrent's own state string
    status: DownloadStatus
    progress: float  # 0..1
    size: int
    downloaded: int
    download_speed: int  # bytes/s
    upload_speed: int
    eta: int | None  # seconds; None when qBittorrent does not know
    category: str
    tags: tuple[str, ...]
    save_path: str
    content_path: str
    added_on: int
    completed_on: int | None
    seeds: int
    peers: int
    ratio: float
    from_mediahub: bool
    stage: Stage = Stage.DOWNLOADING
    grabbed_by: Origin | None = None  # None: not grabbed by MediaHub (or before 0.6)
    stalled: Stall | None = None  # why it is dead, when it is
    held: Hold | None = None  # stopped by a MediaHub guard, to be started again by it
    vpn_audit: TransferAudit | None = None  # None: no VPN configured to audit against
    plex_key: str | None = None  # the Plex item it is, once Plex lists it

    @property
    def scan_sent(self) -> bool:
        return self.stage in (Stage.SCAN_SENT, Stage.AVAILABLE, Stage.NOT_IN_PLEX)

    @property
    def complete(self) -> bool:
        return self.progress >= 1.0


class Hold(StrEnum):
    """Why a guard holds downloads back (the `mediahub:held:<reason>` tag in qBittorrent)."""

    VPN = "vpn"  # the VPN is not confirmed: nothing may transfer
    DISK = "disk"  # the save path is short of space: nothing may grow


class AuditState(StrEnum):
    """What this MediaHub saw of a download's transfer and the VPN (see `audit`)."""

    NOTHING_YET = "nothing_yet"  # no byte transferred
    VERIFIED = "verified"  # every byte it saw moved while the VPN was confirmed
    UNPROTECTED = "unprotected"  # bytes moved while the VPN was not confirmed
    GAP = "gap"  # bytes moved while MediaHub was not watching: neither verified nor refuted


@dataclass(frozen=True, slots=True)
class TransferAudit:
    """One download's VPN audit: its verdict, and when the first bad stretch began."""

    state: AuditState
    verified_bytes: int = 0
    unprotected_bytes: int = 0
    unprotected_at: float | None = None  # when bytes were first seen moving without the VPN
    unwatched_bytes: int = 0
    unwatched_from: float | None = None  # the first stretch MediaHub was not watching
    unwatched_to: float | None = None


class ConnectionStatus(StrEnum):
    """qBittorrent's connection to the swarm (server_state.connection_status)."""

    CONNECTED = "connected"
    FIREWALLED = "firewalled"
    DISCONNECTED = "disconnected"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: object) -> ConnectionStatus:
        try:
            return cls(str(value))
        except ValueError:
            return cls.UNKNOWN


@dataclass(frozen=True, slots=True)
class TransferState:
    """qBittorrent's server state: speeds, totals, disk, connection and external address."""

    download_speed: int = 0
    upload_speed: int = 0
    alltime_download: int = 0
    alltime_upload: int = 0
    free_space: int | None = None
    connection_status: ConnectionStatus = ConnectionStatus.UNKNOWN
    external_ipv4: str | None = None
    dht_nodes: int = 0
    alt_speed: bool = False  # alternative speed limits in force
    download_limit: int = 0  # the global limit in force (alternative or not), bytes/s; 0: none
    upload_limit: int = 0
    queueing: bool = False  # qBittorrent's queue is on (the queue order means something)


@dataclass(frozen=True, slots=True)
class SpeedSchedule:
    """qBittorrent's schedule for the alternative limits: from when to when, on which days."""

    enabled: bool = False
    from_hour: int = 8
    from_minute: int = 0
    to_hour: int = 20
    to_minute: int = 0
    # qBittorrent's scheduler_days: 0 every day, 1 weekdays, 2 weekends, 3 to 9 Monday to Sunday
    days: int = 0


@dataclass(frozen=True, slots=True)
class Bandwidth:
    """qBittorrent's global limits (bytes/s, 0: none), normal and alternative, and the
    schedule that switches between them."""

    alt_speed: bool = False
    download_limit: int = 0
    upload_limit: int = 0
    alt_download_limit: int = 0
    alt_upload_limit: int = 0
    schedule: SpeedSchedule = field(default_factory=SpeedSchedule)


@dataclass(frozen=True, slots=True)
class DownloadCounts:
    """How many downloads are in each state, for sensors."""

    downloading: int = 0
    seeding: int = 0
    stopped: int = 0
    errored: int = 0
    total: int = 0


@dataclass(frozen=True, slots=True)
class DownloadsSnapshot:
    """Everything known about qBittorrent after one poll."""

    downloads: dict[str, Download]
    transfer: TransferState
    counts: DownloadCounts
    version: str | None = None
    outbox: int = 0  # grabs waiting for qBittorrent
    holds: frozenset[Hold] = frozenset()  # the guards holding downloads back now


@dataclass(frozen=True, slots=True)
class Library:
    """A Plex library section and the folders it covers (as Plex sees them)."""

    key: str
    title: str
    type: str
    locations: tuple[str, ...]
    refreshing: bool = False
    scanned_at: int | None = None


@dataclass(frozen=True, slots=True)
class PlexServerInfo:
    """Who the Plex server is."""

    name: str
    machine_identifier: str
    version: str


@dataclass(frozen=True, slots=True)
class RecentItem:
    """Something Plex added recently."""

    title: str
    type: str
    section: str | None
    added_at: int | None


@dataclass(frozen=True, slots=True)
class LibraryItem:
    """A movie or an episode in Plex, with what MediaHub matches on. Plex's paths only."""

    key: str  # Plex's ratingKey
    type: str  # movie | episode
    title: str  # the movie's title, or the episode's
    section: str  # the library section's key
    year: int | None = None
    show: str | None = None  # an episode's show
    season: int | None = None
    episode: int | None = None
    resolution: str | None = None  # "1080p", "4k" as Plex says it, normalized to "2160p"
    guids: tuple[str, ...] = ()  # imdb://tt0133093, tmdb://603, tvdb://...
    files: tuple[str, ...] = ()
    thumb: str | None = None  # Plex's path of the poster (served through MediaHub)
    added_at: int | None = None

    @property
    def label(self) -> str:
        """The Matrix (1999) · Severance S01E02"""
        if self.type == "episode" and self.season is not None and self.episode is not None:
            return f"{self.show or self.title} S{self.season:02d}E{self.episode:02d}"
        return f"{self.title} ({self.year})" if self.year else self.title


class VpnState(StrEnum):
    """What MediaHub can tell about the VPN."""

    CONNECTED = "connected"  # gluetun's tunnel runs and qBittorrent's address is its address
    DOWN = "down"  # gluetun reports the tunnel not running
    LEAKING = "leaking"  # tunnel up, but qBittorrent's external address is not the VPN's
    UNKNOWN = "unknown"  # gluetun not configured or not reachable


@dataclass(frozen=True, slots=True)
class VpnStatus:
    """gluetun's tunnel and public address, compared with qBittorrent's external address."""

    state: VpnState
    tunnel: str | None = None  # gluetun's loop status: running, stopped, ...
    public_ip: str | None = None
    country: str | None = None
    qbittorrent_ip: str | None = None

    @property
    def connected(self) -> bool:
        return self.state in (VpnState.CONNECTED, VpnState.LEAKING)

    @property
    def through_vpn(self) -> bool | None:
        """True when qBittorrent's traffic leaves through the VPN; None when unknown."""
        if self.state is VpnState.CONNECTED:
            return True if self.qbittorrent_ip else None
        if self.state is VpnState.LEAKING:
            return False
        return None


@dataclass(frozen=True, slots=True)
class GrabResult:
    """What a grab did: added now, or queued until qBittorrent is back."""

    hash: str
    name: str
    category: str | None
    queued: bool
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class CompletedDownload:
    """A download that just finished, with where Plex will find it."""

    hash: str
    name: str
    category: str
    content_path: str
    size: int
    plex_path: str | None = None
    library: str | None = None
    origin: Origin | None = None
