"""The plex.tv watchlist simulator answers in the shape of the fixture (PROVENANCE.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
import xml.etree.ElementTree as ET

import aiohttp
import pytest

from .plextv import FIXTURE, PlexTvSimulator

PATH = "/library/sections/watchlist/all"


@pytest.fixture
async def plextv_sim() -> AsyncIterator[PlexTvSimulator]:
    sim = PlexTvSimulator()
    await sim.start()
    yield sim
    await sim.stop()


async def fetch(
    sim: PlexTvSimulator,
    *,
    start: int | None = None,
    size: int | None = None,
    guids: bool = True,
    json: bool = True,
    token: str | None = None,
) -> tuple[int, Any]:
    headers = {"X-Plex-Token": sim.token if token is None else token}
    if json:
        headers["Accept"] = "application/json"
    if start is not None:
        headers["X-Plex-Container-Start"] = str(start)
    if size is not None:
        headers["X-Plex-Container-Size"] = str(size)
    params = {"includeGuids": "1"} if guids else {}
    async with (
        aiohttp.ClientSession() as http,
        http.get(sim.url + PATH, headers=headers, params=params) as response,
    ):
        if response.status != 200:
            return response.status, None
        return 200, await response.json() if json else ET.fromstring(await response.text())


def keys_by_type(metadata: list[dict[str, Any]]) -> dict[str, set[frozenset[str]]]:
    """Every entry's keys, by its type, with the nested objects' keys: what a client reads."""
    shapes: dict[str, set[frozenset[str]]] = {}
    for entry in metadata:
        nested = {f"{k}.{n}" for k, v in entry.items() if isinstance(v, list) for i in v for n in i}
        shapes.setdefault(entry["type"], set()).add(frozenset(entry) | nested)
    return shapes


def fill_like_the_fixture(sim: PlexTvSimulator) -> None:
    for entry in FIXTURE["MediaContainer"]["Metadata"]:
        sim.add(
            entry["type"], entry["title"], entry["year"], guids=[g["id"] for g in entry["Guid"]]
        )


async def test_a_page_has_the_fixture_shape(plextv_sim: PlexTvSimulator) -> None:
    fill_like_the_fixture(plextv_sim)
    status, answer = await fetch(plextv_sim)
    assert status == 200
    container, expected = answer["MediaContainer"], FIXTURE["MediaContainer"]
    assert set(container) == set(expected)
    assert {k: container[k] for k in ("librarySectionID", "librarySectionTitle", "identifier")} == {
        k: expected[k] for k in ("librarySectionID", "librarySectionTitle", "identifier")
    }
    assert (container["offset"], container["size"], container["totalSize"]) == (0, 3, 3)
    assert keys_by_type(container["Metadata"]) == keys_by_type(expected["Metadata"])
    for got, want in zip(container["Metadata"], expected["Metadata"], strict=True):
        assert {k: type(v) for k, v in got.items()} == {k: type(v) for k, v in want.items()}
        assert (got["type"], got["title"], got["year"], got["Guid"]) == (
            want["type"], want["title"], want["year"], want["Guid"]
        )  # fmt: skip
        assert got["guid"] == f"plex://{got['type']}/{got['ratingKey']}"
        assert got["key"].startswith(f"/library/metadata/{got['ratingKey']}")
        assert len(got["ratingKey"]) == 24
    # A show's key lists its seasons, a movie's is the item's own.
    assert [e["key"].endswith("/children") for e in container["Metadata"]] == [True, False, False]


async def test_guids_only_when_asked(plextv_sim: PlexTvSimulator) -> None:
    fill_like_the_fixture(plextv_sim)
    _, answer = await fetch(plextv_sim, guids=False)
    assert all("Guid" not in e for e in answer["MediaContainer"]["Metadata"])


async def test_pages_by_the_container_headers(plextv_sim: PlexTvSimulator) -> None:
    keys = [plextv_sim.add("movie", f"Film {n}", 2000 + n) for n in range(25)]
    _, first = await fetch(plextv_sim)  # no paging headers: plex.tv's 20
    assert (first["MediaContainer"]["size"], first["MediaContainer"]["totalSize"]) == (20, 25)
    _, second = await fetch(plextv_sim, start=20, size=10)
    container = second["MediaContainer"]
    assert (container["offset"], container["size"], container["totalSize"]) == (20, 5, 25)
    assert [e["ratingKey"] for e in container["Metadata"]] == keys[20:]
    _, past = await fetch(plextv_sim, start=300, size=100)
    # As recorded past the end: no Metadata, size 0, the offset asked, the total kept.
    assert past == {
        "MediaContainer": {
            "librarySectionID": "watchlist",
            "librarySectionTitle": "Watchlist",
            "offset": 300,
            "totalSize": 25,
            "identifier": "tv.plex.provider.discover",
            "size": 0,
        }
    }


async def test_xml_unless_json_is_asked_for(plextv_sim: PlexTvSimulator) -> None:
    fill_like_the_fixture(plextv_sim)
    _, root = await fetch(plextv_sim, json=False)
    assert (root.tag, root.get("librarySectionID"), root.get("size")) == (
        "MediaContainer",
        "watchlist",
        "3",
    )
    assert [(e.tag, e.get("type"), e.get("year")) for e in root] == [
        ("Directory", "show", "2022"),
        ("Video", "movie", "2024"),
        ("Video", "movie", "2016"),
    ]
    assert [g.get("id") for g in root[1].iter("Guid")] == ["imdb://tt0000002", "tmdb://1002"]


async def test_the_token_is_checked(plextv_sim: PlexTvSimulator) -> None:
    assert (await fetch(plextv_sim, token=""))[0] == 401
    assert (await fetch(plextv_sim, token="wrong"))[0] == 401
    plextv_sim.available = False
    assert (await fetch(plextv_sim))[0] == 503
