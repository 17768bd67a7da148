"""Organizing for Plex against real qBittorrent (5.3 and 4.5): a downloading torrent's files
are renamed to Plex's names, the download completes there and keeps seeding."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from custom_components.mediahub.hub.config import DEFAULT_ORGANIZED
from custom_components.mediahub.hub.events import ScanRequested
from custom_components.mediahub.hub.lifecycle.tags import ORGANIZED as ORGANIZED_TAG
from tests.support.qbittorrent import QbtInstance, SeededTorrent, connect_to_seeder
from tests.support.wait import until

from .conftest import PLEX_ROOT, RigFactory
from .test_pipeline import find, offer

RELEASE = "Arrival.2016.1080p.BluRay.x264-GRP"
FILES = {
    f"{RELEASE}.mkv": 3 * 1024 * 1024,
    "Subs/English.srt": 20_000,
    "Subs/French.srt": 21_000,
    f"{RELEASE}.nfo": 2_000,
}
ORGANIZED = {
    f"{RELEASE}.mkv": "Arrival (2016)/Arrival (2016).mkv",
    "Subs/English.srt": "Arrival (2016)/Arrival (2016).en.srt",
    "Subs/French.srt": "Arrival (2016)/Arrival (2016).fr.srt",
    f"{RELEASE}.nfo": f"Arrival (2016)/{RELEASE}.nfo",  # not downloaded (the file guard's junk)
}


def _files(qbt: QbtInstance, infohash: str) -> list[str]:
    return [
        str(f["name"]) for f in qbt.api("GET", "torrents/files", params={"hash": infohash}).json()
    ]


def _info(qbt: QbtInstance, infohash: str) -> dict[str, object]:
    [info] = qbt.api("GET", "torrents/info", params={"hashes": infohash}).json()
    return dict(info)


async def test_a_downloading_torrent_is_renamed_for_plex_completes_there_and_keeps_seeding(
    qbittorrent: QbtInstance, seeded: Callable[..., SeededTorrent], make_rig: RigFactory
) -> None:
    torrent = await asyncio.to_thread(seeded, RELEASE, 0, files=FILES)
    # Grabbed by a MediaHub that did not organize (before this version): bytes are on disk
    # under the release's own names when the one that organizes starts.
    before = await make_rig(qbittorrent, organize=())
    offer(before, torrent, RELEASE.replace(".", " "))
    qbittorrent.api("POST", "transfer/setDownloadLimit", data={"limit": 128 * 1024})
    await before.engine.downloads.grab((await find(before, "arrival")).id)
    await before.poll_until(lambda: bool(before.engine.downloads.model.torrents), what="the grab")
    await asyncio.to_thread(connect_to_seeder, qbittorrent, torrent)
    await before.poll_until(  # the file guard starts it (its .nfo is skipped)
        lambda: float(str(_info(qbittorrent, torrent.infohash)["progress"])) > 0.1,
        what="a tenth downloaded",
    )
    assert (rig_media := before.media / "movies" / RELEASE / f"{RELEASE}.mkv").exists()
    await before.engine.close()
    rig = await make_rig(qbittorrent, organize=DEFAULT_ORGANIZED)

    def organized() -> bool:
        return ORGANIZED_TAG in str(_info(qbittorrent, torrent.infohash)["tags"])

    await rig.poll_until(organized, what="the organized mark")
    progress_when_renamed = float(str(_info(qbittorrent, torrent.infohash)["progress"]))
    assert 0 < progress_when_renamed < 1, "renamed while downloading, with bytes on disk"
    await until(
        lambda: asyncio.to_thread(
            lambda: sorted(_files(qbittorrent, torrent.infohash)) == sorted(ORGANIZED.values())
        ),
        "qBittorrent to report the new paths",
    )

    qbittorrent.api("POST", "transfer/setDownloadLimit", data={"limit": 0})
    await rig.poll_until(
        lambda: bool(rig.of_type(ScanRequested)), timeout=120, what="completion and the scan"
    )

    movies = rig.media / "movies"
    folder = movies / "Arrival (2016)"
    # qBittorrent 4.5 once answered progress 0 just after the completion MediaHub saw (on a
    # loaded machine): what counts is that it holds every byte, so wait for it to say so.
    await until(
        lambda: asyncio.to_thread(lambda: _info(qbittorrent, torrent.infohash)["progress"] == 1),
        "qBittorrent to report the torrent complete",
    )
    info = _info(qbittorrent, torrent.infohash)
    assert info["content_path"] == str(folder)
    # The bytes are the seeded ones, at the new names; the old names are gone from disk.
    data = b"".join((folder / Path(ORGANIZED[name]).name).read_bytes() for name in list(FILES)[:3])
    assert data == torrent.payload[: sum(list(FILES.values())[:3])]
    assert not rig_media.exists()
    assert not (movies / RELEASE).exists()
    # (".<hash>.parts" is libtorrent's: the pieces of the skipped .nfo that overlap the others.)
    assert sorted(p.name for p in movies.iterdir() if p.suffix != ".parts") == ["Arrival (2016)"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "Arrival (2016).en.srt",
        "Arrival (2016).fr.srt",
        "Arrival (2016).mkv",
    ]
    # Plex is asked to scan exactly the organized folder.
    [scan] = rig.of_type(ScanRequested)
    assert scan.path == f"{PLEX_ROOT}/movies/Arrival (2016)"
    # Still seeding, from the new paths: a recheck finds every wanted byte there.
    assert str(info["state"]) in ("uploading", "stalledUP", "queuedUP")
    qbittorrent.api("POST", "torrents/recheck", data={"hashes": torrent.infohash})
    await until(
        lambda: asyncio.to_thread(
            lambda: _info(qbittorrent, torrent.infohash)["state"] in ("uploading", "stalledUP")
        ),
        "the recheck to end seeding",
    )
    assert _info(qbittorrent, torrent.infohash)["progress"] == 1


async def test_organizing_can_be_turned_off_per_category(
    qbittorrent5: QbtInstance, seeded: Callable[..., SeededTorrent], make_rig: RigFactory
) -> None:
    torrent = await asyncio.to_thread(seeded, RELEASE, 0, files=FILES)
    rig = await make_rig(qbittorrent5, organize=("tv",))
    offer(rig, torrent, RELEASE.replace(".", " "))
    await rig.engine.downloads.grab((await find(rig, "arrival")).id)
    await asyncio.to_thread(connect_to_seeder, qbittorrent5, torrent)
    await rig.poll_until(lambda: bool(rig.of_type(ScanRequested)), what="completion and the scan")
    assert sorted(_files(qbittorrent5, torrent.infohash)) == sorted(
        f"{RELEASE}/{name}" for name in FILES
    )
    assert rig.of_type(ScanRequested)[0].path == f"{PLEX_ROOT}/movies/{RELEASE}"


async def test_a_torrent_of_an_adopted_category_keeps_its_names(
    qbittorrent5: QbtInstance, seeded: Callable[..., SeededTorrent], make_rig: RigFactory
) -> None:
    """Sonarr's or Radarr's torrent (added by them, in a category MediaHub adopts): scanned,
    never renamed, since they import it from the names it has."""
    torrent = await asyncio.to_thread(seeded, RELEASE, 0, files=FILES)
    rig = await make_rig(qbittorrent5, organize=DEFAULT_ORGANIZED, adopt_categories=("movies",))
    await rig.poll_until(lambda: rig.engine.downloads.model.snapshots > 0, what="the first poll")
    qbittorrent5.api(
        "POST",
        "torrents/add",
        files={"torrents": ("t.torrent", torrent.torrent_bytes, "application/x-bittorrent")},
        data={"category": "movies", "savepath": str(rig.media / "movies")},
    )
    await rig.poll_until(
        lambda: torrent.infohash in rig.engine.downloads.model.torrents, what="the torrent"
    )
    await asyncio.to_thread(connect_to_seeder, qbittorrent5, torrent)
    await rig.poll_until(lambda: bool(rig.of_type(ScanRequested)), what="completion and the scan")
    assert rig.of_type(ScanRequested)[0].path == f"{PLEX_ROOT}/movies/{RELEASE}"
    assert sorted(_files(qbittorrent5, torrent.infohash)) == sorted(
        f"{RELEASE}/{name}" for name in FILES
    )
