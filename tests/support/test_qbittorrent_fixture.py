"""The real-qBittorrent fixtures work: a loopback download completes with the right bytes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
import subprocess

from .qbittorrent import QbtInstance, SeededTorrent, connect_to_seeder
from .wait import until_blocking


def test_loopback_download_completes_with_identical_bytes(
    qbittorrent: QbtInstance, seeded: Callable[..., SeededTorrent]
) -> None:
    torrent = seeded("Sintel.2010.720p.mkv", 8 * 1024 * 1024)
    qbittorrent.api(
        "POST",
        "torrents/add",
        files={"torrents": ("sintel.torrent", torrent.torrent_bytes, "application/x-bittorrent")},
        data={"savepath": str(qbittorrent.save_path)},
    )
    until_blocking(qbittorrent.torrents, "the torrent to be added")
    connect_to_seeder(qbittorrent, torrent)

    def complete() -> bool:
        info = qbittorrent.api("GET", "torrents/info", params={"hashes": torrent.infohash}).json()
        return bool(info) and info[0]["progress"] == 1

    until_blocking(complete, "the download to complete")
    assert (qbittorrent.save_path / torrent.name).read_bytes() == torrent.payload
    version = qbittorrent.api("GET", "app/version").text
    assert version.lstrip("v").startswith(qbittorrent.version)


def test_stopping_leaves_nothing_running(qbittorrent: QbtInstance) -> None:
    pid = qbittorrent.process.pid if qbittorrent.process else 0
    qbittorrent.stop()
    assert qbittorrent.process is not None
    assert qbittorrent.process.poll() is not None
    assert (
        not Path(f"/proc/{pid}").exists()
        or "zombie"
        in subprocess.run(
            ["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True, check=False
        ).stdout
    )
