"""The household's controls on real qBittorrent 4.5 and 5.3: adding anything once, limits and
slow mode, the queue, pause and resume all, and the VPN guard driven by the gluetun simulator."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import json
from pathlib import Path

import pytest

from custom_components.mediahub.hub.errors import InvalidInputError
from custom_components.mediahub.hub.lifecycle.tags import held_tag
from custom_components.mediahub.hub.models import Hold, VpnState
from tests.simulators.gluetun import GluetunSimulator
from tests.support.qbittorrent import (
    QbtInstance,
    free_port,
    hours_away_from_now,
    make_torrent,
)
from tests.support.tracker import Tracker
from tests.support.wait import until

from .conftest import Rig, RigFactory

KIB = 1024
STOPPED = ("stoppedDL", "stoppedUP", "pausedDL", "pausedUP")


def info(qbt: QbtInstance) -> dict[str, dict[str, object]]:
    """qBittorrent's own view of its torrents, by hash."""
    return {str(t["hash"]): t for t in qbt.torrents()}


def tags(torrent: dict[str, object]) -> set[str]:
    return {t.strip() for t in str(torrent["tags"]).split(",") if t.strip()}


def add_by_hand(
    qbt: QbtInstance, torrent: bytes, *, save_path: Path, stopped: bool = False
) -> None:
    """What a person does in qBittorrent's own UI (MediaHub is not involved)."""
    stop = "true" if stopped else "false"
    qbt.api(
        "POST",
        "torrents/add",
        files={"torrents": ("x.torrent", torrent, "application/x-bittorrent")},
        data={"savepath": str(save_path), "stopped": stop, "paused": stop},
    )


async def settle(qbt: QbtInstance, predicate: Callable[[], object], what: str) -> None:
    """qBittorrent's own view reaches a state (no MediaHub poll in between)."""
    await until(lambda: asyncio.to_thread(predicate), what)


async def test_adding_the_same_torrent_twice_names_the_first_and_adds_nothing(
    make_rig: RigFactory, qbittorrent: QbtInstance, tmp_path: Path
) -> None:
    torrent, _, infohash = make_torrent(tmp_path / "made", "Arrival.2016.1080p.mkv", 64 * KIB)
    rig = await make_rig(qbittorrent)
    await rig.engine.poll()
    added = await rig.engine.downloads.add_torrent_file(torrent, "movies")
    assert added.hash == infohash
    # A second tap at once, before qBittorrent lists the first (it takes up to a second).
    with pytest.raises(InvalidInputError) as at_once:
        await rig.engine.downloads.add_torrent_file(torrent, "movies")
    assert at_once.value.code == "already_added"
    await rig.engine.poll()
    with pytest.raises(InvalidInputError) as duplicate:
        await rig.engine.downloads.add_torrent_file(torrent, "movies")
    assert duplicate.value.code == "already_added"
    assert duplicate.value.values == {"name": "Arrival.2016.1080p.mkv", "hash": infohash}
    magnet = f"magnet:?xt=urn:btih:{infohash}&dn=Arrival"
    with pytest.raises(InvalidInputError, match="already in qBittorrent"):
        await rig.engine.downloads.add_magnet(magnet)
    for bad, code in ((b"not a torrent", "invalid_torrent"), (b"d4:infoi1ee", "invalid_torrent")):
        with pytest.raises(InvalidInputError) as refused:
            await rig.engine.downloads.add_torrent_file(bad, "movies")
        assert refused.value.code == code
    with pytest.raises(InvalidInputError) as too_large:
        await rig.engine.downloads.add_torrent_file(b"d" * (20 * 1024 * 1024 + 1))
    assert too_large.value.code == "torrent_too_large"
    assert list(info(qbittorrent)) == [infohash]


async def test_limits_slow_mode_and_its_schedule_are_set_and_followed(
    make_rig: RigFactory, qbittorrent: QbtInstance
) -> None:
    rig = await make_rig(qbittorrent)
    control = rig.engine.bandwidth
    await rig.engine.poll()
    start, end = hours_away_from_now()
    await control.change(
        {
            "download_limit": 500 * KIB,
            "upload_limit": 100 * KIB,
            "alt_download_limit": 50 * KIB,
            "alt_upload_limit": 10 * KIB,
            "schedule": {
                "enabled": True,
                "from_hour": start,
                "from_minute": 30,
                "to_hour": end,
                "to_minute": 0,
                "days": 1,
            },
        }
    )
    prefs = qbittorrent.api("GET", "app/preferences").json()
    assert (prefs["dl_limit"], prefs["up_limit"]) == (500 * KIB, 100 * KIB)
    assert (prefs["alt_dl_limit"], prefs["alt_up_limit"]) == (50 * KIB, 10 * KIB)
    assert prefs["scheduler_enabled"] is True
    assert (prefs["schedule_from_hour"], prefs["schedule_from_min"]) == (start, 30)
    assert (prefs["schedule_to_hour"], prefs["schedule_to_min"], prefs["scheduler_days"]) == (
        end,
        0,
        1,
    )

    # Bad input is refused whole: nothing of it reaches qBittorrent.
    for bad in (
        {"download_limit": -1, "upload_limit": 5},
        {"upload_limit": 5, "schedule": {"from_hour": 24}},
        {"upload_limit": "fast"},
        {},
    ):
        with pytest.raises(InvalidInputError) as refused:
            await control.change(bad)
        assert refused.value.code == "invalid_bandwidth"
    assert qbittorrent.api("GET", "app/preferences").json()["up_limit"] == 100 * KIB
    # qBittorrent's scheduler overrides a hand toggle outside its hours: off for what follows.
    await control.change({"schedule": {"enabled": False}})

    # Changed in qBittorrent's own UI: the poll after qBittorrent lists it, MediaHub shows it
    # (qBittorrent itself takes up to its refresh interval, 1.5 s, to list a mode change).
    def toggled_in_qbittorrent() -> bool:
        # Right after the schedule changes qBittorrent may still apply it over a toggle.
        if qbittorrent.api("GET", "transfer/speedLimitsMode").text.strip() == "1":
            return True
        qbittorrent.api("POST", "transfer/toggleSpeedLimitsMode")
        return False

    await until(
        lambda: asyncio.to_thread(toggled_in_qbittorrent), "slow mode in qBittorrent", interval=0.5
    )
    # What MediaHub shows follows: at once, or (within SETTLE of its own last change, when a
    # different state may be one older than that change) once SETTLE is over.
    await rig.poll_until(
        lambda: control.current is not None and control.current.alt_speed, what="slow mode"
    )
    assert rig.engine.downloads.transfer().alt_speed
    qbittorrent.api("POST", "transfer/setDownloadLimit", data={"limit": 77 * KIB})
    await rig.poll_until(
        lambda: rig.engine.downloads.transfer().download_limit == 77 * KIB, what="the new limit"
    )
    assert control.current.alt_download_limit == 77 * KIB
    assert control.current.download_limit == 500 * KIB  # the normal one is untouched

    await control.change({"alt_speed": False})
    assert qbittorrent.api("GET", "transfer/speedLimitsMode").text.strip() == "0"
    await rig.poll_until(lambda: not rig.engine.downloads.transfer().alt_speed, what="normal")
    assert rig.engine.downloads.transfer().download_limit == 500 * KIB
    assert not control.current.alt_speed


async def test_the_queue_force_start_and_pause_and_resume_all(
    make_rig: RigFactory, qbittorrent: QbtInstance, tmp_path: Path
) -> None:
    rig = await make_rig(qbittorrent)
    downloads = rig.engine.downloads
    await rig.engine.poll()
    hashes = []
    for n in range(3):
        torrent, _, infohash = make_torrent(tmp_path / "made", f"Nobody.Seeds.{n}.mkv", 64 * KIB)
        await downloads.add_torrent_file(torrent)
        hashes.append(infohash)
    await rig.engine.poll()
    with pytest.raises(InvalidInputError) as off:
        await downloads.move_in_queue(hashes[0], top=True)
    assert off.value.code == "queueing_off"

    qbittorrent.api(
        "POST",
        "app/setPreferences",
        data={"json": json.dumps({"queueing_enabled": True, "max_active_downloads": 1})},
    )

    def order() -> list[str]:
        queued = sorted(qbittorrent.torrents(), key=lambda t: int(str(t["priority"])))
        return [str(t["hash"]) for t in queued]

    await rig.engine.poll()
    last = order()[-1]
    await downloads.move_in_queue(last, top=True)
    await settle(qbittorrent, lambda: order()[0] == last, "the last at the top")
    await downloads.move_in_queue(last, top=False)
    await settle(qbittorrent, lambda: order()[-1] == last, "back at the bottom")

    await downloads.force_start(last)
    assert info(qbittorrent)[last]["force_start"] is True

    await downloads.pause_all()
    await settle(
        qbittorrent,
        lambda: all(t["state"] in STOPPED for t in qbittorrent.torrents()),
        "every torrent stopped",
    )
    await rig.engine.poll()
    await downloads.resume_all()
    await settle(
        qbittorrent,
        lambda: not any(t["state"] in STOPPED for t in qbittorrent.torrents()),
        "every torrent started",
    )


async def _guarded_rig(
    make_rig: RigFactory, qbittorrent: QbtInstance, gluetun: GluetunSimulator, tracker: Tracker
) -> tuple[Rig, dict[str, str]]:
    """A rig with gluetun, and three torrents put there by hand: one seeding (its data is
    here), one downloading (no one seeds it), one a person stopped."""
    rig = await make_rig(qbittorrent, gluetun_url=gluetun.url, gluetun_api_key=gluetun.api_key)
    hashes = {}
    for role, where in (
        ("seeding", qbittorrent.save_path),
        ("downloading", qbittorrent.save_path.parent / "elsewhere"),
        ("stopped", qbittorrent.save_path.parent / "elsewhere"),
    ):
        torrent, _, hashes[role] = make_torrent(
            where, f"{role}.mkv", 256 * KIB, trackers=[tracker.announce_url]
        )
        add_by_hand(
            qbittorrent, torrent, save_path=qbittorrent.save_path, stopped=role == "stopped"
        )
    expected = {
        "seeding": ("stalledUP", "uploading"),
        "downloading": ("stalledDL", "downloading", "metaDL"),
        "stopped": STOPPED,
    }

    def settled() -> bool:
        now = info(qbittorrent)
        return all(h in now and now[h]["state"] in expected[r] for r, h in hashes.items())

    await settle(qbittorrent, settled, "seeding, downloading and stopped")
    return rig, hashes


@pytest.fixture
async def tracker() -> object:
    simulator = Tracker(free_port(), external_ip=GluetunSimulator().public_ip)
    await simulator.start()
    yield simulator
    await simulator.stop()


async def test_the_vpn_guard_stops_every_transfer_within_one_poll_and_restarts_only_those(
    make_rig: RigFactory,
    qbittorrent: QbtInstance,
    gluetun_sim: GluetunSimulator,
    tracker: Tracker,
) -> None:
    rig, hashes = await _guarded_rig(make_rig, qbittorrent, gluetun_sim, tracker)
    snapshot = await rig.engine.poll()
    assert snapshot.holds == frozenset()
    vpn_tag = held_tag(Hold.VPN)

    async def vpn_fails_then_returns(fail: object, restore: object) -> None:
        fail()  # type: ignore[operator]
        snapshot = await rig.engine.poll()  # one poll
        assert snapshot.holds == {Hold.VPN}
        await settle(
            qbittorrent,
            lambda: all(
                info(qbittorrent)[hashes[r]]["state"] in STOPPED for r in ("seeding", "downloading")
            ),
            "the transfers stopped",
        )
        now = info(qbittorrent)
        assert vpn_tag in tags(now[hashes["seeding"]])
        assert vpn_tag in tags(now[hashes["downloading"]])
        assert vpn_tag not in tags(now[hashes["stopped"]])  # a person's stop, not the guard's
        # Resuming one by hand while the VPN is not confirmed is refused, and it stays stopped.
        with pytest.raises(InvalidInputError) as held:
            await rig.engine.downloads.resume(hashes["seeding"])
        assert held.value.code == "held_vpn"
        assert info(qbittorrent)[hashes["seeding"]]["state"] in STOPPED

        restore()  # type: ignore[operator]
        snapshot = await rig.engine.poll()
        assert snapshot.holds == frozenset()
        await settle(
            qbittorrent,
            lambda: all(
                info(qbittorrent)[hashes[r]]["state"] not in STOPPED
                for r in ("seeding", "downloading")
            ),
            "the held transfers started again",
        )
        now = info(qbittorrent)
        assert not any(vpn_tag in tags(t) for t in now.values())
        assert now[hashes["stopped"]]["state"] in STOPPED  # never resumed
        await rig.engine.poll()

    def tunnel(status: str) -> object:
        return lambda: setattr(gluetun_sim, "status", status)

    await vpn_fails_then_returns(tunnel("stopped"), tunnel("running"))

    # gluetun unreachable: the VPN is not confirmed either.
    key = gluetun_sim.api_key
    await vpn_fails_then_returns(
        lambda: setattr(gluetun_sim, "api_key", "changed"),
        lambda: setattr(gluetun_sim, "api_key", key),
    )

    if qbittorrent.binary.major >= 5:
        # qBittorrent 5 reports the address its peers see (the tracker's word): once it is
        # known, an address that is not the VPN's means torrent traffic bypasses the VPN.
        await rig.poll_until(
            lambda: rig.engine.downloads.transfer().external_ipv4 == gluetun_sim.public_ip,
            what="qBittorrent to learn its external address",
        )
        vpn_ip = gluetun_sim.public_ip
        await vpn_fails_then_returns(
            lambda: setattr(gluetun_sim, "public_ip", "203.0.113.9"),
            lambda: setattr(gluetun_sim, "public_ip", vpn_ip),
        )
        assert rig.engine.vpn is not None and rig.engine.vpn.state is VpnState.CONNECTED


async def test_switched_off_the_guard_lets_transfers_run_and_pause_all_outlasts_a_hold(
    make_rig: RigFactory,
    qbittorrent5: QbtInstance,
    gluetun_sim: GluetunSimulator,
    tracker: Tracker,
) -> None:
    qbittorrent = qbittorrent5
    rig, hashes = await _guarded_rig(make_rig, qbittorrent, gluetun_sim, tracker)
    gluetun_sim.status = "stopped"
    await rig.engine.poll()
    # A person pauses everything while the guard holds: the VPN's return starts nothing.
    await rig.engine.downloads.pause_all()
    await settle(
        qbittorrent,
        lambda: all(t["state"] in STOPPED for t in qbittorrent.torrents()),
        "everything stopped",
    )
    gluetun_sim.status = "running"
    await rig.engine.poll()
    await rig.engine.poll()
    assert all(t["state"] in STOPPED for t in qbittorrent.torrents())
    assert not any(held_tag(Hold.VPN) in tags(t) for t in qbittorrent.torrents())

    unguarded = await make_rig(
        qbittorrent,
        gluetun_url=gluetun_sim.url,
        gluetun_api_key=gluetun_sim.api_key,
        vpn_guard=False,
    )
    await unguarded.engine.poll()
    await unguarded.engine.downloads.resume_all()
    await settle(
        qbittorrent,
        lambda: info(qbittorrent)[hashes["seeding"]]["state"] not in STOPPED,
        "resumed",
    )
    gluetun_sim.status = "stopped"
    snapshot = await unguarded.engine.poll()
    assert snapshot.holds == frozenset()
    assert unguarded.engine.vpn is not None and unguarded.engine.vpn.state is VpnState.DOWN
    now = info(qbittorrent)[hashes["seeding"]]
    assert now["state"] not in STOPPED
    assert held_tag(Hold.VPN) not in tags(now)
