"""The repo's automation blueprint, "Notify my phone when a download is ready to watch",
validated by Home Assistant itself: imported as a blueprint, used by an automation for a
Companion-app phone, and run on a `mediahub_available` event; and on a
`mediahub_wish_available` event, the phone of whoever asked for the wish."""

from __future__ import annotations

from pathlib import Path
import shutil
from typing import Any

from homeassistant.components.automation.config import async_validate_config_item
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, template
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.mediahub.approvals import action_id

BLUEPRINT = (
    Path(__file__).parents[3]
    / "blueprints"
    / "automation"
    / "mediahub"
    / "notify_ready_to_watch.yaml"
)


def blueprints_folder(hass: HomeAssistant, root: Path) -> Path:
    """This test's own configuration folder (not the test package's shared one)."""
    hass.config.config_dir = str(root)
    target = Path(hass.config.path("blueprints", "automation", "mediahub"))
    target.mkdir(parents=True)
    return target


def companion_phone(hass: HomeAssistant) -> dr.DeviceEntry:
    """A phone with the Companion app, as its registration makes it."""
    phone_entry = MockConfigEntry(
        domain="mobile_app",
        data={
            "device_name": "Pixel",
            "webhook_id": "abc",
            "app_id": "io.homeassistant.companion.android",
        },
    )
    phone_entry.add_to_hass(hass)
    return dr.async_get(hass).async_get_or_create(
        config_entry_id=phone_entry.entry_id, identifiers={("mobile_app", "pixel")}, name="Pixel"
    )


async def test_the_blueprint_notifies_a_phone_with_the_poster_and_a_play_button(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    target = blueprints_folder(hass, tmp_path)
    shutil.copy(BLUEPRINT, target / BLUEPRINT.name)
    phone = companion_phone(hass)
    automation = {
        "id": "ready",
        "alias": "Ready to watch",
        "use_blueprint": {
            "path": f"mediahub/{BLUEPRINT.name}",
            "input": {"phone": phone.id, "asker": "Anna"},
        },
    }
    validated = await async_validate_config_item(hass, "ready", automation)
    assert validated is not None and validated.validation_error is None, validated
    assert [(t["platform"], t["id"]) for t in validated["triggers"]] == [
        ("event", "download"),
        ("event", "wish"),
        ("event", "declined"),
    ]
    assert "mediahub_wish_available" in BLUEPRINT.read_text()
    # What the phone receives for an event like test_available's: rendered by Home Assistant.
    [choose] = validated["actions"]
    [wish_branch, declined_branch] = choose["choose"]
    [download_action] = choose["default"]
    [wish_action] = wish_branch["sequence"]
    [declined_action] = declined_branch["sequence"]
    for action in (download_action, wish_action, declined_action):
        assert (action["domain"], action["type"], action["device_id"]) == (
            "mobile_app",
            "notify",
            phone.id,
        )
    event = {
        "label": "Arrival (2016)",
        "resolution": "1080p",
        "poster": "/api/mediahub/posters/01J/1001",
        "play_app": "plex://preplay/?metadataKey=%2Flibrary%2Fmetadata%2F1001&server=m",
        "grabbed_by": "action",
    }
    variables = {"trigger": {"id": "download", "event": {"data": event}}, "asker": "Anna"}
    message = template.render_complex(download_action["message"], variables)
    data = template.render_complex(download_action["data"], variables)
    assert message == "Arrival (2016) is in Plex (1080p)."
    assert data["image"] == event["poster"]
    assert data["url"] == data["clickAction"] == event["play_app"]
    assert data["actions"] == [{"action": "URI", "title": "Play", "uri": event["play_app"]}]
    [condition] = validated["conditions"]
    assert _holds(condition, variables)
    # A download grabbed for a wish is told by the wish's event instead, to whoever asked.
    assert not _holds(
        condition,
        {
            **variables,
            "trigger": {"id": "download", "event": {"data": {**event, "grabbed_by": "wish"}}},
        },
    )
    wish = {"label": "Severance", "item": "S02E04", "asked_by": "Anna", "kind": "follow"}
    told = {"trigger": {"id": "wish", "event": {"data": wish}}, "asker": "Anna"}
    assert _holds(condition, told)
    assert template.render_complex(wish_action["message"], told) == (
        "Severance S02E04 is in Plex: you wished for it."
    )
    movie = {
        "trigger": {
            "id": "wish",
            "event": {"data": {**wish, "label": "Dune (2021)", "item": "movie"}},
        },
        "asker": "Anna",
    }
    assert template.render_complex(wish_action["message"], movie) == (
        "Dune (2021) is in Plex: you wished for it."
    )
    # Someone else's wish is not told on Anna's phone; with no asker set, every wish is.
    assert not _holds(condition, {**told, "asker": "Ben"})
    assert _holds(condition, {**told, "asker": ""})
    # Everyone who asked for it is told, on their own phone.
    shared = {"trigger": {"id": "wish", "event": {"data": {**wish, "askers": ["Ben", "Anna"]}}}}
    assert _holds(condition, {**shared, "asker": "Anna"})
    assert not _holds(condition, {**shared, "asker": "Cleo"})
    # A declined request: why, to whoever asked.
    no = {"label": "Heat (1995)", "by": "Ada", "reason": "too long", "askers": ["Anna"]}
    declined = {"trigger": {"id": "declined", "event": {"data": no}}, "asker": "Anna"}
    assert _holds(condition, declined)
    assert not _holds(condition, {**declined, "asker": "Ben"})
    assert template.render_complex(declined_action["message"], declined) == (
        "Ada declined Heat (1995): too long."
    )
    silent = {"trigger": {"id": "declined", "event": {"data": {**no, "reason": None}}}}
    assert template.render_complex(declined_action["message"], silent) == (
        "Ada declined Heat (1995)."
    )


APPROVE = BLUEPRINT.with_name("approve_requests.yaml")


async def test_the_approve_blueprint_sends_a_request_with_its_buttons(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    target = blueprints_folder(hass, tmp_path)
    shutil.copy(APPROVE, target / APPROVE.name)
    phone = companion_phone(hass)
    automation = {
        "id": "requests",
        "alias": "Requests to my phone",
        "use_blueprint": {"path": f"mediahub/{APPROVE.name}", "input": {"phone": phone.id}},
    }
    validated = await async_validate_config_item(hass, "requests", automation)
    assert validated is not None and validated.validation_error is None, validated
    [trigger] = validated["triggers"]
    assert trigger["platform"] == "event"
    assert [str(t.template) for t in trigger["event_type"]] == ["mediahub_request_made"]
    [notify] = validated["actions"]
    assert (notify["domain"], notify["type"], notify["device_id"]) == (
        "mobile_app", "notify", phone.id
    )  # fmt: skip
    event = {"config_entry_id": "01JSTACK", "wish_id": 7, "label": "Frozen (2013)"}
    variables = {"trigger": {"event": {"data": {**event, "asked_by": "Mia"}}}}
    assert template.render_complex(notify["message"], variables) == "Mia: Frozen (2013)"
    data = template.render_complex(notify["data"], variables)
    assert data["tag"] == "mediahub-request-7"
    # The ids MediaHub listens for (approvals.py): the stack and the request.
    assert data["actions"] == [
        {"action": action_id("approve", "01JSTACK", 7), "title": "Approve"},
        {"action": action_id("decline", "01JSTACK", 7), "title": "Decline"},
    ]


def _holds(condition: dict[str, Any], variables: dict[str, Any]) -> bool:
    """The blueprint's template condition, rendered as Home Assistant renders it."""
    rendered = template.render_complex(condition["value_template"], variables)
    return str(rendered).strip().lower() == "true"


async def test_a_broken_blueprint_is_refused(hass: HomeAssistant, tmp_path: Path) -> None:
    """The check above can fail: Home Assistant refuses a blueprint with a bad trigger."""
    target = blueprints_folder(hass, tmp_path)
    broken = BLUEPRINT.read_text().replace("trigger: event", "trigger: no_such_trigger")
    (target / BLUEPRINT.name).write_text(broken)
    automation = {
        "id": "ready",
        "use_blueprint": {"path": f"mediahub/{BLUEPRINT.name}", "input": {"phone": "x"}},
    }
    with pytest.raises(probatio.Invalid, match="no_such_trigger"):
        await async_validate_config_item(hass, "ready", automation)
