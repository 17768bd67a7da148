"""Downloads: what Home Assistant and the panel hold to grab, watch and control downloads.

A grab keeps its .torrent in the torrents store and waits in this process's outbox until
qBittorrent takes it, with MediaHub's tags (`tags.grab_tags`). From then on qBittorrent is the
record every MediaHub process reads. `refresh()` is one poll:

1. deliver the outbox;
2. merge `sync/maindata` into the model (a new qBittorrent session also re-delivers grabs it
   lost in a crash, see `outbox`);
3. hand the changes to the lifecycle (`Lifecycle.advance`, see `life`): each download's
   stage, then the steps due (guard, organize, scan, confirm in Plex, stalls), and the views.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
import logging
import time
from typing import Any

from ..clients.maindata import Changes, MaindataModel
from ..clients.prowlarr import MAX_TORRENT_BYTES
from ..clients.qbittorrent import QbittorrentClient
from ..controls.holds import Guards, concerns, held_by, retag
from ..errors import InvalidInputError, MediaHubError, ServiceUnavailableError
from ..events import EventBus, ServiceStatus
from ..models import DownloadsSnapshot, GrabResult, Hold, Origin, TransferState
from .guard import ReleaseRefusedError, checked, delivery
from .life import Lifecycle
from .outbox import Grab, Outbox
from .pipeline import Pipeline
from .scanner import LibraryScanner
from .sources import TorrentSource, TorrentSources
from .stalls import Stalls
from .store import GrabRecord, TorrentStore, is_infohash
from .tags import grab_tags, held_tag
from .views import DownloadViews

_LOGGER = logging.getLogger(__name__)


class Downloads:
    """Grabs, this process's outbox, the controls over downloads, and the poll that hands
    qBittorrent's changes to the lifecycle."""

    def __init__(
        self,
        *,
        qbittorrent: QbittorrentClient,
        sources: TorrentSources,
        outbox: Outbox,
        torrents: TorrentStore,
        lifecycle: Lifecycle,
        scanner: LibraryScanner,
        categories: Mapping[str, str],
        events: EventBus,
        guards: Guards,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._qbt = qbittorrent
        self._sources = sources
        self._outbox = outbox
        self._torrents = torrents
        self._life = lifecycle
        self._scanner = scanner
        self._categories = dict(categories)
        self._events = events
        self._guards = guards
        self._now = wall_clock
        self.holds: frozenset[Hold] = frozenset()  # the guards' holds at the last poll
        # What the polls changed since the engine last took them (see `take_changes`).
        self._unseen = Changes()
        self._categories_ready = False
        self._available: bool | None = None
        self._loaded = False

    # What the hosts read of the lifecycle, under the names they have always used.

    @property
    def model(self) -> MaindataModel:
        return self._life.model

    @property
    def pipeline(self) -> Pipeline:
        return self._life.pipeline

    @property
    def views(self) -> DownloadViews:
        return self._life.views

    @property
    def stalls(self) -> Stalls:
        return self._life.stalls

    @property
    def auto_scan(self) -> bool:
        return self._life.auto_scan

    @property
    def pending_scans(self) -> int:
        """Managed downloads whose scan is due (here or in another process)."""
        return self._life.pending_scans

    # --- state -----------------------------------------------------------------------------

    async def load(self) -> None:
        """Read this process's outbox (grabs waiting for qBittorrent)."""
        await self._outbox.load()
        for grab in self._outbox.waiting:
            self._life.queued(grab)
        self._loaded = True

    @property
    def outbox(self) -> list[Grab]:
        return self._outbox.waiting

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
        """Deliver waiting grabs, merge qBittorrent's changes, move every download's life on."""
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
        await self._life.advance(changes)
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
        await self._life.carry_over(self._outbox.legacy_marks)

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
        tags: tuple[str, ...] = (),
        queue: bool = True,
    ) -> GrabResult:
        """Download a search result by its id; queued if qBittorrent is away. `wanted` (from
        grab_best) is kept with the grab so that a dead download can be replaced. `tags` go
        on the torrent besides MediaHub's own; without `queue` the grab is delivered now or
        not at all (a wish's grab: another process may grab it once this one is gone, so none
        may wait in this process's outbox)."""
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
        return await self._record(
            source, chosen, origin, release=chosen_release, wanted=wanted, tags=tags, queue=queue
        )

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
        tags: tuple[str, ...] = (),
        queue: bool = True,
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
            self._events.emit(err.event(refused))
            raise
        if source.torrent is not None:
            await self._torrents.keep_torrent(meta.infohash, source.torrent)
        else:
            assert source.magnet is not None
            await self._torrents.keep_magnet(meta.infohash, source.magnet)
        await self._torrents.keep_record(
            meta.infohash, GrabRecord(meta.name, category, origin, self._now(), release, wanted)
        )
        if not queue:
            await self._ensure_categories()
            how = delivery(meta, category, (*grab_tags(origin), *tags))
            await self._qbt.add(
                torrent=source.torrent,
                magnet=source.magnet,
                category=category,
                infohash=meta.infohash,
                tags=how.tags,
                stopped=how.stopped,
                stop_at_metadata=how.stop_at_metadata,
            )
            return GrabResult(meta.infohash, meta.name, category, queued=False, origin=origin)
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
            self._life.queued(grab)
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
                self._life.refused(grab, err.reason)
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
            await self._qbt.add_tags(held, [held_tag(hold)])
            retag(self.model, held, add=held_tag(hold))
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
        torrents = self.model.torrents
        held = [h for h in hashes if h in torrents and held_by(torrents[h])]
        if held:
            await self._qbt.remove_tags(held, [held_tag(hold) for hold in Hold])
            for hold in Hold:
                retag(self.model, held, remove=held_tag(hold))

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
