"""The panel's whole state as a new panel receives it: encoded once per revision, however many
panels open, and each download re-encoded only when it changed.

At 2,000 downloads, encoding and compressing the state took 30 to 90 ms of the event loop on
every page load, and the browser's requests for the scripts waited behind it. Now a page load
costs a lookup, and a change costs the downloads that changed.

A page also starts from the head of the list: the first screen's worth of downloads in the
panel's order (`GET /api/downloads?head`, which index.html preloads), so its first paint does
not wait for 460 KB of JSON to arrive and be parsed. The whole list follows as the events
stream's first message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
import json
from typing import Any, Final
import zlib

from hub import Download, DownloadStatus, download_json

from .sse import Opening

HEAD: Final = 50  # downloads in the head: more than a tall screen shows, with the overscan

# The panel's order (`ordered` in frontend/src/downloads.ts; a test compares the two): what is
# active first, then the most recently added.
STATUS_ORDER: Final = {
    status: rank
    for rank, status in enumerate(
        (
            DownloadStatus.DOWNLOADING,
            DownloadStatus.METADATA,
            DownloadStatus.STALLED,
            DownloadStatus.CHECKING,
            DownloadStatus.QUEUED,
            DownloadStatus.ERRORED,
            DownloadStatus.STOPPED,
            DownloadStatus.SEEDING,
        )
    )
}
UNORDERED: Final = 9  # any other status goes last


def panel_rank(download: Download) -> tuple[int, int]:
    """Where a download stands in the panel's list (lower first)."""
    return STATUS_ORDER.get(download.status, UNORDERED), -download.added_on


def dumps(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Body:
    """A JSON body, and the same gzipped for the browsers that accept it."""

    plain: bytes
    gzipped: bytes

    @classmethod
    def of(cls, plain: bytes) -> Body:
        return cls(plain, zlib.compress(plain, 6, wbits=16 + zlib.MAX_WBITS))


@dataclass(frozen=True)
class StartingState:
    """One revision of the state: GET /api/downloads' bodies (the whole list, and its head)
    and the first event of a new stream (the whole list)."""

    revision: str
    whole: Body
    head: Body
    opening: Opening


class StateEncoder:
    """Encodes the state, keeping each download's JSON until that download changes (the
    views hand out the same `Download` object until then)."""

    def __init__(self) -> None:
        self._encoded: dict[str, tuple[Download, bytes]] = {}

    def encode(
        self, revision: str, downloads: Mapping[str, Download], rest: dict[str, Any]
    ) -> StartingState:
        """`rest`: the state's other (small) parts; `downloads` go in as its `downloads`, and
        their number as its `total` (the head's list is shorter)."""
        encoded: dict[str, tuple[Download, bytes]] = {}
        for infohash, download in downloads.items():
            known = self._encoded.get(infohash)
            encoded[infohash] = (
                known
                if known is not None and known[0] is download
                else (download, dumps(download_json(download)))
            )
        self._encoded = encoded
        # An object with at least `revision` and `total`, which the list goes into last.
        start = dumps({**rest, "revision": revision, "total": len(encoded)})[:-1]

        def state(listed: Iterable[bytes]) -> bytes:
            return start + b',"downloads":[' + b",".join(listed) + b"]}"

        whole = state(body for _, body in encoded.values())
        head = sorted(encoded.values(), key=lambda pair: panel_rank(pair[0]))[:HEAD]
        return StartingState(
            revision=revision,
            whole=Body.of(whole),
            head=Body.of(state(body for _, body in head)),
            opening=Opening(b"event: snapshot\ndata: " + whole + b"\n\n"),
        )
