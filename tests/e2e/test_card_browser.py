"""What Home Assistant's pages load of MediaHub, in Chromium with a real Home Assistant: a
dashboard without the card loads only the loader (no chunk of the app is asked for); a dashboard
with `custom:mediahub-card` shows a download from the real qBittorrent, with the card's app and
not the sidebar panel's; the card's editor is fetched only when the dashboard is edited."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
import re
from typing import Any

import aiohttp
from playwright.async_api import Browser, Page, Request, expect
import pytest

from tests.support.qbittorrent import QbtInstance, add_stopped_torrents

from .conftest import PHONE
from .test_requests_browser import MediaHubInHomeAssistant, mediahub_in_home_assistant
from .test_sign_in import ADMIN, WAIT, _websocket

__all__ = ["mediahub_in_home_assistant"]  # a fixture, shared with the requests test

pytestmark = pytest.mark.browser

STATIC = "/api/mediahub/static/"
LOADER = re.compile(r"/api/mediahub/static/mediahub\.js\?v=\w+$")
PLAIN = "dashboard-plain"
WITH_CARD = "dashboard-media"
NOTHING_OF_OURS = "A dashboard with nothing of MediaHub on it."


async def _dashboard(ha: MediaHubInHomeAssistant, url_path: str, cards: list[Any]) -> None:
    """A dashboard of the administrator's, stored in Home Assistant as the UI stores one."""
    async with aiohttp.ClientSession() as http:
        await _websocket(
            http,
            ha.url,
            ha.token,
            {
                "type": "lovelace/dashboards/create",
                "url_path": url_path,
                "title": url_path,
                "mode": "storage",
                "show_in_sidebar": True,
                "require_admin": False,
            },
        )
        await _websocket(
            http,
            ha.url,
            ha.token,
            {
                "type": "lovelace/config/save",
                "url_path": url_path,
                "config": {"views": [{"title": "Home", "cards": cards}]},
            },
        )


async def _logged_in(browser: Browser, ha: str) -> tuple[Page, list[str]]:
    """The administrator's phone, logged in on Home Assistant's own page, and every URL of
    MediaHub's it asks for from then on."""
    context = await browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-US"
    )
    page = await context.new_page()
    asked: list[str] = []

    def seen(request: Request) -> None:
        if STATIC in request.url:
            asked.append(request.url)

    page.on("request", seen)
    await page.goto(ha)
    await page.locator("input[name=username]").fill(ADMIN.username, timeout=WAIT)
    await page.locator("input[name=password]").fill(ADMIN.password)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url(lambda address: "auth_callback" not in address, timeout=WAIT)
    await expect(page.locator("ha-sidebar")).to_be_attached(timeout=WAIT)
    return page, asked


def _chunks(asked: list[str]) -> list[str]:
    return [url.rsplit("/", 1)[1] for url in asked if f"{STATIC}chunks/" in url]


async def test_a_dashboard_loads_the_app_only_where_the_card_is(
    browser: Browser,
    mediahub_in_home_assistant: MediaHubInHomeAssistant,
    qbittorrent5: QbtInstance,
    shots: Callable[[str], Path],
) -> None:
    ha = mediahub_in_home_assistant
    await asyncio.to_thread(add_stopped_torrents, qbittorrent5, 1)
    await _dashboard(ha, PLAIN, [{"type": "markdown", "content": NOTHING_OF_OURS}])
    await _dashboard(ha, WITH_CARD, [{"type": "custom:mediahub-card", "sections": ["downloads"]}])
    page, asked = await _logged_in(browser, ha.url)
    try:
        # A dashboard without the card: the loader, and nothing more of MediaHub.
        await page.goto(f"{ha.url}/{PLAIN}/0")
        await expect(page.get_by_text(NOTHING_OF_OURS)).to_be_visible(timeout=WAIT)
        await page.wait_for_function("customElements.get('mediahub-card') !== undefined")
        await page.wait_for_load_state("networkidle")
        assert [url for url in asked if LOADER.search(url)], asked
        assert _chunks(asked) == []
        assert await page.evaluate(
            "window.customCards.some((card) => card.type === 'mediahub-card')"
        )

        # A dashboard with the card: it shows the download qBittorrent has, with the card's app.
        asked.clear()
        await page.goto(f"{ha.url}/{WITH_CARD}/0")
        card = page.locator("mediahub-card")
        await expect(card.get_by_text(re.compile(r"Bench Torrent 00000"))).to_be_visible(
            timeout=WAIT
        )
        await page.screenshot(path=shots("ha-card-downloads"))
        chunks = _chunks(asked)
        assert [c for c in chunks if c.startswith("card-")], chunks
        assert not [c for c in chunks if c.startswith(("panel-", "editor-"))], chunks

        # Editing the dashboard fetches the card's editor, which edits the card's sections.
        await page.goto(f"{ha.url}/{WITH_CARD}/0?edit=1")
        await expect(card).to_be_visible(timeout=WAIT)
        assert not [c for c in _chunks(asked) if c.startswith("editor-")]
        # The card's Edit button, by its place: its label (HA's translation) may come later.
        await page.locator("hui-card-options ha-button").first.click(timeout=WAIT)
        editor = page.locator("mediahub-card-editor")
        await expect(editor.get_by_role("checkbox", name="Downloads")).to_be_checked(timeout=WAIT)
        await expect(editor.get_by_role("checkbox", name="Search")).not_to_be_checked()
        assert [c for c in _chunks(asked) if c.startswith("editor-")], asked
        await page.screenshot(path=shots("ha-card-editor"))
    except Exception:
        await page.screenshot(path=shots("ha-card-failure"))
        raise
    finally:
        await page.context.close()
