"""The household's controls in Home Assistant, against real qBittorrent and gluetun's simulator:
slow mode, the limits, pause and resume all, the queue and force start, a .torrent file on this
machine, and the repair issue while the VPN guard holds downloads back."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import json
from pathlib import Path

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.mediahub.const import DOMAIN
from custom_components.mediahub.hub import download_record_json
from tests.simulators.gluetun import GluetunSimulator
from tests.support.qbittorrent import QbtInstance, hours_away_from_now, make_torrent
from tests.support.wait import until

from .conftest import ENTRY_ID
from .helpers import A_POLL, call, tick, ticking

SWITCH = "switch.qbittorrent_alternative_speed_limits"
DOWNLOAD_LIMIT = "number.qbittorrent_download_limit"
ALT_DOWNLOAD_LIMIT = "number.qbittorrent_alternative_download_limit"
KIB = 1024


def prefs(qbt: QbtInstance) -> dict[str, object]:
    return dict(qbt.api("GET", "app/preferences").json())


async def test_slow_mode_and_limits_follow_qbittorrent_and_change_it(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    qbittorrent5: QbtInstance,
    freezer: FrozenDateTimeFactory,
) -> None:
    hass = stack_hass
    registry = er.async_get(hass)
    for entity_id, icon_key in (
        (SWITCH, "alt_speed"),
        (DOWNLOAD_LIMIT, "download_limit"),
        ("button.qbittorrent_pause_all_downloads", "pause_all"),
        ("button.qbittorrent_resume_all_downloads", "resume_all"),
    ):
        entry = registry.async_get(entity_id)
        assert entry is not None, entity_id  # named from the translations
        assert entry.translation_key == icon_key
    assert hass.states.get(SWITCH).state == STATE_OFF
    assert hass.states.get(DOWNLOAD_LIMIT).state == "0"

    await hass.services.async_call("switch", "turn_on", {"entity_id": SWITCH}, blocking=True)
    assert (
        await asyncio.to_thread(qbittorrent5.api, "GET", "transfer/speedLimitsMode")
    ).text == "1"
    assert hass.states.get(SWITCH).state == STATE_ON
    await hass.services.async_call(
        "number", "set_value", {"entity_id": ALT_DOWNLOAD_LIMIT, "value": 300}, blocking=True
    )
    assert (await asyncio.to_thread(prefs, qbittorrent5))["alt_dl_limit"] == 300 * KIB
    assert hass.states.get(ALT_DOWNLOAD_LIMIT).state == "300"

    # Changed in qBittorrent itself: one poll later Home Assistant shows it.
    await tick(hass, freezer, A_POLL)
    assert hass.states.get(ALT_DOWNLOAD_LIMIT).state == "300"
    await asyncio.to_thread(qbittorrent5.api, "POST", "transfer/toggleSpeedLimitsMode")
    await asyncio.to_thread(
        qbittorrent5.api, "POST", "transfer/setDownloadLimit", data={"limit": 900 * KIB}
    )
    await tick(hass, freezer, A_POLL)
    assert hass.states.get(SWITCH).state == STATE_OFF
    assert hass.states.get(DOWNLOAD_LIMIT).state == "900"
    # A limit not in force, changed in qBittorrent's options: shown one poll later too.
    await asyncio.to_thread(
        qbittorrent5.api,
        "POST",
        "app/setPreferences",
        data={"json": json.dumps({"alt_dl_limit": 444 * KIB})},
    )
    await tick(hass, freezer, A_POLL)
    assert hass.states.get(ALT_DOWNLOAD_LIMIT).state == "444"

    # The schedule and the rest through one action; bad values change nothing.
    start, end = hours_away_from_now()
    response = await call(
        hass,
        "set_bandwidth",
        loaded_entry,
        upload_limit=64,
        schedule_enabled=True,
        schedule_from=f"{start:02d}:30",
        schedule_to=f"{end:02d}:00",
        schedule_days="weekends",
    )
    assert response["schedule"]["from_hour"] == start and response["schedule"]["days"] == 2
    now = await asyncio.to_thread(prefs, qbittorrent5)
    assert (now["up_limit"], now["scheduler_enabled"], now["schedule_to_hour"]) == (
        64 * KIB,
        True,
        end,
    )
    with pytest.raises(ServiceValidationError) as refused:
        await call(hass, "set_bandwidth", loaded_entry, upload_limit=-1, download_limit=5)
    assert refused.value.translation_key == "invalid_bandwidth"
    assert (await asyncio.to_thread(prefs, qbittorrent5))["dl_limit"] == 900 * KIB

    # qBittorrent away: the controls go unavailable, and come back by themselves.
    await asyncio.to_thread(qbittorrent5.stop)
    await tick(hass, freezer, A_POLL)
    assert hass.states.get(SWITCH).state == STATE_UNAVAILABLE
    assert hass.states.get(DOWNLOAD_LIMIT).state == STATE_UNAVAILABLE
    await asyncio.to_thread(qbittorrent5.start)
    await tick(hass, freezer, A_POLL)
    assert hass.states.get(SWITCH).state == STATE_OFF


async def test_queue_force_start_pause_all_and_a_local_torrent_file(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    qbittorrent5: QbtInstance,
    tmp_path: Path,
) -> None:
    hass = stack_hass
    runtime = loaded_entry.runtime_data
    folder = tmp_path / "config" / "www"
    torrent, _, infohash = make_torrent(tmp_path / "made", "Ran.1985.1080p.mkv", 64 * KIB)
    folder.mkdir(parents=True)
    (folder / "ran.torrent").write_bytes(torrent)
    # Home Assistant reads only the folders it is allowed to (allowlist_external_dirs).
    hass.config.allowlist_external_dirs = {str(folder)}
    with pytest.raises(ServiceValidationError) as refused:
        await call(hass, "add_torrent", loaded_entry, source="/etc/passwd")
    assert refused.value.translation_key == "path_not_allowed"
    added = await call(hass, "add_torrent", loaded_entry, source=str(folder / "ran.torrent"))
    assert added["hash"] == infohash
    await until(
        lambda: infohash in runtime.engine.downloads.model.torrents, "qBittorrent to list it"
    )
    with pytest.raises(ServiceValidationError) as duplicate:
        await call(hass, "add_torrent", loaded_entry, source=str(folder / "ran.torrent"))
    assert duplicate.value.translation_key == "already_added"
    assert duplicate.value.translation_placeholders["name"] == "Ran.1985.1080p.mkv"

    with pytest.raises(ServiceValidationError) as off:
        await call(hass, "queue", loaded_entry, hash=infohash, position="top")
    assert off.value.translation_key == "queueing_off"
    await asyncio.to_thread(
        qbittorrent5.api,
        "POST",
        "app/setPreferences",
        data={"json": json.dumps({"queueing_enabled": True})},
    )
    await call(hass, "queue", loaded_entry, hash=infohash, position="bottom")
    await call(hass, "force_start", loaded_entry, hash=infohash)
    torrent_now = (await asyncio.to_thread(qbittorrent5.torrents))[0]
    assert torrent_now["force_start"] is True

    await hass.services.async_call(
        "button", "press", {"entity_id": "button.qbittorrent_pause_all_downloads"}, blocking=True
    )
    await until(lambda: runtime.downloads.data.counts.stopped == 1, "the download paused")
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.qbittorrent_resume_all_downloads"}, blocking=True
    )
    await until(lambda: runtime.downloads.data.counts.stopped == 0, "the download resumed")


async def test_the_vpn_guard_raises_a_repair_while_it_holds_downloads(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    qbittorrent5: QbtInstance,
    gluetun_sim: GluetunSimulator,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
) -> None:
    hass = stack_hass
    runtime = loaded_entry.runtime_data
    torrent, _, infohash = make_torrent(tmp_path / "made", "Held.2001.mkv", 64 * KIB)
    hass.config.allowlist_external_dirs = {str(tmp_path / "config" / "www")}
    await call(hass, "add_torrent", loaded_entry, source=_file(tmp_path, torrent))

    def transferring() -> bool:  # checked and looking for peers: a transfer the guard stops
        shown = runtime.engine.downloads.snapshot().downloads.get(infohash)
        return shown is not None and shown.status in ("stalled", "downloading")

    # qBittorrent checks the torrent on its own time: polls (frozen-clock ticks) go on, and real
    # time passes between them, until it looks for peers.
    await until(
        transferring,
        "qBittorrent to check the torrent and look for peers",
        between=ticking(hass, freezer, A_POLL),
    )
    issue_id = f"downloads_held_vpn_{ENTRY_ID}"
    issues = ir.async_get(hass)

    gluetun_sim.status = "stopped"
    await tick(hass, freezer, A_POLL)
    issue = issues.async_get_issue(DOMAIN, issue_id)
    assert issue is not None and issue.translation_key == "downloads_held_vpn"
    shown = runtime.engine.downloads.snapshot().downloads[infohash]
    assert shown.held is not None and download_record_json(shown)["held"] == "vpn"
    with pytest.raises(ServiceValidationError) as held:
        await call(hass, "resume", loaded_entry, hash=infohash)
    assert held.value.translation_key == "held_vpn"
    await tick(hass, freezer, timedelta(seconds=30))  # the VPN sensors' own poll
    vpn = hass.states.get("binary_sensor.vpn_gluetun_traffic_through_vpn")
    assert vpn is not None and vpn.attributes["guard_holding"] is True

    gluetun_sim.status = "running"
    await tick(hass, freezer, A_POLL)
    assert issues.async_get_issue(DOMAIN, issue_id) is None
    assert runtime.engine.downloads.snapshot().downloads[infohash].held is None


def _file(tmp_path: Path, torrent: bytes) -> str:
    folder = tmp_path / "config" / "www"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "held.torrent"
    path.write_bytes(torrent)
    return str(path)
