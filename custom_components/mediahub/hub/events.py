"""What the engine tells its hosts (Home Assistant, the panel) as it happens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import logging

from .models import CompletedDownload, Download, GrabResult, LibraryItem, TransferState
from .wishes.model import Wish

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DownloadAdded:
    """A grab reached qBittorrent."""

    grab: GrabResult


@dataclass(frozen=True, slots=True)
class DownloadRefused:
    """qBittorrent would not take a grab; it left the outbox."""

    grab: GrabResult
    reason: str


@dataclass(frozen=True, slots=True)
class ReleaseRefused:
    """The guard refused what a torrent holds (an executable, no video, archives only); it was
    removed before any payload was written."""

    grab: GrabResult
    reason: str  # in the engine's English, "contains setup.exe" (kept for older consumers)
    code: str  # the translation key of the refusal: "release_refused", "release_refused_archive"
    file: str  # the file that decided it ("setup.exe"), else the release's name


@dataclass(frozen=True, slots=True)
class DownloadReplaced:
    """A dead download grab_best chose was removed, and the next-best release grabbed."""

    old: GrabResult
    new: GrabResult
    reason: str  # why the old one was dead: "no peers for 31 min"
    release: str  # the new release's summary


@dataclass(frozen=True, slots=True)
class DownloadCompleted:
    """A download finished (its files are in their final folder)."""

    download: CompletedDownload


@dataclass(frozen=True, slots=True)
class DownloadAvailable:
    """Plex lists a download: it is ready to watch."""

    download: CompletedDownload
    plex_key: str
    item: LibraryItem | None  # None: Plex listed it, then dropped it before MediaHub read it


@dataclass(frozen=True, slots=True)
class DownloadNotInPlex:
    """Plex was asked to scan a download's folder but had not listed it in the time allowed."""

    download: CompletedDownload


@dataclass(frozen=True, slots=True)
class ScanRequested:
    """MediaHub asked Plex to scan a library (one folder when `path` is set)."""

    library_key: str
    library: str
    path: str | None


@dataclass(frozen=True, slots=True)
class DownloadsChanged:
    """What one poll of qBittorrent changed: downloads to show anew and hashes gone."""

    changed: dict[str, Download]
    removed: frozenset[str]
    transfer: TransferState


@dataclass(frozen=True, slots=True)
class ServiceStatus:
    """A service went away or came back."""

    service: str
    available: bool
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class WishMade:
    """A wish was made (or, `joined`, someone asked for what an open wish already wants)."""

    wish: Wish
    joined: bool = False


@dataclass(frozen=True, slots=True)
class WishGrabbed:
    """The watcher grabbed a release for a wish, covering `item` ("S02E05", "movie")."""

    wish: Wish
    item: str
    grab: GrabResult
    release: str  # the release's summary


@dataclass(frozen=True, slots=True)
class WishAvailable:
    """What a wish grabbed is in Plex: ready to watch (tell whoever asked)."""

    wish: Wish
    item: str
    plex_key: str | None


@dataclass(frozen=True, slots=True)
class WishEnded:
    """A wish ended: a person ended it, an upgrade finished, or it was forgotten."""

    wish: Wish
    reason: str  # "ended" | "upgraded" | "forgotten"


@dataclass(frozen=True, slots=True)
class RequestDecided:
    """An administrator approved or declined a request (tell everyone who asked)."""

    wish: Wish
    approved: bool
    by: str
    reason: str | None = None  # why it was declined, as they said it


@dataclass(frozen=True, slots=True)
class WishesChanged:
    """The wish list changed (every open and past wish, newest first)."""

    wishes: tuple[Wish, ...]


type EngineEvent = (
    DownloadAdded
    | DownloadRefused
    | ReleaseRefused
    | DownloadReplaced
    | DownloadCompleted
    | DownloadAvailable
    | DownloadNotInPlex
    | ScanRequested
    | DownloadsChanged
    | ServiceStatus
    | WishMade
    | WishGrabbed
    | WishAvailable
    | WishEnded
    | RequestDecided
    | WishesChanged
)
type Listener = Callable[[EngineEvent], None]


@dataclass
class EventBus:
    """Synchronous fan-out to listeners; one failing listener does not stop the others."""

    _listeners: list[Listener] = field(default_factory=list)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def emit(self, event: EngineEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                _LOGGER.exception("Event listener failed for %s", type(event).__name__)
