"""Every message MediaHub sends a panel, an automation or a script, once: its shape (a TypedDict
here) and the function that builds it from the engine's objects (`*_json` below, each typed to
return its TypedDict, so `mypy --strict` proves it builds exactly that shape). The engine's
objects encode no message themselves. `frontend/src/wire.generated.ts` and `docs/api.md` are
generated from these shapes (`scripts/lib/gen_wire.py`); `tests/hub/test_wire_shapes.py` checks
what a type cannot say (enum values, keys omitted when they say nothing, the quality profile's
stored format being this message).

What a browser receives never holds a secret or a Prowlarr link.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal, NotRequired, TypedDict

from .library.ready import play_links
from .models import (
    AuditState,
    DownloadStatus,
    Hold as HoldReason,
    IndexerState as IndexerStateKind,
    Origin as OriginKind,
    Stage as StageKind,
    VpnState,
)
from .releases.parse import Pack, Source
from .releases.profile import RESOLUTIONS
from .wishes.model import (
    Happened as HappenedKind,
    WishKind as WishKindKind,
    WishState as WishStateKind,
)

if TYPE_CHECKING:
    from .engine import MediaHub
    from .library.marks import Marks as MarksModel
    from .library.ready import ReadyItem as ReadyItemModel
    from .models import (
        Bandwidth as BandwidthModel,
        Download as DownloadModel,
        GrabResult as GrabResultModel,
        IndexerSearchStatus,
        Library as LibraryModel,
        Release as ReleaseModel,
        SpeedSchedule as SpeedScheduleModel,
        TransferAudit,
        TransferState,
        VpnStatus,
    )
    from .releases.best import BestGrab as BestGrabModel
    from .releases.parse import Quality as QualityModel
    from .releases.profile import QualityProfile as QualityProfileModel
    from .releases.score import Assessment, Reason as ReasonModel
    from .wishes.model import Happening as HappeningModel, Wish as WishModel
    from .wishes.rules import RequestRules as RequestRulesModel
    from .wishes.watch import CycleReport

# A string that is one of an enum's values (the generated TypeScript spells them out).
Stage = Annotated[str, StageKind]
Origin = Annotated[str, OriginKind]
Hold = Annotated[str, HoldReason]
Status = Annotated[str, DownloadStatus]
IndexerState = Annotated[str, IndexerStateKind]
WishKind = Annotated[str, WishKindKind]
WishState = Annotated[str, WishStateKind]
Happened = Annotated[str, HappenedKind]


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
    anime: bool


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
    unknown_source: bool  # a movie or episode whose name says no source: ranked below the rest


class Assessed(Verdict, Marks):
    """A verdict with its marks, as a panel's search shows it."""


class Judged(Release, Verdict):
    """A release and its verdict, without the marks (what grab_best chose)."""


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

    release: Judged
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
    """MediaHub asked Plex to scan a library: one folder, or (`path` null) all of it."""

    library_key: str
    library: str
    path: str | None


class Refused(TypedDict):
    """The file check refused a release (a magnet's, once its metadata came): `code` is its
    translation key (`error.<code>`, the grab's error), `file` the file that decided it (else
    the release's name); `reason` is the engine's English, for older panels."""

    name: str
    reason: str
    code: str
    file: str


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
    min_size_mb: float
    blocked_sources: list[str]
    preferred_codecs: list[str]
    prefer_hdr: bool
    required_words: list[str]
    blocked_words: list[str]
    blocked_groups: list[str]
    min_seeders: int
    preferred_languages: list[str]
    cutoff: str


class ProfilesAnswer(TypedDict):
    profiles: dict[str, QualityProfile]
    resolutions: list[str]
    sources: list[str]


class ProfileAnswer(TypedDict):
    profile: QualityProfile


# --- the wishes ----------------------------------------------------------------------------------


class WishHappening(TypedDict):
    """One line of a wish's history: made, searched, refused (why), grabbed, available, ..."""

    at: float
    what: Happened
    release: NotRequired[str]
    item: NotRequired[str]  # what it covers: "S02E05", "S02" (a season pack), "movie"
    reason: NotRequired[str]  # English; a refused release's rules are also in `reasons`
    reasons: NotRequired[list[Reason]]
    by: NotRequired[str]  # who approved or declined a request


class Wish(TypedDict):
    """A wish: follow a show, want a movie or a season, upgrade what Plex holds."""

    id: int
    kind: WishKind
    title: str
    label: str  # "Dune (2021)", "Severance season 2"
    year: int | None
    season: int | None  # want: the season
    seasons: list[int]  # follow: only these (empty: all)
    backfill: bool  # follow: also what Plex misses
    category: str
    asked_by: str
    also_asked: list[str]  # everyone else who asked for it: each is told when it is ready
    state: WishState  # a request: waiting, then wanted (approved) or declined
    created_at: float
    after: str | None  # follow: the newest episode out when it was made ("S02E05")
    current: str | None  # upgrade: the copy Plex holds ("720p HDTV")
    next_search: float | None  # when it is next searched for directly (epoch seconds)
    grabbed: list[str]  # what it grabbed ("S02E06", "movie")
    history: list[WishHappening]


class WishList(TypedDict):
    wishes: list[Wish]


class WishAnswer(TypedDict):
    wish: Wish
    joined: bool  # an open wish already wanted the same thing: this is that one


class AutoApproveRule(TypedDict):
    """Requests approved as they are made: one person's (or anyone's), in one category (or
    any)."""

    user: str | None  # a Home Assistant user's name or id; null: anyone
    category: str | None  # "movies" | "tv"; null: any


class RequestRules(TypedDict):
    """How requests (wishes of people who do not administer MediaHub) are judged."""

    weekly_quota: int  # open requests a person may have made in the last seven days
    quotas: dict[str, int]  # a person (name or id) → their own quota
    auto_approve: list[AutoApproveRule]


class WatchReport(TypedDict):
    """What one watch cycle did."""

    ran: bool  # false: another MediaHub is watching now
    wishes: int
    releases: int
    searches: int
    grabbed: list[str]
    waiting: int  # acceptable releases waiting out the delay


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
    "wishes": WishList,
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


# --- the encoders: each message built from the engine's objects ---------------------------------


def _kind(kind: str) -> Literal["movie", "episode"]:
    """A release's or a Plex item's kind (the engine knows no other two)."""
    return "episode" if kind == "episode" else "movie"


def indexer_status_json(status: IndexerSearchStatus) -> IndexerStatus:
    return {
        "id": status.indexer_id,
        "name": status.name,
        "state": str(status.state),
        "count": status.count,
        "elapsed_ms": status.elapsed_ms,
        "error": status.error,
    }


def release_json(release: ReleaseModel) -> Release:
    """A search result; its infohash stays inside."""
    return {
        "id": release.id,
        "title": release.title,
        "size": release.size,
        "seeders": release.seeders,
        "leechers": release.leechers,
        "indexer": release.indexer,
        "indexer_id": release.indexer_id,
        "category_id": release.category_id,
        "category": release.category,
        "age_hours": release.age_hours,
        "published": release.published,
        "protocol": release.protocol,
        "ids": list(release.ids),
    }


def quality_json(quality: QualityModel) -> Quality:
    return {
        "title": quality.title,
        "kind": _kind(quality.kind),
        "year": quality.year,
        "seasons": list(quality.seasons),
        "episodes": list(quality.episodes),
        "pack": str(quality.pack) if quality.pack else None,
        "resolution": quality.resolution,
        "source": str(quality.source) if quality.source else None,
        "video_codec": quality.video_codec,
        "hdr": list(quality.hdr),
        "audio": list(quality.audio),
        "group": quality.group,
        "languages": list(quality.languages),
        "edition": quality.edition,
        "proper": quality.proper,
        # Read from anime-shaped names once the parser says so (issue 31).
        "anime": bool(getattr(quality, "anime", False)),
    }


def reason_json(reason: ReasonModel) -> Reason:
    return {"code": reason.code, "text": reason.text, "values": dict(reason.values)}


def marks_json(marks: MarksModel) -> Marks:
    plex = marks.in_plex
    return {
        "in_plex": (
            {"key": plex.item.key, "title": plex.item.label, "resolution": plex.resolution}
            if plex
            else None
        ),
        "downloading": marks.downloading,
    }


def verdict_json(assessment: Assessment) -> Verdict:
    """What was made of a release (a panel has its title, size and seeders already)."""
    return {
        "id": assessment.release.id,
        "quality": quality_json(assessment.quality),
        "chips": list(assessment.quality.chips),
        "score": assessment.score,
        "passes": assessment.passes,
        "reasons": [reason_json(r) for r in assessment.reasons],
        "unknown_source": assessment.unknown_source,
    }


def judged_json(assessment: Assessment) -> Judged:
    return {**release_json(assessment.release), **verdict_json(assessment)}


def assessed_json(assessment: Assessment, marks: MarksModel) -> Assessed:
    """A verdict with its marks (a panel's search: the `assessed` event)."""
    return {**verdict_json(assessment), **marks_json(marks)}


def search_result_json(assessment: Assessment, marks: MarksModel) -> SearchResult:
    """A result of the search action: the release, its verdict and its marks."""
    return {**judged_json(assessment), **marks_json(marks)}


def grab_result_json(result: GrabResultModel) -> GrabResult:
    return {
        "hash": result.hash,
        "name": result.name,
        "category": result.category,
        "queued": result.queued,
        "origin": str(result.origin) if result.origin else None,
    }


def best_grab_json(best: BestGrabModel) -> BestGrab:
    return {
        **grab_result_json(best.result),
        "release": judged_json(best.choice),
        "summary": best.choice.summary,
    }


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


def audit_record_json(audit: TransferAudit) -> AuditRecord:
    """One download's whole VPN audit (in `DownloadRecord`, and Home Assistant's VPN sensor)."""
    return {
        "state": str(audit.state),
        "verified_bytes": audit.verified_bytes,
        "unprotected_bytes": audit.unprotected_bytes,
        "unprotected_at": audit.unprotected_at,
        "unwatched_bytes": audit.unwatched_bytes,
        "unwatched_from": audit.unwatched_from,
        "unwatched_to": audit.unwatched_to,
    }


def download_record_json(download: DownloadModel) -> DownloadRecord:
    """A download's whole record (see `DownloadRecord`)."""
    stall = download.stalled
    return {
        "hash": download.hash,
        "name": download.name,
        "state": download.state,
        "status": str(download.status),
        "progress": download.progress,
        "size": download.size,
        "downloaded": download.downloaded,
        "download_speed": download.download_speed,
        "upload_speed": download.upload_speed,
        "eta": download.eta,
        "category": download.category,
        "tags": list(download.tags),
        "save_path": download.save_path,
        "content_path": download.content_path,
        "added_on": download.added_on,
        "completed_on": download.completed_on,
        "seeds": download.seeds,
        "peers": download.peers,
        "ratio": download.ratio,
        "from_mediahub": download.from_mediahub,
        "stage": str(download.stage),
        "grabbed_by": str(download.grabbed_by) if download.grabbed_by else None,
        "stalled": {"metadata": stall.metadata, "minutes": stall.minutes} if stall else None,
        "held": str(download.held) if download.held else None,
        "vpn_audit": audit_record_json(download.vpn_audit) if download.vpn_audit else None,
        "plex_key": download.plex_key,
        "scan_sent": download.scan_sent,
    }


def transfer_json(transfer: TransferState) -> Transfer:
    return {
        "download_speed": transfer.download_speed,
        "upload_speed": transfer.upload_speed,
        "alltime_download": transfer.alltime_download,
        "alltime_upload": transfer.alltime_upload,
        "free_space": transfer.free_space,
        "connection_status": str(transfer.connection_status),
        "external_ipv4": transfer.external_ipv4,
        "dht_nodes": transfer.dht_nodes,
        "alt_speed": transfer.alt_speed,
        "download_limit": transfer.download_limit,
        "upload_limit": transfer.upload_limit,
        "queueing": transfer.queueing,
    }


def speed_schedule_json(schedule: SpeedScheduleModel) -> SpeedSchedule:
    return {
        "enabled": schedule.enabled,
        "from_hour": schedule.from_hour,
        "from_minute": schedule.from_minute,
        "to_hour": schedule.to_hour,
        "to_minute": schedule.to_minute,
        "days": schedule.days,
    }


def bandwidth_json(bandwidth: BandwidthModel) -> Bandwidth:
    return {
        "alt_speed": bandwidth.alt_speed,
        "download_limit": bandwidth.download_limit,
        "upload_limit": bandwidth.upload_limit,
        "alt_download_limit": bandwidth.alt_download_limit,
        "alt_upload_limit": bandwidth.alt_upload_limit,
        "schedule": speed_schedule_json(bandwidth.schedule),
    }


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


def ready_item_json(ready: ReadyItemModel, poster_base: str) -> ReadyItem:
    """`poster_base` is where the host serves posters (+ "/<key>")."""
    item = ready.item
    links = play_links(ready.machine, item.key)
    return {
        "hash": ready.hash,
        "name": ready.name,
        "key": item.key,
        "type": _kind(item.type),
        "title": item.title,
        "label": item.label,
        "year": item.year,
        "show": item.show,
        "season": item.season,
        "episode": item.episode,
        "library": ready.library,
        "resolution": item.resolution,
        "completed_on": ready.completed_on,
        "play": {"web": links["web"], "app": links["app"]},
        "poster": f"{poster_base}/{item.key}" if item.thumb else None,
    }


def library_json(library: LibraryModel, scans: Mapping[str, float]) -> Library:
    """A Plex library, and when MediaHub last asked Plex to scan it (`Feed.scans`)."""
    return {
        "key": library.key,
        "title": library.title,
        "type": library.type,
        "locations": list(library.locations),
        "refreshing": library.refreshing,
        "scanned_at": library.scanned_at,
        "last_scan_requested": scans.get(library.key),
    }


def profile_json(profile: QualityProfileModel) -> QualityProfile:
    """A category's quality profile. This message is also the format the torrents store keeps
    it in (`QualityProfile.as_json`, which cannot import this module: it sits below it)."""
    return {
        "preferred_resolution": profile.preferred_resolution,
        "allowed_resolutions": list(profile.allowed_resolutions),
        "max_size_gb": profile.max_size_gb,
        "min_size_mb": profile.min_size_mb,
        "blocked_sources": [str(s) for s in profile.blocked_sources],
        "preferred_codecs": list(profile.preferred_codecs),
        "prefer_hdr": profile.prefer_hdr,
        "required_words": list(profile.required_words),
        "blocked_words": list(profile.blocked_words),
        "blocked_groups": list(profile.blocked_groups),
        "min_seeders": profile.min_seeders,
        "preferred_languages": list(profile.preferred_languages),
        "cutoff": profile.cutoff,
    }


async def profiles_json(engine: MediaHub) -> ProfilesAnswer:
    """Every category's quality profile, and the values its fields take."""
    stored = await engine.profiles.all()
    return {
        "profiles": {name: profile_json(profile) for name, profile in stored.items()},
        "resolutions": list(RESOLUTIONS),
        "sources": [str(s) for s in Source],
    }


def wish_happening_json(happening: HappeningModel) -> WishHappening:
    message: WishHappening = {"at": happening.at, "what": happening.what.value}
    if happening.release is not None:
        message["release"] = happening.release
    if happening.item is not None:
        message["item"] = happening.item
    if happening.reason is not None:
        message["reason"] = happening.reason
    if happening.reasons:
        message["reasons"] = [reason_json(r) for r in happening.reasons]
    if happening.by is not None:
        message["by"] = happening.by
    return message


def wish_json(wish: WishModel) -> Wish:
    after = wish.after
    return {
        "id": wish.id,
        "kind": wish.kind.value,
        "title": wish.title,
        "label": wish.label,
        "year": wish.year,
        "season": wish.season,
        "seasons": list(wish.seasons),
        "backfill": wish.backfill,
        "category": wish.category,
        "asked_by": wish.asked_by,
        "also_asked": list(wish.also_asked),
        "state": wish.state.value,
        "created_at": wish.created_at,
        "after": f"S{after[0]:02d}E{after[1]:02d}" if after else None,
        "current": wish.current,
        "next_search": wish.search_due if wish.state.open and wish.searched_directly else None,
        "grabbed": sorted(wish.grabbed_items),
        "history": [wish_happening_json(h) for h in wish.history],
    }


def wish_list_json(wishes: Iterable[WishModel]) -> WishList:
    return {"wishes": [wish_json(w) for w in wishes]}


def request_rules_json(rules: RequestRulesModel) -> RequestRules:
    return {
        "weekly_quota": rules.weekly_quota,
        "quotas": dict(rules.quotas),
        "auto_approve": [{"user": r.user, "category": r.category} for r in rules.auto_approve],
    }


def watch_report_json(report: CycleReport) -> WatchReport:
    return {
        "ran": report.ran,
        "wishes": report.wishes,
        "releases": report.releases,
        "searches": report.searches,
        "grabbed": list(report.grabbed),
        "waiting": report.waiting,
    }
