"""A Plex Media Server simulator (test code, never product code).

Serves the real XML of ../shared/fixtures/plex/ (taken from Home Assistant's Plex tests):
`/identity` without a token, the server root, `/library`, `/library/sections` with their
`Location` paths, section refresh with and without `path=` (GET as plexapi sends it, POST as
the community spec lists it), `/library/recentlyAdded` and a section's `all`. The token is
checked the real way (`X-Plex-Token` header or query) and every refresh is recorded.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
import secrets
import time
from typing import Any
import xml.etree.ElementTree as ET

from aiohttp import web

from tests.simulators.base import SimulatorServer

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "plex"
XML = "text/xml"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


@dataclass(frozen=True)
class Refresh:
    """One refresh Plex received: a partial scan when `path` is set, else a full section scan."""

    section: str
    path: str | None
    force: bool


class PlexSimulator(SimulatorServer):
    """An aiohttp app on 127.0.0.1 that answers like Plex Media Server."""

    def __init__(self, token: str | None = None, *, port: int | None = None) -> None:
        self.token = token or secrets.token_urlsafe(15)
        super().__init__(port)
        self.machine_identifier = secrets.token_hex(20)
        self.friendly_name = "Home Plex"
        self.version = "1.41.3.9314-a0bfb8370"
        self.refreshes: list[Refresh] = []
        self.requests: list[str] = []  # every path asked, with its query
        self.available = True
        root = ET.fromstring(fixture("library_sections.xml"))
        self._sections_root = root

    # --- what tests change -----------------------------------------------------------------

    def sections(self) -> list[ET.Element]:
        return list(self._sections_root.iter("Directory"))

    def section(self, key: str) -> ET.Element:
        return next(d for d in self.sections() if d.get("key") == key)

    def set_locations(self, key: str, *paths: str) -> None:
        """Point a section's folders somewhere else (e.g. the test's media directory)."""
        directory = self.section(key)
        template = directory.find("Location")
        for location in directory.findall("Location"):
            directory.remove(location)
        for number, path in enumerate(paths, start=1):
            location = copy.deepcopy(template) if template is not None else ET.Element("Location")
            location.set("id", f"{key}{number}")
            location.set("path", path)
            directory.append(location)

    def add_section(self, key: str, title: str, kind: str, path: str) -> None:
        directory = copy.deepcopy(self.sections()[0])
        directory.set("key", key)
        directory.set("title", title)
        directory.set("type", kind)
        directory.set("uuid", secrets.token_hex(16))
        self._sections_root.append(directory)
        self.set_locations(key, path)

    def remove_section(self, key: str) -> None:
        self._sections_root.remove(self.section(key))

    # --- lifecycle -------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/identity", self._identity)
        app.router.add_get("/", self._root)
        app.router.add_get("/library", self._library)
        app.router.add_get("/library/", self._library)
        app.router.add_get("/library/sections", self._sections)
        app.router.add_get("/library/sections/", self._sections)
        app.router.add_get("/library/sections/all", self._sections)
        app.router.add_route("GET", "/library/sections/{key}/refresh", self._refresh)
        app.router.add_route("POST", "/library/sections/{key}/refresh", self._refresh)
        app.router.add_get("/library/sections/{key}/all", self._section_all)
        app.router.add_get("/library/recentlyAdded", self._recently_added)
        return app

    # --- protocol --------------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests.append(request.path_qs)
        if not self.available:
            return web.Response(status=503)
        if request.path != "/identity":
            given = request.headers.get("X-Plex-Token") or request.query.get("X-Plex-Token", "")
            if not secrets.compare_digest(given, self.token):
                return web.Response(
                    status=401, text="<html><head><title>Unauthorized</title></head></html>"
                )
        response: web.StreamResponse = await handler(request)
        return response

    async def _identity(self, request: web.Request) -> web.Response:
        return web.Response(
            text=(
                f'<?xml version="1.0" encoding="UTF-8"?>\n<MediaContainer size="0" claimed="1" '
                f'machineIdentifier="{self.machine_identifier}" version="{self.version}"/>'
            ),
            content_type=XML,
        )

    async def _root(self, request: web.Request) -> web.Response:
        body = (
            fixture("plex_server_base.xml")
            .replace("{name}", self.friendly_name)
            .replace("{machine_identifier}", self.machine_identifier)
        )
        root = ET.fromstring(body)
        root.set("version", self.version)
        return web.Response(text=ET.tostring(root, encoding="unicode"), content_type=XML)

    async def _library(self, request: web.Request) -> web.Response:
        return web.Response(
            text=(
                '<MediaContainer size="3" allowSync="0" art="/:/resources/library-art.png" '
                'content="" identifier="com.plexapp.plugins.library" '
                'mediaTagPrefix="/system/bundle/media/flags/" '
                'mediaTagVersion="1603922053" title1="Plex Library" title2="">'
                '<Directory key="sections" title="Library Sections" />'
                '<Directory key="recentlyAdded" title="Recently Added Content" />'
                '<Directory key="onDeck" title="On Deck" /></MediaContainer>'
            ),
            content_type=XML,
        )

    async def _sections(self, request: web.Request) -> web.Response:
        self._sections_root.set("size", str(len(self.sections())))
        return web.Response(
            text=ET.tostring(self._sections_root, encoding="unicode"), content_type=XML
        )

    async def _refresh(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        if key != "all" and key not in {d.get("key") for d in self.sections()}:
            return web.Response(status=404)
        self.refreshes.append(
            Refresh(
                section=key, path=request.query.get("path"), force=request.query.get("force") == "1"
            )
        )
        for directory in self.sections():
            if key in ("all", directory.get("key")):
                directory.set("scannedAt", str(int(time.time())))
        return web.Response(status=200)

    async def _section_all(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        if key not in {d.get("key") for d in self.sections()}:
            return web.Response(status=404)
        if self.section(key).get("type") == "movie":
            return web.Response(text=fixture("library_movies_all.xml"), content_type=XML)
        return web.Response(text=fixture("empty_payload.xml"), content_type=XML)

    async def _recently_added(self, request: web.Request) -> web.Response:
        return web.Response(text=fixture("library_tvshows_most_recent.xml"), content_type=XML)
