"""The Plex simulator serves the real XML shapes and satisfies the real client, plexapi."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
import xml.etree.ElementTree as ET

import aiohttp
from plexapi.exceptions import Unauthorized
from plexapi.server import PlexServer
from plexwebsocket import SIGNAL_CONNECTION_STATE, STATE_CONNECTED, PlexWebsocket
import pytest
import yaml

from tests.support.wait import until

from .plex import PlexSimulator, fixture


def shape(element: ET.Element) -> set[tuple[str, frozenset[str]]]:
    """Every element's tag with its attribute names: what a client can rely on."""
    return {(e.tag, frozenset(e.attrib)) for e in element.iter()}


async def fetch(sim: PlexSimulator, path: str, token: bool = True) -> tuple[int, str]:
    headers = {"X-Plex-Token": sim.token} if token else {}
    async with (
        aiohttp.ClientSession() as http,
        http.get(sim.url + path, headers=headers) as response,
    ):
        return response.status, await response.text()


@pytest.mark.parametrize(
    ("path", "fixture_name"),
    [("/library/sections", "library_sections.xml"), ("/", "plex_server_base.xml")],
)
async def test_responses_have_the_fixture_shape(
    plex_sim: PlexSimulator, path: str, fixture_name: str
) -> None:
    status, body = await fetch(plex_sim, path)
    assert status == 200
    expected = ET.fromstring(
        fixture(fixture_name).replace("{name}", "x").replace("{machine_identifier}", "y")
    )
    assert shape(ET.fromstring(body)) == shape(expected)


async def test_identity_needs_no_token_and_the_rest_does(plex_sim: PlexSimulator) -> None:
    status, body = await fetch(plex_sim, "/identity", token=False)
    assert status == 200
    assert ET.fromstring(body).get("machineIdentifier") == plex_sim.machine_identifier
    status, _ = await fetch(plex_sim, "/library/sections", token=False)
    assert status == 401


async def test_plexapi_reads_sections_and_scans_through_the_simulator(
    plex_sim: PlexSimulator,
) -> None:
    plex_sim.set_locations("1", "/data/movies")

    def use_plexapi() -> list[tuple[str, str, list[str]]]:
        server = PlexServer(plex_sim.url, plex_sim.token, timeout=10)
        assert server.machineIdentifier == plex_sim.machine_identifier
        sections = server.library.sections()
        server.library.sectionByID(1).update(path="/data/movies/Dune (2021)")
        server.library.sectionByID(2).update()
        return [
            (s.key if isinstance(s.key, str) else str(s.key), s.title, list(s.locations))
            for s in sections
        ]

    sections = await asyncio.to_thread(use_plexapi)
    assert sections[0] == ("1", "Movies", ["/data/movies"])
    assert [s[1] for s in sections] == ["Movies", "TV Shows", "Music"]
    assert [(r.section, r.path) for r in plex_sim.refreshes] == [
        ("1", "/data/movies/Dune (2021)"),
        ("2", None),
    ]


async def test_plexapi_sees_a_wrong_token_as_unauthorized(plex_sim: PlexSimulator) -> None:
    with pytest.raises(Unauthorized):
        await asyncio.to_thread(PlexServer, plex_sim.url, "wrong-token", timeout=10)


def _named(root: Path, relative: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\0" * 1024)
    return path


async def _scanned(plex_sim: PlexSimulator, section: str, path: str) -> None:
    """Ask for a partial scan as plexapi does, and wait for the scan's end on the websocket."""
    ended = len([m for m in plex_sim.notified if _event(m) == "ended"])
    server = await asyncio.to_thread(PlexServer, plex_sim.url, plex_sim.token, timeout=10)
    await asyncio.to_thread(lambda: server.library.sectionByID(int(section)).update(path=path))
    await until(
        lambda: len([m for m in plex_sim.notified if _event(m) == "ended"]) > ended,
        "the scan's end on the websocket",
        interval=0.05,
    )


def _event(message: dict[str, Any]) -> str | None:
    activity = message["NotificationContainer"].get("ActivityNotification")
    return activity[0]["event"] if activity else None


async def test_a_scan_lists_only_correctly_named_videos_in_the_scanned_folder(
    plex_sim: PlexSimulator, tmp_path: Path
) -> None:
    plex_sim.set_locations("1", "/data/movies")
    plex_sim.set_locations("2", "/data/tv")
    plex_sim.media("/data", tmp_path)
    _named(tmp_path, "movies/Arrival (2016)/Arrival (2016).mkv")
    _named(tmp_path, "movies/Arrival (2016)/Arrival (2016).en.srt")
    _named(tmp_path, "movies/Not.Organized.2016.1080p/Not.Organized.2016.1080p.mkv")
    _named(tmp_path, "tv/Severance (2022)/Season 02/Severance (2022) - s02e01.mkv")

    await _scanned(plex_sim, "1", "/data/movies/Not.Organized.2016.1080p")
    assert plex_sim.items == {}  # a name Plex's scanner cannot read adds nothing
    await _scanned(plex_sim, "1", "/data/movies/Arrival (2016)")
    await _scanned(plex_sim, "2", "/data/tv/Severance (2022)")

    def read() -> list[tuple[str, str, int | None, str, str]]:
        server = PlexServer(plex_sim.url, plex_sim.token, timeout=10)
        movie, episode = (server.fetchItem(int(key)) for key in sorted(plex_sim.items))
        return [
            (movie.type, movie.title, movie.year, movie.media[0].parts[0].file, movie.thumb),
            (
                episode.type,
                episode.grandparentTitle,
                episode.seasonNumber,
                episode.media[0].parts[0].file,
                str(episode.index),
            ),
        ]

    movie, episode = await asyncio.to_thread(read)
    assert movie[:4] == ("movie", "Arrival", 2016, "/data/movies/Arrival (2016)/Arrival (2016).mkv")
    assert episode == (
        "episode",
        "Severance",
        2,
        "/data/tv/Severance (2022)/Season 02/Severance (2022) - s02e01.mkv",
        "1",
    )
    # The poster is served at the item's thumb, with the token.
    async with (
        aiohttp.ClientSession() as http,
        http.get(plex_sim.url + str(movie[4]), headers={"X-Plex-Token": plex_sim.token}) as got,
    ):
        assert (got.status, got.content_type) == (200, "image/png")


async def test_plexwebsocket_hears_a_scan_as_real_plex_tells_it(
    plex_sim: PlexSimulator, tmp_path: Path
) -> None:
    plex_sim.set_locations("1", "/data/movies")
    plex_sim.media("/data", tmp_path)
    _named(tmp_path, "movies/Arrival (2016)/Arrival (2016).mkv")
    heard: list[tuple[str, Any]] = []
    async with aiohttp.ClientSession() as session:
        server = await asyncio.to_thread(PlexServer, plex_sim.url, plex_sim.token, timeout=10)
        socket = PlexWebsocket(
            server, lambda kind, data, _e: heard.append((kind, data)), ["timeline", "activity"],
            session=session,
        )  # fmt: skip
        listening = asyncio.create_task(socket.listen())
        await until(
            lambda: (SIGNAL_CONNECTION_STATE, STATE_CONNECTED) in heard,
            "plexwebsocket to connect",
            interval=0.05,
        )
        await _scanned(plex_sim, "1", "/data/movies/Arrival (2016)")
        await until(
            lambda: len([k for k, _ in heard if k == "activity"]) >= 4,
            "the scan's and the metadata refresh's activities, started and ended",
            interval=0.05,
        )
        socket.close()
        await plex_sim.drop_websockets()
        await listening
    [key] = plex_sim.items
    told = [(k, d) for k, d in heard if k in ("timeline", "activity")]

    def said(kind: str, data: dict[str, Any]) -> tuple[object, ...]:
        if kind == "timeline":
            entry = data["TimelineEntry"][0]
            return ("timeline", entry["itemID"], entry["type"], entry["state"])
        activity = data["ActivityNotification"][0]
        return ("activity", activity["Activity"]["type"], activity["event"])

    # Plex's order: the scan creates the item and ends; the metadata refresh then finishes it.
    assert [said(k, d) for k, d in told] == [
        ("activity", "library.update.section", "started"),
        ("timeline", key, 1, 0),
        ("activity", "library.update.section", "ended"),
        ("activity", "library.refresh.items", "started"),
        ("timeline", key, 1, 5),
        ("activity", "library.refresh.items", "ended"),
    ]
    timeline = [d["TimelineEntry"][0] for k, d in told if k == "timeline"]
    assert timeline[0]["metadataState"] == "created"
    # Done processing, as Tautulli reads it: no metadata state, no metadata queue.
    assert "metadataState" not in timeline[1] and "queueSize" not in timeline[1]
    activities = [d["ActivityNotification"][0] for k, d in told if k == "activity"]
    spec = _operation("listActivities")[2]["responses"]["200"]["content"]["application/json"]
    container = spec["schema"]["properties"]["MediaContainer"]["allOf"][0]
    keys = set(container["properties"]["Activity"]["items"]["properties"])
    for notification in activities:
        assert set(notification["Activity"]) <= keys  # the spec's Activity, nothing invented
        assert notification["uuid"] == notification["Activity"]["uuid"]
    # One activity keeps its uuid from start to end.
    assert activities[0]["uuid"] == activities[1]["uuid"] != activities[2]["uuid"]
    assert activities[2]["uuid"] == activities[3]["uuid"]


SPEC_PATH = (
    Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "plex" / "plex-api-spec.yaml"
)


def _operation(operation_id: str) -> tuple[str, str, dict[str, Any]]:
    """The spec's path, method and operation for an operationId."""
    spec = yaml.safe_load(SPEC_PATH.read_text())
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                return path, method, operation
    raise AssertionError(f"the spec has no {operation_id}")


async def _delete(sim: PlexSimulator, path: str, token: bool = True) -> tuple[int, str]:
    headers = {"X-Plex-Token": sim.token} if token else {}
    async with (
        aiohttp.ClientSession() as http,
        http.delete(sim.url + path, headers=headers) as response,
    ):
        return response.status, await response.text()


async def test_delete_media_follows_the_spec_and_removes_one_copy_and_its_file(
    plex_sim: PlexSimulator, tmp_path: Path
) -> None:
    path, method, operation = _operation("deleteMediaItem")
    assert (path, method) == ("/library/metadata/{ids}/media/{mediaItem}", "delete")
    assert {"200", "400", "404"} <= set(operation["responses"])
    plex_sim.set_locations("1", "/data/movies")
    plex_sim.media("/data", tmp_path)
    old = _named(tmp_path, "movies/Arrival (2016)/Arrival (2016) - 720p.mkv")
    new = _named(tmp_path, "movies/Arrival (2016)/Arrival (2016) - 2160p.mkv")
    await _scanned(plex_sim, "1", "/data/movies/Arrival (2016)")
    # Two files of the same movie: one item with two Media, each with its id.
    [item] = plex_sim.items.values()
    status, body = await fetch(plex_sim, f"/library/metadata/{item.key}")
    assert status == 200
    media = ET.fromstring(body).findall("./Video/Media")
    assert [m.findtext("Part") is not None for m in media] == [True, True]
    ids = [str(m.get("id")) for m in media]
    assert len(set(ids)) == 2
    files = [str(m.find("Part").get("file")) for m in media]  # type: ignore[union-attr]
    assert sorted(files) == sorted(f"/data/movies/Arrival (2016)/{f.name}" for f in (old, new))
    route = path.format(
        ids=item.key, mediaItem=ids[files.index(f"/data/movies/Arrival (2016)/{old.name}")]
    )

    assert (await _delete(plex_sim, route, token=False))[0] == 401
    assert (await _delete(plex_sim, path.format(ids=item.key, mediaItem="1")))[0] == 404
    assert (await _delete(plex_sim, path.format(ids="999999", mediaItem=ids[0])))[0] == 404
    plex_sim.allow_media_deletion = False
    status, body = await fetch(plex_sim, "/")
    assert ET.fromstring(body).get("allowMediaDeletion") == "0"
    assert (await _delete(plex_sim, route))[0] == 400  # "Media item could not be deleted"
    assert old.exists()
    plex_sim.allow_media_deletion = True

    assert (await _delete(plex_sim, route))[0] == 200
    assert not old.exists() and new.exists()
    status, body = await fetch(plex_sim, f"/library/metadata/{item.key}")
    [left] = ET.fromstring(body).findall("./Video/Media")
    assert left.get("id") != ids[files.index(f"/data/movies/Arrival (2016)/{old.name}")]
    assert (await _delete(plex_sim, route))[0] == 404  # that copy is gone

    # The last copy goes: the item leaves the library, and Plex says so (timeline state 9).
    assert (await _delete(plex_sim, path.format(ids=item.key, mediaItem=left.get("id"))))[0] == 200
    assert not new.exists()
    assert plex_sim.items == {}
    assert (await fetch(plex_sim, f"/library/metadata/{item.key}"))[0] == 404
    timeline = [
        m["NotificationContainer"]["TimelineEntry"][0]
        for m in plex_sim.notified
        if m["NotificationContainer"]["type"] == "timeline"
    ]
    assert (timeline[-1]["itemID"], timeline[-1]["state"]) == (item.key, 9)


async def test_plexapi_sees_two_copies_of_a_movie_as_one_item(
    plex_sim: PlexSimulator, tmp_path: Path
) -> None:
    plex_sim.set_locations("1", "/data/movies")
    plex_sim.media("/data", tmp_path)
    _named(tmp_path, "movies/Dune (2021)/Dune (2021) - 720p.mkv")
    await _scanned(plex_sim, "1", "/data/movies/Dune (2021)")
    _named(tmp_path, "movies/Dune (2021)/Dune (2021) - 2160p.mkv")
    await _scanned(plex_sim, "1", "/data/movies/Dune (2021)")

    def read() -> list[tuple[str, str]]:
        server = PlexServer(plex_sim.url, plex_sim.token, timeout=10)
        [movie] = server.library.sectionByID(1).search(libtype="movie")
        return [(m.videoResolution, m.parts[0].file) for m in movie.reload().media]

    assert await asyncio.to_thread(read) == [
        ("720", "/data/movies/Dune (2021)/Dune (2021) - 720p.mkv"),
        ("2160", "/data/movies/Dune (2021)/Dune (2021) - 2160p.mkv"),
    ]
