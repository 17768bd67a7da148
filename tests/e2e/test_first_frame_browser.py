"""The downloads page in a phone-sized Chromium: its rows are there before any script has run
(JavaScript off), and React takes them over without a console error (a hydration mismatch is
one) and without moving anything (the layout shifts add up to 0)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from playwright.async_api import Browser, ConsoleMessage, ViewportSize, expect
import pytest

from tests.panel.conftest import Sidecar
from tests.support.qbittorrent import QbtInstance, add_stopped_torrents
from tests.support.wait import until

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}

# Before the page's own scripts: every layout shift the page makes, added up (as CLS counts
# them: not those right after an input).
SHIFTS = """
window.__shifts = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shifts += entry.value;
}).observe({ type: "layout-shift", buffered: true });
"""
# React marks the elements it has taken over with its own properties.
HYDRATED = """
(() => {
  const list = document.querySelector("ul.downloads");
  return !!list && Object.keys(list).some((key) => key.startsWith("__reactFiber"));
})()
"""


async def test_the_list_is_painted_before_any_script_and_taken_over_unmoved(
    browser: Browser,
    sidecar: Sidecar,
    qbittorrent5: QbtInstance,
    shots: Callable[[str], Path],
) -> None:
    await asyncio.to_thread(add_stopped_torrents, qbittorrent5, 40)

    async def listed() -> bool:
        _, state = await sidecar.get("/api/downloads?head")
        settled = all(d["status"] == "stopped" for d in state["downloads"])  # checked
        return bool(state["total"] >= 40 and settled)

    await until(listed, "the sidecar to have read qBittorrent's 40 torrents, stopped")
    url = sidecar.url + "/downloads"

    # No JavaScript at all: what the HTML alone paints.
    bare = await browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, java_script_enabled=False
    )
    page = await bare.new_page()
    await page.goto(url)
    rows = page.locator("ul.downloads > li")
    assert await rows.count() == 14  # the frame is written for 1200 px: 8 rows and 6 more
    await expect(rows.first).to_be_visible()
    await expect(page.get_by_role("button", name="Downloads")).to_have_attribute(
        "aria-current", "page"
    )
    await page.screenshot(path=shots("first-frame-before-script"))
    await bare.close()

    # With JavaScript: React takes the same markup over.
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = await context.new_page()
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            errors.append(f"{message.type}: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    await page.add_init_script(SHIFTS)
    await page.goto(url)

    async def hydrated() -> bool:
        return bool(await page.evaluate(HYDRATED))

    await until(hydrated, "React to take the first frame over", interval=0.05)
    # The events stream's whole list arrives and the rows are measured: nothing moves.
    await expect(page.locator("ul.downloads")).to_have_attribute(
        "aria-label", "Downloads", timeout=10_000
    )
    await page.wait_for_load_state("networkidle")
    assert errors == [], errors
    assert float(await page.evaluate("window.__shifts")) == 0
    await page.screenshot(path=shots("first-frame-after-hydration"))

    # It is the app now: a tab switches, and its path follows.
    await page.get_by_role("button", name="Search", exact=True).click()
    await expect(page.get_by_label("Search for a movie, show, album or book")).to_be_visible()
    assert page.url == sidecar.url + "/"
    await context.close()


async def test_a_german_browser_gets_the_frame_in_german_and_react_agrees(
    browser: Browser, sidecar: Sidecar, qbittorrent5: QbtInstance
) -> None:
    await asyncio.to_thread(add_stopped_torrents, qbittorrent5, 3)

    async def listed() -> bool:
        _, state = await sidecar.get("/api/downloads?head")
        return bool(state["total"] >= 3)

    await until(listed, "the sidecar to have read qBittorrent's torrents")
    context = await browser.new_context(viewport=PHONE, is_mobile=True, locale="de-DE")
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    await page.goto(sidecar.url + "/downloads")
    await expect(page.locator("html")).to_have_attribute("lang", "de")
    await expect(page.get_by_role("button", name="Hinzufügen")).to_be_visible()

    async def hydrated() -> bool:
        return bool(await page.evaluate(HYDRATED))

    await until(hydrated, "React to take the German frame over", interval=0.05)
    await page.wait_for_load_state("networkidle")
    assert errors == [], errors
    await context.close()
