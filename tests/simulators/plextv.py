"""A simulator of plex.tv's watchlist (discover.provider.plex.tv), test code only.

Serves `GET /library/sections/watchlist/{all|available|released}` in the shape of
tests/simulators/plextv_watchlist.json (sources in tests/simulators/PROVENANCE.md): the
owner's items, each built from the fixture's entry of the same type (movie or show), paged by
the `X-Plex-Container-Start` / `X-Plex-Container-Size` headers (20 a page without them), with
`Guid` only when `includeGuids=1` is asked, as JSON when `Accept: application/json` says so and
as XML otherwise. The token is checked (`X-Plex-Token`, header or query); every request is
recorded with its query, so a test can see the token never travels in a URL.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
import itertools
import json
from pathlib import Path
import secrets
from typing import Any, Final
import xml.etree.ElementTree as ET

from aiohttp import web

from tests.simulators.base import SimulatorServer

FIXTURE: Final = json.loads((Path(__file__).parent / "plextv_watchlist.json").read_text())
DEFAULT_PAGE: Final = 20  # what plex.tv answers without paging headers


def _templates() -> dict[str, dict[str, Any]]:
    """The fixture's first entry of each type: what an item of that type carries."""
    templates: dict[str, dict[str, Any]] = {}
    for entry in FIXTURE["MediaContainer"]["Metadata"]:
        templates.setdefault(entry["type"], entry)
    return templates


TEMPLATES: Final = _templates()


@dataclass(frozen=True)
class SeenRequest:
    path_qs: str
    headers: dict[str, str]


class PlexTvSimulator(SimulatorServer):
    """plex.tv's discover service, for the watchlist of the account whose token it holds."""

    def __init__(self, token: str | None = None, *, port: int | None = None) -> None:
        self.token = token or secrets.token_urlsafe(15)
        super().__init__(port)
        self.watchlist: list[dict[str, Any]] = []  # the owner's items, newest last
        self.requests: list[SeenRequest] = []
        self.available = True
        self._keys = itertools.count(1)

    def add(self, kind: str, title: str, year: int | None = None, **values: Any) -> str:
        """Put a movie or a show on the watchlist; its ratingKey."""
        entry = copy.deepcopy(TEMPLATES[kind])
        key = values.pop("key", None) or f"{secrets.token_hex(8)}{next(self._keys):08x}"
        slug = "-".join(title.lower().replace(":", "").split())
        entry.update(
            guid=f"plex://{kind}/{key}",
            key=f"/library/metadata/{key}" + ("/children" if kind == "show" else ""),
            ratingKey=key,
            title=title,
            slug=slug,
            publicPagesURL=f"https://watch.plex.tv/{kind}/{slug}",
            Guid=[{"id": g} for g in values.pop("guids", ())],
        )
        for image in entry.get("Image", []):
            image["alt"] = title
        if "primaryExtraKey" in entry:
            entry["primaryExtraKey"] = f"/library/metadata/{key}/extras/{secrets.token_hex(12)}"
        if year is None:
            entry.pop("year", None)
            entry.pop("originallyAvailableAt", None)
        else:
            entry["year"] = year
            entry["originallyAvailableAt"] = f"{year}-01-01"
        entry.update(values)
        self.watchlist.append(entry)
        return key

    def remove(self, key: str) -> None:
        self.watchlist = [e for e in self.watchlist if e["ratingKey"] != key]

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/library/sections/watchlist/{filter}", self._watchlist)
        return app

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests.append(SeenRequest(request.path_qs, dict(request.headers)))
        if not self.available:
            return web.Response(status=503)
        given = request.headers.get("X-Plex-Token") or request.query.get("X-Plex-Token", "")
        if not secrets.compare_digest(given, self.token):
            return web.Response(
                status=401, text="<html><head><title>Unauthorized</title></head></html>"
            )
        response: web.StreamResponse = await handler(request)
        return response

    async def _watchlist(self, request: web.Request) -> web.Response:
        if request.match_info["filter"] not in ("all", "available", "released"):
            return web.Response(status=404)

        def number(name: str, default: int) -> int:
            value = request.headers.get(name) or request.query.get(name)
            return int(value) if value and value.isdigit() else default

        start = number("X-Plex-Container-Start", 0)
        size = number("X-Plex-Container-Size", DEFAULT_PAGE)
        entries = copy.deepcopy(self.watchlist[start : start + size])
        if request.query.get("includeGuids") != "1":
            for entry in entries:
                entry.pop("Guid", None)
        container: dict[str, Any] = {
            "librarySectionID": "watchlist",
            "librarySectionTitle": "Watchlist",
            "offset": start,
            "totalSize": len(self.watchlist),
            "identifier": FIXTURE["MediaContainer"]["identifier"],
            "size": len(entries),
        }
        if entries:  # a page past the end has no Metadata at all
            container["Metadata"] = entries
        if "application/json" in request.headers.get("Accept", ""):
            return web.json_response({"MediaContainer": container})
        return web.Response(text=_xml(container), content_type="text/xml")


def _xml(container: dict[str, Any]) -> str:
    """The same answer as XML: scalars as attributes, lists of objects as child elements; a
    movie is a `Video`, a show a `Directory`, as Plex Media Server lists them."""

    def attribute(value: Any) -> str:
        if isinstance(value, bool):
            return "1" if value else "0"
        return str(value)

    def element(tag: str, values: dict[str, Any]) -> ET.Element:
        node = ET.Element(
            tag, {k: attribute(v) for k, v in values.items() if not isinstance(v, list)}
        )
        for name, children in values.items():
            if isinstance(children, list):
                for child in children:
                    node.append(element(name, child))
        return node

    entries = container.get("Metadata", [])
    root = element("MediaContainer", {k: v for k, v in container.items() if k != "Metadata"})
    for entry in entries:
        root.append(element("Video" if entry["type"] == "movie" else "Directory", entry))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
