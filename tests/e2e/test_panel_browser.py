"""The panel in a real browser (the distribution's Chromium, phone-sized) against the real
sidecar, a real qBittorrent and the simulators: search → download → progress → Plex."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
import re

import aiohttp
from playwright.async_api import Browser, Page, expect
import pytest

from custom_components.mediahub.hub.config import DEFAULT_ORGANIZED, Settings
from custom_components.mediahub.hub.engine import MediaHub
from custom_components.mediahub.hub.models import Origin
from tests.panel.conftest import Sidecar, serve, sidecar_settings
from tests.simulators.gluetun import GluetunSimulator
from tests.simulators.plex import PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator, SimRelease, tiny_torrent
from tests.support.qbittorrent import (
    QbtInstance,
    SeededTorrent,
    add_stopped_torrents,
    connect_to_seeder,
    make_torrent,
)
from tests.support.wait import until

from .conftest import PHONE, phone

pytestmark = pytest.mark.browser

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148"  # Play opens the app
)


async def grab_the_episode(page: Page) -> None:
    """Search for the simulator's stock episode and download it, as a person would."""
    await page.get_by_label("Search for a movie, show, album or book").fill("S05E02")
    await page.get_by_role("search").get_by_role("button", name="Search").click()
    await page.get_by_role(
        "button", name="Download Series Title S05E02 HDTV x264-Xclusive [eztv]"
    ).click()


async def test_search_download_watch_and_see_it_sent_to_plex(
    browser: Browser,
    sidecar: Sidecar,
    seeder: QbtInstance,
    seeded: Callable[..., SeededTorrent],
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    shots: Callable[[str], Path],
) -> None:
    torrent = await asyncio.to_thread(
        seeded, "Big.Buck.Bunny.2008.1080p", 24 * 1024 * 1024, folder=True
    )
    # Slow the seeder down so that the progress has time to be seen moving.
    await asyncio.to_thread(
        seeder.api, "POST", "transfer/setUploadLimit", data={"limit": 6 * 1024 * 1024}
    )
    prowlarr_sim.add_indexer(
        "Open Movies",
        latency=0.3,
        releases=[
            SimRelease(
                "Big Buck Bunny 2008 1080p BluRay",
                category=2040,
                seeders=812,
                size=2 * 1024**3,  # listed: a plausible 1080p film (its payload is 24 MB)
                torrent=torrent.torrent_bytes,
                infohash=torrent.infohash,
            ),
            SimRelease("Big Buck Bunny 2008 720p", category=2040, seeders=95),
        ],
    )
    prowlarr_sim.add_indexer("Sleepy", mode="hang")
    sidecar.panel.engine.search.deadline = 5
    page = await phone(browser, sidecar)

    await page.get_by_label("Search for a movie, show, album or book").fill("big buck bunny")
    await page.get_by_role("button", name="Movies").click()
    await page.get_by_role("search").get_by_role("button", name="Search").click()
    results = page.get_by_role("list", name="Results").get_by_role("listitem")
    await expect(results.first).to_contain_text(
        "Big Buck Bunny 2008 1080p BluRay", timeout=30_000
    )  # most seeders first
    await expect(page.get_by_test_id("indexer-chip").filter(has_text="Sleepy")).to_contain_text(
        "timed out", timeout=30_000
    )
    await expect(
        page.get_by_test_id("indexer-chip").filter(has_text="Open Movies")
    ).to_contain_text("2 ·")
    await page.get_by_placeholder("Filter").fill("720p")
    await expect(results).to_have_count(1)
    await page.get_by_placeholder("Filter").fill("")
    await page.screenshot(path=shots("search"))

    await page.get_by_role("button", name="Download Big Buck Bunny 2008 1080p BluRay").click()
    card = page.locator(f'li[data-hash="{torrent.infohash}"]')
    await expect(card).to_be_visible(timeout=30_000)
    await asyncio.to_thread(connect_to_seeder, qbittorrent5, torrent)
    seen: set[str] = set()

    async def complete() -> bool:
        seen.add(await card.locator(".percent").inner_text())
        if len(seen) == 3:
            await page.screenshot(path=shots("downloads"))
        return "100%" in seen

    await until(complete, "the card to show 100%", interval=0.1)
    assert any(p not in ("0%", "100%") for p in seen), f"progress never seen moving: {seen}"
    await expect(card).to_contain_text("sent to Plex", timeout=60_000)
    await expect(card).to_contain_text("via panel")  # who grabbed it, as qBittorrent records
    assert [(r.section, r.path) for r in plex_sim.refreshes] == [
        ("1", "/data/movies/Big.Buck.Bunny.2008.1080p")
    ]
    await page.screenshot(path=shots("downloads-complete"))

    await page.get_by_role("button", name="Plex").click()
    movies = page.get_by_role("listitem").filter(has_text="Movies")
    await expect(movies).to_contain_text("last scan just now")
    await page.screenshot(path=shots("libraries"))


async def test_a_hostile_title_is_shown_as_text_and_runs_nothing(
    browser: Browser, sidecar: Sidecar, prowlarr_sim: ProwlarrSimulator
) -> None:
    title = "<img src=x onerror=alert(1)>"
    prowlarr_sim.add_indexer("Evil", releases=[SimRelease(title, category=2000)])
    page = await phone(browser, sidecar)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    await page.get_by_label("Search for a movie, show, album or book").fill("img")
    await page.get_by_role("search").get_by_role("button", name="Search").click()
    result = page.get_by_role("list", name="Results").get_by_role("listitem").first
    await expect(result.locator(".title")).to_have_text(title)
    assert await page.locator("ul.results img").count() == 0
    await page.wait_for_timeout(300)
    assert dialogs == []


async def test_the_panel_speaks_the_browsers_language(
    browser: Browser, sidecar: Sidecar, shots: Callable[[str], Path]
) -> None:
    page = await phone(browser, sidecar, locale="de-DE")
    await page.get_by_label("Nach einem Film, einer Serie, einem Album oder Buch suchen").fill(
        "S05E02"
    )
    await page.get_by_role("search").get_by_role("button", name="Suchen").click()
    title = "Series Title S05E02 HDTV x264-Xclusive [eztv]"
    await page.get_by_role("button", name=f"{title} herunterladen").click()
    await expect(page.get_by_role("button", name="Alle pausieren")).to_be_visible()  # Downloads
    card = page.get_by_role("list", name="Downloads").get_by_role("listitem").first
    # Numbers in German too: a decimal comma in the size, the percent sign after a space.
    await expect(card).to_contain_text(re.compile(r"\d+\u00a0%"), timeout=30_000)
    await expect(card).to_contain_text(re.compile(r"\d+,\d [KMG]B"))
    assert await page.evaluate("document.documentElement.lang") == "de"
    await page.screenshot(path=shots("downloads-de"))


async def test_remove_with_confirm_and_download_again(
    browser: Browser, sidecar: Sidecar, qbittorrent5: QbtInstance
) -> None:
    page = await phone(browser, sidecar)
    await grab_the_episode(page)
    card = page.get_by_role("list", name="Downloads").get_by_role("listitem").first
    await expect(card).to_be_visible(timeout=30_000)
    await card.get_by_role("button", name="Remove").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Also delete the downloaded files").check()
    await dialog.get_by_role("button", name="Remove").click()
    await expect(page.get_by_role("status")).to_contain_text("Removed")
    await expect(page.get_by_role("list", name="Downloads").get_by_role("listitem")).to_have_count(
        0, timeout=30_000
    )
    assert await asyncio.to_thread(qbittorrent5.torrents) == []
    await page.get_by_role("button", name="Download again").click()
    await expect(page.get_by_role("list", name="Downloads").get_by_role("listitem")).to_have_count(
        1, timeout=30_000
    )


async def test_a_long_downloads_list_puts_only_the_screen_in_the_page(
    browser: Browser, sidecar: Sidecar, qbittorrent5: QbtInstance
) -> None:
    """300 downloads: a screenful (and a few around) are in the DOM; the rest is reachable by
    scrolling, by keyboard, and screen readers are told the whole size."""
    await asyncio.to_thread(add_stopped_torrents, qbittorrent5, 300)
    await sidecar.panel.poll_once()
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = await context.new_page()
    refused: list[str] = []  # what the page's CSP blocked (the inlined stylesheet must pass)
    page.on("console", lambda m: refused.append(m.text) if "Security Policy" in m.text else None)
    await page.goto(sidecar.url + "/#downloads")
    items = page.get_by_role("list", name="Downloads").get_by_role("listitem")
    await expect(items.first).to_have_attribute("aria-setsize", "300", timeout=30_000)
    assert await items.count() < 30
    await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    last = page.locator('ul.downloads > li[aria-posinset="300"]')
    await expect(last).to_be_in_viewport(timeout=30_000)
    assert await items.count() < 30
    # Keyboard: from the top, Tab walks on past everything that was first rendered. Each
    # press moves focus to the next button in the page and scrolls it into view, and the list
    # renders the cards after it once the scroll is seen (the next frame): so Tab is pressed,
    # as a person does, one press after another until focus is on card 26 or later, bounded
    # in seconds rather than by a count of presses that may outrun the rendering.
    await page.evaluate("window.scrollTo(0, 0)")
    first = page.locator('ul.downloads > li[aria-posinset="1"]')  # waited for: back at the top
    await first.get_by_role("button").first.focus()

    async def past_the_first_rendered() -> int | None:
        position = await page.evaluate(
            "document.activeElement.closest('li')?.getAttribute('aria-posinset')"
        )
        return int(position) if position is not None and int(position) > 25 else None

    async def tab() -> None:
        await page.keyboard.press("Tab")

    reached = await until(
        past_the_first_rendered, "Tab to reach card 26 or later", timeout=120, between=tab
    )
    assert reached is not None and reached > 25, reached
    assert refused == []


async def test_the_panel_shows_home_assistants_grabs_as_home_assistant_does(
    browser: Browser,
    sidecar: Sidecar,
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    tmp_path: Path,
    shots: Callable[[str], Path],
) -> None:
    """One record: a grab made by Home Assistant's engine (its own process state, the same
    qBittorrent) appears in the panel as Home Assistant's, beside the panel's own grab and a
    torrent another tool added."""
    settings = sidecar.panel.engine.settings
    home_assistant_settings = Settings.from_mapping(
        {
            **{k: getattr(settings, k) for k in settings.__dataclass_fields__},
            "state_dir": str(tmp_path / "ha" / "state"),
            "torrents_dir": str(tmp_path / "ha" / "torrents"),
        }
    )
    prowlarr_sim.add_indexer(
        "Archive",
        releases=[SimRelease("Metropolis 1927 1080p", category=2000, seeders=40)],
    )
    async with (
        aiohttp.ClientSession() as session,
        MediaHub(home_assistant_settings, session) as home_assistant,
    ):
        [release] = (await home_assistant.search.search_all("metropolis")).releases
        await home_assistant.downloads.grab(release.id, origin=Origin.ACTION)
    data, _ = tiny_torrent("Holiday.Photos.2024")
    await asyncio.to_thread(
        qbittorrent5.api,
        "POST",
        "torrents/add",
        files={"torrents": ("t.torrent", data, "application/x-bittorrent")},
        data={"savepath": str(qbittorrent5.save_path)},
    )
    page = await phone(browser, sidecar)
    await grab_the_episode(page)
    cards = page.get_by_role("list", name="Downloads").get_by_role("listitem")
    await expect(cards).to_have_count(3, timeout=30_000)
    await expect(cards.filter(has_text="Metropolis")).to_contain_text("via Home Assistant")
    await expect(cards.filter(has_text="S05E02")).to_contain_text("via panel")
    await expect(cards.filter(has_text="Holiday.Photos")).not_to_contain_text("via")
    await page.screenshot(path=shots("downloads-one-record"))


async def test_results_show_their_quality_the_best_pick_and_why_others_fail(
    browser: Browser,
    sidecar: Sidecar,
    prowlarr_sim: ProwlarrSimulator,
    shots: Callable[[str], Path],
) -> None:
    gb = 1024**3
    prowlarr_sim.add_indexer(
        "Films",
        releases=[
            SimRelease("The.Matrix.1999.1080p.HDCAM.x264-AOC", category=2040, seeders=5000),
            SimRelease(
                "The.Matrix.1999.2160p.UHD.BluRay.REMUX.DV.HDR.HEVC.TrueHD.7.1.Atmos-FGT",
                category=2045,
                size=58 * gb,
                seeders=480,
            ),
            SimRelease(
                "The.Matrix.1999.1080p.BluRay.x264-AMIABLE",
                category=2040,
                size=int(10.4 * gb),
                seeders=312,
            ),
            SimRelease("The.Matrix.1999.720p.WEBRip.x264-YTS", category=2040, size=gb, seeders=900),
            # No source in its name: it passes, but ranks below every known source.
            SimRelease(
                "The.Matrix.1999.1080p.GERMAN.x264-NOSRC", category=2040, size=2 * gb, seeders=2000
            ),
        ],
    )
    page = await phone(browser, sidecar)
    await page.get_by_label("Search for a movie, show, album or book").fill("the matrix")
    await page.get_by_role("button", name="Movies").click()
    await page.get_by_role("search").get_by_role("button", name="Search").click()
    results = page.get_by_role("list", name="Results").get_by_role("listitem")
    best = results.first
    await expect(best).to_contain_text("★ Best pick", timeout=30_000)
    await expect(best).to_contain_text("The.Matrix.1999.1080p.BluRay.x264-AMIABLE")
    await expect(best.get_by_label("Quality")).to_have_text("1080p · BluRay · x264 · 10.4 GB")
    await expect(page.get_by_text("★ Best pick")).to_have_count(1)
    # Refused results stay, greyed, last, with their reasons, the most seeded one included.
    cam = results.filter(has_text="HDCAM")
    await expect(cam).to_have_class("card result rejected")
    await expect(cam).to_contain_text("Not for you: CAM")
    remux = results.filter(has_text="REMUX")
    await expect(remux).to_contain_text("Not for you: too big: 58.0 GB > 20.0 GB")
    await expect(results.last).to_have_class("card result rejected")
    # The best pick wears the primary Download; a refused result a quiet one naming its rule.
    download = best.get_by_role("button", name="Download The.Matrix.1999.1080p.BluRay.x264-AMIABLE")
    await expect(download).to_have_class("primary")
    anyway = cam.get_by_role("button", name=re.compile("anyway, overriding: CAM is blocked"))
    await expect(anyway).to_have_text("Download anyway (CAM is blocked)")
    await expect(anyway).to_have_class("quiet")
    await expect(remux.get_by_role("button")).to_have_text(
        "Download anyway (too big: 58.0 GB > 20.0 GB)"
    )
    # A source nobody could read: said, and ranked after every passing known source.
    unknown = results.filter(has_text="NOSRC")
    await expect(unknown).to_contain_text("unknown source")
    await expect(unknown).to_contain_text("DE")
    await expect(results.nth(2)).to_contain_text("NOSRC")
    await page.screenshot(path=shots("search-quality"))
    await unknown.scroll_into_view_if_needed()
    await page.screenshot(path=shots("search-unknown-source"))
    await cam.scroll_into_view_if_needed()
    await page.screenshot(path=shots("search-refused"))

    quality = page.get_by_role("group", name="Quality")
    await quality.get_by_role("button", name="2160p").click()
    await expect(results).to_have_count(1)
    await expect(results.first).to_contain_text("REMUX")
    await quality.get_by_role("button", name="2160p").click()
    await quality.get_by_role("button", name="WEBRip").click()
    await expect(results).to_have_count(1)
    await expect(results.first).to_contain_text("720p.WEBRip")
    await quality.get_by_role("button", name="WEBRip").click()
    await expect(results).to_have_count(5)

    # The profile behind it, in Settings: allow 60 GB, and the remux passes at once.
    await page.get_by_role("button", name="Settings").click()
    await page.get_by_label("Largest size, GB").fill("60")
    # Beside it, the smallest plausible size: what a "movie" of a few MB is refused by.
    await expect(page.get_by_label("Smallest 1080p size, MB")).to_have_value("400")
    await (
        page.get_by_role("region", name="Quality profile")
        .get_by_role("button", name="Save")
        .click()
    )
    await expect(page.get_by_role("status")).to_contain_text("Saved")
    await page.screenshot(path=shots("settings-profile"))
    assert (await sidecar.panel.engine.profiles.get("movies")).max_size_gb == 60.0


async def test_add_anything_slow_mode_and_the_vpn_guard_at_work(
    browser: Browser,
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    gluetun_sim: GluetunSimulator,
    seeded: Callable[..., SeededTorrent],
    tmp_path: Path,
    shots: Callable[[str], Path],
) -> None:
    settings = replace(
        sidecar_settings(qbittorrent5, prowlarr_sim, plex_sim, tmp_path),
        gluetun_url=gluetun_sim.url,
        gluetun_api_key=gluetun_sim.api_key,
    )
    async with serve(settings) as sidecar:
        page = await phone(browser, sidecar)
        await page.get_by_role("button", name="Downloads").click()
        downloads = page.get_by_role("list", name="Downloads").get_by_role("listitem")

        # Paste a magnet link, into a category.
        magnet = f"magnet:?xt=urn:btih:{'c' * 40}&dn=Night.of.the.Living.Dead.1968.mkv"
        await page.get_by_role("button", name="Add", exact=True).click()
        dialog = page.get_by_role("dialog", name="Add a download")
        await dialog.get_by_label("Magnet link or .torrent URL").fill(magnet)
        await dialog.get_by_label("Category").select_option("movies")
        await page.screenshot(path=shots("downloads-add"))
        await dialog.get_by_role("button", name="Add").click()
        await expect(page.get_by_role("status").first).to_contain_text("Added")
        await expect(downloads).to_have_count(1, timeout=30_000)

        # The same again: refused, and the one already there is shown.
        await page.get_by_role("button", name="Add", exact=True).click()
        await dialog.get_by_label("Magnet link or .torrent URL").fill(magnet)
        await dialog.get_by_role("button", name="Add").click()
        await expect(page.get_by_role("alert")).to_contain_text("is already here")
        await expect(downloads).to_have_count(1)
        await page.get_by_role("button", name="Show all downloads").click()

        # Upload a .torrent file (one nobody seeds: it stays a download looking for peers).
        torrent, _, infohash = make_torrent(
            tmp_path / "made", "Carnival.of.Souls.1962.mkv", 256 * 1024
        )
        (tmp_path / "carnival.torrent").write_bytes(torrent)
        await page.get_by_role("button", name="Add", exact=True).click()
        await dialog.get_by_label("or a .torrent file").set_input_files(
            tmp_path / "carnival.torrent"
        )
        await dialog.get_by_role("button", name="Add").click()
        await expect(downloads).to_have_count(2, timeout=30_000)
        card = page.locator(f'[data-hash="{infohash}"]')
        await expect(card.locator(".state")).to_have_text(
            re.compile("stalled|downloading"), timeout=60_000
        )

        # Slow mode, switched from the phone, is qBittorrent's alternative limits.
        await page.get_by_label("Slow mode").check()
        await expect(page.locator(".limits")).to_contain_text("(slow mode)", timeout=30_000)
        mode = await asyncio.to_thread(qbittorrent5.api, "GET", "transfer/speedLimitsMode")
        assert mode.text.strip() == "1"
        await page.get_by_label("Slow mode").uncheck()
        await expect(page.locator(".limits")).not_to_contain_text("(slow mode)", timeout=30_000)

        # A download someone seeds: moved under the confirmed VPN, it says so.
        film = await asyncio.to_thread(seeded, "Plan.9.from.Outer.Space.1957.mkv", 1024 * 1024)
        status, _ = await sidecar.post(
            "/api/downloads", {"magnet": f"magnet:?xt=urn:btih:{film.infohash}&dn={film.name}"}
        )
        assert status == 201
        await asyncio.to_thread(connect_to_seeder, qbittorrent5, film)
        await expect(page.locator(f'[data-hash="{film.infohash}"]')).to_contain_text(
            "VPN verified", timeout=60_000
        )
        await page.screenshot(path=shots("downloads-controls"))

        # The VPN drops: MediaHub says so and stops the download; it comes back by itself.
        gluetun_sim.status = "stopped"
        banner = page.get_by_role("alert").filter(has_text="the VPN is not confirmed")
        await expect(banner).to_be_visible(timeout=30_000)
        await expect(card).to_contain_text("held: VPN not confirmed", timeout=30_000)
        await expect(card.locator(".state")).to_have_text("stopped", timeout=30_000)
        await page.screenshot(path=shots("downloads-vpn-held"))
        gluetun_sim.status = "running"
        await expect(banner).to_have_count(0, timeout=30_000)
        await expect(card).not_to_contain_text("held:", timeout=30_000)
        await expect(card.locator(".state")).not_to_have_text("stopped", timeout=30_000)
        info = await asyncio.to_thread(qbittorrent5.torrents)
        assert {t["hash"]: t["state"] for t in info}[infohash] not in ("stoppedDL", "stoppedUP")

        # Limits and the schedule in Settings.
        await page.get_by_role("button", name="Settings").click()
        await expect(page.get_by_label("Slow mode download limit")).to_have_value("10")
        await page.get_by_label("Download limit", exact=True).fill("2048")
        await page.get_by_label("Slow mode on a schedule").check()
        await (
            page.get_by_role("region", name="Bandwidth").get_by_role("button", name="Save").click()
        )
        await expect(page.get_by_text("Saved in qBittorrent.")).to_be_visible()
        prefs = (await asyncio.to_thread(qbittorrent5.api, "GET", "app/preferences")).json()
        assert (prefs["dl_limit"], prefs["scheduler_enabled"]) == (2048 * 1024, True)
        await page.screenshot(path=shots("settings-bandwidth"))


async def test_in_plex_in_search_then_downloading_to_ready_to_watch_with_play_and_poster(
    browser: Browser,
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    seeded: Callable[..., SeededTorrent],
    tmp_path: Path,
    shots: Callable[[str], Path],
) -> None:
    settings = replace(
        sidecar_settings(qbittorrent5, prowlarr_sim, plex_sim, tmp_path),
        organize=DEFAULT_ORGANIZED,  # as by default: Plex can name what it scans
    )
    plex_sim.media("/data", tmp_path / "media")
    plex_sim.add_item("movie", "The Matrix", "1", year=1999, resolution="1080")
    arrival = await asyncio.to_thread(
        seeded, "Arrival.2016.1080p.BluRay.x264-GRP", 8 * 1024 * 1024, folder=True
    )
    prowlarr_sim.add_indexer(
        "Open Movies",
        releases=[
            SimRelease("The Matrix 1999 1080p BluRay x264-GRP", category=2040, seeders=300),
            SimRelease(
                "Arrival 2016 1080p BluRay x264-GRP",
                category=2040,
                seeders=120,
                size=2 * 1024**3,  # listed: a plausible 1080p film (its payload is 8 MB)
                torrent=arrival.torrent_bytes,
                infohash=arrival.infohash,
            ),
        ],
    )
    async with serve(settings) as sidecar:
        # The panel marks what Plex has once it has read Plex's library (just after it starts).
        await until(lambda: sidecar.panel.engine.library.loaded, "Plex's library read")
        page = await phone(browser, sidecar, IPHONE)
        search = page.get_by_label("Search for a movie, show, album or book")

        # What Plex has is marked, and downloading it again asks first.
        await search.fill("the matrix")
        await page.get_by_role("search").get_by_role("button", name="Search").click()
        matrix = page.get_by_role("list", name="Results").get_by_role("listitem").first
        await expect(matrix.locator(".in-plex")).to_have_text("In Plex · 1080p", timeout=30_000)
        await matrix.get_by_role("button", name=re.compile("^Download")).click()
        await expect(matrix.get_by_role("alert")).to_contain_text(
            "Already in Plex in 1080p. Download anyway?"
        )
        await page.screenshot(path=shots("search-in-plex"))
        await matrix.get_by_role("button", name="Cancel").click()
        assert await asyncio.to_thread(qbittorrent5.torrents) == []

        # Something Plex has not: downloading, then in Plex, ready to watch.
        await search.fill("arrival")
        await page.get_by_role("search").get_by_role("button", name="Search").click()
        await page.get_by_role("button", name="Download Arrival 2016 1080p BluRay x264-GRP").click()
        await page.get_by_role("button", name="Downloads").click()
        card = page.locator(f'li[data-hash="{arrival.infohash}"]')
        await expect(card).to_be_visible(timeout=30_000)
        await asyncio.to_thread(connect_to_seeder, qbittorrent5, arrival)
        await expect(card).to_contain_text("in Plex, ready to watch", timeout=90_000)
        ready = page.get_by_role("region", name="Ready to watch")
        await expect(ready).to_contain_text("Arrival (2016)")
        [key] = [k for k, item in plex_sim.items.items() if item.title == "Arrival"]
        play = ready.get_by_role("link", name="Play in Plex")
        await expect(play).to_have_attribute(
            "href",
            f"plex://preplay/?metadataKey=%2Flibrary%2Fmetadata%2F{key}"
            f"&server={plex_sim.machine_identifier}",
        )
        poster = ready.locator("img.poster")
        await expect(poster).to_have_attribute("src", f"/api/posters/{key}")
        await until(
            lambda: poster.evaluate("img => img.complete && img.naturalWidth > 0"),
            "the poster the sidecar served, decoded",
            interval=0.1,
        )
        await page.screenshot(path=shots("downloads-ready"))
