"""Requests in a real browser at 390x844, with a real Home Assistant and two people: an
administrator (Alice) and a user who is not one (Bob). On both hosts (the LAN panel with its
sign-in on, and Home Assistant's sidebar with the users-can-grab option on), Bob asks for a movie
in the UI, the administrator sees it waiting (who asked) and approves it in the UI, and it is
wanted; Bob's second request is declined with a reason, which Bob then sees. In the LAN panel the
administrator also sets the request rules in Settings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
import dataclasses
from pathlib import Path
import re

import aiohttp
from playwright.async_api import Browser, Locator, Page, expect
import pytest

from tests.panel.conftest import Sidecar
from tests.simulators.plex import PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator, SimRelease
from tests.support.qbittorrent import QbtInstance
from tests.support.wait import until

from .conftest import PHONE
from .test_sign_in import (
    ADMIN,
    USER,
    WAIT,
    Account,
    _from_page,
    _sign_in,
    _websocket,
    home_assistant,
    running_home_assistant,
    signed_sidecar,
)

__all__ = ["home_assistant", "signed_sidecar"]  # fixtures, shared with the sign-in test

pytestmark = pytest.mark.browser

HUB = Path(__file__).resolve().parents[2] / "custom_components" / "mediahub"
CAM_ONLY = "Quiet.Harbour.2026.HDCAM.x264-NOPE"  # nothing acceptable yet: "Want it when it's out"
MOVIE = "Quiet Harbour (2026)"
SHOW = "Series Title"  # the simulator's indexers have its episodes: "Follow"
REASON = "Already on Netflix"


async def _no_sideways_scroll(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    # What sticks out, if anything (the panel's elements, shadow roots included).
    wide = await page.evaluate(
        """(limit) => {
            const out = [];
            const walk = (root) => {
                for (const e of root.querySelectorAll("*")) {
                    const r = e.getBoundingClientRect();
                    if (r.right > limit + 0.5) out.push(`${e.tagName}.${e.className}: ${r.right}`);
                    if (e.shadowRoot) walk(e.shadowRoot);
                }
            };
            walk(document);
            return out.slice(0, 8);
        }""",
        PHONE["width"],
    )
    assert width <= PHONE["width"], wide


def _app(page: Page) -> Locator:
    """MediaHub's app on the page (in Home Assistant, inside its panel's shadow root)."""
    return page.locator(".app")


async def _tab(page: Page, name: str) -> None:
    await _app(page).locator("nav.tabs").get_by_role("button", name=name).click()


def _said(page: Page) -> Locator:
    """What the panel says about the last thing done (a banner may say something else)."""
    return _app(page).locator("main").get_by_role("status")


async def _search(page: Page, query: str, category: str | None = None) -> None:
    await _tab(page, "Search")
    app = _app(page)
    await app.get_by_label("Search for a movie, show, album or book").fill(query)
    if category:
        await app.get_by_role("button", name=category, exact=True).click()
    await app.get_by_role("search").get_by_role("button", name="Search").click()


async def _request_a_movie(page: Page) -> None:
    """Search for a movie only out in CAM, then want it when it is out: a request."""
    await _search(page, "quiet harbour", "Movies")
    await (
        _app(page)
        .get_by_role("button", name="Want Quiet Harbour when it's out")
        .click(timeout=WAIT)
    )
    await expect(_said(page)).to_contain_text(
        f"Asked for {MOVIE}: an administrator approves it before MediaHub looks for it.",
        timeout=WAIT,
    )


async def _request_a_show(page: Page) -> None:
    await _search(page, SHOW)
    await _app(page).get_by_role("button", name=f"Follow {SHOW}").click(timeout=WAIT)
    await expect(_said(page)).to_contain_text(f"Asked for {SHOW}", timeout=WAIT)


def _wishes_tab(page: Page) -> Locator:
    return _app(page).get_by_role("region", name="Wishes")


async def _open_wishes(page: Page) -> Locator:
    await _tab(page, "Wishes")
    wishes = _wishes_tab(page)
    await expect(wishes.get_by_role("heading", name="Wishes", exact=True)).to_be_visible(
        timeout=WAIT
    )
    return wishes


async def _is(state_of: Callable[[str], Awaitable[str | None]], label: str, state: str) -> bool:
    return await state_of(label) == state


async def _requests_round(
    *,
    bob: Page,
    alice: Page,
    admin_name: str,
    user_name: str,
    state_of: Callable[[str], Awaitable[str | None]],
    shots: Callable[[str], Path],
    prefix: str,
) -> None:
    """Bob asks; Alice approves in the UI; Bob asks again; Alice declines with a reason; Bob
    sees why. `state_of(label)` reads the wish's state from the server."""
    await _request_a_movie(bob)
    wishes = await _open_wishes(bob)
    mine = wishes.get_by_role("region", name="Waiting for approval").locator(
        ".request", has_text=MOVIE
    )
    await expect(mine.locator(".tag.state-waiting")).to_have_text(
        "waiting for approval", timeout=WAIT
    )
    await expect(mine).to_contain_text(f"asked by {user_name}")
    await expect(mine.get_by_role("button", name=re.compile("^(Approve|Decline) "))).to_have_count(
        0
    )
    withdraw = mine.get_by_role("button", name=f"Withdraw the request for {MOVIE}")
    await expect(withdraw).to_be_visible()
    assert await state_of(MOVIE) == "waiting"

    # The administrator sees who asked, and approves.
    waiting = (await _open_wishes(alice)).get_by_role("region", name="Waiting for approval")
    request = waiting.locator(".request", has_text=MOVIE)
    await expect(request).to_contain_text(f"asked by {user_name}", timeout=WAIT)
    approve = request.get_by_role("button", name=f"Approve {MOVIE}")
    decline = request.get_by_role("button", name=f"Decline {MOVIE}")
    await expect(approve).to_be_visible()
    await expect(decline).to_be_visible()
    for button in (approve, decline):  # side by side, within the card, on a phone
        box = await button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert box["height"] >= 44
    await _no_sideways_scroll(alice)
    await alice.screenshot(path=shots(f"{prefix}requests-admin-mobile"))
    await approve.click()
    await expect(_said(alice)).to_contain_text(
        f"Approved {MOVIE}: MediaHub looks for it from now on.", timeout=WAIT
    )
    await until(lambda: _is(state_of, MOVIE, "wanted"), f"{MOVIE} wanted", timeout=WAIT / 1000)
    # Bob's tab follows the feed: it is wanted now, no longer waiting.
    wanted = _wishes_tab(bob).locator(".wish:not(.request)", has_text=MOVIE)
    await expect(wanted.locator(".tag.state-wanted")).to_have_text("wanted", timeout=WAIT)
    await expect(_wishes_tab(bob).locator(".request", has_text=MOVIE)).to_have_count(0)

    # A second request, declined with a reason, asked in the card itself.
    await _request_a_show(bob)
    request = waiting.locator(".request", has_text=SHOW)
    await expect(request).to_contain_text(f"asked by {user_name}", timeout=WAIT)
    await request.get_by_role("button", name=f"Decline {SHOW}").click()
    why = request.get_by_label("Why (optional)")
    await expect(why).to_be_focused()
    await why.fill(REASON)
    confirm = request.get_by_role("button", name="Decline request")
    box = await confirm.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    await _no_sideways_scroll(alice)
    await request.scroll_into_view_if_needed()
    await alice.screenshot(path=shots(f"{prefix}requests-decline-mobile"))
    await confirm.click()
    await expect(_said(alice)).to_contain_text(
        f"Declined {SHOW}: whoever asked is told.", timeout=WAIT
    )
    await until(lambda: _is(state_of, SHOW, "declined"), f"{SHOW} declined", timeout=WAIT / 1000)

    # Bob sees why, in the history.
    await _open_wishes(bob)
    declined = _wishes_tab(bob).locator(".wish[data-state=declined]", has_text=SHOW)
    await expect(declined.locator(".tag.state-declined")).to_have_text("declined", timeout=WAIT)
    await expect(declined.locator(".why")).to_have_text(f"Declined by {admin_name}: {REASON}")
    await declined.scroll_into_view_if_needed()
    await _no_sideways_scroll(bob)
    await bob.screenshot(path=shots(f"{prefix}requests-user-mobile"))


# --- the LAN panel, its sign-in on ---------------------------------------------------------


async def test_requests_in_the_lan_panel_signed_in_with_home_assistant(
    browser: Browser,
    signed_sidecar: Sidecar,
    prowlarr_sim: ProwlarrSimulator,
    shots: Callable[[str], Path],
) -> None:
    sidecar = signed_sidecar
    prowlarr_sim.add_indexer("Films", releases=[SimRelease(CAM_ONLY, category=2040)])
    bob_context, bob = await _sign_in(browser, sidecar, USER)
    alice_context, alice = await _sign_in(browser, sidecar, ADMIN)

    async def state_of(label: str) -> str | None:
        status, answer = await _from_page(alice, "GET", "/api/wishes", None)
        assert status == 200, answer
        return next((w["state"] for w in answer["wishes"] if w["label"] == label), None)

    await _requests_round(
        bob=bob,
        alice=alice,
        admin_name=ADMIN.name,
        user_name=USER.name,
        state_of=state_of,
        shots=shots,
        prefix="",
    )

    # Settings: the administrator's Requests card.
    await _tab(alice, "Settings")
    card = _app(alice).get_by_role("region", name="Requests")
    weekly = card.get_by_label("Requests a week, per person")
    await expect(weekly).to_have_value("5", timeout=WAIT)
    await weekly.fill("3")
    await card.get_by_role("button", name="Add a person").click()
    await card.get_by_label("Person", exact=True).fill(USER.name)
    await card.get_by_label(f"Requests a week for {USER.name}").fill("2")
    await card.get_by_role("button", name="Add a rule").click()
    await card.get_by_label("Whose requests").fill(USER.name)
    await card.get_by_label("In which category").select_option("movies")
    await card.get_by_role("button", name="Add a rule").click()
    await card.get_by_label("In which category").nth(1).select_option("tv")
    await card.get_by_role("button", name="Save").click()
    await expect(card.get_by_role("status")).to_have_text(
        "Saved: requests are judged by these rules from now on.", timeout=WAIT
    )
    status, rules = await _from_page(alice, "GET", "/api/requests/rules", None)
    assert status == 200, rules
    assert rules == {
        "weekly_quota": 3,
        "quotas": {USER.name: 2},
        "auto_approve": [
            {"user": USER.name, "category": "movies"},
            {"user": None, "category": "tv"},
        ],
    }
    # The card from its title down, as a phone shows it.
    await card.get_by_role("heading", name="Requests").evaluate(
        "heading => heading.scrollIntoView({block: 'start'})"
    )
    for row in await card.locator(".rule-row").all():
        box = await row.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    await _no_sideways_scroll(alice)
    await alice.screenshot(path=shots("settings-requests-mobile"))
    # Bob is not offered the administrators' settings.
    await _tab(bob, "Settings")
    await expect(_app(bob).get_by_text("A Home Assistant user")).to_be_visible(timeout=WAIT)
    await expect(_app(bob).get_by_role("region", name="Requests")).to_have_count(0)
    await bob_context.close()
    await alice_context.close()


# --- Home Assistant's sidebar, users allowed to grab ---------------------------------------


@dataclasses.dataclass
class MediaHubInHomeAssistant:
    url: str
    token: str
    entry_id: str


async def _configure(
    http: aiohttp.ClientSession,
    ha: str,
    token: str,
    qbt: QbtInstance,
    prowlarr: ProwlarrSimulator,
    plex: PlexSimulator,
) -> str:
    """MediaHub's config flow, as the lab runs it, then the option that lets users grab (and
    so wish, as requests)."""
    auth = {"Authorization": f"Bearer {token}"}
    answers = {
        "user": {"prowlarr_url": prowlarr.url, "prowlarr_api_key": prowlarr.api_key},
        "qbittorrent": {
            "qbittorrent_url": qbt.url,
            "qbittorrent_username": qbt.username,
            "qbittorrent_password": qbt.password,
        },
        "plex": {"plex_url": plex.url, "plex_token": plex.token},
        "gluetun": {},
    }
    flows = f"{ha}/api/config/config_entries/flow"
    async with http.post(flows, json={"handler": "mediahub"}, headers=auth) as response:
        response.raise_for_status()
        flow = await response.json()
    while flow["type"] == "form":
        assert not flow.get("errors"), flow
        async with http.post(
            f"{flows}/{flow['flow_id']}", json=answers[flow["step_id"]], headers=auth
        ) as response:
            response.raise_for_status()
            flow = await response.json()
    assert flow["type"] == "create_entry", flow
    entry_id: str = flow["result"]["entry_id"]
    options = f"{ha}/api/config/config_entries/options/flow"
    async with http.post(options, json={"handler": entry_id}, headers=auth) as response:
        response.raise_for_status()
        step = f"{options}/{(await response.json())['flow_id']}"
    async with http.post(step, json={"next_step_id": "settings"}, headers=auth) as menu:
        menu.raise_for_status()
    async with http.post(step, json={"users_can_grab": True}, headers=auth) as answer:
        answer.raise_for_status()
        assert (await answer.json())["type"] == "create_entry"
    return entry_id


@pytest.fixture
async def mediahub_in_home_assistant(
    tmp_path: Path,
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
) -> AsyncIterator[MediaHubInHomeAssistant]:
    """A real Home Assistant (the administrator, and Bob who is not one) with MediaHub set up
    on the simulators and a real qBittorrent, its frontend onboarded."""
    config = tmp_path / "homeassistant"
    (config / "custom_components").mkdir(parents=True)
    (config / "custom_components" / "mediahub").symlink_to(HUB)
    async with running_home_assistant(config, tmp_path / "hass.out") as ha:
        async with aiohttp.ClientSession() as http:
            # The last onboarding step, so that the frontend opens on the app, not onboarding.
            async with http.post(
                f"{ha.url}/api/onboarding/integration",
                json={"client_id": f"{ha.url}/", "redirect_uri": f"{ha.url}/?auth_callback=1"},
                headers={"Authorization": f"Bearer {ha.token}"},
            ) as response:
                response.raise_for_status()
            entry_id = await _configure(
                http, ha.url, ha.token, qbittorrent5, prowlarr_sim, plex_sim
            )
        yield MediaHubInHomeAssistant(ha.url, ha.token, entry_id)


async def _log_in(
    browser: Browser, ha: str, account: Account, shots: Callable[[str], Path]
) -> Page:
    """A phone logged in to Home Assistant on its own login page, then MediaHub's sidebar panel."""
    context = await browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-US"
    )
    page = await context.new_page()
    try:
        await page.goto(ha)
        await page.locator("input[name=username]").fill(account.username, timeout=WAIT)
        await page.locator("input[name=password]").fill(account.password)
        await page.get_by_role("button", name="Log in").click()
        # The login hands a code back to the app, which keeps its tokens, then drops the code.
        await page.wait_for_url(lambda address: "auth_callback" not in address, timeout=WAIT)
        await expect(page.locator("ha-sidebar")).to_be_attached(timeout=WAIT)
        await page.goto(f"{ha}/mediahub")
        await expect(_app(page).locator("nav.tabs")).to_be_visible(timeout=WAIT)
    except Exception:
        await page.screenshot(path=shots("ha-login-failure"))
        raise
    return page


async def test_requests_in_the_home_assistant_sidebar(
    browser: Browser,
    mediahub_in_home_assistant: MediaHubInHomeAssistant,
    prowlarr_sim: ProwlarrSimulator,
    shots: Callable[[str], Path],
) -> None:
    ha = mediahub_in_home_assistant
    prowlarr_sim.add_indexer("Films", releases=[SimRelease(CAM_ONLY, category=2040)])
    bob = await _log_in(browser, ha.url, USER, shots)
    alice = await _log_in(browser, ha.url, ADMIN, shots)

    async def state_of(label: str) -> str | None:
        async with aiohttp.ClientSession() as http:
            answer = await _websocket(
                http, ha.url, ha.token, {"type": "mediahub/wishes", "entry_id": ha.entry_id}
            )
        return next((w["state"] for w in answer["wishes"] if w["label"] == label), None)

    await _requests_round(
        bob=bob,
        alice=alice,
        admin_name=ADMIN.name,
        user_name=USER.name,
        state_of=state_of,
        shots=shots,
        prefix="ha-",
    )
    # The administrator's Settings have the Requests card in the sidebar too.
    await _tab(alice, "Settings")
    card = _app(alice).get_by_role("region", name="Requests")
    await expect(card.get_by_label("Requests a week, per person")).to_have_value("5", timeout=WAIT)
    await bob.context.close()
    await alice.context.close()
