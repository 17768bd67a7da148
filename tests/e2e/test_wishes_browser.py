"""Wishes in a real browser at 390x844, against the real sidecar, a real qBittorrent and the
simulators: follow a show and want a movie from a search, see both in the Wishes tab, then see
the movie grabbed once a matching release is published and the watch runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from playwright.async_api import Browser, expect
import pytest

from tests.panel.conftest import Sidecar
from tests.simulators.prowlarr import ProwlarrSimulator, SimRelease

from .conftest import phone

pytestmark = pytest.mark.browser

WAIT = 60_000  # ms: a loaded 2-core machine runs a search, a watch cycle and a grab in far less


async def test_wish_from_a_search_then_see_it_grabbed_in_the_wishes_tab(
    browser: Browser,
    sidecar: Sidecar,
    prowlarr_sim: ProwlarrSimulator,
    shots: Callable[[str], Path],
) -> None:
    films = prowlarr_sim.add_indexer(
        "Films", releases=[SimRelease("Quiet.Harbour.2026.HDCAM.x264-NOPE", category=2040)]
    )
    page = await phone(browser, sidecar)
    search_box = page.get_by_label("Search for a movie, show, album or book")
    search_button = page.get_by_role("search").get_by_role("button", name="Search")

    # A show in the results: follow it.
    await search_box.fill("Series Title")
    await search_button.click()
    follow = page.get_by_role("button", name="Follow Series Title")
    await expect(follow).to_be_visible(timeout=WAIT)
    await page.screenshot(path=shots("search-follow-mobile"))
    await follow.click()
    # What the panel says about the wish (a service's banner may say something else beside it).
    said = page.locator("main").get_by_role("status")
    await expect(said).to_contain_text(
        "Following Series Title: MediaHub grabs its new episodes as they come out.", timeout=WAIT
    )

    # A movie only in CAM so far: nothing acceptable yet, so want it when it is out.
    await search_box.fill("quiet harbour")
    await page.get_by_role("button", name="Movies").click()
    await search_button.click()
    await expect(page.get_by_text("Nothing acceptable yet")).to_be_visible(timeout=WAIT)
    await page.get_by_role("button", name="Want Quiet Harbour when it's out").click()
    confirmation = said
    await expect(confirmation).to_contain_text(
        "Wished for Quiet Harbour (2026): MediaHub grabs it as soon as an acceptable release",
        timeout=WAIT,
    )
    await page.screenshot(path=shots("search-want-mobile"))

    # The same wish again joins the first.
    await page.get_by_role("button", name="Want Quiet Harbour when it's out").click()
    await expect(confirmation).to_contain_text(
        "Quiet Harbour (2026) was already wished for by the panel", timeout=WAIT
    )

    # Both in the Wishes tab, each in its section.
    await confirmation.get_by_role("button", name="See wishes").click()
    wishes = page.get_by_role("region", name="Wishes")
    followed = wishes.locator(".wish", has_text="Series Title")
    wanted = wishes.locator(".wish", has_text="Quiet Harbour (2026)")
    await expect(followed.locator(".tag.state-wanted")).to_have_text("following", timeout=WAIT)
    await expect(followed).to_contain_text("episodes after S05E04")
    await expect(wanted.locator(".tag.state-wanted")).to_have_text("wanted")
    await expect(wanted).to_contain_text("asked by the panel")
    # The first watch searched for it and refused the CAM, which the history says.
    await expect(wishes.get_by_role("list", name="Recent happenings")).to_contain_text(
        "Quiet Harbour (2026) · Refused", timeout=WAIT
    )
    assert len(prowlarr_sim.custom_filters) == 2  # the list lives in Prowlarr

    # A good release is published; the watch (Look now: POST /api/wishes/watch) grabs it, and
    # the feed's `wishes` event moves the wish to grabbed.
    films.releases.append(
        SimRelease(
            "Quiet.Harbour.2026.1080p.WEB-DL.x264-GRP",
            category=2040,
            seeders=40,
            published=datetime.now(UTC),
        )
    )
    await wishes.get_by_role("button", name="Look now").click()
    await expect(wanted.locator(".tag.state-grabbed")).to_have_text("grabbed", timeout=WAIT)
    await expect(wanted).to_contain_text("last grab")
    await wanted.get_by_text("History").click()
    await expect(wanted.locator("details")).to_contain_text(
        "Quiet.Harbour.2026.1080p.WEB-DL.x264-GRP"
    )
    await page.screenshot(path=shots("wishes-mobile"))
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways
    recent = wishes.get_by_role("list", name="Recent happenings")
    await recent.scroll_into_view_if_needed()
    await expect(recent).to_contain_text("Quiet Harbour (2026) · Grabbed")
    await page.screenshot(path=shots("wishes-history-mobile"))

    # Stop following the show: it moves to the history.
    await followed.get_by_role("button", name="Stop wishing for Series Title").click()
    await expect(followed.locator(".tag.state-done")).to_have_text("done", timeout=WAIT)
    await expect(wishes.get_by_text("No show is followed.")).to_be_visible()
    await page.get_by_role("button", name="Settings").click()
    cutoff = page.get_by_role("group", name="Upgrade until")
    await expect(cutoff.get_by_label("Resolution")).to_have_value("1080p", timeout=WAIT)
    await expect(cutoff.get_by_label("Source")).to_have_value("WEB-DL")
    await cutoff.scroll_into_view_if_needed()
    await page.screenshot(path=shots("settings-cutoff-mobile"))
    # Upgrades stop at 1080p BluRay from now on.
    await cutoff.get_by_label("Source").select_option("BluRay")
    await (
        page.get_by_role("region", name="Quality profile")
        .get_by_role("button", name="Save")
        .click()
    )
    await expect(said).to_contain_text("Saved", timeout=WAIT)
    assert (await sidecar.panel.engine.profiles.get("movies")).cutoff == "1080p BluRay"
