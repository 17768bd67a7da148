"""Dead downloads: marked stalled, and grab_best's replaced by the next-best release (real
qBittorrent 4.5 and 5.3, a real seeder for the replacement)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
import tempfile

from custom_components.mediahub.hub.clients.maindata import TorrentRecord
from custom_components.mediahub.hub.events import DownloadReplaced, DownloadsChanged
from custom_components.mediahub.hub.lifecycle.stalls import StallRule
from custom_components.mediahub.hub.lifecycle.store import GrabRecord
from custom_components.mediahub.hub.models import Origin, Stall
from tests.simulators.prowlarr import SimRelease
from tests.support.qbittorrent import QbtInstance, SeededTorrent, connect_to_seeder, make_torrent

from .conftest import RigFactory

MB = 1024 * 1024


def record(**fields: object) -> TorrentRecord:
    made = TorrentRecord()
    for key, value in fields.items():
        setattr(made, key, value)
    return made


def test_the_rule_says_why_and_leaves_the_living_alone() -> None:
    rule = StallRule(after=1800, metadata_after=600)
    now = 100_000.0
    idle = {"state": "stalledDL", "size": 10, "added_on": now - 3600, "last_activity": now - 2000}
    stall = rule.reason(record(**idle), now)
    assert stall == Stall(metadata=False, minutes=33)
    assert (stall.code, str(stall)) == ("no_peers", "no peers for 33 min")
    assert rule.reason(record(**{**idle, "num_seeds": 1}), now) is None  # a source is there
    assert rule.reason(record(**{**idle, "last_activity": now - 60}), now) is None  # it moved
    assert rule.reason(record(**{**idle, "state": "stoppedDL"}), now) is None  # a person stopped it
    assert rule.reason(record(**{**idle, "progress": 1.0}), now) is None
    magnet = {"state": "metaDL", "size": 0, "added_on": now - 700, "last_activity": 0}
    stall = rule.reason(record(**magnet), now)
    assert stall is not None
    assert (stall.code, str(stall)) == ("no_metadata", "no metadata after 11 min")


async def test_a_dead_grab_best_is_replaced_by_the_next_best_which_completes(
    make_rig: RigFactory, qbittorrent: QbtInstance, seeded: Callable[..., SeededTorrent]
) -> None:
    alive = await asyncio.to_thread(
        seeded,
        "Sintel.2010.720p.WEB-DL.x264-GRP",
        files={"Sintel.2010.720p.WEB-DL.x264-GRP.mkv": 2 * MB},
    )
    # The best release by the profile, which nobody seeds.
    dead_name = "Sintel.2010.1080p.BluRay.x264-GRP"
    dead_torrent, _, dead_hash = make_torrent(
        Path(tempfile.mkdtemp()), dead_name, 0, files={f"{dead_name}.mkv": 2 * MB}
    )
    rig = await make_rig(qbittorrent, stall_minutes=0.05, metadata_stall_minutes=0.05)
    rig.prowlarr.add_indexer(
        "Films",
        releases=[
            SimRelease(
                dead_name,
                category=2040,
                size=2048 * MB,  # what the indexer says: a plausible 1080p film
                seeders=50,
                torrent=dead_torrent,
                infohash=dead_hash,
            ),
            SimRelease(
                alive.name,
                category=2040,
                size=2048 * MB,  # what the indexer says: a plausible 1080p film
                seeders=40,
                torrent=alive.torrent_bytes,
                infohash=alive.infohash,
            ),
        ],
    )
    best = await rig.engine.best.grab("sintel", "movies", origin=Origin.VOICE)
    assert best.result.hash == dead_hash

    def stalled_seen() -> bool:
        return any(
            d.stalled and h == dead_hash
            for e in rig.of_type(DownloadsChanged)
            for h, d in e.changed.items()
        )

    await rig.poll_until(lambda: bool(rig.of_type(DownloadReplaced)), what="the replacement")
    assert stalled_seen()  # both UIs were shown why, before it went
    [replaced] = rig.of_type(DownloadReplaced)
    assert (replaced.old.hash, replaced.new.hash) == (dead_hash, alive.infohash)
    assert replaced.reason.startswith("no peers for")
    assert replaced.release.startswith("Sintel (2010), 720p WEB-DL")
    await asyncio.to_thread(connect_to_seeder, qbittorrent, alive)
    await rig.poll_until(
        lambda: (
            (r := rig.engine.downloads.model.torrents.get(alive.infohash)) is not None
            and r.progress >= 1.0
        ),
        what="the replacement to complete",
    )
    hashes = [t["hash"] for t in await asyncio.to_thread(qbittorrent.torrents)]
    assert hashes == [alive.infohash]  # the dead one and its files are gone
    kept = await rig.engine.downloads._torrents.record(alive.infohash)
    assert kept is not None and kept.wanted is not None
    assert kept.wanted["replaces"][0]["hash"] == dead_hash
    assert (rig.media / "movies" / alive.name / f"{alive.name}.mkv").stat().st_size == 2 * MB


async def test_a_wish_is_replaced_twice_at_most_and_a_failed_replacement_changes_nothing(
    make_rig: RigFactory, qbittorrent5: QbtInstance
) -> None:
    rig = await make_rig(qbittorrent5)
    rig.prowlarr.add_indexer(
        "Films",
        releases=[SimRelease("Sintel.2010.1080p.BluRay.x264-GRP", category=2040, size=2048 * MB)],
    )
    dead = "0" * 40
    twice = GrabRecord(
        "Sintel.2010.720p", "movies", "voice", 0.0,
        wanted={"query": "sintel", "category": "movies", "replaces": [{"hash": "a" * 40}, {"hash": "b" * 40}]},
    )  # fmt: skip
    await rig.engine.best.replace(dead, twice, "no peers for 31 min")
    nothing = GrabRecord(
        "Sintel.2010.720p", "movies", "voice", 0.0, wanted={"query": "zzzz nothing"}
    )
    await rig.engine.best.replace(dead, nothing, "no peers for 31 min")
    assert rig.of_type(DownloadReplaced) == []
    assert await asyncio.to_thread(qbittorrent5.torrents) == []
