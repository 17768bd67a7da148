"""The panel's sign-in, as far as it goes without Home Assistant (the whole of it, with a real
Home Assistant and Chromium, is tests/e2e/test_sign_in.py): off, the panel acts as before; on,
the way to Home Assistant's authorize page, and every way back that must not sign anyone in."""

from __future__ import annotations

from collections.abc import AsyncIterator
import dataclasses
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.simulators.plex import PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator
from tests.support.qbittorrent import QbtInstance, free_port

from .conftest import Sidecar, serve, sidecar_settings


async def test_without_sign_in_everyone_is_the_panel_and_an_administrator(
    sidecar: Sidecar,
) -> None:
    assert await sidecar.get("/api/session") == (200, {"sign_in": False, "user": None})
    async with sidecar.http.get(sidecar.url + "/auth/sign-in", allow_redirects=False) as response:
        assert response.status == 404
    status, body = await sidecar.post("/api/wishes", {"title": "Arrival", "year": 2016})
    assert (status, body["wish"]["asked_by"]) == (201, "panel")
    status, body = await sidecar.get("/api/bandwidth")  # an administrator's operation
    assert status == 200, body


@pytest.fixture
async def signing(
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    tmp_path: Path,
) -> AsyncIterator[tuple[Sidecar, str]]:
    """The sidecar with sign-in on, its Home Assistant an address where nothing listens."""
    home_assistant = f"http://127.0.0.1:{free_port()}"
    settings = dataclasses.replace(
        sidecar_settings(qbittorrent5, prowlarr_sim, plex_sim, tmp_path),
        home_assistant_url=home_assistant,
    )
    async with serve(settings) as served:
        yield served, home_assistant


async def _start(sidecar: Sidecar) -> tuple[str, str]:
    """GET /auth/sign-in: the state, and the cookie that binds it to this browser."""
    async with sidecar.http.get(sidecar.url + "/auth/sign-in", allow_redirects=False) as response:
        assert response.status == 302
        cookie = response.cookies["mediahub_sign_in"]
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
        assert cookie["path"] == "/auth/"
        assert not cookie["secure"]  # the panel is served over http here
        query = parse_qs(urlsplit(response.headers["Location"]).query)
    return query["state"][0], cookie.value


async def _callback(sidecar: Sidecar, query: str, cookie: str | None) -> str:
    headers = {"Cookie": f"mediahub_sign_in={cookie}"} if cookie else {}
    async with sidecar.http.get(
        f"{sidecar.url}/auth/callback?{query}", headers=headers, allow_redirects=False
    ) as response:
        assert response.status == 303
        assert "mediahub_session" not in response.cookies
        return response.headers["Location"]


async def test_sign_in_goes_to_home_assistant_s_authorize_page_with_the_panel_as_client(
    signing: tuple[Sidecar, str],
) -> None:
    sidecar, home_assistant = signing
    async with sidecar.http.get(sidecar.url + "/auth/sign-in", allow_redirects=False) as response:
        location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        f"{home_assistant}/auth/authorize"
    )
    query = {name: values[0] for name, values in parse_qs(location.query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == f"{sidecar.url}/"
    assert query["redirect_uri"] == f"{sidecar.url}/auth/callback"
    assert query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 40 and len(query["code_challenge"]) == 43


async def test_no_way_back_signs_anyone_in_without_this_browser_s_state(
    signing: tuple[Sidecar, str],
) -> None:
    sidecar, _ = signing
    state, cookie = await _start(sidecar)
    # Another state, or this state without its cookie (a link someone else sent): refused.
    assert await _callback(sidecar, "code=x&state=forged", cookie) == "/?sign_in=expired"
    assert await _callback(sidecar, f"code=x&state={state}", None) == "/?sign_in=expired"
    # A state is good once: the attempts above used it up.
    assert await _callback(sidecar, f"code=x&state={state}", cookie) == "/?sign_in=expired"
    # Cancelled on Home Assistant's page (no code).
    state, cookie = await _start(sidecar)
    assert await _callback(sidecar, f"error=access_denied&state={state}", cookie) == (
        "/?sign_in=refused"
    )
    # Home Assistant away: said so, nobody signed in.
    state, cookie = await _start(sidecar)
    assert await _callback(sidecar, f"code=x&state={state}", cookie) == "/?sign_in=unreachable"


async def test_with_sign_in_on_the_api_and_its_streams_need_a_session(
    signing: tuple[Sidecar, str],
) -> None:
    sidecar, _ = signing
    assert await sidecar.get("/api/session") == (200, {"sign_in": True, "user": None})
    forged = {"Cookie": "mediahub_session=made-up"}
    for path in ("/api/downloads", "/api/events", "/api/search?q=x", "/api/posters/1"):
        for headers in ({}, forged):
            async with sidecar.http.get(sidecar.url + path, headers=headers) as response:
                assert response.status == 401, path
                assert (await response.json())["error"]["code"] == "sign_in_required"
    status, body = await sidecar.post("/api/wishes", {"title": "Arrival"}, forged)
    assert (status, body["error"]["code"]) == (401, "sign_in_required")
    # The CSRF checks still come first, and the page and /health stay open.
    status, body = await sidecar.post("/api/session/sign-out", {}, {"X-MediaHub": "0"})
    assert (status, body["error"]["code"]) == (403, "missing_header")
    async with sidecar.http.get(sidecar.url + "/health") as response:
        assert response.status == 200
