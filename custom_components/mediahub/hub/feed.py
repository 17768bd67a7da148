"""What a panel shows, as named messages: both hosts' panels (the sidecar's, over SSE, and Home
Assistant's, over its websocket) start from `state()` and follow what `publish` sends.

The messages, by name: `downloads` (changed, removed, transfer), `service`, `vpn`, `holds`,
`ready`, `bandwidth`, `scan`, `refused`, `replaced`, `wishes` (the whole list, when it
changed; a panel reads it first with the `wishes` operation). frontend/src/useEvents.ts reads them.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
import time
from typing import Any

from .engine import MediaHub
from .errors import AuthenticationError, MediaHubError
from .events import (
    DownloadReplaced,
    DownloadsChanged,
    EngineEvent,
    ReleaseRefused,
    ScanRequested,
    WishesChanged,
)
from .models import Bandwidth, Hold, VpnStatus
from .releases.search import AssessedBatch, ResultsBatch
from .wire import (
    AssessedMessage,
    Download,
    DownloadsDiff,
    IndexerStatus,
    Ready,
    ReadyItem,
    Refused,
    Replaced,
    ResultsMessage,
    ScanMessage,
    SearchDone,
    assessed_json,
    bandwidth_json,
    download_json,
    holds_json,
    indexer_status_json,
    ready_item_json,
    release_json,
    transfer_json,
    vpn_json,
    wish_list_json,
)

Publish = Callable[[str, Any], None]
type SearchMessage = IndexerStatus | ResultsMessage | AssessedMessage | SearchDone


def problem_of(err: MediaHubError) -> str:
    """Why qBittorrent could not be polled, in the panel's words."""
    return "auth_failed" if isinstance(err, AuthenticationError) else "unreachable"


async def search_messages(
    engine: MediaHub, query: str, categories: list[int]
) -> AsyncGenerator[tuple[str, SearchMessage]]:
    """A search as a panel shows it: `indexer`, `results` and `assessed` (with the In Plex and
    Downloading marks) as indexers answer, then `done`. A failure before the first answer
    raises the engine's error."""
    started = time.monotonic()
    count = 0
    events = aiter(engine.search.search(query, categories))
    try:
        async for event in events:
            if isinstance(event, ResultsBatch):
                count += len(event.releases)
                releases = [release_json(r) for r in event.releases]
                results: ResultsMessage = {"indexer_id": event.indexer_id, "releases": releases}
                yield "results", results
            elif isinstance(event, AssessedBatch):
                assessed: AssessedMessage = {
                    "indexer_id": event.indexer_id,
                    "releases": [assessed_json(a, engine.marks(a)) for a in event.assessments],
                }
                yield "assessed", assessed
            else:
                yield "indexer", indexer_status_json(event)
        done: SearchDone = {
            "count": count,
            "elapsed_ms": int((time.monotonic() - started) * 1000),
        }
        yield "done", done
    finally:
        await events.aclose()  # type: ignore[attr-defined]


class Feed:
    """The engine's state as a panel shows it. `revision` grows with every change published, so
    equal revisions mean equal states."""

    def __init__(self, engine: MediaHub, publish: Publish, *, posters: str) -> None:
        self.engine = engine
        self._publish = publish
        self._posters = posters  # where this host serves posters, by item key
        self.revision = 0
        self.polled = False  # a poll has succeeded: there are downloads to show
        self.qbittorrent_available: bool | None = None
        self.qbittorrent_problem: str | None = None  # "unreachable" or "auth_failed"
        self.vpn: VpnStatus | None = None
        self.holds: frozenset[Hold] = frozenset()
        self.ready: list[ReadyItem] = []  # ready to watch, as last published
        self.bandwidth: Bandwidth | None = None
        self.scans: dict[str, float] = {}  # library key → when MediaHub last asked for a scan
        engine.subscribe(self._on_engine_event)

    def send(self, name: str, data: Any) -> None:
        self.revision += 1
        self._publish(name, data)

    def after_poll(self, problem: str | None) -> None:
        """A poll ended: None when qBittorrent answered, else why not (`problem_of`)."""
        if problem is None and not self.polled:
            self.polled = True
            self.revision += 1  # the state now has downloads and transfer to show
        if problem != self.qbittorrent_problem:
            self.send(
                "service",
                {"service": "qbittorrent", "available": problem is None, "problem": problem},
            )
        self.qbittorrent_problem = problem
        self.qbittorrent_available = problem is None
        holds = self.engine.downloads.holds
        if holds != self.holds:
            self.holds = holds
            self.send("holds", holds_json(holds))
        ready = [ready_item_json(r, self._posters) for r in self.engine.ready_to_watch()]
        if ready != self.ready:
            self.ready = ready
            shown: Ready = {"items": ready}
            self.send("ready", shown)
        bandwidth = self.engine.bandwidth.current
        if bandwidth != self.bandwidth and bandwidth is not None:
            self.bandwidth = bandwidth
            self.send("bandwidth", bandwidth_json(bandwidth))

    def show_vpn(self, status: VpnStatus | None) -> None:
        if status != self.vpn:
            self.vpn = status
            self.send("vpn", vpn_json(status) if status else None)

    def state(self) -> dict[str, Any]:
        """Everything a new panel starts from but the downloads themselves."""
        snapshot = self.engine.downloads.snapshot() if self.polled else None
        return {
            "transfer": transfer_json(snapshot.transfer) if snapshot else None,
            "outbox": len(self.engine.downloads.outbox),
            "qbittorrent": {
                "available": bool(self.qbittorrent_available),
                "problem": self.qbittorrent_problem,
                "version": self.engine.qbittorrent.version,
            },
            "vpn": vpn_json(self.vpn) if self.vpn else None,
            "holds": holds_json(self.holds),
            "ready": self.ready,
            "bandwidth": bandwidth_json(self.bandwidth) if self.bandwidth else None,
            "categories": sorted(self.engine.settings.categories),
        }

    def downloads(self) -> list[Download]:
        """Every download as the panel shows it, now (not as the last poll returned them: a
        change is published before that poll ends, and a panel that connects in between must
        not miss it)."""
        if not self.polled:
            return []
        return [download_json(d) for d in self.engine.downloads.snapshot().downloads.values()]

    def _on_engine_event(self, event: EngineEvent) -> None:
        match event:
            case DownloadsChanged():
                diff: DownloadsDiff = {
                    "changed": [download_json(d) for d in event.changed.values()],
                    "removed": sorted(event.removed),
                    "transfer": transfer_json(event.transfer),
                }
                self.send("downloads", diff)
            case ScanRequested():
                self.scans[event.library_key] = time.time()
                scan: ScanMessage = {
                    "library_key": event.library_key,
                    "library": event.library,
                    "path": event.path,
                }
                self.send("scan", scan)
            case ReleaseRefused(grab=grab, reason=reason, code=code, file=file):
                refused: Refused = {"name": grab.name, "reason": reason, "code": code, "file": file}
                self.send("refused", refused)
            case DownloadReplaced(old=old, reason=reason, release=release):
                replaced: Replaced = {"name": old.name, "reason": reason, "replacement": release}
                self.send("replaced", replaced)
            case WishesChanged(wishes=wishes):
                self.send("wishes", wish_list_json(wishes))
            case _:
                pass
