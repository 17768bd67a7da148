"""What hosts show of each download, rebuilt only for what a poll changed."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..clients.maindata import Changes, MaindataModel, split_tags
from ..events import DownloadsChanged, EventBus
from ..models import Download, Stage, Stall, TransferAudit
from .pipeline import Pipeline
from .tags import grabbed, hold_of, origin_of, plex_key_of


class DownloadViews:
    """One Download per torrent qBittorrent has, with its stage; changes go out as one
    DownloadsChanged per poll."""

    def __init__(
        self,
        model: MaindataModel,
        pipeline: Pipeline,
        queued_here: Callable[[str], bool],
        events: EventBus,
        *,
        stalled: Callable[[str], Stall | None] = lambda _hash: None,
        vpn_audit: Callable[[str], TransferAudit] | None = None,
    ) -> None:
        self._model = model
        self._pipeline = pipeline
        self._queued_here = queued_here
        self._events = events
        self._stalled = stalled
        # A download's VPN audit, when there is a VPN to audit against (controls/audit.py).
        self._vpn_audit = vpn_audit
        self.current: dict[str, Download] = {}

    def update(self, changes: Changes, touched: set[str]) -> None:
        if changes.full_update:
            self.current = {}
        for infohash in changes.removed:
            self.current.pop(infohash, None)
        changed: dict[str, Download] = {}
        for infohash in touched:
            view = self._view(infohash)
            if self.current.get(infohash) != view:
                changed[infohash] = view
            self.current[infohash] = view
        if changed or changes.removed or changes.server_changed:
            self._events.emit(
                DownloadsChanged(changed, frozenset(changes.removed), self._model.transfer())
            )

    def refresh(self, infohash: str) -> None:
        """Show a download anew now (a step finished between two polls)."""
        if infohash in self._model.torrents:
            view = self.current[infohash] = self._view(infohash)
            self._events.emit(
                DownloadsChanged({infohash: view}, frozenset(), self._model.transfer())
            )

    def refresh_many(self, hashes: Iterable[str]) -> None:
        """Show these downloads anew, in one change."""
        changed = {
            h: self._view(h) for h in hashes if h in self._model.torrents and h in self.current
        }
        changed = {h: v for h, v in changed.items() if self.current.get(h) != v}
        if changed:
            self.current.update(changed)
            self._events.emit(DownloadsChanged(changed, frozenset(), self._model.transfer()))

    def _view(self, infohash: str) -> Download:
        record = self._model.torrents[infohash]
        tags = split_tags(record.tags)
        return record.to_download(
            infohash,
            from_mediahub=grabbed(tags) or self._queued_here(infohash),
            stage=self._pipeline.stage(infohash) or Stage.DOWNLOADING,
            grabbed_by=origin_of(tags),
            stalled=self._stalled(infohash),
            vpn_audit=self._vpn_audit(infohash) if self._vpn_audit else None,
            held=hold_of(tags),
            plex_key=plex_key_of(tags),
        )
