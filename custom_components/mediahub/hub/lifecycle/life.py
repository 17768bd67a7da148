"""The life of every download qBittorrent holds, moved on once per poll by `Lifecycle.advance`.

Each poll first reads the stage of every download it changed from what qBittorrent records
(`tags`, `pipeline`), then runs the steps due, in the order a download meets them:

1. the file-list guard, once a grab's metadata is in (`guard`);
2. organizing its files for Plex, once its file list is final (`organize`);
3. after completion, the partial Plex scan of its folder (`scan`);
4. the confirmation that Plex lists it (`confirm`);
5. stalls (`stalls`); a stalled grab, like one the guard refused, is dead and announced
   (`dead`) to whoever replaces it.

Each step module decides; this one applies: `mark` is the one place a step's stage is written
(its tag in qBittorrent), and every change of stage goes through `Pipeline.observe`, which
emits the events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
import time

from ..clients.maindata import Changes, MaindataModel, TorrentRecord, split_tags
from ..clients.qbittorrent import QbittorrentClient
from ..events import EventBus
from ..library.index import LibraryIndex
from ..models import Stage, TransferAudit
from .claims import Claims
from .confirm import PlexConfirmation
from .dead import DeadDownload, DeadDownloads
from .guard import FileGuard
from .organize import Organizer
from .outbox import Grab
from .pipeline import Pipeline, StageDetails
from .scan import ScanStep
from .scanner import LibraryScanner
from .stalls import StallRule, Stalls
from .store import TorrentStore
from .tags import (
    SCAN_MARKS,
    SCANNED,
    Claim,
    ClaimStep,
    is_managed,
    origin_of,
    plex_key_of,
    recorded_stage,
    with_tag,
)
from .views import DownloadViews


class Lifecycle:
    """qBittorrent's model, each download's stage, what hosts are shown of it, and the steps
    that move it on."""

    def __init__(
        self,
        *,
        qbittorrent: QbittorrentClient,
        events: EventBus,
        claims: Claims,
        scanner: LibraryScanner,
        torrents: TorrentStore,
        library: LibraryIndex,
        confirm_within: float,
        queued_here: Callable[[str], bool],
        vpn_audit: Callable[[str], TransferAudit] | None = None,
        adopt_categories: Iterable[str] = (),
        organize: Iterable[str] = (),
        auto_scan: bool = True,
        stall_rule: StallRule | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._qbt = qbittorrent
        self._claims = claims
        self._scanner = scanner
        self._torrents = torrents  # the grabs' records: a dead one is announced with its own
        self._adopted = frozenset(adopt_categories)
        self.auto_scan = auto_scan
        self._now = wall_clock
        self.model = MaindataModel()
        self.pipeline = Pipeline(events)
        self.stalls = Stalls(stall_rule or StallRule())
        self.views = DownloadViews(
            self.model,
            self.pipeline,
            queued_here,
            events,
            stalled=self.stalls.reasons.get,
            vpn_audit=vpn_audit,
        )
        self.dead = DeadDownloads()
        self._announced_dead: set[str] = set()
        # The steps, in the order a download meets them.
        self._guard = FileGuard(qbittorrent, claims, events)
        self._organizer = Organizer(
            qbittorrent,
            claims,
            organize,
            wall_clock,
            in_plex=lambda path: (
                (plex := scanner.plex_path(path)) is not None and library.lists(plex)
            ),
        )
        self._scan = ScanStep(claims, scanner, wall_clock)
        self._plex = PlexConfirmation(library, scanner.plex_path, confirm_within)

    # --- one poll --------------------------------------------------------------------------

    async def advance(self, changes: Changes) -> None:
        """Take in what a poll of qBittorrent changed: each download's stage as qBittorrent
        records it, then every step due, in order."""
        model = self.model
        touched = set(model.torrents) if changes.full_update else changes.added | changes.changed
        for infohash in changes.removed:
            self.pipeline.forget(infohash)
        self.stalls.forget(changes.removed)
        self._announced_dead.difference_update(changes.removed)
        for infohash in touched:
            self._observe(infohash)
        if changes.full_update or changes.categories_changed:
            self._claims.observe(model.categories)
            await self._scan.sweep(model.categories, self._claim_finished)
        self.views.update(changes, touched)
        await self._check_files(touched, changes.removed)
        await self._organize(touched, changes.removed)
        await self._scan_completed()
        await self._confirm_in_plex()
        await self._check_stalls()

    # 1. the file-list guard
    async def _check_files(self, touched: Iterable[str], removed: Iterable[str]) -> None:
        for infohash, record in self._guard.due(self.model.torrents, touched, removed):
            verdict = await self._guard.run(infohash, record, lambda: self.model.categories)
            if verdict is not None and verdict.refused:
                if (kept := await self._torrents.record(infohash)) is not None:
                    await self._torrents.keep_record(infohash, replace(kept, refused=verdict.text))
                await self._announce_dead(infohash, verdict.text)

    # 2. organizing for Plex
    async def _organize(self, touched: Iterable[str], removed: Iterable[str]) -> None:
        torrents = self.model.torrents
        for infohash, record in self._organizer.ready_now(torrents, touched, removed):
            if await self._organizer.run(infohash, record, torrents, lambda: self.model.categories):
                self.views.refresh(infohash)

    # 3. the scan after completion, done by whichever process claims it
    async def _scan_completed(self) -> None:
        if not self.auto_scan:
            return
        for infohash in self.pipeline.in_stage(Stage.COMPLETED):
            if not self.managed(infohash) or self._organizer.pending(infohash):
                continue  # organizing comes first: Plex scans the organized folder
            record = self.model.torrents[infohash]
            if (done := await self._scan.run(infohash, record)) is None:
                continue
            await self.mark(infohash, record, done, SCAN_MARKS[done])
            await self._scan.marked(infohash, self.model.categories)
            self.views.refresh(infohash)

    # 4. confirmed in Plex (only with the library index read)
    async def plex_listed(self) -> None:
        """Plex's library changed since this poll's step 4 (the engine follows Plex after the
        guards): the confirmation again, at once, rather than a poll later."""
        await self._confirm_in_plex()

    async def _confirm_in_plex(self) -> None:
        if not self._plex.library.loaded:
            return
        for infohash in self._plex.released():
            if infohash in self.model.torrents:
                self._observe(infohash)
                self.views.refresh(infohash)
        now = self._now()
        scanned = self.pipeline.in_stage(Stage.SCAN_SENT)
        for infohash in scanned + self.pipeline.in_stage(Stage.NOT_IN_PLEX):
            record = self.model.torrents.get(infohash)
            if record is None or not self.managed(infohash):
                continue
            verdict = self._plex.verdict(record, self.pipeline.stage(infohash), now)
            if verdict is not None:
                await self.mark(infohash, record, *verdict)
                self.views.refresh(infohash)

    # 5. stalls: dead downloads shown with why, and announced
    async def _check_stalls(self) -> None:
        now = self._now()
        if self.stalls.due(now):
            incomplete = [
                (h, self.model.torrents[h])
                for h in self.pipeline.in_stage(Stage.DOWNLOADING)
                if h in self.model.torrents
            ]
            for infohash in self.stalls.check(incomplete, now):
                self.views.refresh(infohash)
        for infohash, reason in list(self.stalls.reasons.items()):
            if infohash not in self._announced_dead and self.managed(infohash):
                self._announced_dead.add(infohash)
                await self._announce_dead(infohash, str(reason))

    async def _announce_dead(self, infohash: str, reason: str) -> None:
        """A grab of this process's store that will not finish (none is kept of a torrent
        MediaHub did not grab, and nothing can replace it)."""
        grab = await self._torrents.record(infohash)
        if grab is not None:
            await self.dead.announce(DeadDownload(infohash, reason, grab))

    # --- stages ----------------------------------------------------------------------------

    def queued(self, grab: Grab) -> None:
        """A grab waits in this process's outbox."""
        details = partial(StageDetails, grab.hash, grab.name, grab.category, grab.origin)
        self.pipeline.observe(grab.hash, Stage.QUEUED, details)

    def refused(self, grab: Grab, reason: str) -> None:
        """qBittorrent would not take a grab: said, and then nothing of it is left to follow."""
        details = partial(
            StageDetails, grab.hash, grab.name, grab.category, grab.origin, reason=reason
        )
        self.pipeline.observe(grab.hash, Stage.REFUSED, details)
        self.pipeline.forget(grab.hash)

    async def carry_over(self, marks: dict[str, Stage]) -> None:
        """Write the step marks a 0.5 state file recorded (taken out of `marks` once done)."""
        for infohash, stage in list(marks.items()):
            record = self.model.torrents.get(infohash)
            if (
                record is not None
                and recorded_stage(split_tags(record.tags), complete=True) not in SCANNED
            ):
                await self.mark(infohash, record, stage, SCAN_MARKS[stage])
            del marks[infohash]

    async def mark(self, infohash: str, record: TorrentRecord, stage: Stage, tag: str) -> None:
        """The one place a step's stage is written: its mark tag in qBittorrent."""
        await self._qbt.add_tags([infohash], [tag])
        record.tags = with_tag(record.tags, tag)  # seen before the next poll
        self.pipeline.observe(
            infohash, stage, lambda: self._details(infohash, record, split_tags(record.tags))
        )

    def _observe(self, infohash: str) -> None:
        record = self.model.torrents[infohash]
        tags = split_tags(record.tags)
        # Not in its final folder until organized: completion waits for the new names.
        final = record.settled and not self._organizer.due(record)
        stage = self._plex.shown(infohash, recorded_stage(tags, complete=record.complete and final))
        self.pipeline.observe(infohash, stage, lambda: self._details(infohash, record, tags))

    def _details(self, infohash: str, record: TorrentRecord, tags: tuple[str, ...]) -> StageDetails:
        return StageDetails(
            infohash,
            record.name,
            record.category,
            origin_of(tags),
            managed=is_managed(tags, record.category, self._adopted),
            content_path=record.content_path,
            size=int(record.size),
            plex_path=self._scanner.plex_path(record.folder()),
            plex_key=(key := plex_key_of(tags)),
            plex_item=self._plex.library.get(key) if key else None,
        )

    def managed(self, infohash: str) -> bool:
        """Its steps after completion are MediaHub's (see `tags.is_managed`)."""
        record = self.model.torrents.get(infohash)
        return record is not None and is_managed(
            split_tags(record.tags), record.category, self._adopted
        )

    def _claim_finished(self, claim: Claim) -> bool:
        """A claim whose download is gone or past the step (left by a crash). The watch
        claim names no download: a crashed holder's is taken over, not swept."""
        if claim.step == ClaimStep.WATCH:
            return False
        return (
            claim.infohash not in self.model.torrents
            or self.pipeline.stage(claim.infohash) in SCANNED
        )

    @property
    def pending_scans(self) -> int:
        """Managed downloads whose scan is due (here or in another process)."""
        return sum(1 for h in self.pipeline.in_stage(Stage.COMPLETED) if self.managed(h))

    @property
    def awaiting_plex(self) -> bool:
        """A scanned download waits for Plex to list it (Plex's newest items are read more
        often meanwhile: `library.plexwatch`)."""
        return any(self.managed(h) for h in self.pipeline.in_stage(Stage.SCAN_SENT))
