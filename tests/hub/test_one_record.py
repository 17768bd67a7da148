"""One record across processes: several MediaHub engines on one real qBittorrent agree, and
each step after a completion happens once (docs/pipeline.md).

Each engine here stands for a process (Home Assistant's, a sidecar's): its own state and
torrents directories, its own connections. A crash is an engine dropped between two awaits
with nothing saved on the way out; `tests/hub/test_one_record_kill.py` kills real processes.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
from dataclasses import dataclass, field
import hashlib
import json
from pathlib import Path

import aiohttp
from hypothesis import settings, strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    precondition,
    rule,
    run_state_machine_as_test,
)
import pytest

from custom_components.mediahub.hub.clients.qbittorrent import QbittorrentClient
from custom_components.mediahub.hub.config import Settings
from custom_components.mediahub.hub.engine import MediaHub
from custom_components.mediahub.hub.errors import MediaHubError
from custom_components.mediahub.hub.events import DownloadCompleted, DownloadRefused, EngineEvent
from custom_components.mediahub.hub.lifecycle.claims import Claims
from custom_components.mediahub.hub.lifecycle.tags import parse_claim
from custom_components.mediahub.hub.models import Origin, Stage
from tests.simulators.plex import PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator, SimRelease, place_tiny, tiny_torrent
from tests.support.qbittorrent import QbtInstance, checked_in
from tests.support.wait import until, until_blocking

from .conftest import PLEX_ROOT, rig_settings


@dataclass
class Process:
    """One MediaHub process: an engine and what it told its listeners."""

    name: str
    engine: MediaHub
    events: list[EngineEvent] = field(default_factory=list)

    async def poll(self) -> None:
        with contextlib.suppress(MediaHubError):
            await self.engine.downloads.refresh()

    def completed(self) -> list[str]:
        return [e.download.hash for e in self.events if isinstance(e, DownloadCompleted)]


@dataclass
class Fleet:
    """MediaHub processes sharing one qBittorrent, one Prowlarr, one Plex and the media."""

    qbittorrent: QbtInstance
    prowlarr: ProwlarrSimulator
    plex: PlexSimulator
    root: Path
    session: aiohttp.ClientSession
    claim_timeout: float = 600.0
    options: dict[str, object] = field(default_factory=dict)  # more settings, for every process
    running: dict[str, Process] = field(default_factory=dict)
    gone: list[MediaHub] = field(default_factory=list)  # crashed: closed only at the end

    @property
    def movies(self) -> Path:
        return self.root / "media" / "movies"

    def settings(self, name: str) -> Settings:
        base = rig_settings(self.qbittorrent, self.prowlarr, self.plex, self.root)
        return Settings.from_mapping(
            {
                **{k: getattr(base, k) for k in base.__dataclass_fields__},
                "state_dir": str(self.root / name / "state"),
                "torrents_dir": str(self.root / name / "torrents"),
                "claim_timeout": self.claim_timeout,
                **self.options,
            }
        )

    async def start(self, name: str) -> Process:
        engine = MediaHub(self.settings(name), self.session)
        process = Process(name, engine)
        engine.subscribe(process.events.append)
        await engine.start()
        self.running[name] = process
        return process

    async def stop(self, name: str) -> None:
        await self.running.pop(name).engine.close()

    def crash(self, name: str) -> None:
        self.gone.append(self.running.pop(name).engine)

    def offer(self, titles: list[str]) -> None:
        self.prowlarr.add_indexer(
            "Local", releases=[SimRelease(t, category=2000, size=2048) for t in titles]
        )

    async def grab(self, process: Process, title: str) -> str:
        outcome = await process.engine.search.search_all(title)
        [release] = [r for r in outcome.releases if r.title == title]
        return (await process.engine.downloads.grab(release.id, origin=Origin.PANEL)).hash

    def place(self, title: str) -> None:
        """Put a release's data where its download saves, so qBittorrent finds it complete."""
        place_tiny(self.movies, title)

    def add_by_hand(self, title: str, category: str, tags: str = "") -> str:
        """Add a complete release to qBittorrent as another tool would (not through MediaHub)."""
        self.place(title)
        data, infohash = tiny_torrent(title)
        self.qbittorrent.api(
            "POST",
            "torrents/add",
            files={"torrents": ("t.torrent", data, "application/x-bittorrent")},
            data={"savepath": str(self.movies), "category": category, "tags": tags},
        )
        return infohash

    async def poll_all(self) -> None:
        await asyncio.gather(*(p.poll() for p in self.running.values()))

    async def poll_all_until(
        self, predicate: Callable[[], bool], what: str, timeout: float = 120
    ) -> None:
        await self.poll_all()
        await until(predicate, what, timeout=timeout, between=self.poll_all)

    def scans(self) -> Counter[str]:
        return Counter(r.path or "" for r in self.plex.refreshes)

    def claim_categories(self) -> list[str]:
        return [
            c for c in self.qbittorrent.api("GET", "torrents/categories").json() if parse_claim(c)
        ]

    async def close(self) -> None:
        for process in self.running.values():
            await process.engine.close()
        for engine in self.gone:
            await engine.close()


type FleetFactory = Callable[..., Awaitable[Fleet]]


@pytest.fixture
async def make_fleet(
    tmp_path: Path, prowlarr_sim: ProwlarrSimulator, plex_sim: PlexSimulator
) -> AsyncIterator[FleetFactory]:
    plex_sim.set_locations("1", f"{PLEX_ROOT}/movies")
    fleets: list[Fleet] = []
    async with aiohttp.ClientSession() as session:

        async def make(qbt: QbtInstance, claim_timeout: float = 600.0) -> Fleet:
            fleet = Fleet(qbt, prowlarr_sim, plex_sim, tmp_path, session, claim_timeout)
            fleets.append(fleet)
            return fleet

        yield make
        for fleet in fleets:
            await fleet.close()


async def test_create_category_is_the_compare_and_set_claims_rely_on(
    qbittorrent: QbtInstance,
) -> None:
    """Ten processes race for one claim: exactly one gets it (4.5 and 5.3 alike)."""
    clients = [
        QbittorrentClient(qbittorrent.url, qbittorrent.username, qbittorrent.password)
        for _ in range(10)
    ]
    try:
        claims = [Claims(client) for client in clients]
        won = await asyncio.gather(*(c.take("scan", "ab" * 20) for c in claims))
        assert sum(claim is not None for claim in won) == 1
        assert list(qbittorrent.api("GET", "torrents/categories").json()) == [
            f"mediahub-claim-scan-{'ab' * 20}-0"
        ]
    finally:
        for client in clients:
            await client.close()


async def test_every_process_shows_the_same_download_and_one_scans_it(
    qbittorrent: QbtInstance, make_fleet: FleetFactory
) -> None:
    """A panel grab, seen by Home Assistant's engine and a second sidecar: one Plex scan,
    the same stage and grabber in all three, and no claim left behind."""
    fleet = await make_fleet(qbittorrent)
    title = "Night.of.the.Living.Dead.1968.1080p"
    fleet.offer([title])
    panel, home_assistant, other = [await fleet.start(n) for n in ("panel", "ha", "sidecar2")]
    fleet.place(title)
    infohash = await fleet.grab(panel, title)
    await fleet.poll_all_until(
        lambda: all(
            p.engine.downloads.pipeline.stage(infohash) is Stage.SCAN_SENT
            for p in fleet.running.values()
        ),
        "every process to see the scan sent",
    )
    for _ in range(3):
        await asyncio.gather(*(p.poll() for p in fleet.running.values()))
    assert fleet.scans() == {f"{PLEX_ROOT}/movies/{title}": 1}  # exactly its folder
    for process in (panel, home_assistant, other):
        view = process.engine.downloads.snapshot().downloads[infohash]
        assert (view.stage, view.grabbed_by, view.from_mediahub) == (
            Stage.SCAN_SENT,
            Origin.PANEL,
            True,
        )
        assert process.completed() == [infohash]  # each observed it; HA announces it once
    [torrent] = qbittorrent.torrents()
    assert set(str(torrent["tags"]).split(", ")) == {
        "mediahub",
        "mediahub:via:panel",
        "mediahub:scan-sent",
    }
    assert fleet.claim_categories() == []


async def test_a_hand_added_torrent_in_an_unmanaged_category_is_never_touched(
    qbittorrent5: QbtInstance, make_fleet: FleetFactory
) -> None:
    fleet = await make_fleet(qbittorrent5)
    fleet.add_by_hand("Home.Video.2019.mkv", "family")
    process = await fleet.start("panel")
    await fleet.poll_all_until(
        lambda: bool(process.completed()), "the hand-added torrent to complete"
    )
    for _ in range(3):
        await process.poll()
    [torrent] = qbittorrent5.torrents()
    assert torrent["tags"] == ""  # no mark, no claim: untouched
    assert fleet.plex.refreshes == []
    assert fleet.claim_categories() == []
    view = process.engine.downloads.snapshot().downloads[str(torrent["hash"])]
    assert (view.from_mediahub, view.grabbed_by) == (False, None)


PROCESSES = ("ha", "sidecar", "sidecar2")


class Interleavings(RuleBasedStateMachine):
    """{HA, sidecar, second sidecar} by {start, stop, crash, poll, grab, complete}, in any
    order, on one real qBittorrent. At the end every process is started and polled until the
    dust settles: each completed download was scanned exactly once and no grab was lost."""

    qbittorrent: QbtInstance
    prowlarr: ProwlarrSimulator
    plex: PlexSimulator
    root: Path
    examples = 0

    def __init__(self) -> None:
        super().__init__()
        cls = type(self)
        cls.examples += 1
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self.session = self.run(self._session())
        self.fleet = Fleet(
            cls.qbittorrent, cls.prowlarr, cls.plex, cls.root / f"x{cls.examples}", self.session
        )
        self.indexer = cls.prowlarr.add_indexer(f"Example {cls.examples}", releases=[])
        self.grabbed: dict[str, str] = {}  # title → hash
        self.completed: set[str] = set()
        self._reset_qbittorrent()
        cls.plex.refreshes.clear()

    @staticmethod
    async def _session() -> aiohttp.ClientSession:
        return aiohttp.ClientSession()

    def run[T](self, work: Awaitable[T]) -> T:
        return self.loop.run_until_complete(work)

    def _reset_qbittorrent(self) -> None:
        qbt = type(self).qbittorrent
        qbt.api("POST", "torrents/delete", data={"hashes": "all", "deleteFiles": "true"})
        categories = list(qbt.api("GET", "torrents/categories").json())
        if categories:
            qbt.api("POST", "torrents/removeCategories", data={"categories": "\n".join(categories)})

    def _stopped(self) -> list[str]:
        return [n for n in PROCESSES if n not in self.fleet.running]

    def _running(self) -> list[str]:
        return sorted(self.fleet.running)

    @precondition(lambda self: bool(self._stopped()))
    @rule(data=st.data())
    def start(self, data: st.DataObject) -> None:
        self.run(self.fleet.start(data.draw(st.sampled_from(self._stopped()))))

    @precondition(lambda self: bool(self._running()))
    @rule(data=st.data())
    def stop(self, data: st.DataObject) -> None:
        self.run(self.fleet.stop(data.draw(st.sampled_from(self._running()))))

    @precondition(lambda self: bool(self._running()))
    @rule(data=st.data())
    def crash(self, data: st.DataObject) -> None:
        self.fleet.crash(data.draw(st.sampled_from(self._running())))

    @precondition(lambda self: bool(self._running()))
    @rule(data=st.data())
    def poll(self, data: st.DataObject) -> None:
        self.run(self.fleet.running[data.draw(st.sampled_from(self._running()))].poll())

    @precondition(lambda self: bool(self._running()))
    @rule(data=st.data())
    def grab(self, data: st.DataObject) -> None:
        process = self.fleet.running[data.draw(st.sampled_from(self._running()))]
        title = f"Example.{type(self).examples}.Movie.{len(self.grabbed)}.mkv"
        self.indexer.releases.append(SimRelease(title, category=2000, size=2048))
        self.grabbed[title] = self.run(self.fleet.grab(process, title))

    @precondition(lambda self: bool(set(self.grabbed) - self.completed))
    @rule(data=st.data())
    def complete(self, data: st.DataObject) -> None:
        waiting = sorted(set(self.grabbed) - self.completed)
        title = data.draw(st.sampled_from(waiting))
        qbt, infohash = type(self).qbittorrent, self.grabbed[title]

        # A recheck sent while qBittorrent still checks the torrent it has just added can
        # leave it in checkingDL at 0 % for good (seen on a loaded machine).
        until_blocking(lambda: checked_in(qbt, infohash), f"qBittorrent to check {title} in")
        self.fleet.place(title)
        qbt.api("POST", "torrents/recheck", data={"hashes": infohash})
        self.completed.add(title)

    def teardown(self) -> None:
        try:
            for name in self._stopped():
                self.run(self.fleet.start(name))
            done = {self.grabbed[t] for t in self.completed}

            def settled() -> bool:
                return all(
                    p.engine.downloads.pipeline.stage(h) is Stage.SCAN_SENT
                    for p in self.fleet.running.values()
                    for h in done
                )

            self.run(self.fleet.poll_all_until(settled, "every completion to be scanned"))
            for _ in range(2):
                for process in self.fleet.running.values():
                    self.run(process.poll())
            print(
                "EX",
                len(self.grabbed),
                len(done),
                len(type(self).plex.refreshes),
                len(self.fleet.gone),
            )
            in_qbittorrent = {str(t["hash"]) for t in type(self).qbittorrent.torrents()}
            assert set(self.grabbed.values()) <= in_qbittorrent, "a grab was lost"
            assert len(type(self).plex.refreshes) == len(done), type(self).plex.refreshes
            assert self.fleet.claim_categories() == []
        finally:
            self.run(self.fleet.close())
            self.run(self.session.close())
            self.loop.close()


async def test_interleavings_of_processes_scan_each_completion_once(
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    tmp_path: Path,
) -> None:
    plex_sim.set_locations("1", f"{PLEX_ROOT}/movies")
    machine = type(
        "InterleavingsHere",
        (Interleavings,),
        {"qbittorrent": qbittorrent5, "prowlarr": prowlarr_sim, "plex": plex_sim, "root": tmp_path},
    )
    # The engines run on their own loop in a worker thread; the simulators keep this one.
    await asyncio.to_thread(
        run_state_machine_as_test,
        machine,
        settings=settings(max_examples=15, stateful_step_count=25),
    )


async def test_a_crashed_home_assistant_holding_the_scan_claim_is_taken_over(
    qbittorrent5: QbtInstance, make_fleet: FleetFactory
) -> None:
    """Home Assistant claims the scan while Plex is away, then dies with its claim; the
    sidecar waits out the claim's timeout and scans, once."""
    fleet = await make_fleet(qbittorrent5, claim_timeout=2)
    title = "The.Little.Shop.of.Horrors.1960.mkv"
    fleet.offer([title])
    fleet.place(title)
    fleet.plex.available = False
    home_assistant = await fleet.start("ha")
    infohash = await fleet.grab(home_assistant, title)
    await fleet.poll_all_until(
        lambda: any(parse_claim(c) for c in home_assistant.engine.downloads.model.categories),
        "Home Assistant's claim",
    )
    fleet.crash("ha")
    fleet.plex.available = True
    sidecar = await fleet.start("sidecar")
    await fleet.poll_all_until(
        lambda: sidecar.engine.downloads.pipeline.stage(infohash) is Stage.SCAN_SENT,
        "the sidecar to take the stale claim over",
    )
    await sidecar.poll()
    assert fleet.scans() == {f"{PLEX_ROOT}/movies/{title}": 1}
    assert fleet.claim_categories() == []


async def test_an_adopted_category_is_scanned_like_a_grab(
    qbittorrent5: QbtInstance, make_fleet: FleetFactory
) -> None:
    fleet = await make_fleet(qbittorrent5)
    fleet.add_by_hand("Sonarr.Added.S01E01.mkv", "tv-sonarr")
    fleet.options["adopt_categories"] = "tv-sonarr"
    process = await fleet.start("panel")
    await fleet.poll_all_until(lambda: bool(fleet.plex.refreshes), "the adopted torrent's scan")
    [torrent] = qbittorrent5.torrents()
    assert torrent["tags"] == "mediahub:scan-sent"
    view = process.engine.downloads.snapshot().downloads[str(torrent["hash"])]
    assert (view.stage, view.from_mediahub, view.grabbed_by) == (Stage.SCAN_SENT, False, None)


async def test_an_upgrade_from_0_5_does_not_scan_again_what_it_had_scanned(
    qbittorrent5: QbtInstance, make_fleet: FleetFactory
) -> None:
    """0.5 kept each grab's steps in its own state file; its scans become qBittorrent marks."""
    fleet = await make_fleet(qbittorrent5)
    title = "Detour.1945.mkv"
    infohash = fleet.add_by_hand(title, "movies", tags="mediahub")  # as 0.5 added it
    state = fleet.root / "panel" / "state"
    state.mkdir(parents=True)
    (state / "state.json").write_text(
        json.dumps(
            {
                "version": 1,
                "grabs": [
                    {
                        "hash": infohash,
                        "name": title,
                        "category": "movies",
                        "created_at": 1.0,
                        "delivered_at": 2.0,
                        "completed": True,
                        "scan_sent": True,
                    }
                ],
            }
        )
    )
    process = await fleet.start("panel")
    await fleet.poll_all_until(
        lambda: process.engine.downloads.pipeline.stage(infohash) is Stage.SCAN_SENT,
        "the carried-over mark",
    )
    for _ in range(2):
        await process.poll()
    assert fleet.plex.refreshes == []
    assert process.engine.downloads.outbox == []


async def test_a_torrent_qbittorrent_refuses_is_reported_and_leaves_the_outbox(
    qbittorrent: QbtInstance, make_fleet: FleetFactory
) -> None:
    fleet = await make_fleet(qbittorrent)
    title = "Broken.Pieces.2001.mkv"
    # 2 KiB of content but no piece hash at all: MediaHub can name it, libtorrent refuses it.
    info = b"d6:lengthi2048e4:name%d:%s12:piece lengthi16384e6:pieces0:e" % (
        len(title),
        title.encode(),
    )
    infohash = hashlib.sha1(info, usedforsecurity=False).hexdigest()
    fleet.prowlarr.add_indexer(
        "Local",
        releases=[SimRelease(title, torrent=b"d4:info" + info + b"e", infohash=infohash)],
    )
    process = await fleet.start("panel")
    assert (await fleet.grab(process, title)) == infohash
    [refused] = [e for e in process.events if isinstance(e, DownloadRefused)]
    assert (refused.grab.hash, refused.grab.origin) == (infohash, Origin.PANEL)
    assert refused.reason
    assert process.engine.downloads.outbox == []
    assert qbittorrent.torrents() == []


async def test_the_claim_goes_in_the_same_poll_as_the_scan(
    qbittorrent5: QbtInstance, make_fleet: FleetFactory
) -> None:
    fleet = await make_fleet(qbittorrent5)
    title = "Plan.9.from.Outer.Space.1957.mkv"
    fleet.offer([title])
    fleet.place(title)
    process = await fleet.start("panel")
    infohash = await fleet.grab(process, title)
    await fleet.poll_all_until(
        lambda: process.engine.downloads.pipeline.stage(infohash) is Stage.SCAN_SENT, "the scan"
    )
    assert fleet.claim_categories() == []  # no later poll needed to sweep it
