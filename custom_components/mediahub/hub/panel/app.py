"""The panel's aiohttp application."""

from __future__ import annotations

from aiohttp import web

from .. import __version__
from ..config import Settings


async def _health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "version": __version__})


def create_app(settings: Settings) -> web.Application:
    """Build the panel application for these settings."""
    app = web.Application()
    app.router.add_get("/health", _health)
    return app


def run(settings: Settings) -> None:
    """Serve the panel on all interfaces at the configured port until interrupted."""
    web.run_app(create_app(settings), port=settings.port, print=None)
