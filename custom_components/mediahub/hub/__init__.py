"""MediaHub's engine: the one face its hosts (Home Assistant and the LAN sidecar) import.

Nothing under this package imports `homeassistant`, and imports inside it are relative, so it
also runs as a top-level package (`PYTHONPATH=custom_components/mediahub python -m sidecar`).
The subpackages show the architecture (docs/architecture.md): `clients` (one per service),
`lifecycle` (a download's life), `releases` (judging what to grab), `library` (what Plex holds),
`controls` (bandwidth and the guards). A host imports from here, never from a subpackage.
"""

__version__ = "0.1.0"

from .announcements import LEDGER_VERSION, Announcements
from .clients.gluetun import GluetunClient
from .clients.plex import PlexClient
from .clients.plextv import PlexWatchlist, WatchlistItem
from .clients.prowlarr import MAX_TORRENT_BYTES, ProwlarrClient
from .clients.qbittorrent import QbittorrentClient
from .commands import OPERATIONS, PLAIN, STREAMS, Access, Call, Kinds, Operation, Refresh, Route
from .config import DEFAULT_CATEGORIES, DEFAULT_ORGANIZED, DEFAULT_PATH_MAP, Settings, valid_url
from .controls.bandwidth import KIB, MAX_LIMIT, from_kib, validated as validated_bandwidth
from .controls.holds import gigabytes
from .controls.ratelimit import RateLimiter
from .engine import MediaHub
from .errors import (
    AuthenticationError,
    InvalidInputError,
    MediaHubError,
    ServiceTimeoutError,
    ServiceUnavailableError,
    SettingsError,
    outcome,
    panel_placeholders,
    placeholders,
)
from .events import (
    DownloadAdded,
    DownloadAvailable,
    DownloadCompleted,
    DownloadRefused,
    DownloadReplaced,
    DownloadsChanged,
    EngineEvent,
    ReleaseRefused,
    RequestDecided,
    ScanRequested,
    ServiceStatus,
    WishAvailable,
    WishEnded,
    WishesChanged,
    WishGrabbed,
    WishMade,
)
from .feed import Feed, problem_of, search_messages
from .library.index import InPlex
from .library.marks import AlreadyInPlexError, Marks, Offer
from .library.pathmap import PathMap
from .library.ready import ReadyItem
from .lifecycle.store import is_infohash
from .models import (
    NEWZNAB_BY_CATEGORY,
    AuditState,
    Bandwidth,
    ConnectionStatus,
    Download,
    DownloadCounts,
    DownloadsSnapshot,
    DownloadStatus,
    GrabResult,
    Hold,
    Indexer,
    IndexerSearchStatus,
    IndexerState,
    Library,
    LibraryItem,
    Origin,
    PlexServerInfo,
    Release,
    SpeedSchedule,
    Stage,
    TransferAudit,
    TransferState,
    VpnState,
    VpnStatus,
)
from .releases.best import BestGrab
from .releases.parse import Quality, Source
from .releases.pick import NOTHING_FOUND, AmbiguousTitleError, NoAcceptableReleaseError
from .releases.profile import (
    RESOLUTIONS,
    QualityProfile,
    checked as checked_profile,
    default_profile,
)
from .releases.profiles import CATEGORIES as PROFILE_CATEGORIES
from .releases.score import Assessment, assess
from .releases.search import AssessedBatch, ResultsBatch, SearchEvent, SearchOutcome
from .wire import (
    audit_record_json,
    bandwidth_json,
    download_json,
    download_record_json,
    ready_item_json,
    vpn_json,
    wish_json,
    wish_list_json,
)
from .wishes.book import Asker, MadeWish, WishRequest
from .wishes.model import Happened, Happening, Wish, WishKind, WishState
from .wishes.rules import AutoApprove, RequestRules
from .wishes.watch import CycleReport
from .wishes.watchlist import WatchlistSync

__all__ = [
    "DEFAULT_CATEGORIES",
    "DEFAULT_ORGANIZED",
    "DEFAULT_PATH_MAP",
    "KIB",
    "LEDGER_VERSION",
    "MAX_LIMIT",
    "MAX_TORRENT_BYTES",
    "NEWZNAB_BY_CATEGORY",
    "NOTHING_FOUND",
    "OPERATIONS",
    "PLAIN",
    "PROFILE_CATEGORIES",
    "RESOLUTIONS",
    "STREAMS",
    "Access",
    "AlreadyInPlexError",
    "AmbiguousTitleError",
    "Announcements",
    "Asker",
    "AssessedBatch",
    "Assessment",
    "AuditState",
    "AuthenticationError",
    "AutoApprove",
    "Bandwidth",
    "BestGrab",
    "Call",
    "ConnectionStatus",
    "CycleReport",
    "Download",
    "DownloadAdded",
    "DownloadAvailable",
    "DownloadCompleted",
    "DownloadCounts",
    "DownloadRefused",
    "DownloadReplaced",
    "DownloadStatus",
    "DownloadsChanged",
    "DownloadsSnapshot",
    "EngineEvent",
    "Feed",
    "GluetunClient",
    "GrabResult",
    "Happened",
    "Happening",
    "Hold",
    "InPlex",
    "Indexer",
    "IndexerSearchStatus",
    "IndexerState",
    "InvalidInputError",
    "Kinds",
    "Library",
    "LibraryItem",
    "MadeWish",
    "Marks",
    "MediaHub",
    "MediaHubError",
    "NoAcceptableReleaseError",
    "Offer",
    "Operation",
    "Origin",
    "PathMap",
    "PlexClient",
    "PlexServerInfo",
    "PlexWatchlist",
    "ProwlarrClient",
    "QbittorrentClient",
    "Quality",
    "QualityProfile",
    "RateLimiter",
    "ReadyItem",
    "Refresh",
    "Release",
    "ReleaseRefused",
    "RequestDecided",
    "RequestRules",
    "ResultsBatch",
    "Route",
    "ScanRequested",
    "SearchEvent",
    "SearchOutcome",
    "ServiceStatus",
    "ServiceTimeoutError",
    "ServiceUnavailableError",
    "Settings",
    "SettingsError",
    "Source",
    "SpeedSchedule",
    "Stage",
    "TransferAudit",
    "TransferState",
    "VpnState",
    "VpnStatus",
    "WatchlistItem",
    "WatchlistSync",
    "Wish",
    "WishAvailable",
    "WishEnded",
    "WishGrabbed",
    "WishKind",
    "WishMade",
    "WishRequest",
    "WishState",
    "WishesChanged",
    "__version__",
    "assess",
    "audit_record_json",
    "bandwidth_json",
    "checked_profile",
    "default_profile",
    "download_json",
    "download_record_json",
    "from_kib",
    "gigabytes",
    "is_infohash",
    "outcome",
    "panel_placeholders",
    "placeholders",
    "problem_of",
    "ready_item_json",
    "search_messages",
    "valid_url",
    "validated_bandwidth",
    "vpn_json",
    "wish_json",
    "wish_list_json",
]
