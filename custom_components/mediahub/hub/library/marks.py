"""What a search result is to this household: already in Plex (at which quality), or already
in qBittorrent (how far). Looked up in MediaHub's own index of the library, never in Plex."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..clients.maindata import TorrentRecord
from ..errors import InvalidInputError
from ..releases.score import Assessment
from .index import InPlex, LibraryIndex, rank


@dataclass(frozen=True, slots=True)
class Marks:
    """A result's marks: "In Plex · 720p", "Downloading 43 %"."""

    in_plex: InPlex | None = None
    downloading: float | None = None  # its torrent's progress in qBittorrent, 0..1

    def covers(self, assessment: Assessment) -> bool:
        """Plex already has it at the same or a better resolution than this release's."""
        plex = self.in_plex
        return plex is not None and rank(plex.resolution) >= rank(assessment.quality.resolution)


def in_plex(library: LibraryIndex, assessment: Assessment) -> InPlex | None:
    """The best copy Plex holds of what a release is: a movie by the ids the indexer gave it
    (Plex's GUIDs), else by title and year; an episode
    (or every episode of a multi-episode file) by show, season and number. Packs are not
    matched: a season in Plex may lack the episodes a pack would bring."""
    quality = assessment.quality
    if quality.kind != "episode":
        return library.movie(quality.title, quality.year, assessment.release.ids)
    if len(quality.seasons) != 1 or not quality.episodes:
        return None
    found = [library.episode(quality.title, quality.seasons[0], e) for e in quality.episodes]
    if any(f is None for f in found):
        return None
    return min((f for f in found if f is not None), key=lambda f: rank(f.resolution))


def marks(
    library: LibraryIndex, torrents: Mapping[str, TorrentRecord], assessment: Assessment
) -> Marks:
    infohash = assessment.release.infohash
    record = torrents.get(infohash) if infohash else None
    return Marks(
        in_plex=in_plex(library, assessment),
        downloading=float(record.progress) if record is not None else None,
    )


@dataclass(frozen=True, slots=True)
class Offer:
    """What grab_best chose but did not grab because Plex has it: grabbed only if the person
    asks for it anyway (`BestGrabs.take`). `wanted` is the grab's wish, as grab_best keeps it."""

    choice: Assessment
    category: str | None
    wanted: Mapping[str, Any] = field(default_factory=dict)


class AlreadyInPlexError(InvalidInputError):
    """grab_best and voice do not grab what Plex already has as well or better. `found` is
    Plex's copy; `offer`, when grab_best raised it, the release it would have grabbed."""

    def __init__(self, found: InPlex, offer: Offer | None = None) -> None:
        title = found.item.label if found.item.type == "episode" else found.item.title
        resolution = found.resolution or "an unknown quality"
        super().__init__(
            "already_in_plex",
            f"{title} is already in Plex in {resolution}",
            values={"title": title, "resolution": resolution},
        )
        self.found = found
        self.offer = offer
