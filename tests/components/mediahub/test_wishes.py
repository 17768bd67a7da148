"""Wishes in Home Assistant, against the real qBittorrent and the Prowlarr simulator (which keeps
the wishes as custom filters): the actions and their answers, the Wanted to-do list, the
`mediahub_wish_*` events, and voice through Home Assistant's own conversation agent."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
import shutil
from typing import Any

from homeassistant.components import conversation
from homeassistant.const import Platform
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import entity_registry as er, intent
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser

from custom_components.mediahub.const import (
    DOMAIN,
    EVENT_WISH_ENDED,
    EVENT_WISH_GRABBED,
    EVENT_WISH_MADE,
)
from tests.components.mediahub.helpers import call, capture
from tests.simulators.prowlarr import ProwlarrSimulator, SimRelease
from tests.support.qbittorrent import QbtInstance
from tests.support.wait import until

GB = 1024**3
SENTENCES = Path(__file__).resolve().parents[3] / "docs" / "custom_sentences"


def shows(prowlarr: ProwlarrSimulator) -> list[SimRelease]:
    """An indexer with Severance up to S02E03 (out two days ago): its releases, to add to."""
    indexer = prowlarr.add_indexer(
        "Shows",
        releases=[
            SimRelease(
                "Severance.S02E03.1080p.WEB.H264-GGEZ",
                category=5040,
                size=2 * GB,
                seeders=900,
                published=datetime.now(UTC) - timedelta(days=2),
            )
        ],
    )
    return indexer.releases


def wanted_list(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(
        Platform.TODO, DOMAIN, f"{entry.entry_id}_wanted"
    )
    assert entity_id is not None
    return entity_id


async def items(hass: HomeAssistant, entity_id: str) -> list[dict[str, Any]]:
    """The to-do list's items, as a dashboard card reads them."""
    answer = await hass.services.async_call(
        "todo", "get_items", {"entity_id": entity_id}, blocking=True, return_response=True
    )
    found: list[dict[str, Any]] = answer[entity_id]["items"]  # type: ignore[index,assignment]
    return found


def stored(prowlarr: ProwlarrSimulator) -> dict[str, str]:
    """What Prowlarr keeps: each wish's label and state."""
    return {
        f["label"]: f["filters"][0]["state"]
        for f in prowlarr.custom_filters.values()
        if f.get("type") == "mediahub-wish"
    }


async def test_a_wish_made_by_the_action_is_on_the_wanted_list_until_completed(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    prowlarr_sim: ProwlarrSimulator,
    hass_admin_user: MockUser,
) -> None:
    hass = stack_hass
    shows(prowlarr_sim)
    made, ended = capture(hass, EVENT_WISH_MADE), capture(hass, EVENT_WISH_ENDED)
    wanted = wanted_list(hass, loaded_entry)
    assert hass.states.get(wanted).state == "0"  # type: ignore[union-attr]
    person = Context(user_id=hass_admin_user.id)

    answer = await hass.services.async_call(
        DOMAIN,
        "wish",
        {"config_entry_id": loaded_entry.entry_id, "title": "severance"},
        blocking=True,
        context=person,
        return_response=True,
    )
    assert answer is not None
    wish = answer["wish"]
    assert (wish["kind"], wish["label"], wish["category"], wish["asked_by"]) == (
        "follow",  # a show, so it is followed: the engine read it from the indexers
        "Severance",
        "tv",
        hass_admin_user.name,
    )
    assert wish["after"] == "S02E03" and answer["joined"] is False
    assert stored(prowlarr_sim) == {"Severance": "wanted"}
    assert hass.states.get(wanted).state == "1"  # type: ignore[union-attr]
    [item] = await items(hass, wanted)
    assert (item["summary"], item["status"], item["uid"]) == (
        "Severance",
        "needs_action",
        str(wish["id"]),
    )
    assert item["description"] == f"Following · waiting for a release · asked by {wish['asked_by']}"
    await hass.async_block_till_done()  # the bus delivers events to listeners
    [event] = made
    assert {k: event.data[k] for k in ("wish_id", "label", "kind", "asked_by", "joined")} == {
        "wish_id": wish["id"],
        "label": "Severance",
        "kind": "follow",
        "asked_by": hass_admin_user.name,
        "joined": False,
    }

    # Asked again (as anyone): the same wish answers, and it stays one item.
    again = await call(hass, "wish", loaded_entry, title="Severance")
    assert again["joined"] is True and again["wish"]["id"] == wish["id"]
    assert len(await items(hass, wanted)) == 1

    # Completing the item ends the wish: Prowlarr keeps it, done.
    await hass.services.async_call(
        "todo",
        "update_item",
        {"entity_id": wanted, "item": "Severance", "status": "completed"},
        blocking=True,
        context=person,
    )
    assert stored(prowlarr_sim) == {"Severance": "done"}
    assert hass.states.get(wanted).state == "0"  # type: ignore[union-attr]
    [item] = await items(hass, wanted)
    assert item["status"] == "completed"
    await hass.async_block_till_done()
    [event] = ended
    assert (event.data["wish_id"], event.data["reason"], event.data["state"]) == (
        wish["id"],
        "ended",
        "done",
    )

    # Deleting it forgets it; adding an item makes a wish, from whoever added it.
    await hass.services.async_call(
        "todo", "remove_item", {"entity_id": wanted, "item": ["Severance"]}, blocking=True
    )
    assert stored(prowlarr_sim) == {}
    await hass.async_block_till_done()
    assert [e.data["reason"] for e in ended] == ["ended", "forgotten"]
    await hass.services.async_call(
        "todo",
        "add_item",
        {"entity_id": wanted, "item": "Severance"},
        blocking=True,
        context=person,
    )
    [item] = await items(hass, wanted)
    assert item["summary"] == "Severance" and item["status"] == "needs_action"
    await hass.async_block_till_done()
    assert made[-1].data["asked_by"] == hass_admin_user.name
    assert len(made) == 3  # the action's, the joined one, the to-do list's: each once


async def test_a_followed_show_grabs_the_new_episode_once(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    prowlarr_sim: ProwlarrSimulator,
    qbittorrent5: QbtInstance,
) -> None:
    hass = stack_hass
    releases = shows(prowlarr_sim)
    grabbed = capture(hass, EVENT_WISH_GRABBED)
    made = await call(hass, "wish", loaded_entry, title="Severance")
    assert made["wish"]["asked_by"] == "automation"  # an automation asked: no person
    # The next episode comes out on the indexers; the watch is asked to look now.
    releases.append(
        SimRelease(
            "Severance.S02E04.1080p.WEB.H264-GGEZ",
            category=5040,
            size=2 * GB,
            seeders=300,
            published=datetime.now(UTC),
        )
    )
    report = await call(hass, "watch_wishes", loaded_entry)
    assert report["ran"] in (True, False)  # False: the loop's own cycle held the claim
    await until(
        lambda: bool(grabbed),
        "the wish's grab",
        between=lambda: call(hass, "watch_wishes", loaded_entry),
    )
    [event] = grabbed
    assert (event.data["label"], event.data["item"], event.data["kind"]) == (
        "Severance",
        "S02E04",
        "follow",
    )
    assert event.data["name"] == "Severance.S02E04.1080p.WEB.H264-GGEZ"
    assert event.data["release"]
    # Looking again grabs nothing more: the episode is the wish's already.
    again = await call(hass, "watch_wishes", loaded_entry)
    assert again["grabbed"] == []
    await hass.async_block_till_done()  # the bus delivers any event it had
    assert len(grabbed) == 1
    names = [t["name"] for t in await asyncio.to_thread(qbittorrent5.torrents)]
    assert names == ["Severance.S02E04.1080p.WEB.H264-GGEZ"]


async def converse(hass: HomeAssistant, text: str, language: str, context: Context) -> str:
    """What the default agent answers; the events it caused delivered to their listeners."""
    result = await conversation.async_converse(hass, text, None, context, language=language)
    await hass.async_block_till_done()
    speech: str = result.response.speech["plain"]["speech"]
    return speech


async def test_voice_wishes_through_home_assistants_own_agent(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    prowlarr_sim: ProwlarrSimulator,
    hass_admin_user: MockUser,
) -> None:
    """The sentences of docs/custom_sentences, installed as the README says, through the
    default Assist agent: understood, answered in the request's language, errors spoken."""
    hass = stack_hass
    shutil.copytree(SENTENCES, hass.config.path("custom_sentences"))
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    shows(prowlarr_sim)
    prowlarr_sim.add_indexer(
        "Films",
        releases=[
            SimRelease("Dune.1984.1080p.BluRay.x264-AMIABLE", size=8 * GB, seeders=40),
            SimRelease("Dune.2021.1080p.WEB-DL.DDP5.1.H.264-EVO", size=6 * GB, seeders=700),
        ],
    )
    made = capture(hass, EVENT_WISH_MADE)
    person = Context(user_id=hass_admin_user.id)

    assert await converse(hass, "follow Severance", "en", person) == (
        "Following Severance. New episodes will be downloaded as they come out."
    )
    assert made[-1].data["asked_by"] == hass_admin_user.name  # the person speaking
    assert await converse(hass, "get Dune Part Three when it is out", "en", Context()) == (
        "I'll get Dune Part Three when it is out."
    )
    assert made[-1].data["asked_by"] == "voice"  # no person known: voice
    assert await converse(hass, "get Dune when it is out", "en", person) == (
        "Which one: Dune (1984) or Dune (2021)?"
    )
    assert len(made) == 2  # nothing wished on a guess
    # German: the same operations, answered in German.
    assert await converse(hass, "folge Shogun", "de", person) == (
        "Ich folge Shogun. Neue Folgen werden heruntergeladen, sobald sie erscheinen."
    )
    assert await converse(hass, "folge Severance", "de", person) == "Ich folge Severance schon."

    coming = await converse(hass, "what's coming", "en", person)
    assert coming.startswith("Following ") and "Severance" in coming and "Shogun" in coming
    assert "Wanted: Dune Part Three." in coming

    assert await converse(hass, "stop following Severance", "en", person) == (
        "Stopped following Severance."
    )
    assert stored(prowlarr_sim)["Severance"] == "done"
    # An engine error is a sentence, in the request's language; never an unexpected error.
    assert await converse(hass, "stop following Severance", "en", person) == (
        "There is no open wish Severance."
    )
    assert await converse(hass, "folge Severance nicht mehr", "de", person) == (
        "Es gibt keinen offenen Wunsch Severance."
    )
    assert (
        await converse(hass, "arrête de suivre Shogun", "fr", person) == "Je ne suis plus Shogun."
    )


async def test_the_wish_intents_speak_when_prowlarr_is_away(
    stack_hass: HomeAssistant, loaded_entry: MockConfigEntry, prowlarr_sim: ProwlarrSimulator
) -> None:
    """A service away is said, not raised: the answer is a sentence."""
    prowlarr_sim.available = False
    response = await intent.async_handle(
        stack_hass, "test", "MediaHubFollow", {"title": {"value": "Severance"}}, language="en"
    )
    assert response.speech["plain"]["speech"].startswith("Prowlarr")
    response = await intent.async_handle(
        stack_hass, "test", "MediaHubWhatsComing", {}, language="nl"
    )
    assert response.speech["plain"]["speech"] == "Er staat niets op de verlanglijst."
