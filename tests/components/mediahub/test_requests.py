"""Requests in Home Assistant, against the real qBittorrent and the Prowlarr simulator: a user's
wish waits for an administrator (the sensor and the `mediahub_request_*` events say so), the
administrator approves or declines it by action or websocket, a user may not, and a person
over their quota is told why in their language."""

from __future__ import annotations

from pathlib import Path
import shutil
from typing import Any

from hassil import Intents, recognize
from homeassistant.const import Platform
from homeassistant.core import Context, EventOrigin, HomeAssistant
from homeassistant.exceptions import ServiceValidationError, Unauthorized
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
import yaml

from custom_components.mediahub.approvals import action_id
from custom_components.mediahub.const import (
    DOMAIN,
    EVENT_REQUEST_APPROVED,
    EVENT_REQUEST_DECLINED,
    EVENT_REQUEST_MADE,
)
from tests.components.mediahub.helpers import capture
from tests.components.mediahub.test_websocket import ask
from tests.components.mediahub.test_wishes import converse
from tests.simulators.prowlarr import ProwlarrSimulator

SENTENCES = Path(__file__).resolve().parents[3] / "docs" / "custom_sentences"


def requests_sensor(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(
        Platform.SENSOR, DOMAIN, f"{entry.entry_id}_requests_waiting"
    )
    assert entity_id is not None
    return entity_id


def waiting(hass: HomeAssistant, entity_id: str) -> tuple[str, list[dict[str, Any]]]:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state, state.attributes["requests"]


async def act(
    hass: HomeAssistant, action: str, entry: MockConfigEntry, user: MockUser, **data: Any
) -> Any:
    return await hass.services.async_call(
        DOMAIN,
        action,
        {"config_entry_id": entry.entry_id, **data},
        blocking=True,
        context=Context(user_id=user.id),
        return_response=True,
    )


async def test_a_users_request_waits_and_an_administrator_decides(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    users_can_grab: None,
    prowlarr_sim: ProwlarrSimulator,
    hass_admin_user: MockUser,
    hass_read_only_user: MockUser,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    hass, entry = stack_hass, loaded_entry
    made = capture(hass, EVENT_REQUEST_MADE)
    approved = capture(hass, EVENT_REQUEST_APPROVED)
    declined = capture(hass, EVENT_REQUEST_DECLINED)
    sensor = requests_sensor(hass, entry)
    assert waiting(hass, sensor) == ("0", [])

    # The user asks from the sidebar (the websocket), as the person they are.
    user = await hass_ws_client(hass, hass_read_only_access_token)
    asked = await ask(
        user,
        type="mediahub/action",
        entry_id=entry.entry_id,
        action="wish",
        data={"title": "Frozen", "category": "movies", "year": 2013},
    )
    assert asked["success"], asked
    request = asked["result"]["wish"]
    assert (request["state"], request["asked_by"]) == ("waiting", hass_read_only_user.name)
    await hass.async_block_till_done()
    assert [e.data["wish_id"] for e in made] == [request["id"]]
    count, listed = waiting(hass, sensor)
    assert count == "1"
    assert [(r["wish_id"], r["label"], r["asked_by"]) for r in listed] == [
        (request["id"], "Frozen (2013)", hass_read_only_user.name)
    ]
    # A second request for the same film joins it: no second request to decide.
    another = await act(
        hass, "wish", entry, hass_read_only_user, title="frozen", category="movies", year=2013
    )
    assert another["joined"] and another["wish"]["id"] == request["id"]

    # The user may not decide, by websocket or action.
    refused = await ask(
        user,
        type="mediahub/action",
        entry_id=entry.entry_id,
        action="approve",
        data={"wish_id": request["id"]},
    )
    assert refused["error"]["code"] == "unauthorized", refused
    assert waiting(hass, sensor)[0] == "1"

    answer = await act(hass, "approve", entry, hass_admin_user, title="Frozen")
    assert answer["wish"]["state"] == "wanted"
    await hass.async_block_till_done()
    [event] = approved
    assert (event.data["wish_id"], event.data["by"], event.data["askers"]) == (
        request["id"],
        hass_admin_user.name,
        [hass_read_only_user.name],
    )
    assert waiting(hass, sensor) == ("0", [])

    # Declined, with a reason, told to whoever asked.
    second = await act(
        hass, "wish", entry, hass_read_only_user, title="Heat", category="movies", year=1995
    )
    assert second["wish"]["state"] == "waiting"
    admin = await hass_ws_client(hass)
    answer = await ask(
        admin,
        type="mediahub/action",
        entry_id=entry.entry_id,
        action="decline",
        data={"wish_id": second["wish"]["id"], "reason": "Too long for a school night"},
    )
    assert answer["success"] and answer["result"]["wish"]["state"] == "declined", answer
    await hass.async_block_till_done()
    [event] = declined
    assert (event.data["label"], event.data["reason"], event.data["by"]) == (
        "Heat (1995)",
        "Too long for a school night",
        hass_admin_user.name,
    )
    # Deciding twice is refused, translated.
    with pytest.raises(ServiceValidationError) as twice:
        await act(hass, "approve", entry, hass_admin_user, wish_id=second["wish"]["id"])
    assert twice.value.translation_key == "not_waiting"


async def test_the_quota_and_the_rules_as_a_household_sets_them(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    users_can_grab: None,
    hass_admin_user: MockUser,
    hass_read_only_user: MockUser,
) -> None:
    hass, entry = stack_hass, loaded_entry
    rules = await act(hass, "set_request_rules", entry, hass_admin_user, weekly_quota=1)
    assert rules == {"weekly_quota": 1, "quotas": {}, "auto_approve": []}
    first = await act(
        hass, "wish", entry, hass_read_only_user, title="Up", category="movies", year=2009
    )
    assert first["wish"]["state"] == "waiting"
    with pytest.raises(ServiceValidationError) as over:
        await act(
            hass, "wish", entry, hass_read_only_user, title="Cars", category="movies", year=2006
        )
    assert over.value.translation_key == "request_quota"
    assert over.value.translation_placeholders["limit"] == "1"
    assert "1 requests this week" in str(over.value)  # Home Assistant's words, translated

    # Shows asked by this user are approved as they are made; films still wait (quota 3 now).
    await act(
        hass,
        "set_request_rules",
        entry,
        hass_admin_user,
        quotas={hass_read_only_user.name: 3},
        auto_approve=[{"user": hass_read_only_user.name, "category": "tv"}],
    )
    show = await act(
        hass, "wish", entry, hass_read_only_user, title="Bluey", kind="follow", category="tv"
    )
    assert show["wish"]["state"] == "wanted"
    film = await act(
        hass, "wish", entry, hass_read_only_user, title="Cars", category="movies", year=2006
    )
    assert film["wish"]["state"] == "waiting"
    # A user may not change the rules, nor end someone else's wish.
    with pytest.raises(Unauthorized):
        await act(hass, "set_request_rules", entry, hass_read_only_user, weekly_quota=50)
    with pytest.raises(Unauthorized):
        await act(hass, "approve", entry, hass_read_only_user, wish_id=film["wish"]["id"])
    admins = await act(
        hass, "wish", entry, hass_admin_user, title="Alien", category="movies", year=1979
    )
    assert admins["wish"]["state"] == "wanted"
    with pytest.raises(ServiceValidationError) as theirs:
        await act(hass, "unwish", entry, hass_read_only_user, wish_id=admins["wish"]["id"])
    assert theirs.value.translation_key == "not_yours"
    ended = await act(hass, "unwish", entry, hass_read_only_user, wish_id=film["wish"]["id"])
    assert ended["wish"]["state"] == "done"  # their own request, withdrawn


async def test_an_administrator_decides_from_the_phones_notification(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    users_can_grab: None,
    hass_admin_user: MockUser,
    hass_read_only_user: MockUser,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The Companion app answers a tap with `mobile_app_notification_action`, in the context
    of the phone's user: an administrator's tap decides, anyone else's changes nothing."""
    hass, entry = stack_hass, loaded_entry
    approved = capture(hass, EVENT_REQUEST_APPROVED)
    declined = capture(hass, EVENT_REQUEST_DECLINED)
    first = await act(
        hass, "wish", entry, hass_read_only_user, title="Moana", category="movies", year=2016
    )
    second = await act(
        hass, "wish", entry, hass_read_only_user, title="Coco", category="movies", year=2017
    )
    sensor = requests_sensor(hass, entry)
    assert waiting(hass, sensor)[0] == "2"

    async def tap(decision: str, wish_id: int, user: MockUser) -> None:
        hass.bus.async_fire(
            "mobile_app_notification_action",
            {"action": action_id(decision, entry.entry_id, wish_id)},
            EventOrigin.remote,
            context=Context(user_id=user.id),
        )
        await hass.async_block_till_done()

    # The user's own phone (or anyone's who is not an administrator): nothing is decided.
    await tap("approve", first["wish"]["id"], hass_read_only_user)
    assert waiting(hass, sensor)[0] == "2" and approved == []
    assert "ignored: not an administrator" in caplog.text
    # Another stack's button is not this one's.
    hass.bus.async_fire(
        "mobile_app_notification_action",
        {"action": action_id("approve", "01JOTHERSTACK0000000000000", first["wish"]["id"])},
        context=Context(user_id=hass_admin_user.id),
    )
    await hass.async_block_till_done()
    assert approved == []

    await tap("approve", first["wish"]["id"], hass_admin_user)
    await tap("decline", second["wish"]["id"], hass_admin_user)
    assert [e.data["by"] for e in approved] == [hass_admin_user.name]
    assert [(e.data["label"], e.data["by"]) for e in declined] == [
        ("Coco (2017)", hass_admin_user.name)
    ]
    assert waiting(hass, sensor) == ("0", [])
    # A second tap (another administrator's phone, the same notification) changes nothing.
    await tap("decline", first["wish"]["id"], hass_admin_user)
    assert declined[1:] == []


async def test_requests_by_voice_in_english_and_german(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    users_can_grab: None,
    hass_admin_user: MockUser,
    hass_read_only_user: MockUser,
) -> None:
    """Through Home Assistant's own agent with the sentences installed: a user's voice wish
    is a request; the administrator hears what waits, approves and declines it by name."""
    hass = stack_hass
    shutil.copytree(SENTENCES, hass.config.path("custom_sentences"))
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    admin, user = Context(user_id=hass_admin_user.id), Context(user_id=hass_read_only_user.id)

    assert await converse(hass, "I want Frozen", "en", user) == (
        "I asked for Frozen: an administrator will decide."
    )
    assert await converse(hass, "ich will Coco", "de", user) == (
        "Ich habe Coco angefragt: ein Administrator entscheidet."
    )
    assert await converse(hass, "what's waiting for me", "en", user) == (
        "Your requests waiting for approval: Coco and Frozen."
    )
    assert await converse(hass, "what's waiting for me", "en", admin) == (
        "Waiting for your approval: Coco and Frozen."
    )
    assert await converse(hass, "was wartet auf mich", "de", admin) == (
        "Warten auf deine Genehmigung: Coco und Frozen."
    )
    # Someone who is not an administrator may not decide: said, in their language.
    refused = await converse(hass, "genehmige Frozen", "de", user)
    assert refused == "Nur ein Administrator von MediaHub kann über Anfragen entscheiden."
    assert await converse(hass, "approve Frozen", "en", admin) == (
        "Approved Frozen. It will be downloaded when a good release is out."
    )
    assert await converse(hass, "lehne Coco ab", "de", admin) == "Coco ist abgelehnt."
    assert await converse(hass, "what's waiting for me", "en", admin) == (
        "Nothing is waiting for approval."
    )
    assert await converse(hass, "decline Frozen", "en", admin) == (
        "Frozen is not waiting for approval (it is wanted)."
    )


@pytest.mark.parametrize(
    ("language", "approve", "decline", "waiting"),
    [
        ("en", "approve Frozen", "decline Frozen", "what's waiting for me"),
        ("de", "genehmige Frozen", "lehne Frozen ab", "was wartet auf mich"),
        ("fr", "approuve Frozen", "refuse Frozen", "qu'est-ce qui m'attend"),
        ("es", "aprueba Frozen", "rechaza Frozen", "qué me espera"),
        ("nl", "keur Frozen goed", "wijs Frozen af", "wat wacht er op mij"),
    ],
)
def test_the_request_sentences_of_every_language(
    language: str, approve: str, decline: str, waiting: str
) -> None:
    data = yaml.safe_load((SENTENCES / language / "mediahub.yaml").read_text())
    intents = Intents.from_dict(data)
    for text, name in (
        (approve, "MediaHubApprove"),
        (decline, "MediaHubDecline"),
        (waiting, "MediaHubWhatsWaiting"),
    ):
        result = recognize(text, intents)
        assert result is not None and result.intent.name == name, (language, text)
        if name != "MediaHubWhatsWaiting":
            assert result.entities["title"].value.strip() == "Frozen"
