"""Every message MediaHub sends a panel, an automation or a script, once: its shape (a TypedDict
here) and, for the messages the engine's objects do not encode themselves, the function that
builds it. `frontend/src/wire.generated.ts` and `docs/api.md` are generated from these shapes
(`scripts/lib/gen_wire.py`); `tests/hub/test_wire_shapes.py` checks that what the engine's
`as_json` methods send is what is written here.

What a browser receives never holds a secret or a Prowlarr link.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, Any, Literal, NotRequired, TypedDict

from .models import (
    AuditState,
    Download as DownloadModel,
    DownloadStatus,
    Hold as HoldReason,
    IndexerState as IndexerStateKind,
    Library as LibraryModel,
    Origin as OriginKind,
    Stage as StageKind,
    VpnState,
    VpnStatus,
)
from .releases.parse import Pack, Source
from .releases.profile import RESOLUTIONS

if TYPE_CHECKING:
    from .engine import MediaHub
    from .library.marks import Marks as MarksModel
    from .releases.score import Assessment

# A string that is one of an enum's values (the generated TypeScript spells them out).
Stage = Annotated[str, StageKind]
Origin = Annotated[str, OriginKind]
Hold = Annotated[str, HoldReason]
Status = Annotated[str, DownloadStatus]
IndexerState = Annotated[str, IndexerStateKind]


# --- search --------------------------------------------------------------------------------------


class IndexerStatus(TypedDict):
    """One indexer's part of a search (`indexer` event): its count and time when it answered."""

    id: int
    name: str
    state: IndexerState
    count: int
    elapsed_ms: int | None
    error: str | None


class Release(TypedDict):
    """One search result; `id` is opaque (grab it by that id)."""

    id: str
    title: str
    size: int
    seeders: int | None
    leechers: int | None
    indexer: str
    indexer_id: int
    category_id: int | None
    category: str | None
    age_hours: float
    published: str | None
    protocol: str
    ids: list[str]


class Quality(TypedDict):
    """A release's name, understood."""

    title: str
    kind: Literal["movie", "episode"]
    year: int | None
    seasons: list[int]
    episodes: list[int]
    pack: Annotated[str, Pack] | None
    resolution: str | None
    source: Annotated[str, Source] | None
    video_codec: str | None
    hdr: list[str]
    audio: list[str]
    group: str | None
    languages: list[str]
    edition: str | None
    proper: bool


class Reason(TypedDict):
    """One rule a release breaks: a code for translations, its values, and English words."""

    code: str
    text: str
    values: dict[str, str]


class InPlex(TypedDict):
    key: str
    title: str
    resolution: str | None


class Marks(TypedDict):
    """What a result is to this household: in Plex, or downloading (progress 0..1)."""

    in_plex: InPlex | None
    downloading: float | None


class Verdict(TypedDict):
    """A release judged against its category's quality profile (with `Marks` beside it)."""

    id: str
    quality: Quality
    chips: list[str]
    score: float
    passes: bool
    reasons: list[Reason]


class Assessed(Verdict, Marks):
    """A verdict with its marks, as a panel's search shows it."""


class SearchResult(Release, Verdict, Marks):
    """A result of the search action: the release, its verdict and its marks."""


class SearchAnswer(TypedDict):
    results: list[SearchResult]
    indexers: list[IndexerStatus]


class ResultsMessage(TypedDict):
    indexer_id: int
    releases: list[Release]


class AssessedMessage(TypedDict):
    indexer_id: int
    releases: list[Assessed]


class SearchDone(TypedDict):
    count: int
    elapsed_ms: int


class StreamError(TypedDict):
    """A Home Assistant search that failed after it started (its last event)."""

    code: str | None
    message: str
    translation_domain: str | None
    translation_key: str | None
    translation_placeholders: dict[str, str] | None


# --- downloads -----------------------------------------------------------------------------------


class Stall(TypedDict):
    """Why a download is dead: a code, its minutes, and English for logs."""

    code: Literal["no_peers", "no_metadata"]
    minutes: int
    text: str


class VpnAudit(TypedDict):
    """The VPN audit of one download; `since`/`until`: the first bad stretch."""

    state: Literal["verified", "unprotected", "gap"]
    since: NotRequired[float | None]
    until: NotRequired[float | None]


class Download(TypedDict):
    """A download as a panel shows it, and nothing more (a list of 2,000 goes out in every new
    panel's first event). Stage, origin, stall, hold and audit are sent only when they say
    something."""

    hash: str
    name: str
    status: Status
    progress: float
    size: int
    download_speed: int
    eta: int | None
    category: str
    added_on: int
    stage: NotRequired[Stage]
    grabbed_by: NotRequired[Origin]
    stalled: NotRequired[Stall]
    held: NotRequired[Hold]
    vpn: NotRequired[VpnAudit]


class StallRecord(TypedDict):
    metadata: bool
    minutes: int


class AuditRecord(TypedDict):
    state: Annotated[str, AuditState]
    verified_bytes: int
    unprotected_bytes: int
    unprotected_at: float | None
    unwatched_bytes: int
    unwatched_from: float | None
    unwatched_to: float | None


class DownloadRecord(TypedDict):
    """A download's whole record, for automations (the list_downloads action): everything
    qBittorrent and MediaHub know of it, where a panel gets `Download`."""

    hash: str
    name: str
    state: str
    status: Status
    progress: float
    size: int
    downloaded: int
    download_speed: int
    upload_speed: int
    eta: int | None
    category: str
    tags: list[str]
    save_path: str
    content_path: str
    added_on: int
    completed_on: int | None
    seeds: int
    peers: int
    ratio: float
    from_mediahub: bool
    stage: Stage
    grabbed_by: Origin | None
    stalled: StallRecord | None
    held: Hold | None
    vpn_audit: AuditRecord | None
    plex_key: str | None
    scan_sent: bool


class DownloadList(TypedDict):
    downloads: dict[str, DownloadRecord]


class GrabResult(TypedDict):
    """What a grab did: added now, or queued until qBittorrent is back (the sidecar then says
    so in `message`)."""

    hash: str
    name: str
    category: str | None
    queued: bool
    origin: Origin | None
    message: NotRequired[str]


class BestGrab(GrabResult):
    """What grab_best chose, and the grab it made."""

    release: SearchResult
    summary: str


class Transfer(TypedDict):
    """qBittorrent's transfer state; limits in bytes/s (0: none)."""

    download_speed: int
    upload_speed: int
    alltime_download: int
    alltime_upload: int
    free_space: int | None
    connection_status: str
    external_ipv4: str | None
    dht_nodes: int
    alt_speed: bool
    download_limit: int
    upload_limit: int
    queueing: bool


class SpeedSchedule(TypedDict):
    """When the alternative limits apply; days: qBittorrent's scheduler_days (0 every day,
    1 weekdays, 2 weekends, 3 to 9 Monday to Sunday)."""

    enabled: bool
    from_hour: int
    from_minute: int
    to_hour: int
    to_minute: int
    days: int


class Bandwidth(TypedDict):
    """qBittorrent's global limits in bytes/s (0: none), normal and alternative."""

    alt_speed: bool
    download_limit: int
    upload_limit: int
    alt_download_limit: int
    alt_upload_limit: int
    schedule: SpeedSchedule


class BandwidthAnswer(TypedDict):
    bandwidth: Bandwidth


class Vpn(TypedDict):
    state: Annotated[str, VpnState]
    connected: bool
    through_vpn: bool | None
    public_ip: str | None
    country: str | None


class Holds(TypedDict):
    """The guards holding downloads back now."""

    held: list[Hold]


class PlayLinks(TypedDict):
    web: str | None
    app: str | None


class ReadyItem(TypedDict):
    """A download Plex lists; `poster` is the host's own URL."""

    hash: str
    name: str
    key: str
    type: Literal["movie", "episode"]
    title: str
    label: str
    year: int | None
    show: str | None
    season: int | None
    episode: int | None
    library: str | None
    resolution: str | None
    completed_on: int | None
    play: PlayLinks
    poster: str | None


class Ready(TypedDict):
    items: list[ReadyItem]


class QbittorrentState(TypedDict):
    available: bool
    problem: Literal["unreachable", "auth_failed"] | None
    version: str | None


class PanelState(TypedDict):
    """What a new panel starts from (`snapshot`; the sidecar's GET /api/downloads, where `?head`
    sends only the first screen's worth of `downloads`, and `total` says how many there are)."""

    transfer: Transfer | None
    outbox: int
    qbittorrent: QbittorrentState
    vpn: Vpn | None
    holds: Holds
    ready: list[ReadyItem]
    bandwidth: Bandwidth | None
    categories: list[str]
    downloads: list[Download]
    total: int
    revision: NotRequired[str]


class DownloadsDiff(TypedDict):
    changed: list[Download]
    removed: list[str]
    transfer: Transfer


class ServiceChange(TypedDict):
    service: Literal["qbittorrent"]
    available: bool
    problem: Literal["unreachable", "auth_failed"] | None


class ScanMessage(TypedDict):
    library_key: str
    library: str
    path: str


class Refused(TypedDict):
    name: str
    reason: str


class Replaced(TypedDict):
    name: str
    reason: str
    replacement: str


class Current(TypedDict):
    """The sidecar's stream opening for a panel that already holds this revision."""

    revision: str


# --- Plex and the quality profiles ---------------------------------------------------------------


class Library(TypedDict):
    """A Plex library, and when MediaHub last asked Plex to scan it."""

    key: str
    title: str
    type: str
    locations: list[str]
    refreshing: bool
    scanned_at: int | None
    last_scan_requested: float | None


class LibrariesAnswer(TypedDict):
    libraries: list[Library]


class QualityProfile(TypedDict):
    """A category's quality profile, as the torrents store keeps it."""

    preferred_resolution: str
    allowed_resolutions: list[str]
    max_size_gb: float
    blocked_sources: list[str]
    preferred_codecs: list[str]
    prefer_hdr: bool
    required_words: list[str]
    blocked_words: list[str]
    blocked_groups: list[str]
    min_seeders: int
    preferred_languages: list[str]


class ProfilesAnswer(TypedDict):
    profiles: dict[str, QualityProfile]
    resolutions: list[str]
    sources: list[str]


class ProfileAnswer(TypedDict):
    profile: QualityProfile


class ErrorBody(TypedDict):
    """An error as the sidecar answers it (`{"error": ...}`): `code` is the key the panel's
    catalogs and Home Assistant's translations share, `placeholders` what its text fills in,
    `message` the server's English (shown only for a code the panel does not know), `values`
    what the panel may act on (a duplicate's existing download)."""

    code: str
    message: str
    placeholders: NotRequired[dict[str, str]]
    values: NotRequired[dict[str, str]]


class ErrorAnswer(TypedDict):
    error: ErrorBody


# --- events: name → message ----------------------------------------------------------------------

# What a panel following the downloads receives (both hosts), by event name.
FEED_EVENTS: dict[str, Any] = {
    "snapshot": PanelState,
    "current": Current,
    "downloads": DownloadsDiff,
    "service": ServiceChange,
    "vpn": Vpn | None,
    "holds": Holds,
    "ready": Ready,
    "bandwidth": Bandwidth,
    "scan": ScanMessage,
    "refused": Refused,
    "replaced": Replaced,
}
# What a streamed search sends, by event name (`error`: Home Assistant's only).
SEARCH_EVENTS: dict[str, Any] = {
    "indexer": IndexerStatus,
    "results": ResultsMessage,
    "assessed": AssessedMessage,
    "done": SearchDone,
    "error": StreamError,
}
# Answers that are not an object of their own kind.
EVENT_MAPS: dict[str, dict[str, Any]] = {"FEED_EVENTS": FEED_EVENTS, "SEARCH_EVENTS": SEARCH_EVENTS}


# --- the messages the engine's objects do not encode themselves ----------------------------------


def download_json(download: DownloadModel) -> Download:
    """A download as a panel shows it (see `Download`)."""
    data: Download = {
        "hash": download.hash,
        "name": download.name,
        "status": str(download.status),
        "progress": download.progress,
        "size": download.size,
        "download_speed": download.download_speed,
        "eta": download.eta,
        "category": download.category,
        "added_on": download.added_on,
    }
    if download.stage is not StageKind.DOWNLOADING:
        data["stage"] = str(download.stage)
    if download.grabbed_by is not None:
        data["grabbed_by"] = str(download.grabbed_by)
    if (stall := download.stalled) is not None:
        code: Literal["no_peers", "no_metadata"] = "no_metadata" if stall.metadata else "no_peers"
        data["stalled"] = {"code": code, "minutes": stall.minutes, "text": str(stall)}
    if download.held is not None:
        data["held"] = str(download.held)
    if (audit := download.vpn_audit) is not None and audit.state is not AuditState.NOTHING_YET:
        vpn: VpnAudit = {"state": "verified"}
        if audit.state is AuditState.UNPROTECTED:
            vpn = {"state": "unprotected", "since": audit.unprotected_at}
        elif audit.state is AuditState.GAP:
            vpn = {"state": "gap", "since": audit.unwatched_from, "until": audit.unwatched_to}
        data["vpn"] = vpn
    return data


def download_record(download: DownloadModel) -> dict[str, Any]:
    """A download's whole record (see `DownloadRecord`)."""
    return download.as_json()


def search_result(assessment: Assessment, marks: MarksModel) -> dict[str, Any]:
    """A result of the search action (see `SearchResult`)."""
    return {**assessment.as_json(), **marks.as_json()}


def vpn_json(status: VpnStatus) -> Vpn:
    return {
        "state": str(status.state),
        "connected": status.connected,
        "through_vpn": status.through_vpn,
        "public_ip": status.public_ip,
        "country": status.country,
    }


def holds_json(holds: frozenset[HoldReason]) -> Holds:
    """The guards holding downloads back now."""
    return {"held": sorted(holds)}


def library_json(library: LibraryModel, scans: Mapping[str, float]) -> Library:
    """A Plex library, and when MediaHub last asked Plex to scan it (`Feed.scans`)."""
    data = asdict(library)
    return {
        "key": data["key"],
        "title": data["title"],
        "type": data["type"],
        "locations": list(library.locations),
        "refreshing": data["refreshing"],
        "scanned_at": data["scanned_at"],
        "last_scan_requested": scans.get(library.key),
    }


async def profiles_json(engine: MediaHub) -> dict[str, Any]:
    """Every category's quality profile, and the values its fields take (`ProfilesAnswer`)."""
    stored = await engine.profiles.all()
    return {
        "profiles": {name: profile.as_json() for name, profile in stored.items()},
        "resolutions": list(RESOLUTIONS),
        "sources": [str(s) for s in Source],
    }
