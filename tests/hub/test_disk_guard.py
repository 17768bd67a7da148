"""The disk guard on a real small filesystem (a 64 MiB tmpfs under qBittorrent's save path):
a grab that would not fit is refused with the real figures, and downloads pause when another
program fills the disk and resume when it is freed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
import shutil
import subprocess

import pytest

from custom_components.mediahub.hub.errors import InvalidInputError
from custom_components.mediahub.hub.lifecycle.tags import held_tag
from custom_components.mediahub.hub.models import Hold
from tests.support.qbittorrent import (
    QbtInstance,
    SeededTorrent,
    connect_to_seeder,
    launch,
)
from tests.support.wait import until

from .conftest import RigFactory

MB = 1_000_000
DISK = 64 * 1024 * 1024


@pytest.fixture
def small_disk_qbittorrent(tmp_path: Path) -> Iterator[QbtInstance]:
    """qBittorrent 5 whose save path is a 64 MiB filesystem of its own."""
    from tests.conftest import _binary  # noqa: PLC0415 - the suite's one look-up of versions

    disk = tmp_path / "qbittorrent" / "downloads"
    disk.mkdir(parents=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK}", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.fail(f"could not mount a small filesystem: {mounted.stderr.strip()}")
    instance = launch(_binary(5), tmp_path / "qbittorrent")
    try:
        yield instance
    finally:
        instance.stop()
        subprocess.run(["umount", "-l", str(disk)], check=False)


def free_bytes(path: Path) -> int:
    return shutil.disk_usage(path).free


async def test_a_grab_without_room_is_refused_and_a_filling_disk_pauses_downloads(
    make_rig: RigFactory,
    small_disk_qbittorrent: QbtInstance,
    seeded: Callable[..., SeededTorrent],
) -> None:
    qbittorrent = small_disk_qbittorrent
    disk = qbittorrent.save_path
    rig = await make_rig(qbittorrent, min_free_gb=0.02, categories={"movies": str(disk / "movies")})
    downloads = rig.engine.downloads
    await rig.engine.poll()

    # 50 MB + the 20 MB kept free does not fit on 67.1 MB: refused, saying so, nothing added.
    big = await asyncio.to_thread(seeded, "Big.Movie.2024.1080p.mkv", 50 * MB)
    with pytest.raises(InvalidInputError) as refused:
        await downloads.add_torrent_file(big.torrent_bytes, "movies")
    assert refused.value.code == "not_enough_space"
    assert refused.value.values["needed"] == "70.0 MB"
    free_mb = float(refused.value.values["free"].removesuffix(" MB"))
    assert abs(free_mb * MB - free_bytes(disk)) < 2 * MB  # qBittorrent's figure is the disk's
    assert qbittorrent.torrents() == []

    # 10 MB fits. It downloads slowly (100 s at this limit: qBittorrent measures free space
    # only every half minute or so), and meanwhile another program fills the disk.
    qbittorrent.api("POST", "transfer/setDownloadLimit", data={"limit": 100 * 1024})
    small = await asyncio.to_thread(seeded, "Small.Movie.2024.720p.mkv", 10 * MB)
    await downloads.add_torrent_file(small.torrent_bytes, "movies")
    await rig.engine.poll()
    await asyncio.to_thread(connect_to_seeder, qbittorrent, small)
    filler = disk / "filler.bin"
    filler.write_bytes(b"\0" * (50 * MB))

    def held() -> bool:
        torrent = qbittorrent.torrents()[0]
        return held_tag(Hold.DISK) in str(torrent["tags"]) and str(torrent["state"]) in (
            "stoppedDL",
            "pausedDL",
        )

    # qBittorrent measures free space every few seconds; the guard acts on the poll after.
    await rig.poll_until(
        lambda: Hold.DISK in downloads.holds, timeout=120, what="the disk guard to hold"
    )
    await until(lambda: asyncio.to_thread(held), "qBittorrent to stop the download")
    assert downloads.snapshot().downloads[small.infohash].held is Hold.DISK

    filler.unlink()
    qbittorrent.api("POST", "transfer/setDownloadLimit", data={"limit": 0})

    await until(
        lambda: qbittorrent.torrents()[0]["progress"] == 1,
        "the download to resume and finish",
        timeout=180,
        between=rig.engine.poll,
        interval=0.5,
    )
    assert Hold.DISK not in downloads.holds
    assert held_tag(Hold.DISK) not in str(qbittorrent.torrents()[0]["tags"])
    await until(
        lambda: asyncio.to_thread((disk / "movies" / small.name).is_file), "the file on disk"
    )
