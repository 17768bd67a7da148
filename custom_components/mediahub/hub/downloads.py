"""The download pipeline: grab → outbox → qBittorrent → completion → Plex scan.

- A grab resolves a search result server-side, fetches its .torrent through Prowlarr's proxy
  (or the magnet it redirects to), keeps it in the torrents directory and records the grab in
  the state directory *before* it tries qBittorrent. While qBittorrent is unreachable the grab
  waits in this outbox, also across a restart of the process, and is delivered on a later
  poll. Delivery is exactly-once because qBittorrent identifies a torrent by its infohash and
  MediaHub checks for it before adding.
- qBittorrent stopped abruptly loses the torrents it added in the seconds before (measured: 88
  of 2,000). A delivered grab missing from the first full snapshot of a new session, within
  `AT_RISK_WINDOW` of its delivery, is delivered again; one that qBittorrent reported in
  `torrents_removed` while it was up was removed on purpose and is forgotten.
- `refresh()` is one poll: deliver the outbox, merge `sync/maindata`, detect completions (a
  download whose progress reaches 1 and whose files sit in their final folder), and ask Plex
  to scan exactly that folder, retrying while Plex is away.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
import logging
import time
from typing import Final

from .errors import InvalidInputError, MediaHubError, ServiceUnavailableError
from .events import (
    DownloadAdded,
    DownloadCompleted,
    DownloadsChanged,
    EventBus,
    ScanRequested,
    ServiceStatus,
)
from .maindata import Changes, MaindataModel
from .models import (
    CompletedDownload,
    Download,
    DownloadsSnapshot,
    GrabResult,
    Library,
    TransferState,
)
from .pathmap import PathMap, library_for
from .plex import PlexClient
from .prowlarr import ProwlarrClient
from .qbittorrent import TAG, QbittorrentClient
from .search import SearchService
from .store import Grab, StateStore, is_infohash
from .torrentfile import TorrentMeta, read_magnet, read_torrent
from .urlfetch import TorrentUrlFetcher

_LOGGER = logging.getLogger(__name__)

AT_RISK_WINDOW: Final = 10 * 60  # seconds after delivery a vanished grab is re-added
SCAN_RETRY_AFTER: Final = 30.0


@dataclass(slots=True)
class _PendingScan:
    hash: str
    plex_path: str
    next_attempt: float


class DownloadPipeline:
    """Owns the qBittorrent model, the grabs MediaHub made and what follows a completion."""

    def __init__(
        self,
        *,
        qbittorrent: QbittorrentClient,
        prowlarr: ProwlarrClient,
        search: SearchService,
        plex: PlexClient,
        store: StateStore,
        path_map: PathMap,
        categories: Mapping[str, str],
        fetcher: TorrentUrlFetcher,
        events: EventBus,
        auto_scan: bool = True,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._qbt = qbittorrent
        self._prowlarr = prowlarr
        self._search = search
        self._plex = plex
        self._store = store
        self._path_map = path_map
        self._categories = dict(categories)
        self._fetcher = fetcher
        self._events = events
        self.auto_scan = auto_scan
        self._now = wall_clock
        self.model = MaindataModel()
        self._grabs: dict[str, Grab] = {}
        self._views: dict[str, Download] = {}
        self._pending_completion: set[str] = set()
        self._pending_scans: list[_PendingScan] = []
        self._scan_sent: set[str] = set()
        self._categories_ready = False
        self._available: bool | None = None
        self._snapshots_handled = 0
        self._loaded = False

    # --- lifecycle -------------------------------------------------------------------------

    async def load(self) -> None:
        """Read the grabs recorded by an earlier run (the outbox among them)."""
        self._grabs = await self._store.load()
        self._loaded = True

    @property
    def outbox(self) -> list[Grab]:
        return [g for g in self._grabs.values() if g.delivered_at is None and not g.removed]

    def snapshot(self) -> DownloadsSnapshot:
        return DownloadsSnapshot(
            downloads=dict(self._views),
            transfer=self.model.transfer(),
            counts=self.model.counts(),
            version=self._qbt.version,
            outbox=len(self.outbox),
        )

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
        if changes.full_update:
            await self._on_full_snapshot()
        else:
            await self._forget_removed_on_purpose(changes.removed)
        self._pending_completion |= changes.completed
        # Our grabs first seen already complete (finished between polls, or while this
        # process was away) have no transition to detect.
        appeared = self.model.torrents if changes.full_update else changes.added
        self._pending_completion |= {
            h
            for h in appeared
            if (g := self._grabs.get(h)) is not None and g.delivered_at and not g.completed
        }
        self._update_views(changes)
        await self._handle_completions()
        await self._retry_scans()
        return self.snapshot()

    def _set_available(self, *, available: bool, reason: str | None = None) -> None:
        if self._available is available:
            return
        if self._available is not None or not available:
            # Hosts log it (Home Assistant's coordinator does; the panel on this event).
            self._events.emit(ServiceStatus("qbittorrent", available, reason))
        self._available = available

    async def _on_full_snapshot(self) -> None:
        """A new session: make categories exist and bring back grabs qBittorrent lost."""
        self._categories_ready = False  # qBittorrent may have been reset
        await self._ensure_categories()
        now = self._now()
        lost = []
        forgotten = 0
        for grab in self._grabs.values():
            if grab.delivered_at is None or grab.removed or grab.hash in self.model.torrents:
                continue
            if now - grab.delivered_at <= AT_RISK_WINDOW:
                lost.append(grab)
                grab.delivered_at = None  # back into the outbox
            else:
                grab.removed = True  # removed while we were not watching
                forgotten += 1
        if lost:
            _LOGGER.warning(
                "qBittorrent lost %d recently added torrent(s) across a restart; adding again",
                len(lost),
            )
        if lost or forgotten:
            await self._store.save(self._grabs)
        if lost:
            await self._deliver_outbox()

    async def _forget_removed_on_purpose(self, removed: set[str]) -> None:
        """qBittorrent said these were removed while it was up: never bring them back."""
        gone = [h for h in removed if h in self._grabs and self._grabs[h].delivered_at]
        for infohash in gone:
            self._grabs[infohash].removed = True
        self._pending_completion -= removed
        if gone:
            await self._store.save(self._grabs)

    def _update_views(self, changes: Changes) -> None:
        if changes.full_update:
            self._views = {}
        for infohash in changes.removed:
            self._views.pop(infohash, None)
        changed: dict[str, Download] = {}
        for infohash in (
            (changes.added | changes.changed) if not changes.full_update else self.model.torrents
        ):
            record = self.model.torrents.get(infohash)
            if record is None:
                continue
            view = self._view(infohash)
            if self._views.get(infohash) != view:
                changed[infohash] = view
            self._views[infohash] = view
        if changed or changes.removed or changes.server_changed:
            self._events.emit(
                DownloadsChanged(changed, frozenset(changes.removed), self.model.transfer())
            )

    def _view(self, infohash: str) -> Download:
        record = self.model.torrents[infohash]
        grab = self._grabs.get(infohash)
        return record.to_download(
            infohash,
            from_mediahub=grab is not None or TAG in (t.strip() for t in record.tags.split(",")),
            scan_sent=bool(grab and grab.scan_sent) or infohash in self._scan_sent,
        )

    # --- grabs -----------------------------------------------------------------------------

    def _category(self, category: str | None) -> str | None:
        if category is None or category == "":
            return None
        name = category.strip().lower()
        if name not in self._categories:
            raise InvalidInputError(
                "unknown_category",
                f"unknown category {category!r}; use one of: {', '.join(sorted(self._categories))}",
            )
        return name

    async def grab(self, release_id: str, category: str | None = None) -> GrabResult:
        """Download a search result by its id; queued if qBittorrent is away."""
        release, link = self._search.resolve(release_id)
        if category:
            chosen = self._category(category)
        else:  # inferred from the Newznab category (2000 movies, 5000 tv, ...)
            chosen = release.category if release.category in self._categories else None
        payload = await self._prowlarr.fetch_torrent(link)
        if payload.magnet:
            return await self._record(read_magnet(payload.magnet), chosen, magnet=payload.magnet)
        assert payload.torrent is not None
        return await self._record(read_torrent(payload.torrent), chosen, torrent=payload.torrent)

    async def add_torrent(self, source: str, category: str | None = None) -> GrabResult:
        """Download a magnet link, or the .torrent at an http(s) URL (Home Assistant's one
        `source` field); the panel names the two apart."""
        source = source.strip()
        if source.startswith("magnet:"):
            return await self.add_magnet(source, category)
        if source.startswith(("http://", "https://")):
            return await self.add_torrent_url(source, category)
        raise InvalidInputError(
            "invalid_source", "give a magnet: link or an http(s) URL of a .torrent"
        )

    async def add_magnet(self, magnet: str, category: str | None = None) -> GrabResult:
        """Download a magnet link (nothing is fetched)."""
        chosen = self._category(category)
        magnet = magnet.strip()
        if not magnet.startswith("magnet:"):
            raise InvalidInputError("invalid_magnet", "a magnet link starts with magnet:?")
        return await self._record(read_magnet(magnet), chosen, magnet=magnet)

    async def add_torrent_url(self, url: str, category: str | None = None) -> GrabResult:
        """Download the .torrent at `url`, fetched under the URL rules of `urlfetch`."""
        chosen = self._category(category)
        fetched = await self._fetcher.fetch(url.strip())
        if fetched.magnet is not None:
            return await self._record(read_magnet(fetched.magnet), chosen, magnet=fetched.magnet)
        assert fetched.torrent is not None
        return await self._record(read_torrent(fetched.torrent), chosen, torrent=fetched.torrent)

    async def _record(
        self,
        meta: TorrentMeta,
        category: str | None,
        *,
        torrent: bytes | None = None,
        magnet: str | None = None,
    ) -> GrabResult:
        """Keep the torrent, put the grab in the outbox, and try to deliver it now."""
        if torrent is not None:
            await self._store.keep_torrent(meta.infohash, torrent)
        else:
            assert magnet is not None
            await self._store.keep_magnet(meta.infohash, magnet)
        if meta.infohash not in self._grabs:
            self._grabs[meta.infohash] = Grab(
                hash=meta.infohash,
                name=meta.name,
                category=category,
                created_at=self._now(),
                magnet=magnet,
            )
            await self._store.save(self._grabs)
        try:
            await self._deliver_outbox()
        except ServiceUnavailableError as err:
            _LOGGER.info("qBittorrent is not reachable (%s); %s is queued", err.reason, meta.name)
        grab = self._grabs[meta.infohash]
        return GrabResult(meta.infohash, meta.name, grab.category, queued=grab.delivered_at is None)

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
            torrent, magnet = await self._store.kept(grab.hash)
            if torrent is None and magnet is None:
                _LOGGER.error("The stored torrent of %s is missing; dropping the grab", grab.name)
                del self._grabs[grab.hash]
                await self._store.save(self._grabs)
                continue
            try:
                added = await self._qbt.add(
                    torrent=torrent, magnet=magnet, category=grab.category, infohash=grab.hash
                )
            except InvalidInputError as err:
                _LOGGER.warning("qBittorrent refused %s: %s", grab.name, err)
                del self._grabs[grab.hash]
                await self._store.save(self._grabs)
                continue
            grab.delivered_at = self._now()
            await self._store.save(self._grabs)
            if added:
                self._events.emit(
                    DownloadAdded(GrabResult(grab.hash, grab.name, grab.category, queued=False))
                )

    # --- control ---------------------------------------------------------------------------

    def _known(self, infohash: str) -> str:
        infohash = infohash.strip().lower()
        if not is_infohash(infohash):
            raise InvalidInputError("invalid_hash", "a download is named by its 40-character hash")
        if infohash not in self.model.torrents:
            raise InvalidInputError("unknown_download", "qBittorrent has no such download")
        return infohash

    async def pause(self, infohash: str) -> None:
        await self._qbt.stop([self._known(infohash)])

    async def resume(self, infohash: str) -> None:
        await self._qbt.start([self._known(infohash)])

    async def remove(self, infohash: str, *, delete_files: bool = False) -> None:
        """Remove from qBittorrent (the kept .torrent stays for a re-download)."""
        infohash = self._known(infohash)
        await self._qbt.delete([infohash], delete_files=delete_files)
        if (grab := self._grabs.get(infohash)) is not None:
            grab.removed = True
            await self._store.save(self._grabs)

    async def redownload(self, infohash: str, category: str | None = None) -> GrabResult:
        """Add a kept .torrent (or magnet) again, e.g. after its files were deleted."""
        infohash = infohash.strip().lower()
        if not is_infohash(infohash):
            raise InvalidInputError("invalid_hash", "a download is named by its 40-character hash")
        if infohash in self.model.torrents or await self._qbt.has(infohash):
            raise InvalidInputError(
                "already_downloading", "that download is already in qBittorrent"
            )
        torrent, magnet = await self._store.kept(infohash)
        if torrent is not None:
            meta = read_torrent(torrent)
        elif magnet is not None:
            meta = read_magnet(magnet)
        else:
            raise InvalidInputError(
                "no_stored_torrent", "MediaHub has no stored torrent for that hash"
            )
        old = self._grabs.pop(infohash, None)
        chosen = self._category(category) if category else (old.category if old else None)
        return await self._record(meta, chosen, torrent=torrent, magnet=magnet)

    # --- completion and Plex -----------------------------------------------------------------

    async def _handle_completions(self) -> None:
        for infohash in sorted(self._pending_completion):
            record = self.model.torrents.get(infohash)
            if record is None or not record.complete:
                self._pending_completion.discard(infohash)
                continue
            if record.save_path and not record.content_path.startswith(
                record.save_path.rstrip("/")
            ):
                continue  # still being moved out of the incomplete folder
            self._pending_completion.discard(infohash)
            grab = self._grabs.get(infohash)
            if grab is not None:
                if grab.completed:
                    continue
                grab.completed = True
                await self._store.save(self._grabs)
            folder = record.folder()
            plex_path = self._path_map.to_plex(folder)
            done = CompletedDownload(
                hash=infohash,
                name=record.name,
                category=record.category,
                content_path=record.content_path,
                size=int(record.size),
                plex_path=plex_path,
            )
            _LOGGER.info("Download complete: %s", record.name)
            self._events.emit(DownloadCompleted(done))
            if not self.auto_scan:
                continue
            if plex_path is None:
                _LOGGER.info("%s is outside the path map; Plex is not asked to scan it", folder)
                continue
            self._pending_scans.append(_PendingScan(infohash, plex_path, 0.0))

    async def _retry_scans(self) -> None:
        now = self._now()
        due = [s for s in self._pending_scans if s.next_attempt <= now]
        for scan in due:
            try:
                library = await self._scan_folder(scan.plex_path)
            except MediaHubError as err:
                if scan.next_attempt == 0.0:
                    _LOGGER.warning("Plex scan of %s failed (%s); will retry", scan.plex_path, err)
                scan.next_attempt = now + SCAN_RETRY_AFTER
                continue
            self._pending_scans.remove(scan)
            if library is None:
                continue
            self._scan_sent.add(scan.hash)
            if (grab := self._grabs.get(scan.hash)) is not None:
                grab.scan_sent = True
                await self._store.save(self._grabs)
            if scan.hash in self.model.torrents:
                view = self._views[scan.hash] = self._view(scan.hash)
                self._events.emit(
                    DownloadsChanged({scan.hash: view}, frozenset(), self.model.transfer())
                )

    @property
    def pending_scans(self) -> int:
        return len(self._pending_scans)

    async def _scan_folder(self, plex_path: str) -> Library | None:
        library = library_for(plex_path, await self._plex.libraries())
        if library is None:
            _LOGGER.warning("No Plex library covers %s; nothing to scan", plex_path)
            return None
        await self._plex.scan(library.key, plex_path)
        self._events.emit(ScanRequested(library.key, library.title, plex_path))
        return library

    async def scan_library(self, key: str, path: str | None = None) -> None:
        """Scan one library, or only `path` in it (as qBittorrent or as Plex names it)."""
        libraries = await self._plex.libraries()
        library = next(
            (lib for lib in libraries if lib.key == key or lib.title.lower() == key.lower()), None
        )
        if library is None:
            raise InvalidInputError("unknown_library", f"Plex has no library {key!r}")
        plex_path = None
        if path:
            plex_path = self._path_map.to_plex(path) or path
            if library_for(plex_path, [library]) is None:
                raise InvalidInputError(
                    "path_outside_library",
                    f"{path} is not inside the {library.title} library's folders",
                )
        await self._plex.scan(library.key, plex_path)
        self._events.emit(ScanRequested(library.key, library.title, plex_path))

    def transfer(self) -> TransferState:
        return self.model.transfer()
