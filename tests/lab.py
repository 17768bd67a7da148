"""The lab: the whole MediaHub system on one machine, without Docker (`scripts/develop`).

Starts a real qBittorrent on :8080 and a seeder serving a few real torrents (folder torrents
the Prowlarr simulator lists, announced to a tracker on :6969 so that every download finds the
seeder by itself), the Prowlarr and Plex simulators on :9696 and :32400, the panel on :3000 and
a real Home Assistant on :8123 (with Assist and MediaHub's sentences), which it onboards and
configures through Home Assistant's own HTTP APIs (onboarding, then MediaHub's config flow).
Prints the URLs and the Home Assistant login, and runs until interrupted; everything it started
stops with it. Logs go to `.lab/logs/` in the clone. A process that dies is reported and stops
the lab.

`--check` runs a scripted search → grab → completion → Plex scan through the panel's API and
through Home Assistant's actions, checks Home Assistant itself (its UI in Chromium, an action
from Developer tools, Assist, a clean log), prints each step, and exits 0 only if every step
worked.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
import json
import math
import os
from pathlib import Path
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

import aiohttp
import imageio_ffmpeg

from .simulators.plex import PlexSimulator
from .simulators.prowlarr import ProwlarrSimulator, SimRelease
from .support.browser import chromium
from .support.qbittorrent import QbtInstance, SeededTorrent, available_binaries, launch, seed
from .support.sse import read_events
from .support.tracker import Tracker
from .support.wait import WaitTimeoutError, until

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

REPO = Path(__file__).resolve().parents[1]
# Inside the clone (ignored by git), so that a person can open the logs from their own shell:
# the rootfs's /tmp is private to the lab's mount namespace.
LAB_DIR = REPO / ".lab"
HUB_PARENT = REPO / "custom_components" / "mediahub"
SENTENCES = REPO / "docs" / "custom_sentences"
HA_URL = "http://127.0.0.1:8123"
HA_PORT = 8123
PANEL_URL = "http://127.0.0.1:3000"
TRACKER_PORT = 6969
CLIENT_ID = f"{HA_URL}/"
LAB_TORRENTS = [
    ("Big Buck Bunny 2008 1080p BluRay", 2040, 24 * 1024 * 1024),
    ("Sintel 2010 720p WEB-DL", 2040, 12 * 1024 * 1024),
    ("Elephants Dream 2006 S01E01 HDTV", 5040, 8 * 1024 * 1024),
    ("Tears of Steel 2012 Soundtrack FLAC", 3000, 6 * 1024 * 1024),
]
# The lab seeds small payloads (a run takes seconds), but its indexer lists what such a release
# weighs in the wild, so the default profile's size floor (hub/releases/suspect.py) judges the
# listing as it would a real one: a payload this small is what a fake would be.
MUSIC = 3000
LISTED_SIZE = {2040: 2 * 1024**3, 5040: 350 * 1024**2, MUSIC: 300 * 1024**2}
# A deliberate set on top of Home Assistant's defaults: the UI, Settings, and Assist (where
# MediaHub's voice intents are tried). Every Python requirement of what this loads is pinned in
# requirements_test.txt (tests/test_lab.py checks it), since the lab runs hass with --skip-pip.
# The HTTP server's address is not set here: Home Assistant keeps it in its own store (see
# `_confirmed_http_config`); in YAML it would be a change waiting to be confirmed.
HA_CONFIGURATION = """\
homeassistant:
  name: MediaHub Lab
  unit_system: metric
  time_zone: UTC
  country: US
frontend:
config:
system_health:
conversation:
assist_pipeline:
ffmpeg:
  ffmpeg_bin: {ffmpeg}
logger:
  default: warning
  logs:
    custom_components.mediahub: info
"""
HA_INTEGRATIONS = (
    "frontend",
    "config",
    "system_health",
    "conversation",
    "assist_pipeline",
    "ffmpeg",
)
# Onboarding sets these up for every new Home Assistant; the lab has no internet, so it removes
# the ones that need it once onboarding is done (they would only retry and fail).
HA_ONBOARDING_INTEGRATIONS = ("google_translate", "met", "radio_browser", "shopping_list")
NEEDS_THE_INTERNET = ("google_translate", "met", "radio_browser")


@dataclass
class Login:
    username: str
    password: str
    token: str = ""


class Lab:
    """Owns every process and server of the lab."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.logs = root / "logs"
        self.qbittorrent: QbtInstance | None = None
        self.seeder: QbtInstance | None = None
        self.tracker = Tracker(port=TRACKER_PORT)
        self.prowlarr = ProwlarrSimulator(port=9696)
        self.plex = PlexSimulator(port=32400)
        self.media = root / "media"
        self.ha_config = root / "homeassistant"
        self.login = Login("lab", secrets.token_urlsafe(9))
        self.household = Login("household", secrets.token_urlsafe(12))  # a user, not an admin
        self.entry_id = ""
        self.seeded: dict[str, SeededTorrent] = {}  # by release title
        self.indexer = self.prowlarr.add_indexer("Lab Seeds", latency=0.2)
        self._processes: dict[str, subprocess.Popen[bytes]] = {}

    # --- starting ----------------------------------------------------------------------------

    async def start(self, stack: AsyncExitStack) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        await self.tracker.start()
        stack.push_async_callback(self.tracker.stop)
        binary = next(b for b in available_binaries() if b.major == 5)
        self.seeder = await asyncio.to_thread(launch, binary, self.root / "seeder")
        stack.callback(self.seeder.stop)
        # The real WebUI port: qBittorrent's Host-header validation wants the port it listens on.
        self.qbittorrent = await asyncio.to_thread(launch, binary, self.root / "qbittorrent", 8080)
        stack.callback(self.qbittorrent.stop)
        for name, instance in (("seeder", self.seeder), ("qbittorrent", self.qbittorrent)):
            (self.logs / f"{name}.log").symlink_to(
                Path("..") / instance.profile.relative_to(self.root) / "stdout.log"
            )
        for title, category, size in LAB_TORRENTS:
            await self.publish(title, category, size)
        await self.prowlarr.start()
        stack.push_async_callback(self.prowlarr.stop)
        for key, folder in (("1", "movies"), ("2", "tv"), ("3", "music")):
            self.plex.set_locations(key, f"/data/{folder}")
        self.plex.media("/data", self.media)  # what Plex's scans read: the lab's media folder
        await self.plex.start()
        stack.push_async_callback(self.plex.stop)
        stack.callback(self._stop_processes)
        self._spawn(
            "panel",
            [sys.executable, "-m", "sidecar"],
            {**self.panel_environment(), "PYTHONPATH": str(HUB_PARENT)},
        )
        await self._start_home_assistant()
        async with aiohttp.ClientSession() as http:
            await wait_until(lambda: _answers(http, f"{PANEL_URL}/health"), 60, "the panel")
            await self._onboard(http)
            self.entry_id = await self._configure_mediahub(http)
            await self._remove_entries(http, NEEDS_THE_INTERNET)

    async def publish(
        self, title: str, category: int, size: int, *, age_hours: float = 30.0
    ) -> SeededTorrent:
        """Seed a release and list it on the lab's indexer."""
        assert self.seeder is not None
        # A film or an episode is one .mkv in its folder; an album, its tracks (the file guard
        # downloads only what a category plays).
        tracks = {f"{n:02d} - Track {n}.flac": size // 2 for n in (1, 2)}
        torrent = await asyncio.to_thread(
            seed,
            self.seeder,
            title.replace(" ", "."),
            size,
            folder=True,
            trackers=[self.tracker.announce_url],
            files=tracks if category == MUSIC else None,
        )
        self.seeded[title] = torrent
        self.indexer.releases.append(
            SimRelease(
                title,
                category=category,
                size=LISTED_SIZE.get(category, size),
                seeders=100 + size // 2**20,
                torrent=torrent.torrent_bytes,
                infohash=torrent.infohash,
                age_hours=age_hours,
            )
        )
        return torrent

    def panel_environment(self) -> dict[str, str]:
        assert self.qbittorrent is not None
        return {
            "MEDIAHUB_PROWLARR_URL": self.prowlarr.url,
            "MEDIAHUB_PROWLARR_API_KEY": self.prowlarr.api_key,
            "MEDIAHUB_QBITTORRENT_URL": self.qbittorrent.url,
            "MEDIAHUB_QBITTORRENT_USERNAME": self.qbittorrent.username,
            "MEDIAHUB_QBITTORRENT_PASSWORD": self.qbittorrent.password,
            "MEDIAHUB_PLEX_URL": self.plex.url,
            "MEDIAHUB_PLEX_TOKEN": self.plex.token,
            "MEDIAHUB_PATH_MAP": f"{self.media}=/data",
            "MEDIAHUB_CATEGORIES": ",".join(
                f"{c}={self.media}/{c}" for c in ("movies", "tv", "music", "books")
            ),
            "MEDIAHUB_STATE_DIR": str(self.root / "panel-state"),
            "MEDIAHUB_TORRENTS_DIR": str(self.root / "torrents"),
            "MEDIAHUB_ALLOWED_HOSTS": "localhost",
            "MEDIAHUB_PORT": "3000",
        }

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> None:
        with (self.logs / f"{name}.log").open("ab") as log:  # the process keeps its own
            self._processes[name] = subprocess.Popen(
                command,
                env={**os.environ, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def _stop_processes(self) -> None:
        for process in self._processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self._processes.values():
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def dead_process(self) -> str | None:
        """A plain sentence about the first of the lab's processes that has exited, if any."""
        running = dict(self._processes)
        for name, instance in (("qbittorrent", self.qbittorrent), ("seeder", self.seeder)):
            if instance is not None and instance.process is not None:
                running[name] = instance.process
        for name, process in running.items():
            if (code := process.poll()) is not None:
                return (
                    f"{name} (pid {process.pid}) exited with status {code}; "
                    f"its log is {self.relative(self.logs / f'{name}.log')}"
                )
        return None

    async def watch(self) -> str:
        """Return, with the reason, as soon as one of the lab's processes dies."""
        dead = await until(self.dead_process, "a process to die", timeout=math.inf, interval=2)
        assert dead is not None  # until returns what holds
        return dead

    @staticmethod
    def relative(path: Path) -> str:
        return str(path.relative_to(REPO))

    async def _start_home_assistant(self) -> None:
        config = self.ha_config
        (config / "custom_components").mkdir(parents=True)
        (config / "custom_components" / "mediahub").symlink_to(HUB_PARENT)
        (config / "configuration.yaml").write_text(
            HA_CONFIGURATION.format(ffmpeg=imageio_ffmpeg.get_ffmpeg_exe())
        )
        # MediaHub's sentences for the default Assist agent, as the README tells users to do.
        shutil.copytree(SENTENCES, config / "custom_sentences")
        _confirmed_http_config(config / ".storage")
        hass = Path(sys.executable).with_name("hass")
        self._spawn("homeassistant", [str(hass), "--config", str(config), "--skip-pip"], {})
        async with aiohttp.ClientSession() as http:
            await wait_until(
                lambda: _answers(http, f"{HA_URL}/api/onboarding"), 300, "Home Assistant"
            )

    # --- Home Assistant through its own HTTP APIs -------------------------------------------

    async def _onboard(self, http: aiohttp.ClientSession) -> None:
        """Create the owner and finish onboarding, as the first browser visit would."""
        async with http.post(
            f"{HA_URL}/api/onboarding/users",
            json={
                "client_id": CLIENT_ID,
                "name": "MediaHub Lab",
                "username": self.login.username,
                "password": self.login.password,
                "language": "en",
            },
        ) as response:
            response.raise_for_status()
            code = (await response.json())["auth_code"]
        self.login.token = await _token(http, code)
        for step, body in (
            ("core_config", {}),
            ("analytics", {}),
            ("integration", {"client_id": CLIENT_ID, "redirect_uri": f"{HA_URL}/?auth_callback=1"}),
        ):
            async with http.post(
                f"{HA_URL}/api/onboarding/{step}", json=body, headers=self._auth
            ) as response:
                response.raise_for_status()

    @property
    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.login.token}"}

    async def _configure_mediahub(self, http: aiohttp.ClientSession) -> str:
        """MediaHub's config flow, step by step, through /api/config/config_entries/flow."""
        assert self.qbittorrent is not None
        answers = {
            "user": {"prowlarr_url": self.prowlarr.url, "prowlarr_api_key": self.prowlarr.api_key},
            "qbittorrent": {
                "qbittorrent_url": self.qbittorrent.url,
                "qbittorrent_username": self.qbittorrent.username,
                "qbittorrent_password": self.qbittorrent.password,
            },
            "plex": {"plex_url": self.plex.url, "plex_token": self.plex.token},
            "gluetun": {},
        }
        async with http.post(
            f"{HA_URL}/api/config/config_entries/flow",
            json={"handler": "mediahub"},
            headers=self._auth,
        ) as response:
            response.raise_for_status()
            flow = await response.json()
        while flow["type"] == "form":
            if flow.get("errors"):
                raise RuntimeError(f"config flow step {flow['step_id']} failed: {flow['errors']}")
            async with http.post(
                f"{HA_URL}/api/config/config_entries/flow/{flow['flow_id']}",
                json=answers[flow["step_id"]],
                headers=self._auth,
            ) as response:
                response.raise_for_status()
                flow = await response.json()
        if flow["type"] != "create_entry":
            raise RuntimeError(f"config flow ended with {flow}")
        entry_id: str = flow["result"]["entry_id"]
        # The lab's folders: categories under its media folder, seen by Plex as /data.
        async with http.post(
            f"{HA_URL}/api/config/config_entries/options/flow",
            json={"handler": entry_id},
            headers=self._auth,
        ) as response:
            options = await response.json()
        step = f"{HA_URL}/api/config/config_entries/options/flow/{options['flow_id']}"
        async with http.post(step, json={"next_step_id": "settings"}, headers=self._auth) as menu:
            menu.raise_for_status()  # the options open on a menu: settings, quality profiles
        async with http.post(
            step,
            json={
                "categories": self.panel_environment()["MEDIAHUB_CATEGORIES"],
                "path_map": f"{self.media}=/data",
                "auto_scan": True,
            },
            headers=self._auth,
        ) as response:
            response.raise_for_status()
        return entry_id

    async def _remove_entries(self, http: aiohttp.ClientSession, domains: tuple[str, ...]) -> None:
        """Remove the config entries of these integrations, once onboarding has made them."""
        url = f"{HA_URL}/api/config/config_entries/entry"
        entries: list[dict[str, Any]] = []

        async def all_made() -> bool:
            async with http.get(url, headers=self._auth) as response:
                entries[:] = [e for e in await response.json() if e["domain"] in domains]
            return len(entries) >= len(domains)

        await _holds(all_made, 30)  # those made by then are removed all the same
        for entry in entries:
            async with http.delete(f"{url}/{entry['entry_id']}", headers=self._auth) as response:
                response.raise_for_status()

    async def action(
        self, http: aiohttp.ClientSession, name: str, *, token: str = "", **data: Any
    ) -> Any:
        """Call a MediaHub action through Home Assistant's REST API (as the lab's owner, or
        as whoever `token` is)."""
        auth = {"Authorization": f"Bearer {token}"} if token else self._auth
        async with http.post(
            f"{HA_URL}/api/services/mediahub/{name}?return_response",
            json={"config_entry_id": self.entry_id, **data},
            headers=auth,
        ) as response:
            if response.status != 200:
                raise RuntimeError(
                    f"mediahub.{name}: HTTP {response.status} {await response.text()}"
                )
            return (await response.json())["service_response"]

    async def state(self, http: aiohttp.ClientSession, entity_id: str) -> str:
        async with http.get(f"{HA_URL}/api/states/{entity_id}", headers=self._auth) as response:
            return (
                str((await response.json()).get("state")) if response.status == 200 else "missing"
            )

    def describe(self) -> str:
        assert self.qbittorrent is not None
        return "\n".join(
            [
                "MediaHub lab is running:",
                f"  panel           {PANEL_URL}",
                f"  Home Assistant  {HA_URL}  (login {self.login.username} / {self.login.password}; MediaHub configured)",
                f"  qBittorrent     {self.qbittorrent.url}  (login {self.qbittorrent.username} / {self.qbittorrent.password})",
                f"  Prowlarr        {self.prowlarr.url}  (simulator, API key {self.prowlarr.api_key})",
                f"  Plex            {self.plex.url}  (simulator, token {self.plex.token})",
                f"  logs            {self.relative(self.logs)}/  (panel, homeassistant, qbittorrent, seeder)",
                "Search for: " + ", ".join(t for t, _, _ in LAB_TORRENTS),
                "Ctrl-C stops everything.",
            ]
        )

    # --- the scripted check ------------------------------------------------------------------

    async def check(self) -> bool:
        """search → grab → completion → scan, once through the panel and once through HA."""
        assert self.qbittorrent is not None
        steps: list[tuple[str, bool, str]] = []

        def step(name: str, ok: bool, detail: str = "") -> bool:
            steps.append((name, ok, detail))
            print(f"  {'✓' if ok else '✗'} {name}{': ' + detail if detail else ''}", flush=True)
            return ok

        async with aiohttp.ClientSession() as http:
            print("Through the panel:", flush=True)
            title = "Big Buck Bunny 2008 1080p BluRay"
            events = await _sse(http, f"{PANEL_URL}/api/search?q=big+buck+bunny")
            releases = [r for name, data in events if name == "results" for r in data["releases"]]
            found = next((r for r in releases if r["title"] == title), None)
            if (
                step("search", found is not None, f"{len(releases)} result(s) for 'big buck bunny'")
                and found
            ):
                headers = {"Origin": PANEL_URL, "X-MediaHub": "1"}
                async with http.post(
                    f"{PANEL_URL}/api/downloads", json={"release_id": found["id"]}, headers=headers
                ) as response:
                    grab = await response.json()
                    step(
                        "grab",
                        response.status == 201,
                        f"HTTP {response.status}, hash {grab.get('hash', '?')[:12]}",
                    )
                # No peer is pointed at by hand: the download finds the seeder through the
                # lab's tracker, as in the interactive lab.
                done = await self._wait_download(http, grab.get("hash", ""))
                step("completion", done, "qBittorrent finished, panel shows 100%")
                # Organized for Plex (on by default), then scanned, then listed by Plex.
                organized = "/data/movies/Big Buck Bunny (2008)"
                scanned = await _holds(
                    lambda: any(r.path == organized for r in self.plex.refreshes), 60
                )
                step("Plex scan", scanned, organized)
                ready = await self._wait_ready(http, grab.get("hash", ""))
                step(
                    "ready to watch",
                    ready is not None,
                    f"{ready['label']}, Play in Plex, poster {ready['poster']}"
                    if ready
                    else "Plex never listed it",
                )

            print("Through Home Assistant:", flush=True)
            title = "Elephants Dream 2006 S01E01 HDTV"
            result = await self.action(http, "search", query="elephants dream")
            hit = next((r for r in result["results"] if r["title"] == title), None)
            if (
                step("mediahub.search", hit is not None, f"{len(result['results'])} result(s)")
                and hit
            ):
                grabbed = await self.action(http, "grab", release_id=hit["id"])
                step(
                    "mediahub.grab",
                    grabbed["hash"] == self.seeded[title].infohash,
                    f"category {grabbed['category']}",
                )

                async def complete_in_ha() -> bool:
                    listed = await self.action(http, "list_downloads")
                    item = listed["downloads"].get(grabbed["hash"])
                    return bool(item and item["progress"] == 1 and item["scan_sent"])

                ok = await _holds(complete_in_ha, 60)
                step(
                    "completion + scan seen by Home Assistant",
                    ok,
                    "list_downloads: progress 1, scan_sent",
                )
                # Home Assistant and the panel's sidecar both watch this qBittorrent: one scans.
                show = "/data/tv/Elephants Dream (2006)"
                scans = sum(r.path == show for r in self.plex.refreshes)
                step("Plex scan, once", scans == 1, f"{show} scanned {scans} time(s)")

                async def available_in_ha() -> bool:
                    listed = await self.action(http, "list_downloads")
                    item = listed["downloads"].get(grabbed["hash"])
                    return bool(item and item["stage"] == "available")

                ok = await _holds(available_in_ha, 60)
                step("in Plex, seen by Home Assistant", ok, "list_downloads: stage available")
                total = await self.state(http, "sensor.qbittorrent_total_downloads")
                step(
                    "entities",
                    total.isdigit() and int(total) >= 1,
                    f"sensor.qbittorrent_total_downloads = {total}",
                )
                print("A wish:", flush=True)
                await self._check_wish(http, step)
            print("Home Assistant itself:", flush=True)
            await self._check_home_assistant(http, step)
            print("The lab:", flush=True)
            logs = sorted(p.name for p in self.logs.glob("*.log") if p.stat().st_size > 0)
            step(
                "logs",
                {"panel.log", "homeassistant.log", "qbittorrent.log", "seeder.log"} <= set(logs),
                f"{self.relative(self.logs)}/: {', '.join(logs)}",
            )
            step(
                "downloads found the seeder by themselves",
                self.tracker.announces > len(LAB_TORRENTS),
                f"{self.tracker.announces} announces to the lab's tracker",
            )
            dead = self.dead_process()
            step("every process still running", dead is None, dead or "")
        failed = [s for s in steps if not s[1]]
        # Worded so that CI's test counter keeps reading pytest's closing line, not this one.
        print(f"lab check: {len(steps) - len(failed)} of {len(steps)} steps worked", flush=True)
        return not failed

    async def _check_wish(
        self, http: aiohttp.ClientSession, step: Callable[[str, bool, str], bool]
    ) -> None:
        """Follow the show whose first episode is in Plex; its next episode comes out, is
        grabbed once by whichever process watches, downloads, and Plex lists it."""
        assert self.qbittorrent is not None
        made = await self.action(
            http, "wish", title="Elephants Dream", kind="follow", category="tv"
        )
        wish = made["wish"]
        if not step(
            "mediahub.wish: follow Elephants Dream",
            wish["state"] == "wanted" and wish["after"] == "S01E01",
            f"wish {wish['id']} {wish['state']}, after {wish['after']}",
        ):
            return
        title = "Elephants Dream 2006 S01E02 HDTV"
        episode = await self.publish(title, 5040, 8 * 1024 * 1024, age_hours=0.1)

        async def seen_by_the_panel(what: str) -> int:
            """How often the wish's history, as the panel reads it, has `what` for S01E02. The
            sidecar reads the list where Home Assistant wrote it (Prowlarr holds it)."""
            async with http.get(f"{PANEL_URL}/api/wishes") as response:
                listed = await response.json()
            mine: dict[str, Any] = next(
                (w for w in listed["wishes"] if w["id"] == wish["id"]), {"history": []}
            )
            return sum(h["what"] == what and h.get("item") == "S01E02" for h in mine["history"])

        async def watched_until(what: str) -> bool:
            # Either process may hold the watch claim; asking again is what a person would do.
            await self.action(http, "watch_wishes")
            return await seen_by_the_panel(what) > 0

        ok = await _holds(lambda: watched_until("grabbed"), 60)

        async def downloading() -> bool:
            listed = await self.action(http, "list_downloads")
            return episode.infohash in listed["downloads"]

        held = ok and await _holds(downloading, 60)
        times = await seen_by_the_panel("grabbed")
        step(
            "mediahub.watch_wishes: the new episode grabbed, once",
            ok and held and times == 1,
            f"{title}: grabbed {times} time(s), seen by Home Assistant's list_downloads: {held}",
        )
        ok = await _holds(lambda: watched_until("available"), 90)
        step("the new episode in Plex, seen by the panel", ok, "GET /api/wishes: S01E02 available")

    async def _check_home_assistant(
        self, http: aiohttp.ClientSession, step: Callable[[str, bool, str], bool]
    ) -> None:
        """What a person meets in Home Assistant: it loads, stays up, and has nothing broken."""
        async with http.get(f"{HA_URL}/api/services", headers=self._auth) as response:
            services = await response.json() if response.status == 200 else []
        step(
            "action descriptions load (the UI's get_services)",
            any(s["domain"] == "mediahub" for s in services),
            f"GET /api/services: HTTP {response.status}",
        )
        config = await self.websocket(http, {"type": "http/config"})
        step(
            "HTTP settings confirmed: no restart pending",
            config["pending"] is None and config["revert_at"] is None,
            f"active: {config['active_config_type']}",
        )
        answer, speech = await self.assist(http, "what is downloading", "en")
        step(
            "Assist: 'what is downloading'",
            answer.get("response_type") == "action_done" and "download" in speech.lower(),
            repr(speech),
        )
        # In German, from the German sentences (docs/custom_sentences/de).
        answer, speech = await self.assist(http, "was wird heruntergeladen", "de")
        step(
            "Assist in German: 'was wird heruntergeladen'",
            answer.get("response_type") == "action_done"
            and ("heruntergeladen" in speech or "Download" in speech),
            repr(speech),
        )
        # A refusal is a sentence (Big Buck Bunny is in Plex since the panel's grab), with the
        # offer it makes; taken up, qBittorrent already having that very torrent is said too.
        answer, speech = await self.assist(http, "download big buck bunny", "en")
        step(
            "Assist refuses: 'download big buck bunny'",
            speech.startswith("Big Buck Bunny is already in Plex")
            and "'download it anyway'" in speech,
            repr(speech),
        )
        answer, speech = await self.assist(http, "download it anyway", "en")
        step(
            "Assist: 'download it anyway'",
            answer.get("response_type") == "error" and "already in qBittorrent" in speech,
            repr(speech),
        )
        issues = await self.websocket(http, {"type": "repairs/list_issues"})
        ours = [i["issue_id"] for i in issues["issues"] if i["domain"] == "mediahub"]
        step(
            "no MediaHub repair raised",
            not ours,
            ", ".join(ours)
            or "repairs: "
            + (", ".join(f"{i['domain']}.{i['issue_id']}" for i in issues["issues"]) or "none"),
        )
        problems = self.home_assistant_log_problems()
        step(
            "Home Assistant's log has no errors",
            not problems,
            problems[0][:200] if problems else "no ERROR lines",
        )
        ok, detail = await self._check_ui()
        step("the UI in Chromium: logged in, Developer tools ran mediahub.search", ok, detail)
        await self._check_sidebar_panel(http, step)
        if self.household.token:
            await self._check_request(http, step)

    async def _check_request(
        self, http: aiohttp.ClientSession, step: Callable[[str, bool, str], bool]
    ) -> None:
        """The household's user asks for a film; the owner approves it from the phone's
        notification (its button's event, as the Companion app fires it: in the owner's name);
        once it is out, it is grabbed and Plex lists it."""
        asked = await self.action(
            http,
            "wish",
            token=self.household.token,
            title="Cosmos Laundromat",
            kind="want",
            category="movies",
            year=2015,
        )
        wish = asked["wish"]
        if not step(
            "a user's wish is a request",
            wish["state"] == "waiting",
            f"Cosmos Laundromat: {wish['state']}, asked by {wish['asked_by']}",
        ):
            return
        film = await self.publish("Cosmos Laundromat 2015 1080p WEB-DL", 2040, 6 * 1024 * 1024)
        tap = {"action": f"MEDIAHUB_APPROVE_{self.entry_id}_{wish['id']}"}
        async with http.post(
            f"{HA_URL}/api/events/mobile_app_notification_action", json=tap, headers=self._auth
        ) as response:
            response.raise_for_status()

        async def state() -> dict[str, Any]:
            # A cycle now, by whichever process holds the watch claim; then the panel's list.
            await self.action(http, "watch_wishes")
            async with http.get(f"{PANEL_URL}/api/wishes") as answer:
                wishes = (await answer.json())["wishes"]
            found: dict[str, Any] = next(w for w in wishes if w["id"] == wish["id"])
            return found

        async def approved() -> bool:
            return any(h["what"] == "approved" for h in (await state())["history"])

        ok = await _holds(approved, 60)
        by = [h.get("by") for h in (await state())["history"] if h["what"] == "approved"]
        step("approved from the phone's notification", ok, f"approved by {by}")

        async def available() -> bool:
            return (await state())["state"] == "available"

        ok = await _holds(available, 120)
        step(
            "the request grabbed and in Plex",
            ok and film.infohash in (await self.action(http, "list_downloads"))["downloads"],
            "GET /api/wishes: available",
        )

    async def assist(
        self, http: aiohttp.ClientSession, text: str, language: str
    ) -> tuple[dict[str, Any], str]:
        """What Home Assistant's default Assist agent answers (the response, its speech)."""
        async with http.post(
            f"{HA_URL}/api/conversation/process",
            json={"text": text, "language": language},
            headers=self._auth,
        ) as response:
            answer: dict[str, Any] = (await response.json())["response"]
        return answer, answer.get("speech", {}).get("plain", {}).get("speech", "")

    def home_assistant_log_problems(self) -> list[str]:
        log = self.ha_config / "home-assistant.log"
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        return [line for line in lines if " ERROR " in line or " CRITICAL " in line]

    async def websocket(self, http: aiohttp.ClientSession, command: dict[str, Any]) -> Any:
        """One command over Home Assistant's websocket API, as the frontend sends it."""
        async with http.ws_connect(f"{HA_URL}/api/websocket") as ws:
            await ws.receive_json()  # auth_required
            await ws.send_json({"type": "auth", "access_token": self.login.token})
            if (await ws.receive_json())["type"] != "auth_ok":
                raise RuntimeError("Home Assistant refused the lab's token")
            await ws.send_json({"id": 1, **command})
            reply = await ws.receive_json()
        if not reply.get("success"):
            raise RuntimeError(f"{command['type']}: {reply.get('error')}")
        return reply["result"]

    async def _log_in(self, browser: Browser, login: Login, **context: Any) -> Page:
        """A new browser (`context`: its viewport, colour scheme…) logged in as `login`."""
        from playwright.async_api import expect  # noqa: PLC0415

        page = await (await browser.new_context(**context)).new_page()
        await page.goto(HA_URL)
        await page.locator("input[name=username]").fill(login.username)
        await page.locator("input[name=password]").fill(login.password)
        await page.get_by_role("button", name=re.compile("^(Log in|Anmelden)$")).click()
        # The login hands a code back to the app, which stores its tokens and then drops the
        # code from the address: from there on this is the app, not the login.
        await page.wait_for_url(lambda url: "auth_callback" not in url, timeout=60_000)
        await expect(page.locator("#ha-launch-screen")).to_have_count(0, timeout=60_000)
        # On a phone the sidebar is a drawer, closed: there, it is only there (in any language).
        await expect(page.locator("ha-sidebar")).to_be_attached(timeout=60_000)
        return page

    async def _check_ui(self) -> tuple[bool, str]:
        """Log in as a person would, then run mediahub.search from Developer tools."""
        from playwright.async_api import expect  # noqa: PLC0415

        shots = self.root / "screenshots"
        shots.mkdir(exist_ok=True)
        async with chromium() as browser:
            started = time.monotonic()
            page = await self._log_in(browser, self.login, viewport={"width": 1280, "height": 900})
            try:
                await expect(page.locator("ha-sidebar").get_by_text("Overview")).to_be_visible()
                loaded = time.monotonic() - started
                await page.screenshot(path=shots / "home-assistant.png")
                await page.goto(f"{HA_URL}/developer-tools/action")
                await page.get_by_text("YAML mode", exact=True).click()
                editor = page.locator(".cm-content").first
                await editor.click()
                await page.keyboard.press("Control+A")
                await page.keyboard.press("Delete")
                await editor.fill(
                    "action: mediahub.search\n"
                    f"data:\n  config_entry_id: {self.entry_id}\n  query: sintel\n"
                )
                await page.get_by_role("button", name="Perform action").click()
                await expect(page.get_by_text("Sintel 2010 720p WEB-DL").first).to_be_visible(
                    timeout=60_000
                )
                await page.screenshot(path=shots / "developer-tools-search.png")
            except Exception as err:
                await page.screenshot(path=shots / "failure.png")
                return False, f"{type(err).__name__}: {str(err)[:300]} (see {self.relative(shots)})"
        return True, f"UI loaded in {loaded:.1f}s; screenshots in {self.relative(shots)}/"

    async def _check_sidebar_panel(
        self, http: aiohttp.ClientSession, step: Callable[[str, bool, str], bool]
    ) -> None:
        """MediaHub in Home Assistant's sidebar, in Chromium at a phone's size: an administrator
        searches, grabs and sees the download finish; then a user who is not an administrator,
        once the stack lets users grab, does the same and is refused a removal."""
        shots = self.root / "screenshots"
        shots.mkdir(exist_ok=True)
        phone: dict[str, Any] = {"viewport": {"width": 390, "height": 844}}
        async with chromium() as browser:
            page = await self._log_in(browser, self.login, **phone)
            ok, detail = await self._grab_in_panel(page, "sintel", "Sintel 2010 720p WEB-DL")
            await page.screenshot(path=shots / "ha-panel.png")
            if not step("sidebar panel, administrator: search, grab, done", ok, detail):
                return
            ok, detail = await self._settings_in_panel(http, page)
            step("sidebar panel, administrator: Plex scan and a quality profile", ok, detail)
            dark = await self._log_in(browser, self.login, color_scheme="dark", **phone)
            await dark.goto(f"{HA_URL}/mediahub#downloads")
            await dark.get_by_text(self.seeded["Sintel 2010 720p WEB-DL"].name).wait_for()
            await dark.screenshot(path=shots / "ha-panel-dark.png")
            # A browser in German, whose user has not chosen a language: Home Assistant speaks
            # German, and so does MediaHub's panel.
            german = await self._log_in(browser, self.login, locale="de-DE", **phone)
            await german.goto(f"{HA_URL}/mediahub#downloads")
            ok = await _answers_text(german, "Bereit zum Ansehen")
            await german.screenshot(path=shots / "ha-panel-de.png")
            step("sidebar panel in the user's language", ok, "German: 'Bereit zum Ansehen'")

            household = self.household
            await self._add_user(http, household)
            await self._sign_in(http, household)
            await self._let_users_grab(http)
            page = await self._log_in(browser, household, **phone)
            title = "Tears of Steel 2012 Soundtrack FLAC"
            ok, detail = await self._grab_in_panel(page, "tears of steel", title)
            await page.screenshot(path=shots / "ha-panel-user.png")
            if not step("sidebar panel, a user: search, grab, done", ok, detail):
                return
            ok, detail = await self._removal_refused(page, title)
            step("sidebar panel, a user: no removal offered, and refused", ok, detail)
            ok, detail = await self._card_on_a_dashboard(http, browser, title)
            step("custom:mediahub-card on a dashboard shows the download", ok, detail)

    async def _card_on_a_dashboard(
        self, http: aiohttp.ClientSession, browser: Browser, title: str
    ) -> tuple[bool, str]:
        """The card, on a new dashboard (created and saved as the dashboard editor does), then
        that dashboard in Chromium."""
        from playwright.async_api import expect  # noqa: PLC0415

        card = {"type": "custom:mediahub-card", "sections": ["downloads", "ready"]}
        view = {"title": "Home", "path": "home", "cards": [card]}
        dashboard = {"url_path": "dashboard-media", "title": "Media", "mode": "storage"}
        await self.websocket(http, {"type": "lovelace/dashboards/create", **dashboard})
        await self.websocket(
            http,
            {
                "type": "lovelace/config/save",
                "url_path": dashboard["url_path"],
                "config": {"views": [view]},
            },
        )
        page = await self._log_in(browser, self.login, viewport={"width": 390, "height": 844})
        try:
            await page.goto(f"{HA_URL}/{dashboard['url_path']}/home")
            name = f"{self.seeded[title].name}: 100%"
            shown = page.locator("mediahub-card").get_by_role("progressbar", name=name)
            await expect(shown).to_be_visible(timeout=60_000)
        except Exception as err:
            return False, f"{type(err).__name__}: {str(err)[:300]}"
        finally:
            await page.screenshot(path=self.root / "screenshots" / "ha-card.png")
        return True, f"{title} at 100 % in the card on /dashboard-media/home"

    async def _grab_in_panel(self, page: Page, query: str, title: str) -> tuple[bool, str]:
        """Search in the sidebar panel, download `title`, and watch it reach 100 %."""
        from playwright.async_api import expect  # noqa: PLC0415

        try:
            await page.goto(f"{HA_URL}/mediahub")
            await page.get_by_role("searchbox").fill(query)
            await page.get_by_role("search").get_by_role("button", name="Search").click()
            await page.get_by_role("button", name=f"Download {title}").click()
            await page.get_by_role("button", name="Downloads").click()
            name = self.seeded[title].name  # qBittorrent's name for it, as the list shows
            await expect(page.get_by_role("progressbar", name=f"{name}: 100%")).to_be_visible(
                timeout=90_000
            )
        except Exception as err:  # the step says what failed; the screenshot shows it
            return False, f"{type(err).__name__}: {str(err)[:300]}"
        return True, f"{title}: 100 %, through Home Assistant's websocket"

    async def _settings_in_panel(self, http: aiohttp.ClientSession, page: Page) -> tuple[bool, str]:
        """The Plex and Settings tabs in the sidebar: a scan of Movies, and its quality profile
        saved, in the store the options flow and the sidecar use (then put back)."""
        from playwright.async_api import expect  # noqa: PLC0415

        shots = self.root / "screenshots"
        entry = {"entry_id": self.entry_id}
        try:
            await page.get_by_role("button", name="Plex").click()
            movies = page.get_by_role("listitem").filter(has_text="Movies")
            await movies.get_by_role("button", name="Scan Movies").click()
            await expect(movies).to_contain_text("last scan just now", timeout=30_000)
            await page.screenshot(path=shots / "ha-panel-plex.png")
            await page.get_by_role("button", name="Settings").click()
            await page.get_by_label("Largest size, GB").fill("33")
            profile = page.get_by_role("region", name="Quality profile")
            await profile.get_by_role("button", name="Save").click()
            await expect(page.get_by_role("status")).to_contain_text("Saved", timeout=30_000)
            await page.screenshot(path=shots / "ha-panel-settings.png")
        except Exception as err:
            await page.screenshot(path=shots / "failure.png")
            return False, f"{type(err).__name__}: {str(err)[:300]}"
        stored = await self.websocket(http, {"type": "mediahub/profiles", **entry})
        size = stored["profiles"]["movies"]["max_size_gb"]
        await self.websocket(
            http, {"type": "mediahub/save_profile", **entry, "category": "movies", "profile": None}
        )
        return (
            size == 33,
            f"Movies scanned; its profile saved with {size} GB, as Home Assistant has it",
        )

    async def _removal_refused(self, page: Page, title: str) -> tuple[bool, str]:
        """A user is offered no removal, and Home Assistant refuses one asked for anyway, over
        that user's own connection in the page."""
        infohash = self.seeded[title].infohash
        try:
            offered = await page.get_by_role(
                "button", name=f"Remove {self.seeded[title].name}"
            ).count()
            answer = await page.evaluate(
                """async (message) => {
                    try {
                        await document.querySelector("home-assistant").hass.callWS(message);
                        return "done";
                    } catch (error) {
                        return error.code ?? String(error);
                    }
                }""",
                {
                    "type": "mediahub/action",
                    "entry_id": self.entry_id,
                    "action": "remove",
                    "data": {"hash": infohash, "delete_files": True},
                },
            )
        except Exception as err:
            return False, f"{type(err).__name__}: {str(err)[:300]}"
        kept = infohash in {t["hash"] for t in await self._qbittorrent_torrents()}
        detail = (
            f"{offered} Remove button(s); asked anyway: {answer}; qBittorrent still has it: {kept}"
        )
        return offered == 0 and answer == "unauthorized" and kept, detail

    async def _qbittorrent_torrents(self) -> list[dict[str, Any]]:
        assert self.qbittorrent is not None
        return await asyncio.to_thread(self.qbittorrent.torrents)  # type: ignore[arg-type]

    async def _add_user(self, http: aiohttp.ClientSession, login: Login) -> None:
        """A person of the household: a user, not an administrator."""
        user = await self.websocket(
            http,
            {"type": "config/auth/create", "name": "Household", "group_ids": ["system-users"]},
        )
        await self.websocket(
            http,
            {
                "type": "config/auth_provider/homeassistant/create",
                "user_id": user["user"]["id"],
                "username": login.username,
                "password": login.password,
            },
        )

    async def _sign_in(self, http: aiohttp.ClientSession, login: Login) -> None:
        """A token for `login`, through Home Assistant's login flow, as its login page does."""
        async with http.post(
            f"{HA_URL}/auth/login_flow",
            json={
                "client_id": CLIENT_ID,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{HA_URL}/?auth_callback=1",
            },
        ) as response:
            flow = await response.json()
        async with http.post(
            f"{HA_URL}/auth/login_flow/{flow['flow_id']}",
            json={"client_id": CLIENT_ID, "username": login.username, "password": login.password},
        ) as response:
            code = (await response.json())["result"]
        login.token = await _token(http, code)

    async def _let_users_grab(self, http: aiohttp.ClientSession) -> None:
        """MediaHub's option, through its options flow, as an administrator sets it."""
        async with http.post(
            f"{HA_URL}/api/config/config_entries/options/flow",
            json={"handler": self.entry_id},
            headers=self._auth,
        ) as response:
            options = await response.json()
        step = f"{HA_URL}/api/config/config_entries/options/flow/{options['flow_id']}"
        async with http.post(step, json={"next_step_id": "settings"}, headers=self._auth) as menu:
            menu.raise_for_status()
        async with http.post(step, json={"users_can_grab": True}, headers=self._auth) as answer:
            answer.raise_for_status()
            if (await answer.json())["type"] != "create_entry":
                raise RuntimeError(f"MediaHub's options refused users_can_grab: {answer}")

    async def _wait_ready(
        self, http: aiohttp.ClientSession, infohash: str
    ) -> dict[str, Any] | None:
        """The panel's ready-to-watch entry for a download, once Plex lists it."""
        found: dict[str, Any] = {}

        async def listed() -> bool:
            async with http.get(f"{PANEL_URL}/api/downloads") as response:
                state = await response.json()
            for item in state.get("ready", []):
                if item["hash"] == infohash:
                    found.update(item)
            return bool(found)

        return found if await _holds(listed, 60) else None

    async def _wait_download(self, http: aiohttp.ClientSession, infohash: str) -> bool:
        async def complete() -> bool:
            async with http.get(f"{PANEL_URL}/api/downloads") as response:
                state = await response.json()
            return any(d["hash"] == infohash and d["progress"] == 1 for d in state["downloads"])

        return await _holds(complete, 60)


def _confirmed_http_config(storage: Path, port: int = HA_PORT) -> None:
    """Home Assistant's HTTP settings (loopback only, `port`) as its own store keeps a
    confirmed config. Set in configuration.yaml instead, they become a pending change that
    Home Assistant reverts after 5 minutes unless a person confirms it, restarting itself and
    leaving its port dead. Built with Home Assistant's own schema and storage keys."""
    from homeassistant.components.http import config as http_config  # noqa: PLC0415

    stable = {
        **http_config.HTTP_STORAGE_SCHEMA({"server_host": ["127.0.0.1"], "server_port": port}),
        http_config.HTTP_CONFIG_CREATED_AT: datetime.now(UTC).isoformat(),
        http_config.HTTP_CONFIG_ERROR: None,
        http_config.HTTP_CONFIG_ERROR_MESSAGE: None,
    }
    storage.mkdir(parents=True, exist_ok=True)
    (storage / http_config.STORAGE_KEY).write_text(
        json.dumps(
            {
                "version": http_config.STORAGE_VERSION,
                "minor_version": http_config.STORAGE_MINOR_VERSION,
                "key": http_config.STORAGE_KEY,
                "data": {
                    http_config.KEY_STABLE: stable,
                    http_config.KEY_PENDING: None,
                    http_config.KEY_YAML_MIGRATION_DONE: True,
                },
            }
        )
    )


async def _answers_text(page: Page, text: str) -> bool:
    """The page shows `text` within a minute."""
    try:
        await page.get_by_text(text).first.wait_for(timeout=60_000)
    except Exception:
        return False
    return True


async def _answers(http: aiohttp.ClientSession, url: str) -> bool:
    try:
        async with http.get(url, timeout=aiohttp.ClientTimeout(total=3)) as response:
            return response.status < 500
    except aiohttp.ClientError, TimeoutError:
        return False


async def wait_until(check: Callable[[], Awaitable[bool]], timeout: float, what: str) -> None:
    if not await _holds(check, timeout):
        raise RuntimeError(f"{what} did not start within {timeout:.0f}s")


async def _token(http: aiohttp.ClientSession, code: str) -> str:
    """The access token Home Assistant gives for a login's authorization code."""
    async with http.post(
        f"{HA_URL}/auth/token",
        data={"grant_type": "authorization_code", "code": code, "client_id": CLIENT_ID},
    ) as response:
        response.raise_for_status()
        token: str = (await response.json())["access_token"]
        return token


async def _holds(check: Callable[[], bool | Awaitable[bool]], timeout: float) -> bool:
    """Whether `check` (plain or awaitable) comes to hold within `timeout` seconds: the
    suite's `until`, looking every half second; the caller prints what it was."""
    try:
        await until(check, "a step of the lab", timeout=timeout, interval=0.5)
    except WaitTimeoutError:
        return False
    return True


async def _sse(http: aiohttp.ClientSession, url: str) -> list[tuple[str, Any]]:
    async with http.get(url) as response:
        return await read_events(response, lambda name, _data: name == "done")


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="scripts/develop", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="run the scripted flow and exit 0 if it works"
    )
    args = parser.parse_args(argv)
    shutil.rmtree(LAB_DIR, ignore_errors=True)  # each run starts clean; the last one's logs go
    LAB_DIR.mkdir()
    async with AsyncExitStack() as stack:
        lab = Lab(LAB_DIR)
        started = time.monotonic()
        await lab.start(stack)
        print(lab.describe(), flush=True)
        print(f"(started in {time.monotonic() - started:.1f}s)", flush=True)
        watchdog = asyncio.create_task(lab.watch())
        if args.check:
            checked = asyncio.create_task(lab.check())
            await asyncio.wait({watchdog, checked}, return_when=asyncio.FIRST_COMPLETED)
            if checked.done():
                watchdog.cancel()
                return 0 if checked.result() else 1
            checked.cancel()
            print(f"✗ the lab lost a process during the check: {watchdog.result()}", flush=True)
            return 1
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({watchdog, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if watchdog.done():
            print(f"✗ {watchdog.result()}. Stopping the lab.", flush=True)
            return 1
        watchdog.cancel()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
