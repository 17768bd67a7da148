"""The lab: the whole MediaHub system on one machine, without Docker (`scripts/develop`).

Starts a real qBittorrent on :8080 and a seeder serving a few real torrents, the Prowlarr and
Plex simulators on their real ports (their indexers list the seeded torrents), and the panel
on :3000. Prints the URLs and runs until interrupted; everything it started stops with it.
"""

from __future__ import annotations

import argparse
import asyncio
from contextlib import AsyncExitStack
import os
from pathlib import Path
import signal
import subprocess
import sys
import tempfile

from .simulators.plex import PlexSimulator
from .simulators.prowlarr import ProwlarrSimulator, SimRelease
from .support.qbittorrent import QbtInstance, available_binaries, launch, seed

HUB_PARENT = Path(__file__).resolve().parents[1] / "custom_components" / "mediahub"
LAB_TORRENTS = [
    ("Big Buck Bunny 2008 1080p BluRay x264", 2040, 24 * 1024 * 1024),
    ("Sintel 2010 720p WEB-DL", 2040, 12 * 1024 * 1024),
    ("Elephants Dream 2006 S01E01 HDTV", 5040, 8 * 1024 * 1024),
    ("Tears of Steel 2012 Soundtrack FLAC", 3000, 6 * 1024 * 1024),
]


class Lab:
    """Owns every process and server of the lab."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.qbittorrent: QbtInstance | None = None
        self.seeder: QbtInstance | None = None
        self.prowlarr = ProwlarrSimulator(port=9696)
        self.plex = PlexSimulator(port=32400)
        self.panel: subprocess.Popen[bytes] | None = None
        self.media = root / "media"

    async def start(self, stack: AsyncExitStack) -> None:
        binary = next(b for b in available_binaries() if b.major == 5)
        self.seeder = await asyncio.to_thread(launch, binary, self.root / "seeder")
        stack.callback(self.seeder.stop)
        # The real WebUI port: qBittorrent's Host-header validation wants the port it listens on.
        self.qbittorrent = await asyncio.to_thread(launch, binary, self.root / "qbittorrent", 8080)
        stack.callback(self.qbittorrent.stop)
        indexer = self.prowlarr.add_indexer("Lab Seeds")
        for title, category, size in LAB_TORRENTS:
            torrent = await asyncio.to_thread(seed, self.seeder, title.replace(" ", "."), size)
            indexer.releases.append(
                SimRelease(
                    title,
                    category=category,
                    size=size,
                    torrent=torrent.torrent_bytes,
                    infohash=torrent.infohash,
                )
            )
        await self.prowlarr.start()
        stack.push_async_callback(self.prowlarr.stop)
        for key, folder in (("1", "movies"), ("2", "tv"), ("3", "music")):
            self.plex.set_locations(key, f"{self.media}/{folder}")
        await self.plex.start()
        stack.push_async_callback(self.plex.stop)
        self.panel = self._start_panel()
        stack.callback(self._stop_panel)

    def environment(self) -> dict[str, str]:
        assert self.qbittorrent is not None
        return {
            "MEDIAHUB_PROWLARR_URL": self.prowlarr.url,
            "MEDIAHUB_PROWLARR_API_KEY": self.prowlarr.api_key,
            "MEDIAHUB_QBITTORRENT_URL": self.qbittorrent.url,
            "MEDIAHUB_QBITTORRENT_USERNAME": self.qbittorrent.username,
            "MEDIAHUB_QBITTORRENT_PASSWORD": self.qbittorrent.password,
            "MEDIAHUB_PLEX_URL": self.plex.url,
            "MEDIAHUB_PLEX_TOKEN": self.plex.token,
            "MEDIAHUB_PATH_MAP": f"{self.media}={self.media}",
            "MEDIAHUB_CATEGORIES": ",".join(
                f"{c}={self.media}/{c}" for c in ("movies", "tv", "music", "books")
            ),
            "MEDIAHUB_STATE_DIR": str(self.root / "state"),
            "MEDIAHUB_TORRENTS_DIR": str(self.root / "torrents"),
            "MEDIAHUB_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "MEDIAHUB_PORT": "3000",
        }

    def _start_panel(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, **self.environment(), "PYTHONPATH": str(HUB_PARENT)}
        return subprocess.Popen([sys.executable, "-m", "hub.panel"], env=env)

    def _stop_panel(self) -> None:
        if self.panel and self.panel.poll() is None:
            self.panel.terminate()
            self.panel.wait(10)

    def describe(self) -> str:
        assert self.qbittorrent is not None
        return "\n".join(
            [
                "MediaHub lab is running:",
                "  panel        http://127.0.0.1:3000",
                f"  qBittorrent  {self.qbittorrent.url}  (user {self.qbittorrent.username}, "
                f"password {self.qbittorrent.password})",
                f"  Prowlarr     {self.prowlarr.url}  (simulator, API key {self.prowlarr.api_key})",
                f"  Plex         {self.plex.url}  (simulator, token {self.plex.token})",
                "Ctrl-C stops everything.",
            ]
        )


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="scripts/develop")
    parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mediahub-lab-") as tmp:
        async with AsyncExitStack() as stack:
            lab = Lab(Path(tmp))
            await lab.start(stack)
            print(lab.describe(), flush=True)
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            await stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
