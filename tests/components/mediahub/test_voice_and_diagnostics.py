"""Voice (intents and LLM tools), diagnostics without secrets, and system health."""

from __future__ import annotations

import asyncio
import json

from homeassistant.components.llm import async_get_tools
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import intent, llm
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, get_system_health_info
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.mediahub.const import DOMAIN
from tests.simulators.plex import PlexSimulator, Refresh
from tests.simulators.prowlarr import ProwlarrSimulator, SimRelease
from tests.support.qbittorrent import QbtInstance
from tests.support.wait import until

GB = 1024**3


async def say(hass: HomeAssistant, **slots: object) -> str:
    response = await intent.async_handle(
        hass, "test", "MediaHubDownload", {k: {"value": v} for k, v in slots.items()}
    )
    return str(response.speech["plain"]["speech"])


async def test_download_intent_grabs_the_profiles_best_pick(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    prowlarr_sim: ProwlarrSimulator,
    qbittorrent5: QbtInstance,
) -> None:
    """Not the most seeded: the CAM and the 60 GB remux fail the profile; 1080p is preferred."""
    prowlarr_sim.add_indexer(
        "Films",
        releases=[
            SimRelease("The.Matrix.1999.1080p.HDCAM.x264-AOC", seeders=5000),
            SimRelease(
                "The.Matrix.1999.2160p.UHD.BluRay.REMUX.HDR.HEVC-FGT", size=60 * GB, seeders=480
            ),
            SimRelease("The.Matrix.1999.720p.WEBRip.x264-YTS", size=GB, seeders=900),
            SimRelease(
                "The.Matrix.1999.1080p.BluRay.x264-AMIABLE", size=int(10.4 * GB), seeders=312
            ),
        ],
    )
    speech = await say(stack_hass, query="the matrix", category="movies")
    assert speech == "Downloading The Matrix (1999), 1080p BluRay, 10.4 GB, 312 seeders."
    [added] = await asyncio.to_thread(qbittorrent5.torrents)
    assert added["name"] == "The.Matrix.1999.1080p.BluRay.x264-AMIABLE"
    assert await say(stack_hass, query="zzzz nothing") == "Nothing found for zzzz nothing."


async def test_download_intent_asks_which_title_and_explains_refusals(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    prowlarr_sim: ProwlarrSimulator,
    qbittorrent5: QbtInstance,
) -> None:
    prowlarr_sim.add_indexer(
        "Films",
        releases=[
            SimRelease("Dune.1984.1080p.BluRay.x264-AMIABLE", size=8 * GB, seeders=40),
            SimRelease("Dune.2021.1080p.WEB-DL.DDP5.1.H.264-EVO", size=6 * GB, seeders=700),
            SimRelease("Oppenheimer.2023.HDCAM.x264-SUNSCREEN", seeders=3000),
        ],
    )
    assert await say(stack_hass, query="dune", category="movies") == (
        "Which one: Dune (2021) or Dune (1984)?"
    )
    assert await asyncio.to_thread(qbittorrent5.torrents) == []  # nothing grabbed on a guess
    assert await say(stack_hass, query="dune 1984", category="movies") == (
        "Downloading Dune (1984), 1080p BluRay, 8 GB, 40 seeders."
    )
    assert await say(stack_hass, query="oppenheimer", category="movies") == (
        "Nothing found for oppenheimer passes the quality profile: the best, "
        "Oppenheimer.2023.HDCAM.x264-SUNSCREEN, is a CAM release, which the profile blocks."
    )


async def test_download_a_season_prefers_the_season_pack(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    prowlarr_sim: ProwlarrSimulator,
    qbittorrent5: QbtInstance,
) -> None:
    prowlarr_sim.add_indexer(
        "Shows",
        releases=[
            SimRelease(
                "Severance.S02E03.1080p.WEB.H264-GGEZ", category=5040, size=2 * GB, seeders=900
            ),
            SimRelease(
                "Severance.S02.1080p.ATVP.WEB-DL.DDP5.1.H.264-FLUX",
                category=5040,
                size=30 * GB,
                seeders=60,
            ),
            SimRelease(
                "Severance.S01.1080p.ATVP.WEB-DL.DDP5.1.H.264-FLUX",
                category=5040,
                size=28 * GB,
                seeders=2000,
            ),
        ],
    )
    assert await say(stack_hass, query="Severance", season=2) == (
        "Downloading Severance, season 2, 1080p WEB-DL, 30 GB, 60 seeders."
    )
    [added] = await asyncio.to_thread(qbittorrent5.torrents)
    assert added["name"] == "Severance.S02.1080p.ATVP.WEB-DL.DDP5.1.H.264-FLUX"
    assert added["category"] == "tv"


async def test_status_intent_tells_progress_and_time_left(
    stack_hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    response = await intent.async_handle(stack_hass, "test", "MediaHubDownloadStatus", {})
    assert response.speech["plain"]["speech"] == "Nothing is downloading."
    runtime = loaded_entry.runtime_data
    release = (await runtime.engine.search.search_all("S05E02")).releases[0]
    grab = await runtime.engine.downloads.grab(release.id)
    await until(
        lambda: grab.hash in runtime.downloads.data.downloads,
        "qBittorrent to list the grab",
        between=runtime.downloads.async_refresh,
    )
    response = await intent.async_handle(stack_hass, "test", "MediaHubDownloadStatus", {})
    assert response.speech["plain"]["speech"].startswith(
        "1 download: Series Title S05E02 HDTV x264-Xclusive [eztv] at 0 percent"
    )


async def test_scan_intent(
    stack_hass: HomeAssistant, loaded_entry: MockConfigEntry, plex_sim: PlexSimulator
) -> None:
    response = await intent.async_handle(
        stack_hass, "test", "MediaHubScanLibrary", {"library": {"value": "movies"}}
    )
    assert response.speech["plain"]["speech"] == "Scanning movies."
    await intent.async_handle(stack_hass, "test", "MediaHubScanLibrary", {})
    assert plex_sim.refreshes == [Refresh("1", None, False), Refresh("all", None, False)]


async def test_llm_agents_get_the_intents_as_tools(
    stack_hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    assert await async_setup_component(stack_hass, "llm", {})
    llm_context = llm.LLMContext(
        platform="test", context=Context(), language="en", assistant="conversation", device_id=None
    )
    tools = await async_get_tools(stack_hass, llm_context, llm.LLM_API_ASSIST)
    ours = {t.name: t for t in tools.tools if t.name.startswith(f"{DOMAIN}__")}
    assert sorted(ours) == [
        "mediahub__MediaHubApprove",
        "mediahub__MediaHubDecline",
        "mediahub__MediaHubDownload",
        "mediahub__MediaHubDownloadAnyway",
        "mediahub__MediaHubDownloadStatus",
        "mediahub__MediaHubFollow",
        "mediahub__MediaHubScanLibrary",
        "mediahub__MediaHubUnwish",
        "mediahub__MediaHubWant",
        "mediahub__MediaHubWhatsComing",
        "mediahub__MediaHubWhatsWaiting",
    ]
    assert ours["mediahub__MediaHubWhatsComing"].annotations.read_only is True
    assert ours["mediahub__MediaHubWhatsWaiting"].annotations.read_only is True
    assert ours["mediahub__MediaHubDownloadStatus"].annotations.read_only is True
    api = await llm.async_get_api(stack_hass, llm.LLM_API_ASSIST, llm_context)
    assert "mediahub__MediaHubDownload" in {t.name for t in api.tools}
    result = await api.async_call_tool(llm.ToolInput("mediahub__MediaHubDownloadStatus", {}))
    assert result.data["speech"]["plain"]["speech"] == "Nothing is downloading."
    # The wish tools: an agent follows a show and lists what is coming.
    result = await api.async_call_tool(
        llm.ToolInput("mediahub__MediaHubFollow", {"title": "Severance"})
    )
    assert result.data["speech"]["plain"]["speech"] == (
        "Following Severance. New episodes will be downloaded as they come out."
    )
    result = await api.async_call_tool(llm.ToolInput("mediahub__MediaHubWhatsComing", {}))
    assert result.data["speech"]["plain"]["speech"] == "Following Severance."


async def test_llm_tools_answer_in_the_conversations_language(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    prowlarr_sim: ProwlarrSimulator,
    qbittorrent5: QbtInstance,
) -> None:
    """An agent talking German gets German answers from the tools, a refusal included (as an
    error response with a sentence, which the agent can say), never an exception."""
    assert await async_setup_component(stack_hass, "llm", {})
    prowlarr_sim.add_indexer(
        "Films",
        releases=[
            SimRelease("Dune.1984.1080p.BluRay.x264-AMIABLE", size=8 * GB, seeders=40),
            SimRelease("Dune.2021.1080p.WEB-DL.DDP5.1.H.264-EVO", size=6 * GB, seeders=700),
            SimRelease("Oppenheimer.2023.HDCAM.x264-SUNSCREEN", seeders=3000),
            SimRelease("Sintel.2010.720p.WEB-DL.x264-GRP", size=412 * 1024**2, seeders=112),
        ],
    )
    llm_context = llm.LLMContext(
        platform="test", context=Context(), language="de", assistant="conversation", device_id=None
    )
    api = await llm.async_get_api(stack_hass, llm.LLM_API_ASSIST, llm_context)

    async def tool(name: str, **args: object) -> dict[str, object]:
        result = await api.async_call_tool(llm.ToolInput(f"mediahub__{name}", args))
        data: dict[str, object] = result.data
        return data

    found = await tool("MediaHubDownload", query="sintel")
    assert found["speech"] == {
        "plain": {
            "speech": "Wird heruntergeladen: Sintel (2010), 720p WEB-DL, 412 MB, 112 Seeder.",
            "extra_data": None,
        }
    }
    which = await tool("MediaHubDownload", query="dune", category="movies")
    assert which["speech"]["plain"]["speech"] == "Welcher: Dune (2021) oder Dune (1984)?"  # type: ignore[index]
    refused = await tool("MediaHubDownload", query="oppenheimer")
    assert refused["response_type"] == "error"
    assert refused["speech"]["plain"]["speech"].startswith(  # type: ignore[index]
        "Nichts Gefundenes für oppenheimer besteht das Qualitätsprofil"
    )
    nothing = await tool("MediaHubDownloadAnyway")
    assert nothing["speech"]["plain"]["speech"] == (  # type: ignore[index]
        "Es gibt nichts, das ich trotzdem herunterladen könnte: nenne zuerst einen Titel."
    )
    prowlarr_sim.available = False
    loaded_entry.runtime_data.engine.search._indexers = None
    away = await tool("MediaHubDownload", query="big buck bunny")
    assert away["speech"]["plain"]["speech"] == (  # type: ignore[index]
        "Prowlarr ist gerade nicht erreichbar. Versuche es gleich noch einmal."
    )


async def test_diagnostics_hold_no_secret(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    qbittorrent5: QbtInstance,
) -> None:
    engine = loaded_entry.runtime_data.engine
    release = (await engine.search.search_all("S05E02")).releases[0]
    grab = await engine.downloads.grab(release.id)  # no peers: it stays downloading
    downloads = loaded_entry.runtime_data.downloads
    # qBittorrent lists an added torrent a moment later: until then it is queued in MediaHub.
    await until(
        lambda: grab.hash in downloads.data.downloads,
        "qBittorrent to list the grab",
        between=downloads.async_refresh,
    )
    diagnostics = await get_diagnostics_for_config_entry(stack_hass, hass_client, loaded_entry)
    text = json.dumps(diagnostics)
    for secret in (
        prowlarr_sim.api_key,
        plex_sim.token,
        qbittorrent5.password,
        "127.0.0.1",
        plex_sim.machine_identifier,
        "185.65.134.82",
    ):
        assert secret not in text
    assert diagnostics["qbittorrent"]["version"].startswith("v5")
    assert diagnostics["qbittorrent"]["stages"] == {"downloading": 1}
    assert diagnostics["qbittorrent"]["announced"] == 1  # its "added" event
    assert diagnostics["prowlarr"]["indexers"][0]["name"] == "The Pirate Bay"
    assert diagnostics["entry"]["data"]["prowlarr_api_key"] == "**REDACTED**"


async def test_system_health(stack_hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    assert await async_setup_component(stack_hass, "system_health", {})
    await stack_hass.async_block_till_done()
    info = await get_system_health_info(stack_hass, DOMAIN)
    assert info["qbittorrent_reachable"] is True
    assert info["queued_grabs"] == 0
