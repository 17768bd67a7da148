"""The Prowlarr simulator speaks the real contract: Prowlarr's own OpenAPI document."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from openapi_schema_validator import OAS30Validator
import pytest
import torf

from tests.conftest import SHARED

from .prowlarr import ProwlarrSimulator, SimRelease, fixture_titles

SPEC = json.loads((SHARED / "fixtures" / "prowlarr" / "openapi.json").read_text())


def validator(schema_name: str) -> OAS30Validator:
    """A validator for one schema of Prowlarr's spec, resolving its references in the spec."""
    return OAS30Validator(
        {"$ref": f"#/components/schemas/{schema_name}", "components": SPEC["components"]}
    )


async def get(sim: ProwlarrSimulator, path: str, **params: Any) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            sim.url + path, params=params, headers={"X-Api-Key": sim.api_key}, allow_redirects=False
        ) as response,
    ):
        body = await response.read()
        try:
            return response.status, json.loads(body)
        except ValueError:
            return response.status, body


async def test_search_results_are_release_resources(prowlarr_sim: ProwlarrSimulator) -> None:
    status, results = await get(prowlarr_sim, "/api/v1/search", query="", type="search")
    assert status == 200
    assert len(results) >= len(fixture_titles())
    release_validator = validator("ReleaseResource")
    for result in results:
        release_validator.validate(result)
    assert {r["title"] for r in results} >= set(fixture_titles())


async def test_status_and_indexers_match_the_schema(prowlarr_sim: ProwlarrSimulator) -> None:
    status, system = await get(prowlarr_sim, "/api/v1/system/status")
    assert status == 200
    validator("SystemResource").validate(system)
    status, indexers = await get(prowlarr_sim, "/api/v1/indexer")
    assert status == 200
    assert [i["name"] for i in indexers] == ["The Pirate Bay", "1337x", "YTS"]
    for indexer in indexers:
        validator("IndexerResource").validate(indexer)


async def test_api_key_is_required_except_for_ping(prowlarr_sim: ProwlarrSimulator) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(prowlarr_sim.url + "/api/v1/indexer") as response:
            assert response.status == 401
        async with http.get(
            prowlarr_sim.url + "/api/v1/indexer", params={"apikey": "wrong"}
        ) as response:
            assert response.status == 401
        bearer = {"Authorization": f"Bearer {prowlarr_sim.api_key}"}
        async with http.get(prowlarr_sim.url + "/api/v1/indexer", headers=bearer) as response:
            assert response.status == 200
        async with http.get(prowlarr_sim.url + "/ping") as response:
            assert response.status == 200
            assert await response.json() == {"status": "OK"}


async def test_one_indexer_at_a_time_and_categories_as_repeated_keys(
    prowlarr_sim: ProwlarrSimulator,
) -> None:
    movies = prowlarr_sim.add_indexer(
        "Movies Only", releases=[SimRelease("Dune Part Two 2024 2160p", category=2045)]
    )
    status, results = await get(
        prowlarr_sim, f"/api/v1/search?indexerIds={movies.id}&categories=2000&categories=5000"
    )
    assert status == 200
    assert [r["title"] for r in results] == ["Dune Part Two 2024 2160p"]
    status, results = await get(
        prowlarr_sim, f"/api/v1/search?indexerIds={movies.id}&categories=5000"
    )
    assert results == []


async def test_download_proxy_serves_a_torrent_or_redirects_to_a_magnet(
    prowlarr_sim: ProwlarrSimulator,
) -> None:
    magnet_indexer = prowlarr_sim.add_indexer(
        "Magnets", releases=[SimRelease("Some Show S01E01", magnet=True)]
    )
    _status, results = await get(prowlarr_sim, "/api/v1/search", query="")
    by_indexer = {r["indexerId"]: r for r in results}
    torrent_link = by_indexer[1]["downloadUrl"]
    magnet_link = by_indexer[magnet_indexer.id]["downloadUrl"]
    assert f"apikey={prowlarr_sim.api_key}" in torrent_link  # as the real one: links carry the key
    async with aiohttp.ClientSession() as http:
        async with http.get(torrent_link) as response:
            assert response.status == 200
            assert response.content_type == "application/x-bittorrent"
            torrent = torf.Torrent.read_stream(await response.read())
            assert torrent.infohash == by_indexer[1]["infoHash"]
        async with http.get(magnet_link, allow_redirects=False) as response:
            assert response.status == 301
            assert response.headers["Location"].startswith("magnet:?xt=urn:btih:")


@pytest.mark.parametrize(("mode", "expected"), [("error", 500), ("malformed", 200)])
async def test_failure_modes(prowlarr_sim: ProwlarrSimulator, mode: str, expected: int) -> None:
    broken = prowlarr_sim.add_indexer("Broken", mode=mode)
    status, body = await get(prowlarr_sim, f"/api/v1/search?indexerIds={broken.id}&query=x")
    assert status == expected
    assert not isinstance(body, list)


async def test_all_selected_indexers_unavailable_is_a_400(prowlarr_sim: ProwlarrSimulator) -> None:
    disabled = prowlarr_sim.add_indexer("Off", mode="disabled")
    status, body = await get(prowlarr_sim, f"/api/v1/search?indexerIds={disabled.id}")
    assert status == 400
    assert "unavailable" in body["message"]
