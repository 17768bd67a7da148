"""The Plex simulator serves the real XML shapes and satisfies the real client, plexapi."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET

import aiohttp
from plexapi.exceptions import Unauthorized
from plexapi.server import PlexServer
import pytest

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
