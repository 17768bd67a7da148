"""The panel's sign-in with a real Home Assistant: a real `hass` on a free port of 127.0.0.1 (in
a temporary config folder, onboarded with an administrator, plus a user who is not one), the
real sidecar with `home_assistant_url` set, and Chromium going through Home Assistant's own
authorize page. A wish made in the panel is that person's; an administrator's operation is
refused to the other; no token reaches the browser or the sidecar's log; signing out revokes
the token in Home Assistant."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
import contextlib
import dataclasses
import json
import logging
from pathlib import Path
import re
import stat
import subprocess
import sys
from typing import Any

import aiohttp
from playwright.async_api import Browser, BrowserContext, Page, expect
import pytest

from tests.lab import _confirmed_http_config
from tests.panel.conftest import Sidecar, serve, sidecar_settings
from tests.simulators.plex import PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator
from tests.support.qbittorrent import QbtInstance, free_port
from tests.support.wait import until

from .conftest import PHONE

pytestmark = pytest.mark.browser

WAIT = 60_000  # ms, for a page of Home Assistant or the panel on a loaded 2-core machine
HA_START = 300  # s: a cold Home Assistant on a slow machine
HA_CONFIGURATION = """\
homeassistant:
  name: MediaHub Sign-in
  unit_system: metric
  time_zone: UTC
  country: US
frontend:
config:
logger:
  default: warning
"""


@dataclasses.dataclass
class Account:
    name: str
    username: str
    password: str


ADMIN = Account("Alice Admin", "alice", "alice-secret-1")
USER = Account("Bob Household", "bob", "bob-secret-1")


@dataclasses.dataclass
class HomeAssistant:
    url: str
    token: str  # the administrator's, for the test's own websocket calls


async def _answers(http: aiohttp.ClientSession, url: str) -> bool:
    try:
        async with http.get(url, timeout=aiohttp.ClientTimeout(total=5)) as response:
            return response.status < 500
    except aiohttp.ClientError, TimeoutError:
        return False


async def _websocket(
    http: aiohttp.ClientSession, ha: str, token: str, command: dict[str, Any]
) -> Any:
    async with http.ws_connect(f"{ha}/api/websocket") as ws:
        await ws.receive_json()
        await ws.send_json({"type": "auth", "access_token": token})
        assert (await ws.receive_json())["type"] == "auth_ok"
        await ws.send_json({"id": 1, **command})
        reply = await ws.receive_json()
    assert reply.get("success"), reply
    return reply["result"]


async def _onboard(http: aiohttp.ClientSession, ha: str) -> str:
    """The owner (an administrator) as the first browser visit makes them, and a second
    user who is not an administrator; the owner's access token."""
    client_id = f"{ha}/"
    async with http.post(
        f"{ha}/api/onboarding/users",
        json={
            "client_id": client_id,
            "name": ADMIN.name,
            "username": ADMIN.username,
            "password": ADMIN.password,
            "language": "en",
        },
    ) as response:
        response.raise_for_status()
        code = (await response.json())["auth_code"]
    async with http.post(
        f"{ha}/auth/token",
        data={"grant_type": "authorization_code", "code": code, "client_id": client_id},
    ) as response:
        response.raise_for_status()
        token: str = (await response.json())["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    for step, body in (("core_config", {}), ("analytics", {})):
        async with http.post(f"{ha}/api/onboarding/{step}", json=body, headers=headers) as answer:
            answer.raise_for_status()
    made = await _websocket(
        http,
        ha,
        token,
        {"type": "config/auth/create", "name": USER.name, "group_ids": ["system-users"]},
    )
    await _websocket(
        http,
        ha,
        token,
        {
            "type": "config/auth_provider/homeassistant/create",
            "user_id": made["user"]["id"],
            "username": USER.username,
            "password": USER.password,
        },
    )
    return token


@contextlib.asynccontextmanager
async def running_home_assistant(config: Path, output: Path) -> AsyncIterator[HomeAssistant]:
    """A real `hass` for the configuration folder `config` (its configuration.yaml written
    here) on a free port of 127.0.0.1, onboarded, until the block ends; what it prints goes to
    `output`."""
    # A test's own small files, before anything runs beside the loop.
    config.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240
    (config / "configuration.yaml").write_text(HA_CONFIGURATION)
    port = free_port()
    _confirmed_http_config(config / ".storage", port)
    url = f"http://127.0.0.1:{port}"
    log = output.open("wb")
    hass = Path(sys.executable).with_name("hass")
    process = subprocess.Popen(  # noqa: ASYNC220  (started once; it runs beside the loop)
        [str(hass), "--config", str(config), "--skip-pip"], stdout=log, stderr=subprocess.STDOUT
    )
    try:
        async with aiohttp.ClientSession() as http:

            async def started() -> bool:
                assert process.poll() is None, output.read_text()[-3000:]  # noqa: ASYNC240
                return await _answers(http, f"{url}/api/onboarding")

            await until(started, "Home Assistant to answer", timeout=HA_START, interval=0.5)
            token = await _onboard(http, url)
        yield HomeAssistant(url, token)
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
async def home_assistant(tmp_path: Path) -> AsyncIterator[HomeAssistant]:
    async with running_home_assistant(tmp_path / "homeassistant", tmp_path / "hass.out") as ha:
        yield ha


@pytest.fixture
async def signed_sidecar(
    home_assistant: HomeAssistant,
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    tmp_path: Path,
) -> AsyncIterator[Sidecar]:
    settings = dataclasses.replace(
        sidecar_settings(qbittorrent5, prowlarr_sim, plex_sim, tmp_path),
        home_assistant_url=home_assistant.url,
    )
    async with serve(settings) as served:
        yield served


async def _sign_in(
    browser: Browser, sidecar: Sidecar, account: Account
) -> tuple[BrowserContext, Page]:
    """A phone that opens the panel, is sent to sign in, signs in on Home Assistant's own page
    and comes back to the panel."""
    context = await browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-US"
    )
    page = await context.new_page()
    await page.goto(sidecar.url)
    await page.get_by_role("link", name="Sign in with Home Assistant").click()
    await page.wait_for_url(re.compile(r"/auth/authorize\?"), timeout=WAIT)
    await page.locator("input[name=username]").fill(account.username)
    await page.locator("input[name=password]").fill(account.password)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url(f"{sidecar.url}/", timeout=WAIT)
    await page.get_by_role("button", name="Settings").click()
    await expect(page.get_by_text(f"Signed in as {account.name}")).to_be_visible(timeout=WAIT)
    return context, page


async def _from_page(page: Page, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """A request the panel's page makes (with its cookie, its Origin, the panel's header)."""
    answer: tuple[int, Any] = tuple(  # type: ignore[assignment]
        await page.evaluate(
            """async ([method, path, body]) => {
                const response = await fetch(path, {
                    method,
                    headers: {"Content-Type": "application/json", "X-MediaHub": "1"},
                    body: body === null ? null : JSON.stringify(body),
                });
                return [response.status, await response.json()];
            }""",
            [method, path, body],
        )
    )
    return answer


async def _no_token_in_the_browser(context: BrowserContext, page: Page, tokens: list[str]) -> None:
    cookies = await context.cookies(page.url)
    assert [(c["name"], c["httpOnly"], c["sameSite"]) for c in cookies] == [
        ("mediahub_session", True, "Lax")
    ]
    seen = await page.evaluate(
        "() => [document.cookie, document.documentElement.outerHTML,"
        " JSON.stringify({...localStorage}), JSON.stringify({...sessionStorage})]"
    )
    assert seen[0] == ""  # HttpOnly: the page's script cannot read the session
    for token in tokens:
        assert all(token not in text for text in seen)
        assert all(token not in c["value"] for c in cookies)


async def test_sign_in_with_home_assistant_makes_the_panel_s_requests_that_person_s(
    browser: Browser,
    signed_sidecar: Sidecar,
    home_assistant: HomeAssistant,
    tmp_path: Path,
    shots: Callable[[str], Path],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    sidecar = signed_sidecar

    # Nobody signed in: the API and its event stream refuse, the page offers the sign-in.
    for path in ("/api/downloads", "/api/events", "/api/wishes"):
        async with sidecar.http.get(sidecar.url + path) as response:
            assert response.status == 401
            assert (await response.json())["error"]["code"] == "sign_in_required"
    assert await sidecar.get("/api/session") == (200, {"sign_in": True, "user": None})
    context = await browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-US"
    )
    page = await context.new_page()
    await page.goto(sidecar.url)
    await expect(page.get_by_role("link", name="Sign in with Home Assistant")).to_be_visible(
        timeout=WAIT
    )
    await page.screenshot(path=shots("sign-in-mobile"))
    await context.close()

    # The administrator signs in through Home Assistant's authorize page.
    context, page = await _sign_in(browser, sidecar, ADMIN)
    await page.screenshot(path=shots("signed-in-mobile"))
    status, made = await _from_page(
        page,
        "POST",
        "/api/wishes",
        {"title": "Dune Part Three", "year": 2026, "category": "movies"},
    )
    assert status == 201, made
    assert made["wish"]["asked_by"] == ADMIN.name
    status, answer = await _from_page(page, "GET", "/api/bandwidth")
    assert status == 200, answer

    sessions = Path(sidecar.panel.settings.state_dir) / "sessions.json"
    assert stat.S_IMODE(sessions.stat().st_mode) == 0o600
    stored = json.loads(sessions.read_text())["sessions"]
    (admin_session,) = stored.values()
    assert admin_session["person"]["name"] == ADMIN.name
    assert admin_session["person"]["admin"] is True
    admin_token = admin_session["refresh_token"]
    session_cookie = (await context.cookies(page.url))[0]["value"]
    assert session_cookie not in sessions.read_text()  # kept by its hash only
    await _no_token_in_the_browser(context, page, [admin_token])

    # Someone who is not an administrator: their wish is theirs, an administrator's operation
    # is refused, and the panel does not offer it.
    user_context, user_page = await _sign_in(browser, sidecar, USER)
    await expect(user_page.get_by_text("A Home Assistant user")).to_be_visible()
    await expect(user_page.get_by_role("button", name="Plex")).to_have_count(0)
    await user_page.screenshot(path=shots("signed-in-user-mobile"))
    status, made = await _from_page(
        user_page, "POST", "/api/wishes", {"title": "Frozen", "year": 2013, "category": "movies"}
    )
    assert status in (201, 202), made
    assert made["wish"]["asked_by"] == USER.name
    for method, path, body in (
        ("POST", "/api/bandwidth", {"alt_speed": True}),
        ("POST", "/api/libraries/1/scan", {}),
        ("GET", "/api/profiles", None),
    ):
        status, answer = await _from_page(user_page, method, path, body)
        assert (status, answer["error"]["code"]) == (403, "admin_only"), (path, answer)
    stored = json.loads(sessions.read_text())["sessions"]
    user_token = next(s for s in stored.values() if s["person"]["name"] == USER.name)[
        "refresh_token"
    ]
    await _no_token_in_the_browser(user_context, user_page, [admin_token, user_token])

    # Signing out ends the session here and revokes the token in Home Assistant.
    await user_page.get_by_role("button", name="Sign out").click()
    await expect(user_page.get_by_role("link", name="Sign in with Home Assistant")).to_be_visible(
        timeout=WAIT
    )
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{home_assistant.url}/auth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": user_token,
                "client_id": f"{sidecar.url}/",
            },
        ) as response:
            assert response.status == 400  # invalid_grant: revoked
        assert await _answers(http, f"{home_assistant.url}/api/onboarding")
    status, answer = await _from_page(user_page, "GET", "/api/wishes")
    assert (status, answer["error"]["code"]) == (401, "sign_in_required")
    # The administrator's session is untouched.
    status, answer = await _from_page(page, "GET", "/api/wishes")
    assert status == 200, answer

    logged = caplog.text
    for token in (admin_token, user_token, session_cookie):
        assert token not in logged
    await user_context.close()
    await context.close()
