"""MediaHub's model of qBittorrent, kept current from incremental `sync/maindata`.

qBittorrent sends the full snapshot once per session (rid 0, or an rid it does not know) and
afterwards only what changed: partial torrent dicts, partial server state and `*_removed`
lists. `MaindataModel.apply` merges those into compact records (only the fields MediaHub uses)
and says what changed, so callers rebuild only those downloads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import sys
from typing import Any, Final

from ..models import (
    ETA_UNKNOWN,
    ConnectionStatus,
    Download,
    DownloadCounts,
    DownloadStatus,
    Hold,
    Origin,
    Stage,
    Stall,
    TransferAudit,
    TransferState,
    status_of,
)

# The torrent fields MediaHub keeps; everything else qBittorrent sends is dropped.
TORRENT_FIELDS: Final = (
    "name",
    "state",
    "progress",
    "size",
    "downloaded",
    "uploaded",
    "dlspeed",
    "upspeed",
    "eta",
    "category",
    "tags",
    "save_path",
    "content_path",
    "root_path",
    "added_on",
    "completion_on",
    "num_seeds",
    "num_leechs",
    "ratio",
    "amount_left",
    "last_activity",
)
# Strings shared by many torrents (states, categories, folders) are interned.
_INTERNED: Final = frozenset({"state", "category", "save_path", "tags"})

SERVER_FIELDS: Final = (
    "dl_info_speed",
    "up_info_speed",
    "alltime_dl",
    "alltime_ul",
    "free_space_on_disk",
    "connection_status",
    "last_external_address_v4",
    "dht_nodes",
    "use_alt_speed_limits",
    "dl_rate_limit",
    "up_rate_limit",
    "queueing",
)


def split_tags(tags: str) -> tuple[str, ...]:
    """qBittorrent's comma-separated `tags` field as a tuple of tags."""
    return tuple(t for t in (t.strip() for t in tags.split(",")) if t)


class TorrentRecord:
    """One torrent's kept fields; partial updates are merged attribute by attribute."""

    __slots__ = TORRENT_FIELDS

    def __init__(self) -> None:
        self.name = ""
        self.state = "unknown"
        self.progress = 0.0
        self.size = 0
        self.downloaded = 0
        self.uploaded = 0
        self.dlspeed = 0
        self.upspeed = 0
        self.eta = ETA_UNKNOWN
        self.category = ""
        self.tags = ""
        self.save_path = ""
        self.content_path = ""
        self.root_path: str | None = None
        self.added_on = 0
        self.completion_on = -1
        self.num_seeds = 0
        self.num_leechs = 0
        self.ratio = 0.0
        self.amount_left = 0
        self.last_activity = 0

    def merge(self, changes: Mapping[str, Any]) -> None:
        for key, value in changes.items():
            if key in TORRENT_FIELDS:
                if key in _INTERNED and isinstance(value, str):
                    value = sys.intern(value)  # noqa: PLW2901 - same value, shared storage
                setattr(self, key, value)

    @property
    def complete(self) -> bool:
        return self.progress >= 1.0 and status_of(self.state) not in (
            DownloadStatus.CHECKING,
            DownloadStatus.MOVING,
        )

    @property
    def settled(self) -> bool:
        """Its files are in their final folder (not still being moved out of an incomplete
        folder)."""
        return not self.save_path or self.content_path.startswith(self.save_path.rstrip("/"))

    @property
    def transferred(self) -> int:
        """Bytes moved either way: what the VPN audit accounts for."""
        return int(self.downloaded) + int(self.uploaded)

    def folder(self) -> str:
        """The folder the download's files are in: its root folder, or the file's folder."""
        if self.root_path:
            return self.root_path.rstrip("/")
        if self.root_path is None and self.content_path.rstrip("/") != self.save_path.rstrip("/"):
            # qBittorrent too old to send root_path: assume a folder unless it looks like a file.
            last = self.content_path.rstrip("/").rsplit("/", 1)[-1]
            if "." not in last[-6:]:
                return self.content_path.rstrip("/")
        return self.content_path.rstrip("/").rsplit("/", 1)[0] or "/"

    def to_download(
        self,
        infohash: str,
        *,
        from_mediahub: bool,
        stage: Stage = Stage.DOWNLOADING,
        grabbed_by: Origin | None = None,
        stalled: Stall | None = None,
        vpn_audit: TransferAudit | None = None,
        held: Hold | None = None,
        plex_key: str | None = None,
    ) -> Download:
        """The download as hosts show it; what MediaHub's tags mean is read by the caller
        (lifecycle/tags.py)."""
        tags = split_tags(self.tags)
        return Download(
            hash=infohash,
            name=self.name,
            state=self.state,
            status=status_of(self.state),
            progress=float(self.progress),
            size=int(self.size),
            downloaded=int(self.downloaded),
            download_speed=int(self.dlspeed),
            upload_speed=int(self.upspeed),
            eta=None if self.eta >= ETA_UNKNOWN or self.eta < 0 else int(self.eta),
            category=self.category,
            tags=tags,
            save_path=self.save_path,
            content_path=self.content_path,
            added_on=int(self.added_on),
            completed_on=int(self.completion_on) if self.completion_on > 0 else None,
            seeds=int(self.num_seeds),
            peers=int(self.num_leechs),
            ratio=float(self.ratio),
            from_mediahub=from_mediahub,
            stage=stage,
            grabbed_by=grabbed_by,
            stalled=stalled,
            held=held,
            vpn_audit=vpn_audit,
            plex_key=plex_key,
        )


@dataclass(slots=True)
class Changes:
    """What one maindata answer changed."""

    full_update: bool = False
    added: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)
    completed: set[str] = field(default_factory=set)
    server_changed: bool = False
    categories_changed: bool = False


@dataclass
class MaindataModel:
    """qBittorrent's torrents and server state as the sync cursor has delivered them."""

    rid: int = 0
    torrents: dict[str, TorrentRecord] = field(default_factory=dict)
    server: dict[str, Any] = field(default_factory=dict)
    categories: set[str] = field(default_factory=set)
    snapshots: int = 0  # how many full updates have been applied
    # qBittorrent has measured its disk (said a free space other than 0) since MediaHub started.
    disk_measured: bool = False

    def reset(self) -> None:
        """Forget the cursor: the next poll asks for a full snapshot (e.g. after a re-login)."""
        self.rid = 0

    def apply(self, update: Mapping[str, Any]) -> Changes:
        """Merge one `sync/maindata` answer and return what changed."""
        changes = Changes(full_update=bool(update.get("full_update")))
        torrents = update.get("torrents") or {}
        if changes.full_update:
            self.snapshots += 1
            previous = self.torrents
            self.torrents = {}
            self.server = {}
            self.categories = set()
            changes.removed = set(previous) - set(torrents)
        else:
            previous = self.torrents
        for infohash, partial in torrents.items():
            record = self.torrents.get(infohash)
            if record is None:
                old = previous.get(infohash)
                record = TorrentRecord()
                was_complete = old.complete if old is not None else None
                self.torrents[infohash] = record
                record.merge(partial)
                if old is None:
                    changes.added.add(infohash)
                else:
                    changes.changed.add(infohash)
                if was_complete is False and record.complete:
                    changes.completed.add(infohash)
                continue
            was_complete = record.complete
            record.merge(partial)
            changes.changed.add(infohash)
            if not was_complete and record.complete:
                changes.completed.add(infohash)
        for infohash in update.get("torrents_removed") or ():
            if self.torrents.pop(infohash, None) is not None:
                changes.removed.add(infohash)
        categories = set(update.get("categories") or ())
        gone = set(update.get("categories_removed") or ())
        if categories - self.categories or gone & self.categories:
            changes.categories_changed = True
        self.categories = (self.categories | categories) - gone
        server = update.get("server_state") or {}
        kept = {k: v for k, v in server.items() if k in SERVER_FIELDS}
        if kept:
            self.server.update(kept)
            changes.server_changed = True
            self.disk_measured = self.disk_measured or bool(kept.get("free_space_on_disk"))
        self.rid = int(update.get("rid", self.rid))
        return changes

    def transfer(self) -> TransferState:
        s = self.server
        free = s.get("free_space_on_disk")
        return TransferState(
            download_speed=int(s.get("dl_info_speed", 0)),
            upload_speed=int(s.get("up_info_speed", 0)),
            alltime_download=int(s.get("alltime_dl", 0)),
            alltime_upload=int(s.get("alltime_ul", 0)),
            # Until qBittorrent has measured the disk (its first answers after it starts) it says
            # 0: that is not known, not a full disk. Once measured, 0 is a full disk.
            free_space=int(free)
            if isinstance(free, int) and (free or self.disk_measured)
            else None,
            connection_status=ConnectionStatus.parse(s.get("connection_status")),
            external_ipv4=s.get("last_external_address_v4") or None,
            dht_nodes=int(s.get("dht_nodes", 0)),
            alt_speed=bool(s.get("use_alt_speed_limits", False)),
            download_limit=max(0, int(s.get("dl_rate_limit", 0))),
            upload_limit=max(0, int(s.get("up_rate_limit", 0))),
            queueing=bool(s.get("queueing", False)),
        )

    def counts(self) -> DownloadCounts:
        tally: dict[DownloadStatus, int] = {}
        for record in self.torrents.values():
            status = status_of(record.state)
            tally[status] = tally.get(status, 0) + 1
        downloading = sum(
            tally.get(s, 0)
            for s in (DownloadStatus.DOWNLOADING, DownloadStatus.STALLED, DownloadStatus.METADATA)
        )
        return DownloadCounts(
            downloading=downloading,
            seeding=tally.get(DownloadStatus.SEEDING, 0),
            stopped=tally.get(DownloadStatus.STOPPED, 0),
            errored=tally.get(DownloadStatus.ERRORED, 0),
            total=len(self.torrents),
        )
