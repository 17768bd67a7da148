"""Every action (services.py's ACTIONS) against the fixture engine: what it asks the engine and
answers, and how it refuses bad input and reports an engine's error, in the user's words."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast
from unittest.mock import patch

from homeassistant.const import Platform
from homeassistant.core import Context, HomeAssistant, ServiceResponse, SupportsResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import probatio as vol
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser
from syrupy.assertion import SnapshotAssertion

from custom_components.mediahub.const import DOMAIN
from custom_components.mediahub.hub import (
    AlreadyInPlexError,
    AuthenticationError,
    AutoApprove,
    InPlex,
    MediaHubError,
    NoAcceptableReleaseError,
    Origin,
    RequestRules,
    ServiceTimeoutError,
    ServiceUnavailableError,
    WishKind,
    WishRequest,
    download_record_json,
)
from custom_components.mediahub.services import ACTIONS

from .conftest import ARRIVAL, ARRIVAL_2160, ASSESSED, DUNE, ENTRY_ID, READY, FixtureEngine

MAGNET = "magnet:?xt=urn:btih:" + "b" * 40 + "&dn=Big.Buck.Bunny.2008.1080p"
UNKNOWN = "f" * 40  # a well-formed hash qBittorrent does not have


async def act(
    hass: HomeAssistant, action: str, data: dict[str, Any], context: Context | None = None
) -> ServiceResponse:
    """The action as an automation (or, with a user's `context`, a person) runs it."""
    return await hass.services.async_call(
        DOMAIN,
        action,
        {"config_entry_id": ENTRY_ID, **data},
        blocking=True,
        context=context,
        return_response=ACTIONS[action].response is not SupportsResponse.NONE,
    )


# action: (its data, what the engine was asked)
EACH_ACTION: dict[str, tuple[dict[str, Any], tuple[str, dict[str, Any]] | None]] = {
    "search": (
        {"query": "arrival", "category": "movies", "limit": 3},
        ("search.search_all", {"query": "arrival", "categories": [2000]}),
    ),
    "grab": (
        {"release_id": ARRIVAL_2160.id, "category": "movies"},
        (
            "downloads.grab",
            {"release_id": ARRIVAL_2160.id, "category": "movies", "origin": Origin.AUTOMATION},
        ),
    ),
    "grab_best": (
        {"query": "Arrival", "category": "movies", "profile": {"preferred_resolution": "2160p"}},
        (
            "best.grab",
            {
                "query": "Arrival",
                "category": "movies",
                "overrides": {"preferred_resolution": "2160p"},
                "season": None,
                "origin": Origin.AUTOMATION,
            },
        ),
    ),
    "add_torrent": (
        {"source": f"  {MAGNET} ", "category": "movies"},
        (
            "downloads.add_torrent",
            {"source": MAGNET, "category": "movies", "origin": Origin.AUTOMATION},
        ),
    ),
    "redownload": (
        {"hash": READY[0].hash.upper()},  # removed from qBittorrent; its .torrent kept
        ("downloads.redownload", {"infohash": READY[0].hash, "origin": Origin.AUTOMATION}),
    ),
    "pause": ({"hash": DUNE.hash}, ("downloads.pause", {"infohash": DUNE.hash})),
    "resume": ({"hash": DUNE.hash}, ("downloads.resume", {"infohash": DUNE.hash})),
    "force_start": ({"hash": DUNE.hash}, ("downloads.force_start", {"infohash": DUNE.hash})),
    "queue": (
        {"hash": DUNE.hash, "position": "top"},
        ("downloads.move_in_queue", {"infohash": DUNE.hash, "top": True}),
    ),
    "set_bandwidth": (
        # KiB/s and times of day, as a person gives them; bytes/s and hours to the engine.
        {
            "download_limit": 2048,
            "alt_upload_limit": 0.5,
            "alt_speed": True,
            "schedule_enabled": False,
            "schedule_from": "07:30",
            "schedule_days": "weekends",
        },
        (
            "bandwidth.change",
            {
                "changes": {
                    "download_limit": 2_097_152,
                    "alt_upload_limit": 512,
                    "alt_speed": True,
                    "schedule": {"enabled": False, "from_hour": 7, "from_minute": 30, "days": 2},
                }
            },
        ),
    ),
    "remove": (
        {"hash": DUNE.hash, "delete_files": True},
        ("downloads.remove", {"infohash": DUNE.hash, "delete_files": True}),
    ),
    "list_downloads": ({"status": "downloading"}, None),  # the engine's snapshot, read
    "scan_library": (
        {"library": "Movies", "path": "/media/movies/Arrival (2016)"},
        ("downloads.scan_library", {"key": "Movies", "path": "/media/movies/Arrival (2016)"}),
    ),
    "wish": (
        {"title": " Severance ", "kind": "follow", "seasons": [2, 3]},
        (
            "wishes.make",
            {
                "request": WishRequest(
                    title="Severance", kind=WishKind.FOLLOW, seasons=(2, 3), backfill=False
                ),
                "asked_by": "automation",  # no person behind it
                "admin": True,  # as its owner set it up
            },
        ),
    ),
    "unwish": ({"wish_id": 2}, ("wishes.end", {"wish_id": 2, "by": "automation"})),
    "approve": (
        {"title": "Dune Part Three"},
        ("wishes.approve", {"wish_id": 1, "by": "automation"}),
    ),
    "decline": (
        {"wish_id": 2, "reason": " Not tonight "},
        ("wishes.decline", {"wish_id": 2, "by": "automation", "reason": "Not tonight"}),
    ),
    "set_request_rules": (
        {"weekly_quota": 3, "auto_approve": [{"user": "Mia", "category": "tv"}]},
        (
            "rules.save",
            {"rules": RequestRules(weekly_quota=3, auto_approve=(AutoApprove("Mia", "tv"),))},
        ),
    ),
    "watch_wishes": ({}, ("watch.cycle", {})),
}


def test_every_action_is_covered() -> None:
    assert set(EACH_ACTION) == set(ACTIONS)


@pytest.mark.parametrize("action", list(EACH_ACTION))
async def test_each_action(
    hass: HomeAssistant, engine: FixtureEngine, snapshot: SnapshotAssertion, action: str
) -> None:
    data, asked = EACH_ACTION[action]
    polls = engine.polls
    response = await act(hass, action, data)
    assert engine.calls.made == ([asked] if asked else [])
    if ACTIONS[action].response is SupportsResponse.NONE:
        assert response is None
    else:
        assert response == snapshot
    # What changes the downloads polls qBittorrent at once, so the entities show it.
    assert engine.polls == polls + ACTIONS[action].changes_downloads


async def test_list_downloads_by_status(hass: HomeAssistant, engine: FixtureEngine) -> None:
    everything = await act(hass, "list_downloads", {})
    assert everything == {"downloads": {DUNE.hash: download_record_json(DUNE)}}
    assert await act(hass, "list_downloads", {"status": "seeding"}) == {"downloads": {}}


async def test_a_persons_grab_is_theirs(
    hass: HomeAssistant, engine: FixtureEngine, hass_admin_user: MockUser
) -> None:
    """Run by a person, a grab is theirs (its `via` tag); test_each_action's, run by no one,
    are an automation's."""
    person = Context(user_id=hass_admin_user.id)
    grabbed = await act(hass, "grab", {"release_id": ARRIVAL_2160.id}, person)
    assert grabbed == {
        "hash": ARRIVAL_2160.infohash,
        "name": ARRIVAL_2160.title,
        "category": "movies",  # the release's own
        "queued": False,
        "origin": "action",
    }
    await act(hass, "grab_best", {"query": "Arrival", "season": 0}, person)
    assert [arguments["origin"] for _, arguments in engine.calls.made] == [Origin.ACTION] * 2
    assert engine.calls.made[1][1]["season"] == 0


async def test_a_persons_wish_is_asked_by_them(
    hass: HomeAssistant, engine: FixtureEngine, hass_admin_user: MockUser
) -> None:
    """Run by a person, a wish is asked by their Home Assistant name, and so is its end."""
    person = Context(user_id=hass_admin_user.id)
    made = await act(hass, "wish", {"title": "Severance"}, person)
    assert made is not None and made["wish"]["asked_by"] == hass_admin_user.name
    assert made["joined"] is False
    await act(hass, "unwish", {"title": "severance", "forget": True}, person)
    await act(hass, "unwish", {"wish_id": 1}, person)
    assert [(name, args.get("asked_by", args.get("by"))) for name, args in engine.calls.made] == [
        ("wishes.make", hass_admin_user.name),
        ("wishes.forget", None),
        ("wishes.end", hass_admin_user.name),
    ]
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "unwish", {"wish_id": 99}, person)
    assert (err.value.translation_key, err.value.translation_placeholders) == (
        "unknown_wish",
        {"service": "MediaHub", "wish": "99"},
    )


async def test_add_torrent_reads_a_file_home_assistant_may_read(
    hass: HomeAssistant, engine: FixtureEngine, tmp_path: Path
) -> None:
    torrent = tmp_path / "uploads" / "bunny.torrent"
    torrent.parent.mkdir()
    torrent.write_bytes(b"d8:announce0:4:infod4:name5:bunnyee")
    hass.config.allowlist_external_dirs = {str(torrent.parent)}
    added = await act(hass, "add_torrent", {"source": str(torrent), "category": "movies"})
    assert added is not None and added["hash"] == "b" * 40
    assert engine.calls.made == [
        (
            "downloads.add_torrent_file",
            {"data": torrent.read_bytes(), "category": "movies", "origin": Origin.AUTOMATION},
        )
    ]

    # A file outside the folders Home Assistant may read is not opened; one missing, not read.
    for path, key in (
        ("/etc/passwd", "path_not_allowed"),
        (str(torrent.parent / "gone.torrent"), "file_unreadable"),
    ):
        with pytest.raises(ServiceValidationError) as err:
            await act(hass, "add_torrent", {"source": path})
        assert (err.value.translation_key, err.value.translation_placeholders) == (
            key,
            {"service": "MediaHub", "path": path},
        )
    assert len(engine.calls.made) == 1


# Bad input the engine refuses: (action, data, translation key, what the user reads: the
# English translation, whose final full stop Home Assistant drops).
REFUSED: list[tuple[str, dict[str, Any], str, str]] = [
    ("pause", {"hash": "abc"}, "invalid_hash", "A download is named by its 40-character hash"),
    ("resume", {"hash": UNKNOWN}, "unknown_download", "qBittorrent has no such download"),
    ("force_start", {"hash": UNKNOWN}, "unknown_download", "qBittorrent has no such download"),
    (
        "queue",
        {"hash": UNKNOWN, "position": "bottom"},
        "unknown_download",
        "qBittorrent has no such download",
    ),
    ("remove", {"hash": UNKNOWN}, "unknown_download", "qBittorrent has no such download"),
    (
        "redownload",
        {"hash": DUNE.hash},
        "already_downloading",
        "That download is already in qBittorrent",
    ),
    (
        "redownload",
        {"hash": UNKNOWN},
        "no_stored_torrent",
        "MediaHub has no stored torrent for that hash, so it cannot download it again",
    ),
    (
        "grab",
        {"release_id": "release-gone"},
        "unknown_release",
        "That search result is unknown or too old: search again",
    ),
    (
        "grab_best",
        {"query": "Arrival", "profile": {"max_size_gb": "many"}},
        "invalid_profile",
        "That quality profile is not valid: max_size_gb",
    ),
    (
        "add_torrent",
        {"source": "ftp://example.org/bunny.torrent"},
        "invalid_source",
        "Give a magnet: link or an http(s) URL of a .torrent file",
    ),
    (
        "set_bandwidth",
        {"download_limit": -1},
        "invalid_bandwidth",
        "That limit or schedule is not valid (download_limit): limits are 0 (none) or more, "
        "hours 0–23, minutes 0–59",
    ),
    (
        "set_bandwidth",
        {},
        "invalid_bandwidth",
        "That limit or schedule is not valid (-): limits are 0 (none) or more, "
        "hours 0–23, minutes 0–59",
    ),
    ("scan_library", {"library": "Cartoons"}, "unknown_library", "Plex has no library Cartoons"),
]


@pytest.mark.parametrize(
    ("action", "data", "key", "message"), REFUSED, ids=[f"{r[0]}-{r[2]}" for r in REFUSED]
)
async def test_bad_input_is_refused_in_the_users_words(
    hass: HomeAssistant,
    engine: FixtureEngine,
    action: str,
    data: dict[str, Any],
    key: str,
    message: str,
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, action, data)
    assert (err.value.translation_domain, err.value.translation_key) == (DOMAIN, key)
    assert str(err.value) == message
    # What the translation fills in are values, never the engine's English.
    assert not {"message", "reason"} & set(err.value.translation_placeholders or {})
    assert engine.calls.made == []
    assert engine.polls == 1  # only setup's: nothing changed, so nothing to show


# Input the schema refuses before any handler runs: (action, data, the field named).
MALFORMED: list[tuple[str, dict[str, Any], str]] = [
    ("pause", {}, "hash"),
    ("pause", {"hash": ""}, "hash"),
    ("remove", {"hash": "a" * 65}, "hash"),
    ("remove", {"hash": DUNE.hash, "delete_files": "perhaps"}, "delete_files"),
    ("queue", {"hash": DUNE.hash, "position": "middle"}, "position"),
    ("search", {"query": ""}, "query"),
    ("search", {"query": "arrival", "category": "anime"}, "category"),
    ("search", {"query": "arrival", "limit": 0}, "limit"),
    ("grab", {}, "release_id"),
    ("grab_best", {"query": "Arrival", "season": -1}, "season"),
    ("grab_best", {"query": "Arrival", "profile": "best"}, "profile"),
    ("add_torrent", {}, "source"),
    ("set_bandwidth", {"download_limit": "fast"}, "download_limit"),
    ("set_bandwidth", {"schedule_from": "25:00"}, "schedule_from"),
    ("set_bandwidth", {"schedule_days": "someday"}, "schedule_days"),
    ("list_downloads", {"status": "unknown"}, "status"),
    ("scan_library", {}, "library"),
]


async def test_the_schema_refuses_malformed_data(
    hass: HomeAssistant, engine: FixtureEngine
) -> None:
    for action, data, field in MALFORMED:
        with pytest.raises(vol.Invalid) as err:
            await act(hass, action, data)
        assert err.value.path == [field], (action, data, err.value)
    assert engine.calls.made == []


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
async def test_a_limit_that_is_not_a_number_is_refused(
    hass: HomeAssistant, engine: FixtureEngine, value: str
) -> None:
    """ "nan" and "inf" pass a float schema; the limit is refused, translated, not a crash."""
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "set_bandwidth", {"download_limit": value})
    assert err.value.translation_key == "invalid_bandwidth"
    assert err.value.translation_placeholders["field"] == "download_limit"
    assert engine.calls.made == []


@pytest.mark.usefixtures("fixture_engine")
async def test_a_limit_entity_set_to_no_number_is_refused(
    hass: HomeAssistant, fast_entry: MockConfigEntry
) -> None:
    """Home Assistant's number range lets NaN through: the entity refuses it itself."""
    with patch("custom_components.mediahub.PLATFORMS", [Platform.NUMBER]):
        assert await hass.config_entries.async_setup(fast_entry.entry_id)
        await hass.async_block_till_done()
    engine = cast(FixtureEngine, fast_entry.runtime_data.engine)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            "number",
            "set_value",
            {"entity_id": "number.qbittorrent_download_limit", "value": "nan"},
            blocking=True,
        )
    assert err.value.translation_key == "invalid_bandwidth"
    assert engine.calls.made == []


async def test_an_unknown_stack_is_refused(hass: HomeAssistant, engine: FixtureEngine) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "pause", {"config_entry_id": "nope", "hash": DUNE.hash}, blocking=True
        )
    assert err.value.translation_key == "service_config_entry_not_found"
    assert engine.calls.made == []


# The engine's errors: (action, data, what it raises, Home Assistant's kind, key, what the
# user reads).
ENGINE_ERRORS: list[tuple[str, dict[str, Any], MediaHubError, type[HomeAssistantError], str, str]]
ENGINE_ERRORS = [
    (
        "search",
        {"query": "arrival"},
        ServiceUnavailableError("Prowlarr", "HTTP 502"),
        HomeAssistantError,
        "service_unavailable",
        "Prowlarr is not reachable: HTTP 502",
    ),
    (
        "pause",
        {"hash": DUNE.hash},
        AuthenticationError("qBittorrent"),
        HomeAssistantError,
        "auth_failed",
        "qBittorrent refused the credentials MediaHub has for it. Re-authenticate the integration",
    ),
    (
        "set_bandwidth",
        {"download_limit": 100},
        ServiceTimeoutError("qBittorrent"),
        HomeAssistantError,
        "service_unavailable",
        "qBittorrent is not reachable: timed out",
    ),
    (
        "grab_best",
        {"query": "Arrival"},
        AlreadyInPlexError(InPlex(ARRIVAL, "1080p")),
        ServiceValidationError,
        "already_in_plex",
        "Arrival is already in Plex in 1080p",
    ),
    (
        "grab_best",
        {"query": "Arrival CAM"},
        NoAcceptableReleaseError.profile_refused("Arrival CAM", [ASSESSED[2]]),
        ServiceValidationError,
        "no_acceptable_release_blocked_source",
        "Nothing found for Arrival CAM passes the quality profile: the best, "
        "Arrival.2016.CAM.x264-NOGRP, is a CAM release, which the profile blocks",
    ),
]


@pytest.mark.parametrize(
    ("action", "data", "raised", "kind", "key", "message"),
    ENGINE_ERRORS,
    ids=[f"{e[0]}-{e[4]}" for e in ENGINE_ERRORS],
)
async def test_an_engine_error_reaches_the_user_translated(
    hass: HomeAssistant,
    engine: FixtureEngine,
    action: str,
    data: dict[str, Any],
    raised: MediaHubError,
    kind: type[HomeAssistantError],
    key: str,
    message: str,
) -> None:
    """The stack's trouble is an error; the caller's mistake, a validation error."""
    engine.calls.fail = raised
    with pytest.raises(HomeAssistantError) as err:
        await act(hass, action, data)
    assert type(err.value) is kind
    assert (err.value.translation_domain, err.value.translation_key) == (DOMAIN, key)
    assert str(err.value) == message
    assert err.value.__cause__ is raised
    assert engine.calls.made == []
