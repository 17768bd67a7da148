"""The wishes through the sidecar's API and its event stream, against real qBittorrent and the
simulators (the wishes themselves live in the Prowlarr simulator's custom filters)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from tests.simulators.prowlarr import ProwlarrSimulator, SimRelease
from tests.support.wait import until

from .conftest import Sidecar


async def delete(sidecar: Sidecar, path: str) -> tuple[int, Any]:
    async with sidecar.http.delete(sidecar.url + path, headers=sidecar.origin) as response:
        return response.status, await response.json()


async def listed(sidecar: Sidecar) -> dict[int, dict[str, Any]]:
    status, body = await sidecar.get("/api/wishes")
    assert status == 200, body
    return {w["id"]: w for w in body["wishes"]}


async def test_a_wish_made_is_listed_joined_when_made_twice_and_ends_when_deleted(
    sidecar: Sidecar, prowlarr_sim: ProwlarrSimulator
) -> None:
    status, body = await sidecar.post(
        "/api/wishes", {"title": "Dune Part Three", "year": 2026, "category": "movies"}
    )
    assert status == 201, body
    made = body["wish"]
    assert body["joined"] is False
    assert (made["kind"], made["state"], made["asked_by"]) == ("want", "wanted", "panel")
    assert made["label"] == "Dune Part Three (2026)"
    assert [h["what"] for h in made["history"]] == ["made"]
    assert made["id"] in await listed(sidecar)
    assert len(prowlarr_sim.custom_filters) == 1  # kept in Prowlarr, one filter a wish

    # The same wish again joins the first (no second wish).
    status, body = await sidecar.post(
        "/api/wishes", {"title": "dune part three", "year": 2026, "category": "movies"}
    )
    assert (status, body["joined"], body["wish"]["id"]) == (201, True, made["id"])
    assert len(await listed(sidecar)) == 1

    # Ended: still listed (its history), no longer open; then forgotten: gone.
    status, body = await delete(sidecar, f"/api/wishes/{made['id']}")
    assert status == 200, body
    assert body["wish"]["state"] == "done"
    assert body["wish"]["next_search"] is None
    assert body["wish"]["history"][-1]["what"] == "ended"
    assert (await listed(sidecar))[made["id"]]["state"] == "done"
    status, body = await delete(sidecar, f"/api/wishes/{made['id']}?forget=true")
    assert status == 200, body
    assert await listed(sidecar) == {}
    assert prowlarr_sim.custom_filters == {}


async def test_a_show_is_followed_and_bad_wishes_answer_with_their_code(
    sidecar: Sidecar,
) -> None:
    status, body = await sidecar.post("/api/wishes", {"title": "Series Title", "kind": "follow"})
    assert status == 201, body
    assert (body["wish"]["kind"], body["wish"]["category"]) == ("follow", "tv")
    # Only what comes next is followed: it is never searched for by name, so no "next search".
    assert body["wish"]["next_search"] is None

    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"title": ""}, 400, "invalid_input"),  # the schema's
        ({"title": "x" * 201}, 400, "invalid_input"),
        ({"title": "Heat", "kind": "sometimes"}, 400, "invalid_input"),
        ({"title": "S02"}, 400, "invalid_wish"),  # a season of nothing named
        ({"title": "Nothing Plex Holds", "kind": "upgrade"}, 404, "not_in_plex"),
    ]
    for data, expected_status, code in cases:
        status, body = await sidecar.post("/api/wishes", data)
        assert (status, body["error"]["code"]) == (expected_status, code), data
        assert body["error"]["message"]
    status, body = await delete(sidecar, "/api/wishes/4242")
    assert (status, body["error"]["code"]) == (404, "unknown_wish")
    assert body["error"]["placeholders"]["wish"] == "4242"
    status, body = await delete(sidecar, "/api/wishes/nope")
    assert (status, body["error"]["code"]) == (400, "invalid_input")
    assert len(await listed(sidecar)) == 1  # nothing bad was kept


async def test_the_event_stream_carries_the_wish_list_when_it_changes(sidecar: Sidecar) -> None:
    def wished(name: str, data: Any) -> bool:
        return name == "wishes" and any(w["title"] == "Heat" for w in data["wishes"])

    listener = await sidecar.listen("/api/events", until=wished)
    status, body = await sidecar.post("/api/wishes", {"title": "Heat", "category": "movies"})
    assert status == 201, body
    events = await asyncio.wait_for(listener, 60)
    name, data = events[-1]
    assert name == "wishes"
    assert [w["id"] for w in data["wishes"]] == [body["wish"]["id"]]

    def ended(name: str, data: Any) -> bool:
        return name == "wishes" and [w["state"] for w in data["wishes"]] == ["done"]

    listener = await sidecar.listen("/api/events", until=ended)
    status, _ = await delete(sidecar, f"/api/wishes/{body['wish']['id']}")
    assert status == 200
    await asyncio.wait_for(listener, 60)


async def test_watch_now_grabs_a_newly_published_release_for_a_wanted_movie(
    sidecar: Sidecar, prowlarr_sim: ProwlarrSimulator
) -> None:
    status, body = await sidecar.post(
        "/api/wishes", {"title": "Quiet Harbour", "year": 2026, "category": "movies"}
    )
    assert status == 201, body
    wish_id = body["wish"]["id"]
    indexer = next(iter(prowlarr_sim.indexers.values()))
    indexer.releases.append(
        SimRelease(
            "Quiet Harbour 2026 1080p WEB-DL x264-GRP",
            category=2040,
            seeders=40,
            published=datetime.now(UTC),
        )
    )

    async def grabbed() -> dict[str, Any] | None:
        # Watching now; the background watcher may have run the cycle first: either grabs.
        status, report = await sidecar.post("/api/wishes/watch")
        assert status == 200, report
        wish = (await listed(sidecar))[wish_id]
        return wish if wish["state"] == "grabbed" else None

    wish = await until(grabbed, "the wish grabbed")
    assert wish["grabbed"] == ["movie"]
    assert [h["release"] for h in wish["history"] if h["what"] == "grabbed"] == [
        "Quiet Harbour 2026 1080p WEB-DL x264-GRP"
    ]

    async def origins() -> list[str] | None:
        _, state = await sidecar.get("/api/downloads")
        return [d.get("grabbed_by") for d in state["downloads"]] or None

    assert await until(origins, "the grab listed", between=sidecar.panel.poll_once) == ["wish"]
