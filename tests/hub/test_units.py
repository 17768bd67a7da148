"""The engine's pure parts: maindata merging, path map, torrent identity, settings."""

from __future__ import annotations

import base64
from collections.abc import Callable
import copy
import json
from typing import Any

import pytest

from custom_components.mediahub.hub.clients.maindata import MaindataModel
from custom_components.mediahub.hub.config import Settings
from custom_components.mediahub.hub.errors import InvalidInputError, SettingsError
from custom_components.mediahub.hub.events import (
    DownloadAdded,
    DownloadCompleted,
    EngineEvent,
    EventBus,
)
from custom_components.mediahub.hub.library.pathmap import PathMap, library_for
from custom_components.mediahub.hub.lifecycle.pipeline import Pipeline, StageDetails, path
from custom_components.mediahub.hub.lifecycle.torrentfile import read_magnet, read_torrent
from custom_components.mediahub.hub.models import Library, Origin, Stage, status_of
from tests.conftest import SHARED
from tests.simulators.prowlarr import tiny_torrent

MAINDATA = json.loads((SHARED / "fixtures" / "qbittorrent" / "sync_maindata.json").read_text())


def test_full_snapshot_then_partial_updates_merge() -> None:
    model = MaindataModel()
    first = model.apply({**MAINDATA, "rid": 1, "full_update": True})
    hashes = list(MAINDATA["torrents"])
    assert first.full_update and first.added == set(hashes)
    some = hashes[0]
    update = model.apply(
        {
            "rid": 2,
            "torrents": {some: {"progress": 1.0, "state": "stalledUP"}},
            "server_state": {"dl_info_speed": 7},
        }
    )
    assert update.changed == {some} and update.completed == {some}
    assert model.torrents[some].state == "stalledUP"
    assert model.torrents[some].name == MAINDATA["torrents"][some]["name"]  # untouched fields kept
    assert model.transfer().download_speed == 7
    removed = model.apply({"rid": 3, "torrents_removed": [some]})
    assert removed.removed == {some} and some not in model.torrents
    assert model.rid == 3
    assert model.counts().total == len(hashes) - 1


def test_a_new_session_snapshot_replaces_everything() -> None:
    model = MaindataModel()
    model.apply({**MAINDATA, "rid": 1, "full_update": True})
    keep = next(iter(MAINDATA["torrents"]))
    changes = model.apply(
        {"rid": 1, "full_update": True, "torrents": {keep: MAINDATA["torrents"][keep]}}
    )
    assert set(model.torrents) == {keep}
    assert changes.removed == set(MAINDATA["torrents"]) - {keep}


def test_free_space_is_unknown_until_qbittorrent_has_measured_the_disk() -> None:
    """qBittorrent's first answers of a session say 0 bytes free (it measures the disk in the
    background): a grab then must not be refused for a full disk, nor downloads held."""
    model = MaindataModel()
    model.apply({"rid": 1, "full_update": True, "server_state": {"free_space_on_disk": 0}})
    assert model.transfer().free_space is None
    model.apply({"rid": 2, "server_state": {"free_space_on_disk": 5_000_000_000}})
    assert model.transfer().free_space == 5_000_000_000
    # Once measured, 0 is a disk that really is full: the guard must hold, grabs be refused.
    model.apply({"rid": 3, "server_state": {"free_space_on_disk": 0}})
    assert model.transfer().free_space == 0


def test_states_of_both_versions_are_understood() -> None:
    assert status_of("pausedDL") == status_of("stoppedDL") == "stopped"
    assert status_of("stalledUP") == "seeding"
    assert status_of("missingFiles") == "errored"
    assert status_of("somethingNew") == "unknown"


def test_eta_unknown_is_none() -> None:
    model = MaindataModel()
    torrent: dict[str, Any] = copy.deepcopy(next(iter(MAINDATA["torrents"].values())))
    torrent["eta"] = 8640000
    model.apply({"rid": 1, "full_update": True, "torrents": {"a" * 40: torrent}})
    assert model.torrents["a" * 40].to_download("a" * 40, from_mediahub=False).eta is None


def test_path_map_translates_by_whole_components() -> None:
    paths = PathMap([("/downloads/complete", "/data"), ("/downloads/complete/4k", "/uhd")])
    assert paths.to_plex("/downloads/complete/movies/Dune (2021)") == "/data/movies/Dune (2021)"
    assert paths.to_plex("/downloads/complete/4k/Dune") == "/uhd/Dune"
    assert paths.to_plex("/downloads/completed/x") is None
    assert paths.to_plex("/downloads/complete/../etc") is None
    assert paths.to_plex("relative/path") is None


def test_library_is_found_by_longest_location() -> None:
    libraries = [
        Library("1", "Movies", "movie", ("/data/movies",)),
        Library("4", "Kids", "movie", ("/data/movies/kids",)),
        Library("2", "TV", "show", ("/data/tv",)),
    ]
    assert library_for("/data/movies/kids/Up (2009)", libraries).key == "4"  # type: ignore[union-attr]
    assert library_for("/data/movies/Up (2009)", libraries).key == "1"  # type: ignore[union-attr]
    assert library_for("/data/music/x", libraries) is None


def test_torrent_and_magnet_identity() -> None:
    data, infohash = tiny_torrent("Some Title")
    assert read_torrent(data).infohash == infohash
    assert read_torrent(data).name == "Some Title"
    assert read_magnet(f"magnet:?xt=urn:btih:{infohash.upper()}&dn=Some+Title").infohash == infohash
    b32 = base64.b32encode(bytes.fromhex(infohash)).decode()
    assert read_magnet(f"magnet:?xt=urn:btih:{b32}").infohash == infohash
    for bad in (b"", b"not bencode", b"d4:infoi1ee", b"d3:fooi1ee", b"l" * 200):
        with pytest.raises(InvalidInputError):
            read_torrent(bad)
    for bad in ("http://x", "magnet:?dn=x", "magnet:?xt=urn:btih:zz"):
        with pytest.raises(InvalidInputError):
            read_magnet(bad)


def test_settings_from_environment_and_errors_name_the_variable() -> None:
    env = {
        "MEDIAHUB_PROWLARR_URL": "http://prowlarr:9696/",
        "MEDIAHUB_PROWLARR_API_KEY": "k",
        "MEDIAHUB_QBITTORRENT_URL": "http://gluetun:8080",
        "MEDIAHUB_PLEX_URL": "http://plex:32400",
        "MEDIAHUB_PATH_MAP": "/downloads/complete=/data",
        "MEDIAHUB_ALLOWED_HOSTS": "mediahub.lan, 192.168.1.10",
        "MEDIAHUB_PORT": "3001",
        "OTHER": "ignored",
    }
    settings = Settings.from_env(env)
    assert settings.prowlarr_url == "http://prowlarr:9696"
    assert settings.path_map == (("/downloads/complete", "/data"),)
    assert settings.allowed_hosts == ("mediahub.lan", "192.168.1.10")
    assert settings.port == 3001
    assert settings.categories["movies"] == "/downloads/complete/movies"
    for name, value in (
        ("MEDIAHUB_PORT", "70000"),
        ("MEDIAHUB_PATH_MAP", "relative=/data"),
        ("MEDIAHUB_AUTO_SCAN", "maybe"),
    ):
        with pytest.raises(SettingsError) as err:
            Settings.from_env({**env, name: value})
        assert err.value.setting == name
    with pytest.raises(SettingsError) as err:
        Settings.from_env({k: v for k, v in env.items() if k != "MEDIAHUB_PLEX_URL"})
    assert err.value.setting == "MEDIAHUB_PLEX_URL"


def test_the_transition_table_walks_what_a_process_did_not_watch() -> None:
    assert path(None, Stage.SCAN_SENT) == [Stage.DOWNLOADING, Stage.COMPLETED, Stage.SCAN_SENT]
    assert path(Stage.QUEUED, Stage.COMPLETED) == [Stage.DOWNLOADING, Stage.COMPLETED]
    assert path(Stage.SCAN_SENT, Stage.COMPLETED) == []  # a mark is never taken back
    assert {s for s in Stage if path(None, s)} == set(Stage)  # every stage can be reached


def test_a_download_first_seen_scanned_announces_added_then_completed() -> None:
    events: list[EngineEvent] = []
    bus = EventBus()
    bus.subscribe(events.append)
    pipeline = Pipeline(bus)

    def details(managed: bool) -> Callable[[], StageDetails]:
        return lambda: StageDetails("a" * 40, "Film", "movies", Origin.PANEL, managed=managed)

    assert pipeline.observe("a" * 40, Stage.SCAN_SENT, details(managed=True))
    assert [type(e) for e in events] == [DownloadAdded, DownloadCompleted]
    assert not pipeline.observe("a" * 40, Stage.SCAN_SENT, details(managed=True))  # no news
    events.clear()
    pipeline.observe("b" * 40, Stage.COMPLETED, details(managed=False))
    assert [type(e) for e in events] == [DownloadCompleted]  # another tool's: no "added"
    assert pipeline.in_stage(Stage.COMPLETED) == ["b" * 40]
    pipeline.forget("b" * 40)
    assert pipeline.counts() == {"scan_sent": 1}
