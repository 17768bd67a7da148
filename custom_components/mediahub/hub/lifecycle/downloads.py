"""Downloads: what Home Assistant and the panel hold to grab, watch and control downloads.

A grab keeps its .torrent in the torrents store and waits in this process's outbox until
qBittorrent takes it, with MediaHub's tags (`pipeline.grab_tags`). From then on qBittorrent is
the record every MediaHub process reads. `refresh()` is one poll:

1. deliver the outbox;
2. merge `sync/maindata` into the model (a new qBittorrent session also re-delivers grabs it
   lost in a crash, see `outbox`);
3. move each changed download to the stage qBittorrent records (`Pipeline.observe`, which
   emits the events);
4. for downloads MediaHub manages: the file-list guard once metadata is in (`guard`), then
   organizing for Plex (`organize`), then after completion the partial Plex scan of the
   organized folder, each claimed first (`claims`) and marked done in qBittorrent;
5. push the changed views.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import replace
from functools import partial
import logging
import time
from typing import Any

from ..clients.maindata import (
    IN_PLEX_PREFIX,
    Changes,
    MaindataModel,
    TorrentRecord,
    plex_key_of,
    split_tags,
)
from ..clients.prowlarr import MAX_TORRENT_BYTES
from ..clients.qbittorrent import QbittorrentClient
from ..controls.holds import Guards, concerns, retag, tag_of
from ..errors import InvalidInputError, MediaHubError, ServiceUnavailableError
from ..events import EventBus, ReleaseRefused, ServiceStatus
from ..library.index import LibraryIndex
from ..models import (
    DownloadsSnapshot,
    GrabResult,
    Hold,
    Origin,
    Stage,
    TransferState,
)
from .claims import Claim, Claims
from .guard import FileGuard, ReleaseRefusedError, checked, delivery, waiting
from .organize import Organizer
from .outbox import Grab, Outbox
from .pipeline import (
    MARKS,
    NOT_IN_PLEX,
    TAG,
    Pipeline,
    StageDetails,
    grab_tags,
    is_managed,
    origin_of,
    recorded_stage,
)
from .scans import LibraryScanner
from .sources import TorrentSource, TorrentSources
from .stalls import StallRule, Stalls
from .steps import DONE, ScanStep
from .store import GrabRecord, TorrentStore, is_infohash
from .views import DownloadViews

_LOGGER = logging.getLogger(__name__)


class Downloads:
    """The qBittorrent model, this process's outbox and the pipeline of every download."""

    def __init__(
        self,
        *,
        qbittorrent: QbittorrentClient,
        sources: TorrentSources,
        outbox: Outbox,
        torrents: TorrentStore,
        scanner: LibraryScanner,
        claims: Claims,
        categories: Mapping[str, str],
        adopt_categories: Iterable[str] = (),
        events: EventBus,
        auto_scan: bool = True,
        stall_rule: StallRule | None = None,
        guards: Guards,
        organize: Iterable[str] = (),
        library: LibraryIndex | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._qbt = qbittorrent
        self._guards = guards
        self.holds: frozenset[Hold] = frozenset()  # the guards' holds at the last poll
        # What the polls changed since the engine last took them (see `take_changes`).
        self._unseen = Changes()
        self._sources = sources
        self._outbox = outbox
        self._torrents = torrents
        self._scanner = scanner
        self._claims = claims
        self._scan = ScanStep(claims, scanner, wall_clock)
        self._guard = FileGuard(qbittorrent, claims, events)
        self._guarded: set[str] = set()  # waiting for the file-list guard
        self._organizer = Organizer(qbittorrent, claims, organize, wall_clock)
        self._unorganized: set[str] = set()  # managed, in a category organized, not yet done
        self.library = library if library is not None else LibraryIndex()
        self._unannounced: set[str] = set()  # in Plex, seen before the index was read
        self._categories = dict(categories)
        self._adopted = frozenset(adopt_categories)
        self._events = events
        self.auto_scan = auto_scan
        self._now = wall_clock
        self.model = MaindataModel()
        self.pipeline = Pipeline(events)
        self.stalls = Stalls(stall_rule or StallRule())
        # Set by the engine: replaces a dead or refused download grab_best chose (engine.py).
        self.replace_dead: Callable[[str, GrabRecord, str], Awaitable[None]] | None = None
        self._replace_considered: set[str] = set()
        self.views = DownloadViews(
            self.model, self.pipeline, self._outbox.__contains__, events, self.stalls.reasons.get
        )
        self._categories_ready = False
        self._available: bool | None = None
        self._loaded = False

    # --- lifecycle -------------------------------------------------------------------------

    async def load(self) -> None:
        """Read this process's outbox (grabs waiting for qBittorrent)."""
        await self._outbox.load()
        for grab in self._outbox.waiting:
            self._queued(grab)
        self._loaded = True

    def _queued(self, grab: Grab) -> None:
        details = partial(StageDetails, grab.hash, grab.name, grab.category, grab.origin)
        self.pipeline.observe(grab.hash, Stage.QUEUED, details)

    @property
    def outbox(self) -> list[Grab]:
        return self._outbox.waiting

    @property
    def pending_scans(self) -> int:
        """Managed downloads whose scan is due (here or in another process)."""
        return sum(1 for h in self.pipeline.in_stage(Stage.COMPLETED) if self._managed(h))

    def snapshot(self) -> DownloadsSnapshot:
        return DownloadsSnapshot(
            downloads=dict(self.views.current),
            transfer=self.model.transfer(),
            counts=self.model.counts(),
            version=self._qbt.version,
            outbox=len(self.outbox),
            holds=self.holds,
        )

    def transfer(self) -> TransferState:
        return self.model.transfer()

    # --- one poll --------------------------------------------------------------------------

    async def refresh(self) -> DownloadsSnapshot:
        """Deliver waiting grabs, merge qBittorrent's changes, act on completions."""
        if not self._loaded:
            await self.load()
        try:
            if self._qbt.version is None:
                await self._qbt.login()  # learn the version; a bad password shows here
            await self._deliver_outbox()
            update = await self._qbt.maindata(self.model.rid)
        except ServiceUnavailableError as err:
            self._set_available(available=False, reason=err.reason)
            raise
        self._set_available(available=True)
        changes = self.model.apply(update)
        self._remember(changes)
        if changes.full_update:
            await self._on_new_session()
        else:
            await self._outbox.removed_on_purpose(changes.removed)
        await self._outbox.expire()
        touched = (
            set(self.model.torrents) if changes.full_update else changes.added | changes.changed
        )
        for infohash in changes.removed:
            self.pipeline.forget(infohash)
        self.stalls.forget(changes.removed)
        self._replace_considered.difference_update(changes.removed)
        for infohash in touched:
            self._observe(infohash)
        if changes.full_update or changes.categories_changed:
            self._claims.observe(self.model.categories)
            await self._scan.sweep(self.model.categories, self._claim_finished)
        self.views.update(changes, touched)
        await self._check_files(touched, changes.removed)
        await self._organize(touched, changes.removed)
        await self._run_steps()
        await self._check_stalls()
        return self.snapshot()

    def _remember(self, changes: Changes) -> None:
        unseen = self._unseen
        if changes.full_update:
            unseen.full_update = True
        unseen.added |= changes.added
        unseen.changed |= changes.changed
        unseen.removed |= changes.removed
        unseen.added -= changes.removed
        unseen.changed -= changes.removed

    def take_changes(self) -> Changes:
        """What the polls changed since the last call: every poll's changes reach the VPN
        audit, however many polls ran in between."""
        taken, self._unseen = self._unseen, Changes()
        return taken

    def _set_available(self, *, available: bool, reason: str | None = None) -> None:
        if self._available is available:
            return
        if self._available is not None or not available:
            # Hosts log it (Home Assistant's coordinator does; the panel on this event).
            self._events.emit(ServiceStatus("qbittorrent", available, reason))
        self._available = available

    async def _on_new_session(self) -> None:
        """Make categories exist, bring back grabs qBittorrent lost, carry over 0.5's marks."""
        self._categories_ready = False  # qBittorrent may have been reset
        await self._ensure_categories()
        lost = await self._outbox.after_restart(set(self.model.torrents))
        if lost:
            _LOGGER.warning(
                "qBittorrent lost %d recently added torrent(s) across a restart; adding again",
                len(lost),
            )
            await self._deliver_outbox()
        for infohash, stage in list(self._outbox.legacy_marks.items()):
            record = self.model.torrents.get(infohash)
            if (
                record is not None
                and recorded_stage(split_tags(record.tags), complete=True) not in DONE
            ):
                await self._persist(infohash, record, stage)
            del self._outbox.legacy_marks[infohash]

    # --- the pipeline ----------------------------------------------------------------------

    def _managed(self, infohash: str) -> bool:
        record = self.model.torrents.get(infohash)
        return record is not None and is_managed(
            split_tags(record.tags), record.category, self._adopted
        )

    def _to_organize(self, infohash: str) -> bool:
        """Grabbed by MediaHub and still to be organized. Only its own grabs: a torrent of an
        adopted category is Sonarr's or Radarr's, which import it from the names it has."""
        record = self.model.torrents[infohash]
        return TAG in split_tags(record.tags) and self._organizer.wanted(record)

    def _claim_finished(self, claim: Claim) -> bool:
        """A claim whose download is gone or past the step (left by a crash)."""
        return (
            claim.infohash not in self.model.torrents or self.pipeline.stage(claim.infohash) in DONE
        )

    def _observe(self, infohash: str) -> None:
        record = self.model.torrents[infohash]
        tags = split_tags(record.tags)
        # Not in its final folder until organized: completion waits for the new names.
        final = record.settled and not self._to_organize(infohash)
        stage = recorded_stage(tags, complete=record.complete and final)
        if stage is Stage.AVAILABLE and not self.library.loaded:
            # Announced with what Plex holds: wait until the index is read.
            self._unannounced.add(infohash)
            stage = Stage.SCAN_SENT
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
            plex_item=self.library.get(key) if key else None,
        )

    async def _persist(
        self, infohash: str, record: TorrentRecord, stage: Stage, mark: str | None = None
    ) -> None:
        """The one place a step's stage is written: its mark tag in qBittorrent."""
        mark = mark or MARKS[stage]
        await self._qbt.add_tags([infohash], [mark])
        record.tags = f"{record.tags},{mark}" if record.tags else mark  # seen before the next poll
        self.pipeline.observe(
            infohash, stage, lambda: self._details(infohash, record, split_tags(record.tags))
        )

    async def _check_files(self, touched: Iterable[str], removed: Iterable[str]) -> None:
        """The file-list guard for torrents whose metadata has just come in (see `guard`)."""
        for infohash in touched:
            if waiting(self.model.torrents[infohash]):
                self._guarded.add(infohash)
        self._guarded.difference_update(removed)
        for infohash in list(self._guarded):
            record = self.model.torrents.get(infohash)
            if record is None or not waiting(record):
                self._guarded.discard(infohash)
                continue
            verdict = await self._guard.run(infohash, record, lambda: self.model.categories)
            if verdict is None:
                continue
            self._guarded.discard(infohash)
            if verdict.refused:
                if (kept := await self._torrents.record(infohash)) is not None:
                    await self._torrents.keep_record(infohash, replace(kept, refused=verdict.text))
                await self._replace(infohash, verdict.text)

    async def _organize(self, touched: Iterable[str], removed: Iterable[str]) -> None:
        """Rename the files of managed downloads for Plex once their file list is final."""
        for infohash in touched:
            if self._to_organize(infohash):
                self._unorganized.add(infohash)
        self._unorganized.difference_update(removed)
        for infohash in sorted(self._unorganized):
            record = self.model.torrents.get(infohash)
            if record is None or not self._organizer.wanted(record):
                self._unorganized.discard(infohash)
                continue
            if not self._organizer.ready(record):
                continue
            if await self._organizer.run(
                infohash, record, self.model.torrents, lambda: self.model.categories
            ):
                self._unorganized.discard(infohash)
                self.views.refresh(infohash)

    @property
    def awaiting_plex(self) -> bool:
        """A scanned download waits for Plex to list it."""
        return any(self._managed(h) for h in self.pipeline.in_stage(Stage.SCAN_SENT))

    async def confirm_in_plex(self, within: float) -> None:
        """Scanned downloads Plex now lists become available (with the item's key); those it
        has not listed `within` seconds of their completion become not in Plex (and
        available later if Plex lists them then). Only with the library index read."""
        if not self.library.loaded:
            return
        for infohash in sorted(self._unannounced):
            self._unannounced.discard(infohash)
            if infohash in self.model.torrents:
                self._observe(infohash)
                self.views.refresh(infohash)
        now = self._now()
        waiting = self.pipeline.in_stage(Stage.SCAN_SENT) + self.pipeline.in_stage(
            Stage.NOT_IN_PLEX
        )
        for infohash in waiting:
            record = self.model.torrents.get(infohash)
            if record is None or not self._managed(infohash):
                continue
            plex_path = self._scanner.plex_path(record.folder())
            item = self.library.holding(plex_path) if plex_path else None
            if item is not None:
                await self._persist(infohash, record, Stage.AVAILABLE, IN_PLEX_PREFIX + item.key)
            elif (
                self.pipeline.stage(infohash) is Stage.SCAN_SENT
                and now - max(record.completion_on, 0) > within
            ):
                _LOGGER.warning(
                    "Plex has not listed %s (%s) %d minutes after its scan",
                    record.name,
                    plex_path,
                    within // 60,
                )
                await self._persist(infohash, record, Stage.NOT_IN_PLEX, NOT_IN_PLEX)
            else:
                continue
            self.views.refresh(infohash)

    async def _check_stalls(self) -> None:
        """Mark dead downloads (both UIs show why); have grab_best's ones replaced."""
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
            if infohash not in self._replace_considered and self._managed(infohash):
                self._replace_considered.add(infohash)
                await self._replace(infohash, str(reason))

    async def _replace(self, infohash: str, reason: str) -> None:
        """A grab_best grab that is dead or was refused: have the engine take the next-best."""
        if self.replace_dead is None:
            return
        record = await self._torrents.record(infohash)
        if record is not None and record.wanted is not None:
            await self.replace_dead(infohash, record, reason)

    async def _run_steps(self) -> None:
        """The scan due after each managed completion, done by whichever process claims it."""
        if not self.auto_scan:
            return
        for infohash in self.pipeline.in_stage(Stage.COMPLETED):
            if not self._managed(infohash) or infohash in self._unorganized:
                continue  # organizing comes first: Plex scans the organized folder
            record = self.model.torrents[infohash]
            if (done := await self._scan.run(infohash, record)) is None:
                continue
            await self._persist(infohash, record, done)
            await self._scan.marked(infohash, self.model.categories)
            self.views.refresh(infohash)

    # --- grabs -----------------------------------------------------------------------------

    def _category(self, category: object) -> str | None:
        if category is None or category == "":
            return None
        name = category.strip().lower() if isinstance(category, str) else None
        if name not in self._categories:
            choices = ", ".join(sorted(self._categories))
            raise InvalidInputError(
                "unknown_category",
                f"unknown category {category!r}; use one of: {choices}",
                values={"category": str(category), "choices": choices},
            )
        return name

    async def grab(
        self,
        release_id: str,
        category: str | None = None,
        *,
        origin: Origin = Origin.ACTION,
        wanted: dict[str, Any] | None = None,
    ) -> GrabResult:
        """Download a search result by its id; queued if qBittorrent is away. `wanted` (from
        grab_best) is kept with the grab so that a dead download can be replaced."""
        chosen = self._category(category) if category else None
        release, source = await self._sources.release(release_id)
        if chosen is None and release.category in self._categories:
            chosen = release.category  # inferred from the Newznab category (2000 movies, …)
        chosen_release = {
            "title": release.title,
            "indexer": release.indexer,
            "size": release.size,
            "seeders": release.seeders,
        }
        return await self._record(source, chosen, origin, release=chosen_release, wanted=wanted)

    async def add_torrent(
        self, source: str, category: str | None = None, *, origin: Origin = Origin.ACTION
    ) -> GrabResult:
        """Download a magnet link, or the .torrent at an http(s) URL (Home Assistant's one
        `source` field); the panel names the two apart."""
        source = source.strip()
        if source.startswith("magnet:"):
            return await self.add_magnet(source, category, origin=origin)
        if source.startswith(("http://", "https://")):
            return await self.add_torrent_url(source, category, origin=origin)
        raise InvalidInputError(
            "invalid_source", "give a magnet: link or an http(s) URL of a .torrent"
        )

    async def add_magnet(
        self, magnet: str, category: str | None = None, *, origin: Origin = Origin.ACTION
    ) -> GrabResult:
        """Download a magnet link (nothing is fetched)."""
        chosen = self._category(category)
        return await self._record(self._sources.magnet(magnet), chosen, origin)

    async def add_torrent_url(
        self, url: str, category: str | None = None, *, origin: Origin = Origin.ACTION
    ) -> GrabResult:
        """Download the .torrent at `url`, fetched under the URL rules of `urlfetch`."""
        chosen = self._category(category)
        return await self._record(await self._sources.url(url), chosen, origin)

    async def add_torrent_file(
        self, data: bytes, category: str | None = None, *, origin: Origin = Origin.ACTION
    ) -> GrabResult:
        """Download an uploaded .torrent file."""
        chosen = self._category(category)
        if len(data) > MAX_TORRENT_BYTES:
            raise InvalidInputError("torrent_too_large", "the torrent file is too large")
        return await self._record(TorrentSource.of(torrent=data), chosen, origin)

    async def _record(
        self,
        source: TorrentSource,
        category: str | None,
        origin: Origin,
        *,
        release: dict[str, Any] | None = None,
        wanted: dict[str, Any] | None = None,
        absent: bool = False,
    ) -> GrabResult:
        """Check what it holds, keep the torrent and its record, put the grab in the outbox,
        deliver it if we can. `absent`: qBittorrent just said it does not have it (the model
        may still list it, until the next poll)."""
        meta = source.meta
        if not absent:
            self._not_present(meta.infohash)
        size = sum(f.size for f in meta.files) or int((release or {}).get("size") or 0)
        self._guards.check_room(size, self.model)
        try:
            checked(meta, category)
        except ReleaseRefusedError as err:
            # The grab's history says why; the .torrent itself is not kept.
            await self._torrents.keep_record(
                meta.infohash,
                GrabRecord(meta.name, category, origin, self._now(), release, wanted, err.reason),
            )
            refused = GrabResult(meta.infohash, meta.name, category, queued=False, origin=origin)
            self._events.emit(ReleaseRefused(refused, err.reason))
            raise
        if source.torrent is not None:
            await self._torrents.keep_torrent(meta.infohash, source.torrent)
        else:
            assert source.magnet is not None
            await self._torrents.keep_magnet(meta.infohash, source.magnet)
        await self._torrents.keep_record(
            meta.infohash, GrabRecord(meta.name, category, origin, self._now(), release, wanted)
        )
        grab = await self._outbox.put(
            Grab(
                hash=meta.infohash,
                name=meta.name,
                category=category,
                created_at=self._now(),
                origin=origin,
                magnet=source.magnet,
            )
        )
        if grab.delivered_at is None and meta.infohash not in self.model.torrents:
            self._queued(grab)
        try:
            await self._deliver_outbox()
        except ServiceUnavailableError as err:
            _LOGGER.info("qBittorrent is not reachable (%s); %s is queued", err.reason, meta.name)
        return GrabResult(
            grab.hash, grab.name, grab.category, queued=grab.delivered_at is None, origin=origin
        )

    def _not_present(self, infohash: str) -> None:
        """A torrent is added once: a second add names the first (the panel shows it). The
        outbox still holds a grab qBittorrent took but does not list yet (it lists a new
        torrent up to a second later): a second tap in that second is refused too."""
        record = self.model.torrents.get(infohash)
        queued = self._outbox.get(infohash)
        if record is None and queued is None:
            return
        name = record.name if record is not None else queued.name if queued else infohash
        raise InvalidInputError(
            "already_added",
            f"{name} is already in qBittorrent",
            values={"name": name, "hash": infohash},
        )

    async def _ensure_categories(self) -> None:
        """Create the categories with their save paths before anything is added to them
        (qBittorrent would otherwise create a category on the fly, saving to its default)."""
        if self._categories_ready:
            return
        try:
            await self._qbt.ensure_categories(self._categories)
        except ServiceUnavailableError:
            raise
        except MediaHubError as err:
            _LOGGER.warning("Could not set up qBittorrent categories: %s", err)
        else:
            self._categories_ready = True

    async def _deliver_outbox(self) -> None:
        """Add every waiting grab to qBittorrent; stop at the first sign it is away."""
        if self.outbox:
            await self._ensure_categories()
        for grab in self.outbox:
            torrent, magnet = await self._torrents.kept(grab.hash)
            if torrent is None and magnet is None:
                _LOGGER.error("The stored torrent of %s is missing; dropping the grab", grab.name)
                await self._outbox.drop([grab.hash])
                continue
            try:
                meta = TorrentSource.of(torrent=torrent, magnet=magnet).meta
                how = delivery(meta, grab.category, tuple(grab_tags(grab.origin)))
                await self._qbt.add(
                    torrent=torrent,
                    magnet=magnet,
                    category=grab.category,
                    infohash=grab.hash,
                    tags=how.tags,
                    stopped=how.stopped,
                    stop_at_metadata=how.stop_at_metadata,
                )
            except InvalidInputError as err:
                _LOGGER.warning("qBittorrent refused %s: %s", grab.name, err)
                await self._outbox.drop([grab.hash])
                refused = partial(
                    StageDetails,
                    grab.hash,
                    grab.name,
                    grab.category,
                    grab.origin,
                    reason=err.reason,
                )
                self.pipeline.observe(grab.hash, Stage.REFUSED, refused)
                self.pipeline.forget(grab.hash)  # nothing of it is left to follow
                continue
            await self._outbox.delivered(grab.hash)

    # --- control ---------------------------------------------------------------------------

    def _known(self, infohash: str) -> str:
        infohash = infohash.strip().lower()
        if not is_infohash(infohash):
            raise InvalidInputError("invalid_hash", "a download is named by its 40-character hash")
        if infohash not in self.model.torrents:
            raise InvalidInputError("unknown_download", "qBittorrent has no such download")
        return infohash

    async def pause(self, infohash: str) -> None:
        """Stop it; a guard that held it lets it be (the person's stop outlasts the hold)."""
        infohash = self._known(infohash)
        await self._qbt.stop([infohash])
        await self._unhold([infohash])

    async def resume(self, infohash: str) -> None:
        await self._start([self._known(infohash)], force=False)

    async def force_start(self, infohash: str) -> None:
        """Start it whatever the queue says."""
        await self._start([self._known(infohash)], force=True)

    async def pause_all(self) -> None:
        await self._qbt.stop_all()
        await self._unhold(list(self.model.torrents))

    async def resume_all(self) -> None:
        """Start every stopped download; those a guard holds back start when it lets go.
        qBittorrent says which are stopped: a pause a moment ago may not have been polled."""
        await self._start(await self._qbt.stopped(), force=False, quiet=True)

    async def move_in_queue(self, infohash: str, *, top: bool) -> None:
        await self._qbt.move_in_queue([self._known(infohash)], top=top)

    async def _start(self, hashes: list[str], *, force: bool, quiet: bool = False) -> None:
        """Start these, except what an active guard holds back: those are left to it (tagged,
        started when it lets go), and one asked for by name is refused saying why."""
        deferred: dict[Hold, list[str]] = {}
        free = []
        for infohash in hashes:
            hold = next((h for h in self.holds if concerns(h, self.model.torrents[infohash])), None)
            if hold is None:
                free.append(infohash)
            else:
                deferred.setdefault(hold, []).append(infohash)
        for hold, held in deferred.items():
            await self._qbt.add_tags(held, [tag_of(hold)])
            retag(self.model, held, add=tag_of(hold))
        if free:
            if force:
                await self._qbt.force_start(free)
            else:
                await self._qbt.start(free)
        if deferred and not quiet:
            hold = next(iter(deferred))
            raise InvalidInputError(
                f"held_{hold}",
                "MediaHub holds downloads back until the VPN is confirmed; this one starts then"
                if hold is Hold.VPN
                else "MediaHub holds downloads back until the disk has room; this one starts then",
            )

    async def _unhold(self, hashes: list[str]) -> None:
        held = [h for h in hashes if h in self.model.torrents and self.model.torrents[h].held()]
        if held:
            await self._qbt.remove_tags(held, [tag_of(hold) for hold in Hold])
            for hold in Hold:
                retag(self.model, held, remove=tag_of(hold))

    async def remove(self, infohash: str, *, delete_files: bool = False) -> None:
        """Remove from qBittorrent (the kept .torrent stays for a re-download)."""
        infohash = self._known(infohash)
        await self._qbt.delete([infohash], delete_files=delete_files)
        await self._outbox.drop([infohash])

    async def redownload(
        self, infohash: str, category: str | None = None, *, origin: Origin = Origin.ACTION
    ) -> GrabResult:
        """Add a kept .torrent (or magnet) again, e.g. after its files were deleted."""
        infohash = infohash.strip().lower()
        if not is_infohash(infohash):
            raise InvalidInputError("invalid_hash", "a download is named by its 40-character hash")
        # Asked of qBittorrent, not the model: a removal just made is not in it until a poll.
        if await self._qbt.has(infohash):
            raise InvalidInputError(
                "already_downloading", "that download is already in qBittorrent"
            )
        torrent, magnet = await self._torrents.kept(infohash)
        if torrent is None and magnet is None:
            raise InvalidInputError(
                "no_stored_torrent", "MediaHub has no stored torrent for that hash"
            )
        old = await self._torrents.record(infohash)
        await self._outbox.drop([infohash])
        chosen = self._category(category) if category else (old.category if old else None)
        return await self._record(
            TorrentSource.of(torrent=torrent, magnet=magnet),
            chosen,
            origin,
            release=old.release if old else None,
            absent=True,
        )

    async def scan_library(self, key: str, path: str | None = None) -> None:
        """Scan one library, or only `path` in it (as qBittorrent or as Plex names it)."""
        await self._scanner.scan_library(key, path)
