"""The file-list guard on real qBittorrent (4.5 and 5.3): what a torrent holds is read before a
byte of payload is written; executables are refused, junk is never downloaded."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
import tempfile
from typing import Any

import pytest

from custom_components.mediahub.hub.events import DownloadReplaced, ReleaseRefused
from custom_components.mediahub.hub.lifecycle.guard import ReleaseRefusedError
from custom_components.mediahub.hub.lifecycle.tags import GUARD
from custom_components.mediahub.hub.models import Origin
from custom_components.mediahub.hub.releases.pick import NoAcceptableReleaseError
from tests.simulators.prowlarr import SimRelease
from tests.support.qbittorrent import QbtInstance, SeededTorrent, connect_to_seeder, make_torrent

from .conftest import Rig, RigFactory

MB = 1024 * 1024


def payload_bytes(*roots: Path) -> int:
    """Every byte written under these folders (files of any name, partial ones included)."""
    return sum(
        f.stat().st_size for root in roots if root.exists() for f in root.rglob("*") if f.is_file()
    )


async def started_by_the_guard(rig: Rig, infohash: str) -> None:
    """Until the guard has checked the torrent's files and started it."""
    await rig.poll_until(
        lambda: (
            (record := rig.engine.downloads.model.torrents.get(infohash)) is not None
            and GUARD not in record.tags
            and record.state not in ("stoppedDL", "pausedDL")
        ),
        what="the guard to start it",
    )


async def test_a_magnet_holding_an_executable_is_refused_before_any_payload(
    make_rig: RigFactory, qbittorrent: QbtInstance, seeded: Callable[..., SeededTorrent]
) -> None:
    torrent = await asyncio.to_thread(
        seeded,
        "Dune.Part.Two.2024.1080p.WEB-DL.x264",
        files={"Dune.Part.Two.2024.1080p.WEB-DL.x264.mkv.exe": 3 * MB, "readme.txt": 200},
    )
    rig = await make_rig(qbittorrent)
    magnet = f"magnet:?xt=urn:btih:{torrent.infohash}&dn=Dune.Part.Two.2024"
    await rig.engine.downloads.add_magnet(magnet, "movies", origin=Origin.PANEL)
    await rig.poll_until(lambda: torrent.infohash in rig.engine.downloads.model.torrents)
    await asyncio.to_thread(connect_to_seeder, qbittorrent, torrent)
    await rig.poll_until(lambda: bool(rig.of_type(ReleaseRefused)), what="the refusal")
    [refused] = rig.of_type(ReleaseRefused)
    assert refused.reason == "contains Dune.Part.Two.2024.1080p.WEB-DL.x264.mkv.exe"
    # What the panel and Home Assistant translate: the refusal's key and the file it names.
    assert (refused.code, refused.file) == (
        "release_refused",
        "Dune.Part.Two.2024.1080p.WEB-DL.x264.mkv.exe",
    )
    assert (refused.grab.hash, refused.grab.origin) == (torrent.infohash, Origin.PANEL)
    await rig.poll_until(lambda: torrent.infohash not in rig.engine.downloads.model.torrents)
    assert await asyncio.to_thread(qbittorrent.torrents) == []
    assert payload_bytes(rig.media, qbittorrent.save_path) == 0
    history = await rig.engine.downloads._torrents.record(torrent.infohash)
    assert history is not None and history.refused == refused.reason


async def test_junk_is_never_downloaded_and_the_video_completes(
    make_rig: RigFactory, qbittorrent: QbtInstance, seeded: Callable[..., SeededTorrent]
) -> None:
    name = "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP"
    torrent = await asyncio.to_thread(
        seeded,
        name,
        files={
            f"{name}.mkv": 4 * MB,
            f"{name}.sample.mkv": 300 * 1024,
            f"{name}.nfo": 3000,
            "Screens/shot1.png": 90_000,
            "Subs/English.srt": 20_000,
        },
    )
    rig = await make_rig(qbittorrent)
    rig.prowlarr.add_indexer(
        "Films",
        releases=[
            SimRelease(
                name, category=2040, torrent=torrent.torrent_bytes, infohash=torrent.infohash
            )
        ],
    )
    outcome = await rig.engine.search.search_all("big buck bunny")
    [release] = [r for r in outcome.releases if r.infohash == torrent.infohash]
    await rig.engine.downloads.grab(release.id, origin=Origin.PANEL)
    # Added stopped and marked for the guard; the next poll skips the junk and starts it.
    await started_by_the_guard(rig, torrent.infohash)
    files = (
        await asyncio.to_thread(
            qbittorrent.api, "GET", "torrents/files", params={"hash": torrent.infohash}
        )
    ).json()
    priorities = {f["name"].split("/", 1)[1]: f["priority"] for f in files}
    assert priorities == {
        f"{name}.mkv": 1,
        f"{name}.sample.mkv": 0,
        f"{name}.nfo": 0,
        "Screens/shot1.png": 0,
        "Subs/English.srt": 1,
    }
    await asyncio.to_thread(connect_to_seeder, qbittorrent, torrent)
    await rig.poll_until(
        lambda: rig.engine.downloads.model.torrents[torrent.infohash].progress >= 1.0,
        what="completion",
    )
    folder = rig.media / "movies" / name
    assert (folder / f"{name}.mkv").stat().st_size == 4 * MB
    assert (folder / "Subs" / "English.srt").is_file()
    for junk in (f"{name}.sample.mkv", f"{name}.nfo", "Screens/shot1.png"):
        assert not (folder / junk).exists(), junk


async def test_a_torrent_file_holding_an_executable_is_refused_at_once(
    make_rig: RigFactory, qbittorrent5: QbtInstance
) -> None:
    name = "Oppenheimer.2023.2160p.BluRay.x265"
    data, _, infohash = make_torrent(
        Path(tempfile.mkdtemp()), name, 0, files={"setup.exe": 2 * MB, f"{name}.mkv": 40_000}
    )
    rig = await make_rig(qbittorrent5)
    rig.prowlarr.add_indexer(
        "Films", releases=[SimRelease(name, category=2040, torrent=data, infohash=infohash)]
    )
    outcome = await rig.engine.search.search_all("oppenheimer")
    [release] = [r for r in outcome.releases if r.infohash == infohash]
    with pytest.raises(ReleaseRefusedError, match=r"refused, contains setup\.exe"):
        await rig.engine.downloads.grab(release.id, origin=Origin.VOICE)
    [refused] = rig.of_type(ReleaseRefused)
    assert (refused.grab.hash, refused.reason) == (infohash, "contains setup.exe")
    assert (refused.code, refused.file) == ("release_refused", "setup.exe")
    await rig.engine.downloads.refresh()
    assert await asyncio.to_thread(qbittorrent5.torrents) == []
    assert not rig.engine.downloads.outbox
    history = await rig.engine.downloads._torrents.record(infohash)
    assert history is not None and history.refused == "contains setup.exe"
    assert await rig.engine.downloads._torrents.kept(infohash) == (None, None)


async def test_grab_best_falls_over_when_a_magnets_files_are_refused(
    make_rig: RigFactory, qbittorrent5: QbtInstance, seeded: Callable[..., SeededTorrent]
) -> None:
    """The best release by its name is a magnet whose files turn out to be an executable: the
    next-best is grabbed instead, and it is said why."""
    bait = await asyncio.to_thread(
        seeded,
        "Dune.Part.Two.2024.1080p.BluRay.x264-GRP",
        files={"Dune.Part.Two.2024.1080p.BluRay.x264-GRP.mkv.exe": 500_000},
    )
    rig = await make_rig(qbittorrent5)
    rig.prowlarr.add_indexer(
        "Films",
        releases=[
            SimRelease(
                bait.name,
                category=2040,
                size=2048 * MB,  # what the indexer says: a plausible 1080p film
                seeders=50,
                magnet=True,
                infohash=bait.infohash,
            ),
            SimRelease(
                "Dune.Part.Two.2024.720p.WEBRip.x264-YTS",
                category=2040,
                size=1024 * MB,
                seeders=40,
            ),
        ],
    )
    best = await rig.engine.best.grab("dune part two", "movies", origin=Origin.VOICE)
    assert best.result.hash == bait.infohash
    await rig.poll_until(lambda: bait.infohash in rig.engine.downloads.model.torrents)
    await asyncio.to_thread(connect_to_seeder, qbittorrent5, bait)
    await rig.poll_until(lambda: bool(rig.of_type(DownloadReplaced)), what="the fall-over")
    [replaced] = rig.of_type(DownloadReplaced)
    assert replaced.old.hash == bait.infohash
    assert replaced.reason == "contains Dune.Part.Two.2024.1080p.BluRay.x264-GRP.mkv.exe"
    assert replaced.release.startswith("Dune Part Two (2024), 720p WEBRip")
    await rig.engine.downloads.refresh()
    names = [t["name"] for t in await asyncio.to_thread(qbittorrent5.torrents)]
    assert names == ["Dune.Part.Two.2024.720p.WEBRip.x264-YTS"]


async def test_grab_best_gives_up_when_every_candidate_is_refused(
    make_rig: RigFactory, qbittorrent5: QbtInstance
) -> None:
    rig = await make_rig(qbittorrent5)
    releases = []
    for group in ("AAA", "BBB", "CCC", "DDD", "EEE"):
        name = f"Venom.2018.1080p.WEB-DL.x264-{group}"
        data, _, infohash = make_torrent(
            Path(tempfile.mkdtemp()),
            name,
            0,
            files={"Codec.Setup.exe": 300_000, "Venom.avi": 1_000},
        )
        releases.append(
            SimRelease(name, category=2040, size=2048 * MB, torrent=data, infohash=infohash)
        )
    rig.prowlarr.add_indexer("Films", releases=releases)
    with pytest.raises(NoAcceptableReleaseError, match="every candidate was refused"):
        await rig.engine.best.grab("venom 2018", "movies", origin=Origin.VOICE)
    assert len(rig.of_type(ReleaseRefused)) == 4  # the first pick and three fall-overs
    assert await asyncio.to_thread(qbittorrent5.torrents) == []


def file_list(qbt: QbtInstance, infohash: str) -> list[dict[str, Any]]:
    response = qbt.api("GET", "torrents/files", params={"hash": infohash})
    listed: list[dict[str, Any]] = response.json()
    return listed


@pytest.mark.parametrize("as_magnet", [False, True], ids=["torrent", "magnet"])
async def test_only_videos_and_subtitles_are_downloaded_nothing_else_gets_a_byte(
    make_rig: RigFactory,
    qbittorrent: QbtInstance,
    seeded: Callable[..., SeededTorrent],
    as_magnet: bool,
) -> None:
    """A film beside files of every other kind: each is set to "do not download" before the
    first payload byte, whatever its name, and never reaches the disk."""
    name = "Harbour.Lights.2021.1080p.WEB-DL.x264-GRP"
    # Whole MiBs: no piece spans two files, so a skipped file shares no piece with the film.
    wanted = {f"{name}.mkv": 6 * MB, "Subs/English.srt": MB}
    unwanted = {
        f"{name}.nfo": MB,
        "Bonus/Artbook.pdf": MB,
        "cover.jpg": MB,
        "Sample/sample.mkv": MB,
        "Player Setup.zip": MB,
        "Harbour.Lights.2021.1080p.mkv.txt": MB,
    }
    torrent = await asyncio.to_thread(seeded, name, files={**wanted, **unwanted})
    rig = await make_rig(qbittorrent)
    if as_magnet:
        magnet = f"magnet:?xt=urn:btih:{torrent.infohash}&dn={name}"
        await rig.engine.downloads.add_magnet(magnet, "movies", origin=Origin.PANEL)
    else:
        await rig.engine.downloads.add_torrent_file(
            torrent.torrent_bytes, "movies", origin=Origin.PANEL
        )
    await rig.poll_until(lambda: torrent.infohash in rig.engine.downloads.model.torrents)
    if as_magnet:  # its file list comes from the seeder
        await asyncio.to_thread(connect_to_seeder, qbittorrent, torrent)
    await started_by_the_guard(rig, torrent.infohash)
    listed = await asyncio.to_thread(file_list, qbittorrent, torrent.infohash)
    priorities = {f["name"].split("/", 1)[1]: f["priority"] for f in listed}
    assert priorities == {**dict.fromkeys(wanted, 1), **dict.fromkeys(unwanted, 0)}
    skipped = {int(f.get("index", i)) for i, f in enumerate(listed) if f["priority"] == 0}
    if not as_magnet:
        # Added stopped, with no peer yet: not a byte was written before the guard's choice.
        assert payload_bytes(rig.media, qbittorrent.save_path) == 0
        await asyncio.to_thread(connect_to_seeder, qbittorrent, torrent)
    await rig.poll_until(
        lambda: rig.engine.downloads.model.torrents[torrent.infohash].progress >= 1.0,
        what="the film and its subtitles",
    )
    after = await asyncio.to_thread(file_list, qbittorrent, torrent.infohash)
    assert [f["progress"] for i, f in enumerate(after) if int(f.get("index", i)) in skipped] == [
        0
    ] * len(unwanted)
    written = [
        f.name
        for root in (rig.media, qbittorrent.save_path)
        for f in root.rglob("*")
        if f.is_file()
    ]
    assert sorted(n.rsplit(".", 1)[-1] for n in written) == ["mkv", "srt"], written
    assert payload_bytes(rig.media, qbittorrent.save_path) == sum(wanted.values())


@pytest.mark.parametrize("as_magnet", [False, True], ids=["torrent", "magnet"])
async def test_a_disguised_program_refuses_the_torrent_with_nothing_on_disk(
    make_rig: RigFactory,
    qbittorrent: QbtInstance,
    seeded: Callable[..., SeededTorrent],
    as_magnet: bool,
) -> None:
    """A program hidden by a trailing dot (Windows drops it and runs player.exe), small enough
    to have been skipped: the whole torrent is refused, named by that file."""
    name = "Harbour.Lights.2021.1080p.BluRay.x264-GRP"
    torrent = await asyncio.to_thread(
        seeded, name, files={f"{name}.mkv": 4 * MB, "Codec/player.exe.": 300_000}
    )
    rig = await make_rig(qbittorrent)
    if as_magnet:
        magnet = f"magnet:?xt=urn:btih:{torrent.infohash}&dn={name}"
        await rig.engine.downloads.add_magnet(magnet, "movies", origin=Origin.PANEL)
        await rig.poll_until(lambda: torrent.infohash in rig.engine.downloads.model.torrents)
        await asyncio.to_thread(connect_to_seeder, qbittorrent, torrent)
        await rig.poll_until(lambda: bool(rig.of_type(ReleaseRefused)), what="the refusal")
        await rig.poll_until(
            lambda: torrent.infohash not in rig.engine.downloads.model.torrents,
            what="the refused torrent to go",
        )
    else:
        with pytest.raises(ReleaseRefusedError) as refusal:
            await rig.engine.downloads.add_torrent_file(
                torrent.torrent_bytes, "movies", origin=Origin.PANEL
            )
        assert (refusal.value.code, refusal.value.values["file"]) == (
            "release_refused",
            "player.exe.",
        )
        await rig.engine.downloads.refresh()
    [refused] = rig.of_type(ReleaseRefused)
    # qBittorrent's own listing of a magnet's files may tidy the name; the program stays.
    assert refused.reason.startswith("contains player.exe"), refused.reason
    assert refused.code == "release_refused" and refused.file.startswith("player.exe"), refused
    assert await asyncio.to_thread(qbittorrent.torrents) == []
    assert payload_bytes(rig.media, qbittorrent.save_path) == 0
