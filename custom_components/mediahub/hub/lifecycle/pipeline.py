"""A download's stages: one state machine that every MediaHub process reads the same way.

    queued ──delivered──▶ downloading ──100 %, final folder──▶ completed ──┬──▶ scan_sent ──┐
      │                       ▲  │                              │ (claimed)  └──▶ no_library    │
      ▼                       └──┼──── a recheck lost pieces ◀──┘                              │
    refused                      └──▶ removed ◀── (from any stage in qBittorrent)              │
                                                                                               ▼
          available ◀── Plex lists it ──┬── (after scan_sent) ── not listed in time ──▶ not_in_plex
                                        └──────────────── listed late ◀───────────────────────┘

Where a stage is recorded decides who can see it:
- `queued` and `refused` live in one process: its outbox holds a grab until qBittorrent takes it.
- Every later stage is read from qBittorrent itself, so Home Assistant, the sidecar and any
  other MediaHub process agree: `downloading`/`completed` are qBittorrent's own progress, and a
  step done after completion leaves its mark tag (the tags and how a stage is read from them:
  `tags`). A step is claimed before it is done (see `claims`), so it happens once whichever
  process runs it; Plex's confirmation needs no claim (adding a tag twice is harmless).

`Pipeline.observe` is the one place a download changes stage; it walks the transition table
(so a download first seen at `scan_sent` still passes `completed`) and emits one event per
stage entered. docs/pipeline.md has the protocol and what a crash at each step leaves behind.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
import logging
from typing import Final

from ..events import (
    DownloadAdded,
    DownloadAvailable,
    DownloadCompleted,
    DownloadNotInPlex,
    DownloadRefused,
    EventBus,
)
from ..models import CompletedDownload, GrabResult, LibraryItem, Origin, Stage

_LOGGER = logging.getLogger(__name__)

# Every move a download may make. Stages a process did not watch happen (another process did
# them, or this one was not running) are walked through: the shortest path in this table.
TRANSITIONS: Final[dict[Stage | None, frozenset[Stage]]] = {
    None: frozenset({Stage.QUEUED, Stage.DOWNLOADING}),  # first seen
    Stage.QUEUED: frozenset({Stage.DOWNLOADING, Stage.REFUSED}),
    Stage.REFUSED: frozenset({Stage.QUEUED}),
    Stage.DOWNLOADING: frozenset({Stage.COMPLETED, Stage.REMOVED}),
    Stage.COMPLETED: frozenset(
        {Stage.SCAN_SENT, Stage.NO_LIBRARY, Stage.DOWNLOADING, Stage.REMOVED}
    ),
    # Its mark stays, whatever a recheck finds.
    Stage.SCAN_SENT: frozenset({Stage.AVAILABLE, Stage.NOT_IN_PLEX, Stage.REMOVED}),
    Stage.NO_LIBRARY: frozenset({Stage.REMOVED}),
    Stage.NOT_IN_PLEX: frozenset({Stage.AVAILABLE, Stage.REMOVED}),
    Stage.AVAILABLE: frozenset({Stage.REMOVED}),
    Stage.REMOVED: frozenset(),  # the end; a re-download is a new life, first seen anew
}


def path(start: Stage | None, end: Stage) -> list[Stage]:
    """The stages entered going from `start` to `end` (the shortest way), [] if none."""
    previous: dict[Stage | None, Stage | None] = {start: None}
    queue: deque[Stage | None] = deque([start])
    while queue:
        stage = queue.popleft()
        if stage == end:
            walked: list[Stage] = []
            while stage != start:
                assert stage is not None
                walked.append(stage)
                stage = previous[stage]
            return walked[::-1]
        for following in sorted(TRANSITIONS.get(stage, ())):
            if following not in previous:
                previous[following] = stage
                queue.append(following)
    return []


class Pipeline:
    """Each download's stage, moved only through `observe`, which emits the events."""

    def __init__(self, events: EventBus) -> None:
        self._events = events
        self._stages: dict[str, Stage] = {}
        self._by_stage: dict[Stage, set[str]] = {stage: set() for stage in Stage}

    def stage(self, infohash: str) -> Stage | None:
        return self._stages.get(infohash)

    def in_stage(self, stage: Stage) -> list[str]:
        return sorted(self._by_stage[stage])

    def counts(self) -> dict[str, int]:
        """How many downloads are in each stage (for diagnostics)."""
        return {str(stage): len(hashes) for stage, hashes in self._by_stage.items() if hashes}

    def observe(self, infohash: str, stage: Stage, details: Callable[[], StageDetails]) -> bool:
        """Move a download to `stage` through the table; False if it was there already.
        `details` is called only when there is something to announce."""
        current = self._stages.get(infohash)
        if current is stage:
            return False
        walked = path(current, stage)
        if not walked:
            # Not a move the table allows (a mark removed by hand, say): qBittorrent is the
            # record, so follow it, but announce nothing.
            _LOGGER.debug("%s: %s → %s is not in the table", infohash, current, stage)
        self._move(infohash, current, stage)
        if not walked:
            return True
        known = details()
        if current is not None and Stage.COMPLETED in walked:
            # Watched as it happened (not merely found complete at start-up): worth a line.
            _LOGGER.info("Download complete: %s", known.name)
        for entered in walked:
            self._emit(entered, known)
        return True

    def forget(self, infohash: str) -> None:
        """Gone from qBittorrent (and from the outbox)."""
        self._move(infohash, self._stages.get(infohash), None)

    def _move(self, infohash: str, current: Stage | None, stage: Stage | None) -> None:
        if current is not None:
            self._by_stage[current].discard(infohash)
        if stage is None:
            self._stages.pop(infohash, None)
        else:
            self._stages[infohash] = stage
            self._by_stage[stage].add(infohash)

    def _emit(self, stage: Stage, details: StageDetails) -> None:
        match stage:
            case Stage.DOWNLOADING if details.managed:
                self._events.emit(DownloadAdded(details.grab()))
            case Stage.COMPLETED:
                self._events.emit(DownloadCompleted(details.completed()))
            case Stage.REFUSED:
                self._events.emit(DownloadRefused(details.grab(), details.reason or ""))
            case Stage.AVAILABLE if details.managed and details.plex_key:
                self._events.emit(
                    DownloadAvailable(details.completed(), details.plex_key, details.plex_item)
                )
            case Stage.NOT_IN_PLEX if details.managed:
                self._events.emit(DownloadNotInPlex(details.completed()))
            case _:
                pass


@dataclass(frozen=True, slots=True)
class StageDetails:
    """What the events of the stages a download enters carry."""

    infohash: str
    name: str
    category: str | None
    origin: Origin | None
    managed: bool = True  # grabbed by MediaHub or in an opted-in category
    content_path: str = ""
    size: int = 0
    plex_path: str | None = None
    reason: str | None = None
    plex_key: str | None = None  # the Plex item it was confirmed as
    plex_item: LibraryItem | None = None

    def grab(self) -> GrabResult:
        return GrabResult(
            self.infohash, self.name, self.category or None, queued=False, origin=self.origin
        )

    def completed(self) -> CompletedDownload:
        return CompletedDownload(
            hash=self.infohash,
            name=self.name,
            category=self.category or "",
            content_path=self.content_path,
            size=self.size,
            plex_path=self.plex_path,
            origin=self.origin,
        )
