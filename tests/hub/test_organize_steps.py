"""The organizing step's outcomes that real qBittorrent rarely shows on cue: a name that says
too little, a rename refused, qBittorrent away (then retried), a rename not yet made."""

from __future__ import annotations

from typing import Any

from custom_components.mediahub.hub.clients.maindata import TorrentRecord
from custom_components.mediahub.hub.errors import InvalidInputError, ServiceUnavailableError
from custom_components.mediahub.hub.lifecycle.organize import RETRY_AFTER, Organizer
from custom_components.mediahub.hub.lifecycle.tags import ORGANIZED


class Claims:
    """Every claim is this process's (test_one_record covers the contention)."""

    async def take(self, _step: str, infohash: str) -> Any:
        return infohash

    async def still_mine(self, _claim: Any, _marks: Any) -> bool:
        return True

    async def release(self, *_args: Any) -> None:
        return None


class Qbittorrent:
    def __init__(self, files: list[str], *, refuse: bool = False, lag: int = 0) -> None:
        self.names = list(files)
        self.refuse = refuse
        self.lag = lag  # answers listing the old names this many times after a rename
        self.away = False
        self.tags: list[str] = []
        self.old = list(files)
        self.renamed = False

    async def files(self, _infohash: str) -> list[tuple[int, str, int]]:
        if self.away:
            raise ServiceUnavailableError("qBittorrent", "down")
        if self.renamed and self.lag:
            self.lag -= 1
            return [(i, n, 1 << 20) for i, n in enumerate(self.old)]
        return [(i, n, 1 << 20) for i, n in enumerate(self.names)]

    async def rename_file(self, _infohash: str, old: str, new: str) -> None:
        if self.refuse:
            raise InvalidInputError("rename_refused", "no", values={"old": old, "new": new})
        self.old, self.renamed = list(self.names), True
        self.names[self.names.index(old)] = new

    async def add_tags(self, _hashes: list[str], tags: list[str]) -> None:
        self.tags += tags


def record(name: str) -> TorrentRecord:
    torrent = TorrentRecord()
    torrent.name, torrent.category, torrent.size = name, "movies", 1 << 20
    torrent.save_path = "/m"
    return torrent


async def run(qbt: Qbittorrent, name: str, now: list[float]) -> bool:
    organizer = Organizer(qbt, Claims(), ["movies"], lambda: now[0])  # type: ignore[arg-type]
    return await organizer.run("h", record(name), {}, list)


async def test_each_outcome_ends_in_the_mark_or_a_retry() -> None:
    now = [0.0]
    # Nothing Plex could be told: left as it is, marked done.
    vague = Qbittorrent(["readme.txt"])
    assert await run(vague, "Only.Text", now)
    assert (vague.names, vague.tags) == (["readme.txt"], [ORGANIZED])
    # A name qBittorrent refuses: left as it is, marked done (not tried forever).
    refused = Qbittorrent(["Sintel.2010.1080p.mkv"], refuse=True)
    assert await run(refused, "Sintel.2010.1080p", now)
    assert refused.tags == [ORGANIZED]

    # qBittorrent away: tried again only after RETRY_AFTER, then done.
    away = Qbittorrent(["Sintel.2010.1080p.mkv"])
    away.away = True
    organizer = Organizer(away, Claims(), ["movies"], lambda: now[0])  # type: ignore[arg-type]
    torrent = record("Sintel.2010.1080p")
    assert not await organizer.run("h", torrent, {}, list)
    away.away = False
    assert not await organizer.run("h", torrent, {}, list)  # too soon
    now[0] = RETRY_AFTER + 1
    assert await organizer.run("h", torrent, {}, list)
    assert away.names == ["Sintel (2010)/Sintel (2010).mkv"] and ORGANIZED in torrent.tags

    # Renamed, but qBittorrent still lists the old name: marked only once it lists the new.
    lagging = Qbittorrent(["Sintel.2010.1080p.mkv"], lag=1)
    organizer = Organizer(lagging, Claims(), ["movies"], lambda: now[0])  # type: ignore[arg-type]
    torrent = record("Sintel.2010.1080p")
    assert not await organizer.run("h", torrent, {}, list)
    assert lagging.tags == []
    assert await organizer.run("h", torrent, {}, list)  # no second rename: it lists it now
    assert lagging.tags == [ORGANIZED]
