"""The distribution's Chromium, driven by Playwright: one way to start it for the browser
tests, the lab's check and the bench (never a browser Playwright downloads)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import os
import shutil

from playwright.async_api import Browser, async_playwright

# Headless as root in a container; no background traffic (the network here is closed).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    return (
        os.environ.get("MEDIAHUB_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    path = chromium_path()
    if path is None:
        raise RuntimeError("no chromium installed (the rootfs has Debian's)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            await browser.close()
