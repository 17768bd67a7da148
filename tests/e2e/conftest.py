"""The browser tests use the panel tests' sidecar, the distribution's Chromium, and a phone."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
import os
from pathlib import Path

from playwright.async_api import Browser, Page
import pytest

from tests.panel.conftest import Sidecar, sidecar
from tests.support.browser import chromium, chromium_path

__all__ = ["PHONE", "browser", "phone", "shots", "sidecar"]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if chromium_path() is None:
        pytest.skip("no chromium installed")
    async with chromium() as started:
        yield started


@pytest.fixture
def shots(tmp_path: Path) -> Callable[[str], Path]:
    """Where screenshots go: docs/screenshots with MEDIAHUB_UPDATE_SCREENSHOTS=1, else tmp."""
    folder = DOCS if os.environ.get("MEDIAHUB_UPDATE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return lambda name: folder / f"{name}.png"


async def phone(
    browser: Browser, sidecar: Sidecar, user_agent: str | None = None, locale: str = "en-US"
) -> Page:
    """The panel on a phone-sized screen (with `user_agent`, that phone's browser; `locale`,
    its language)."""
    context = await browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale=locale,
        **({"user_agent": user_agent} if user_agent else {}),
    )  # fmt: skip
    page = await context.new_page()
    await page.goto(sidecar.url)
    return page
