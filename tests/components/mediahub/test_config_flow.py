"""The config flow against the real services: every step, every error, reauth, reconfigure,
options."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any
from unittest.mock import patch

import aiohttp
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.mediahub.const import DOMAIN
from custom_components.mediahub.hub.clients.prowlarr import ProwlarrClient
from custom_components.mediahub.hub.clients.qbittorrent import QbittorrentClient
from custom_components.mediahub.hub.releases.profiles import ProfileStore
from custom_components.mediahub.stack import SPECS, Service
from tests.simulators.gluetun import GluetunSimulator
from tests.simulators.plex import PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator
from tests.support.qbittorrent import QbtInstance, free_port

from .conftest import stack_data

CLOSED = f"http://127.0.0.1:{free_port()}"  # nothing listens here


async def start(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return result


async def submit(
    hass: HomeAssistant, result: dict[str, Any], data: dict[str, Any]
) -> dict[str, Any]:
    return await hass.config_entries.flow.async_configure(result["flow_id"], data)


def pick(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: data[k] for k in keys}


PROWLARR = ("prowlarr_url", "prowlarr_api_key")
QBITTORRENT = ("qbittorrent_url", "qbittorrent_username", "qbittorrent_password")
PLEX = ("plex_url", "plex_token")
GLUETUN = ("gluetun_url", "gluetun_api_key")


async def test_full_flow_with_every_field_error_on_the_way(
    stack_hass: HomeAssistant,
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    gluetun_sim: GluetunSimulator,
) -> None:
    hass = stack_hass
    good = stack_data(qbittorrent5, prowlarr_sim, plex_sim, gluetun_sim)
    result = await start(hass)
    for bad, errors in (
        ({"prowlarr_url": "not a url"}, {"prowlarr_url": "invalid_url"}),
        ({"prowlarr_url": CLOSED}, {"prowlarr_url": "cannot_connect"}),
        ({"prowlarr_api_key": "wrong"}, {"prowlarr_api_key": "invalid_auth"}),
    ):
        result = await submit(hass, result, {**pick(good, *PROWLARR), **bad})
        assert (result["step_id"], result["errors"]) == ("user", errors)
    result = await submit(hass, result, pick(good, *PROWLARR))
    assert result["step_id"] == "qbittorrent"

    for bad, errors in (
        ({"qbittorrent_url": CLOSED}, {"qbittorrent_url": "cannot_connect"}),
        ({"qbittorrent_password": "wrong"}, {"qbittorrent_password": "invalid_auth"}),
    ):
        result = await submit(hass, result, {**pick(good, *QBITTORRENT), **bad})
        assert (result["step_id"], result["errors"]) == ("qbittorrent", errors)
    result = await submit(hass, result, pick(good, *QBITTORRENT))
    assert result["step_id"] == "plex"

    result = await submit(hass, result, {**pick(good, *PLEX), "plex_token": "wrong"})
    assert result["errors"] == {"plex_token": "invalid_auth"}
    result = await submit(hass, result, pick(good, *PLEX))
    assert result["step_id"] == "gluetun"

    result = await submit(hass, result, {**pick(good, *GLUETUN), "gluetun_api_key": "wrong"})
    assert result["errors"] == {"gluetun_api_key": "invalid_auth"}
    result = await submit(hass, result, pick(good, *GLUETUN))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == good
    assert result["result"].unique_id == plex_sim.machine_identifier


async def test_gluetun_is_optional_and_unexpected_errors_say_unknown(
    stack_hass: HomeAssistant,
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
) -> None:
    hass = stack_hass
    good = stack_data(qbittorrent5, prowlarr_sim, plex_sim)
    result = await start(hass)

    async def broken(*_: object) -> str:
        raise RuntimeError("boom")

    prowlarr = SPECS[Service.PROWLARR]
    with patch.dict(SPECS, {Service.PROWLARR: dataclasses.replace(prowlarr, test=broken)}):
        result = await submit(hass, result, pick(good, *PROWLARR))
    assert result["errors"] == {"base": "unknown"}
    result = await submit(hass, result, pick(good, *PROWLARR))
    result = await submit(hass, result, pick(good, *QBITTORRENT))
    result = await submit(hass, result, pick(good, *PLEX))
    result = await submit(hass, result, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert "gluetun_url" not in result["data"]


async def test_the_same_stack_cannot_be_added_twice(
    stack_hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
) -> None:
    hass = stack_hass
    mock_entry.add_to_hass(hass)
    good = stack_data(qbittorrent5, prowlarr_sim, plex_sim)
    result = await start(hass)
    result = await submit(hass, result, pick(good, *PROWLARR))
    result = await submit(hass, result, pick(good, *QBITTORRENT))
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "already_configured")

    other = MockConfigEntry(
        domain=DOMAIN, data={**good, "qbittorrent_url": "http://127.0.0.1:1"}, unique_id="x"
    )
    hass.config_entries._entries.pop(mock_entry.entry_id)  # only the Plex server is shared now
    other.add_to_hass(hass)
    MockConfigEntry(domain=DOMAIN, data={}, unique_id=plex_sim.machine_identifier).add_to_hass(hass)
    result = await start(hass)
    result = await submit(hass, result, pick(good, *PROWLARR))
    result = await submit(hass, result, pick(good, *QBITTORRENT))
    result = await submit(hass, result, pick(good, *PLEX))
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "already_configured")


@pytest.mark.parametrize(
    ("service", "field", "fix"),
    [
        ("prowlarr", "prowlarr_api_key", lambda s: {"prowlarr_api_key": s["prowlarr"].api_key}),
        (
            "qbittorrent",
            "qbittorrent_password",
            lambda s: {"qbittorrent_username": "admin", "qbittorrent_password": s["qbt"].password},
        ),
        ("plex", "plex_token", lambda s: {"plex_token": s["plex"].token}),
        ("gluetun", "gluetun_api_key", lambda s: {"gluetun_api_key": s["gluetun"].api_key}),
    ],
)
async def test_reauth_asks_for_the_refusing_service(
    stack_hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    gluetun_sim: GluetunSimulator,
    service: str,
    field: str,
    fix: Any,
) -> None:
    hass = stack_hass
    mock_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_entry, data={**mock_entry.data, field: "stale"})
    result = await mock_entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    names = {
        "prowlarr": "Prowlarr",
        "qbittorrent": "qBittorrent",
        "plex": "Plex",
        "gluetun": "gluetun",
    }
    assert result["description_placeholders"]["service"] == names[service]
    assert list(result["data_schema"].schema)[-1] == field
    wrong = dict.fromkeys(
        fix(
            {
                "prowlarr": prowlarr_sim,
                "qbt": qbittorrent5,
                "plex": plex_sim,
                "gluetun": gluetun_sim,
            }
        ),
        "still-wrong",
    )
    wrong.pop("qbittorrent_username", None)
    if service == "qbittorrent":
        wrong["qbittorrent_username"] = "admin"
    result = await submit(hass, result, wrong)
    assert result["errors"] == {field: "invalid_auth"}
    result = await submit(
        hass,
        result,
        fix(
            {
                "prowlarr": prowlarr_sim,
                "qbt": qbittorrent5,
                "plex": plex_sim,
                "gluetun": gluetun_sim,
            }
        ),
    )
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "reauth_successful")
    assert mock_entry.data[field] != "stale"
    await hass.async_block_till_done()


async def test_reconfigure(
    stack_hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    plex_sim: PlexSimulator,
    gluetun_sim: GluetunSimulator,
) -> None:
    hass = stack_hass
    mock_entry.add_to_hass(hass)
    result = await mock_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    result = await submit(
        hass, result, {**mock_entry.data, "prowlarr_url": CLOSED, "plex_token": "wrong"}
    )
    assert result["errors"] == {"prowlarr_url": "cannot_connect", "plex_token": "invalid_auth"}
    result = await submit(hass, result, {**mock_entry.data, "gluetun_url": ""})
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "reconfigure_successful")
    assert "gluetun_url" not in mock_entry.data
    await hass.async_block_till_done()

    result = await mock_entry.start_reconfigure_flow(hass)
    other_plex = PlexSimulator(token=plex_sim.token)
    await other_plex.start()
    try:
        result = await submit(hass, result, {**mock_entry.data, "plex_url": other_plex.url})
    finally:
        await other_plex.stop()
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "wrong_stack")


async def test_options(stack_hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    hass = stack_hass
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    assert (result["type"], result["menu_options"]) == (
        FlowResultType.MENU,
        ["settings", "quality"],
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "settings"}
    )
    assert result["step_id"] == "settings"
    options = {
        "categories": "movies=/media/films",
        "path_map": "/media=/data",
        "auto_scan": False,
        "adopt_categories": "tv-sonarr, Radarr",
        "fetch_allowed_hosts": "NAS.local, 192.168.1.20",
        "stall_minutes": 45,
        "metadata_stall_minutes": 15,
    }
    for field, bad in (("path_map", "media=/data"), ("categories", "movies")):
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {**options, field: bad}
        )
        assert result["errors"] == {field: f"invalid_{field}"}
    result = await hass.config_entries.options.async_configure(result["flow_id"], options)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    runtime = loaded_entry.runtime_data  # reloaded with the new options
    assert runtime.engine.settings.path_map == (("/media", "/data"),)
    assert runtime.engine.downloads.auto_scan is False
    assert runtime.engine.settings.adopt_categories == ("tv-sonarr", "Radarr")
    assert runtime.engine.settings.fetch_allowed_hosts == ("nas.local", "192.168.1.20")
    assert runtime.engine.downloads.stalls.rule.after == 45 * 60
    assert runtime.engine.downloads.stalls.rule.metadata_after == 15 * 60


async def test_options_show_the_defaults_as_text(
    stack_hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    hass = stack_hass
    entry = MockConfigEntry(domain=DOMAIN, data=mock_entry.data, unique_id="defaults")
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "settings"}
    )
    defaults = {str(key): key.default() for key in result["data_schema"].schema}
    assert defaults["path_map"] == "/downloads/complete=/data"
    assert defaults["categories"].startswith("movies=/downloads/complete/movies,")
    assert "poll_interval" not in defaults  # MediaHub decides how often it polls


async def test_quality_profile_in_options_is_the_panels(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
) -> None:
    """Edited in Home Assistant, kept in Prowlarr: a sidecar on the same stack sees it."""
    hass = stack_hass
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "quality"}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"category": "tv"}
    )
    assert result["step_id"] == "profile"
    suggested = {str(k): k.description["suggested_value"] for k in result["data_schema"].schema}
    assert suggested["max_size_gb"] == 4.0 and suggested["min_seeders"] == 3
    profile = {
        "preferred_resolution": "2160p",
        "allowed_resolutions": ["2160p", "1080p"],
        "max_size_gb": 8,
        "blocked_sources": ["CAM", "TS"],
        "min_seeders": 5,
        "prefer_hdr": True,
        "blocked_groups": "YIFY, EVO",
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**profile, "blocked_groups": "x" * 80}
    )
    assert result["errors"] == {"blocked_groups": "invalid_profile"}
    assert "too long" in result["description_placeholders"]["error"]
    result = await hass.config_entries.options.async_configure(result["flow_id"], profile)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # Another MediaHub (the sidecar) on the same stack reads the same profile.
    other = QbittorrentClient(qbittorrent5.url, qbittorrent5.username, qbittorrent5.password)
    try:
        async with aiohttp.ClientSession() as session:
            prowlarr = ProwlarrClient(session, prowlarr_sim.url, prowlarr_sim.api_key)
            tv = await ProfileStore(prowlarr, other).get("tv")
    finally:
        await other.close()
    assert (tv.preferred_resolution, tv.max_size_gb, tv.min_seeders) == ("2160p", 8.0, 5)
    assert tv.blocked_groups == ("YIFY", "EVO") and tv.prefer_hdr is True


async def test_reauth_without_gluetun_and_nothing_refused_asks_qbittorrent(
    stack_hass: HomeAssistant,
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
) -> None:
    hass = stack_hass
    entry = MockConfigEntry(
        domain=DOMAIN, data=stack_data(qbittorrent5, prowlarr_sim, plex_sim), unique_id="x"
    )
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    assert result["description_placeholders"]["service"] == "qBittorrent"


async def test_reauth_never_gets_home_assistant_banned_by_qbittorrent(
    socket_enabled: None,
    qbittorrent5_that_bans: QbtInstance,  # before stack_hass: it starts before the blocking-
    stack_hass: HomeAssistant,  # call detector does
    mock_entry: MockConfigEntry,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
) -> None:
    """qBittorrent refuses the saved password: reauth asks for qBittorrent's at once (no other
    service is tested), and ten tries of a wrong one cost one of the five refusals qBittorrent
    allows before it bans 127.0.0.1; then the right password works at once."""
    hass = stack_hass
    qbt = qbittorrent5_that_bans
    data = {**stack_data(qbt, prowlarr_sim, plex_sim), "qbittorrent_password": "old"}
    entry = MockConfigEntry(
        domain=DOMAIN, title="MediaHub", data=data, options=dict(mock_entry.options)
    )
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)  # refused: 1 failure
    await hass.async_block_till_done()
    prowlarr_asked = len(prowlarr_sim.requests)
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["context"]["source"] == "reauth"
    result = await hass.config_entries.flow.async_configure(flow["flow_id"])
    assert result["description_placeholders"]["service"] == "qBittorrent"
    wrong = {"qbittorrent_username": qbt.username, "qbittorrent_password": "still-wrong"}
    for _ in range(10):
        result = await submit(hass, result, wrong)
        assert result["errors"] == {"qbittorrent_password": "invalid_auth"}
    # Not banned: a login from this address with the right password is let in (a ban
    # answers 403 to every login, right or wrong, and session() raises).
    await asyncio.to_thread(qbt.session)
    right = {"qbittorrent_username": qbt.username, "qbittorrent_password": qbt.password}
    result = await submit(hass, result, right)
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "reauth_successful")
    assert entry.data["qbittorrent_password"] == qbt.password
    assert len(prowlarr_sim.requests) == prowlarr_asked  # only the refusing service was asked
    await hass.async_block_till_done()
