"""A Prowlarr v1 API simulator (test code, never product code).

Speaks the endpoints MediaHub uses, shaped by ../shared/fixtures/prowlarr/openapi.json:
`/ping` (anonymous), `/api/v1/system/status`, `/api/v1/indexer`, `/api/v1/indexerstatus`,
`/api/v1/search` (an empty query is an RSS search: each indexer's newest releases, as Prowlarr's
`IsRssSearch`), the per-indexer download proxy `/{id}/download`, which answers the .torrent bytes
or a 301 to a magnet as the real one does, and `/api/v1/customfilter` (the CRUD of
CustomFilterResource: `{id, type, label, filters: [object]}`, where MediaHub keeps its wishes). The API key is checked the real
way (`apikey` query, `X-Api-Key`, `Authorization: Bearer`). Each indexer has its own latency
and failure mode, and the simulator records every request so tests can assert on them.
Release titles come from the Torznab fixture torznab_tpb.xml.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import hashlib
import itertools
from pathlib import Path
import secrets
from typing import Any
from urllib.parse import quote, quote_plus
import xml.etree.ElementTree as ET

from aiohttp import web

from tests.simulators.base import SimulatorServer

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "prowlarr"
TORZNAB_NS = {"torznab": "http://torznab.com/schemas/2015/feed"}

RSS_PAGE = 100  # what an indexer's feed holds

CATEGORY_NAMES = {
    2000: "Movies",
    2040: "Movies/HD",
    3000: "Audio",
    5000: "TV",
    5040: "TV/HD",
    7000: "Books",
}


def fixture_titles() -> list[str]:
    """Release titles of the Torznab fixture (a real indexer feed Prowlarr's tests parse)."""
    root = ET.parse(FIXTURES / "torznab_tpb.xml").getroot()
    return [item.findtext("title", "") for item in root.iter("item")]


def without_nulls(resource: dict[str, Any]) -> dict[str, Any]:
    """Prowlarr's JSON serializer omits null members (WhenWritingNull)."""
    return {key: value for key, value in resource.items() if value is not None}


def tiny_torrent(title: str) -> tuple[bytes, str]:
    """A valid .torrent (bencoded by hand, 16 KiB piece) and its infohash: a folder named
    `title` holding `<title>.mkv`, as a release looks (the file-list guard wants a video)."""
    payload = hashlib.sha256(title.encode()).digest() * 64  # 2 KiB, deterministic
    name = title.encode()
    video = name + b".mkv"
    digest = hashlib.sha1(payload, usedforsecurity=False).digest()  # BitTorrent v1 pieces
    info = (
        b"d5:filesld6:lengthi%de4:pathl%d:%seee4:name%d:%s12:piece lengthi16384e6:pieces20:%se"
        % (
            len(payload),
            len(video),
            video,
            len(name),
            name,
            digest,
        )
    )
    return b"d4:info" + info + b"e", hashlib.sha1(info, usedforsecurity=False).hexdigest()


def place_tiny(folder: Path, title: str) -> None:
    """Put a tiny torrent's data in `folder` (its save path), so qBittorrent finds it complete."""
    (folder / title).mkdir(parents=True, exist_ok=True)
    (folder / title / f"{title}.mkv").write_bytes(hashlib.sha256(title.encode()).digest() * 64)


@dataclass
class SimRelease:
    """One release an indexer knows: what search returns and what download serves."""

    title: str
    category: int = 2000
    size: int = 1_500_000_000
    seeders: int = 100
    leechers: int = 10
    age_hours: float = 30.0
    torrent: bytes | None = None  # None → a tiny generated torrent
    infohash: str | None = None
    magnet: bool = False  # the download proxy answers 301 → magnet:
    guid: str = ""
    imdb_id: int = 0  # what the indexer knows the release as (0: nothing)
    published: datetime | None = None  # None: `age_hours` before each answer

    @property
    def publish_date(self) -> datetime:
        return self.published or datetime.now(UTC) - timedelta(hours=self.age_hours)

    def __post_init__(self) -> None:
        if self.torrent is None:
            self.torrent, generated_hash = tiny_torrent(self.title)
            self.infohash = self.infohash or generated_hash
        if not self.guid:
            self.guid = f"https://tracker.example/torrent/{quote(self.title)}"

    @property
    def magnet_uri(self) -> str:
        return f"magnet:?xt=urn:btih:{self.infohash}&dn={quote_plus(self.title)}"


@dataclass
class SimIndexer:
    """An indexer with its own latency and failure mode.

    mode: "ok", "error" (HTTP 500), "hang" (never answers), "malformed" (invalid JSON),
    "empty" (always []), "disabled" (enable=false).
    """

    id: int
    name: str
    latency: float = 0.0
    mode: str = "ok"
    releases: list[SimRelease] = field(default_factory=list)
    priority: int = 25


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: list[tuple[str, str]]


class ProwlarrSimulator(SimulatorServer):
    """An aiohttp app on 127.0.0.1 that behaves like Prowlarr v2.x for MediaHub's calls."""

    def __init__(self, api_key: str | None = None, *, port: int | None = None) -> None:
        self.api_key = api_key or secrets.token_hex(16)
        super().__init__(port)
        self.indexers: dict[int, SimIndexer] = {}
        self.requests: list[RecordedRequest] = []
        self.available = True  # False → every request answers 503 (Prowlarr restarting)
        self._ids = itertools.count(1)
        self._stopping = asyncio.Event()  # releases "hang" requests when the simulator stops
        self.custom_filters: dict[int, dict[str, Any]] = {}
        self._filter_ids = itertools.count(1)
        titles = fixture_titles()
        self.add_indexer("The Pirate Bay", releases=[SimRelease(t, category=5040) for t in titles])
        self.add_indexer(
            "1337x", releases=[SimRelease(t, category=5040, seeders=42) for t in titles[:2]]
        )
        self.add_indexer("YTS", releases=[])

    def add_indexer(self, name: str, **kwargs: Any) -> SimIndexer:
        indexer = SimIndexer(id=next(self._ids), name=name, **kwargs)
        self.indexers[indexer.id] = indexer
        return indexer

    def indexer(self, name: str) -> SimIndexer:
        return next(i for i in self.indexers.values() if i.name == name)

    def searches(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/api/v1/search"]

    def downloads(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/download")]

    # --- lifecycle -------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_route("*", "/ping", self._ping)
        app.router.add_get("/api/v1/system/status", self._status)
        app.router.add_get("/api/v1/indexer", self._indexer_list)
        app.router.add_get("/api/v1/indexerstatus", self._indexer_status)
        app.router.add_get("/api/v1/search", self._search)
        app.router.add_get("/{indexer_id:\\d+}/download", self._download)
        app.router.add_get("/api/v1/customfilter", self._filter_list)
        app.router.add_post("/api/v1/customfilter", self._filter_create)
        app.router.add_get("/api/v1/customfilter/{id}", self._filter_get)
        app.router.add_put("/api/v1/customfilter/{id}", self._filter_update)
        app.router.add_delete("/api/v1/customfilter/{id}", self._filter_delete)
        return app

    async def stop(self) -> None:
        self._stopping.set()
        await super().stop()

    # --- protocol --------------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests.append(
            RecordedRequest(request.method, request.path, list(request.query.items()))
        )
        if not self.available:
            return web.Response(status=503, text="Service Unavailable")
        if request.path != "/ping" and not self._authorized(request):
            return web.Response(status=401, text="Unauthorized")
        response: web.StreamResponse = await handler(request)
        return response

    def _authorized(self, request: web.Request) -> bool:
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        given = request.query.get("apikey") or request.headers.get("X-Api-Key") or bearer
        return secrets.compare_digest(given or "", self.api_key)

    async def _ping(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "OK"})

    async def _status(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "appName": "Prowlarr",
                "instanceName": "Prowlarr",
                "version": "2.3.6.5217",
                "buildTime": "2026-04-02T00:00:00Z",
                "isDebug": False,
                "isProduction": True,
                "isAdmin": False,
                "isUserInteractive": False,
                "startupPath": "/app/prowlarr/bin",
                "appData": "/config",
                "osName": "alpine",
                "osVersion": "3.24",
                "isNetCore": True,
                "isLinux": True,
                "isOsx": False,
                "isWindows": False,
                "isDocker": True,
                "mode": "console",
                "branch": "master",
                "databaseType": "sqLite",
                "authentication": "forms",
                "migrationVersion": 42,
                "urlBase": "",
                "runtimeVersion": "8.0.12",
                "runtimeName": ".NET",
                "startTime": "2026-11-24T08:00:00Z",
                "packageVersion": "2.3.6.5217",
                "packageAuthor": "[linuxserver.io](https://linuxserver.io)",
                "packageUpdateMechanism": "docker",
            }
        )

    def _indexer_resource(self, indexer: SimIndexer) -> dict[str, Any]:
        failing = indexer.mode in ("error", "hang", "malformed")
        return {
            "id": indexer.id,
            "name": indexer.name,
            "fields": [],
            "implementationName": "Cardigann",
            "implementation": "Cardigann",
            "configContract": "CardigannSettings",
            "infoLink": "https://wiki.servarr.com/prowlarr/supported-indexers",
            "tags": [],
            "indexerUrls": [f"https://{indexer.name.lower().replace(' ', '')}.example/"],
            "legacyUrls": [],
            "definitionName": indexer.name.lower().replace(" ", ""),
            "description": f"{indexer.name} is a Public torrent site",
            "language": "en-US",
            "enable": indexer.mode != "disabled",
            "redirect": False,
            "supportsRss": True,
            "supportsSearch": True,
            "supportsRedirect": False,
            "supportsPagination": False,
            "appProfileId": 1,
            "protocol": "torrent",
            "privacy": "public",
            "capabilities": {
                "id": 0,
                "limitsMax": 100,
                "limitsDefault": 100,
                "categories": [
                    {"id": cid, "name": name, "subCategories": []}
                    for cid, name in CATEGORY_NAMES.items()
                ],
                "supportsRawSearch": False,
                "searchParams": ["q"],
                "tvSearchParams": ["q", "season", "ep"],
                "movieSearchParams": ["q"],
                "musicSearchParams": ["q"],
                "bookSearchParams": ["q"],
            },
            "priority": indexer.priority,
            "downloadClientId": 0,
            "added": "2026-01-01T00:00:00Z",
            "status": (
                {
                    "id": indexer.id,
                    "indexerId": indexer.id,
                    "disabledTill": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
                    "mostRecentFailure": datetime.now(UTC).isoformat(),
                    "initialFailure": datetime.now(UTC).isoformat(),
                }
                if failing
                else None
            ),
            "sortName": indexer.name.lower(),
        }

    async def _indexer_list(self, request: web.Request) -> web.Response:
        return web.json_response(
            [without_nulls(self._indexer_resource(i)) for i in self.indexers.values()]
        )

    async def _indexer_status(self, request: web.Request) -> web.Response:
        return web.json_response(
            [
                self._indexer_resource(i)["status"]
                for i in self.indexers.values()
                if i.mode in ("error", "hang", "malformed")
            ]
        )

    def release_resource(
        self, indexer: SimIndexer, release: SimRelease, request: web.Request
    ) -> dict[str, Any]:
        """A ReleaseResource as Prowlarr serialises it (camelCase, proxy links with the key)."""
        position = indexer.releases.index(release)
        link = hashlib.sha256(f"{indexer.id}:{release.guid}".encode()).hexdigest()
        proxy = (
            f"{request.scheme}://{request.host}/{indexer.id}/download"
            f"?apikey={self.api_key}&link={link}&file={quote(release.title)}"
        )
        category = release.category
        parent = category - category % 1000
        categories = [
            {"id": category, "name": CATEGORY_NAMES.get(category, "Other"), "subCategories": []}
        ]
        if parent != category:
            categories.append(
                {"id": parent, "name": CATEGORY_NAMES.get(parent, "Other"), "subCategories": []}
            )
        published = release.publish_date
        age_hours = (datetime.now(UTC) - published).total_seconds() / 3600
        return without_nulls(
            {
                "id": 0,
                "guid": release.guid,
                "age": int(age_hours // 24),
                "ageHours": age_hours,
                "ageMinutes": age_hours * 60,
                "size": release.size,
                "files": 1,
                "grabs": position * 7,
                "indexerId": indexer.id,
                "indexer": indexer.name,
                "title": release.title,
                "sortTitle": release.title.lower(),
                "imdbId": release.imdb_id,
                "tmdbId": 0,
                "tvdbId": 0,
                "tvMazeId": 0,
                "publishDate": published.isoformat().replace("+00:00", "Z"),
                "commentUrl": release.guid,
                "downloadUrl": proxy,
                "infoUrl": release.guid,
                "indexerFlags": [],
                "categories": categories,
                "magnetUrl": proxy if release.magnet else None,
                "infoHash": release.infohash,
                "seeders": release.seeders,
                "leechers": release.leechers,
                "protocol": "torrent",
                "fileName": f"{release.title}.torrent",
            }
        )

    def _matches(self, release: SimRelease, query: str, categories: set[int]) -> bool:
        words = query.lower().split()
        title = release.title.lower()
        if not all(word in title for word in words):
            return False
        parent = release.category - release.category % 1000
        return not categories or release.category in categories or parent in categories

    async def _search(self, request: web.Request) -> web.StreamResponse:
        query = request.query.get("query", "")
        try:
            ids = [int(v) for v in request.query.getall("indexerIds", [])]
            categories = {int(v) for v in request.query.getall("categories", [])}
        except ValueError:
            return web.json_response({"message": "invalid parameter"}, status=400)
        selected = (
            [self.indexers[i] for i in ids if i in self.indexers]
            if ids
            else list(self.indexers.values())
        )
        selected = [i for i in selected if i.mode != "disabled"]
        if not selected:
            return web.json_response(
                {"message": "Search failed due to all selected indexers being unavailable"},
                status=400,
            )
        # Like Prowlarr's Task.WhenAll: the answer waits for the slowest selected indexer.
        await asyncio.sleep(max(i.latency for i in selected))
        if any(i.mode == "hang" for i in selected):
            await self._stopping.wait()
            return web.Response(status=503)
        if any(i.mode == "error" for i in selected):
            return web.Response(status=500, text="Internal Server Error")
        if any(i.mode == "malformed" for i in selected):
            return web.Response(
                status=200, text='[{"guid": "trunc', content_type="application/json"
            )
        results = []
        for indexer in selected:
            if indexer.mode == "empty":
                continue
            found = [r for r in indexer.releases if self._matches(r, query, categories)]
            if not query.strip():  # an RSS search: the indexer's newest page
                found = sorted(found, key=lambda r: r.publish_date, reverse=True)[:RSS_PAGE]
            results += [self.release_resource(indexer, r, request) for r in found]
        return web.json_response(results)

    async def _download(self, request: web.Request) -> web.StreamResponse:
        indexer = self.indexers.get(int(request.match_info["indexer_id"]))
        link = request.query.get("link", "")
        release = next(
            (
                r
                for r in (indexer.releases if indexer else [])
                if hashlib.sha256(f"{indexer.id}:{r.guid}".encode()).hexdigest() == link  # type: ignore[union-attr]
            ),
            None,
        )
        if release is None:
            return web.Response(status=404, text='<error code="300" description="Not found" />')
        if release.magnet:
            raise web.HTTPMovedPermanently(location=release.magnet_uri)
        return web.Response(
            body=release.torrent,
            content_type="application/x-bittorrent",
            headers={
                "Content-Disposition": f'attachment; filename="{quote(release.title)}.torrent"'
            },
        )

    # --- custom filters: Prowlarr keeps them in its database, by id ------------------------

    def _filter_body(self, body: Any) -> dict[str, Any] | None:
        """CustomFilterResource (additionalProperties false): type, label, filters[object]."""
        if not isinstance(body, dict) or set(body) - {"id", "type", "label", "filters"}:
            return None
        filters = body.get("filters")
        if filters is not None and not (
            isinstance(filters, list) and all(isinstance(f, dict) for f in filters)
        ):
            return None
        return {"type": body.get("type"), "label": body.get("label"), "filters": filters or []}

    async def _filter_list(self, request: web.Request) -> web.Response:
        return web.json_response(list(self.custom_filters.values()))

    async def _filter_get(self, request: web.Request) -> web.Response:
        found = self.custom_filters.get(_int_or_none(request.match_info["id"]) or -1)
        if found is None:
            return web.json_response({"message": "Not Found"}, status=404)
        return web.json_response(found)

    async def _filter_create(self, request: web.Request) -> web.Response:
        resource = self._filter_body(await _json_or_none(request))
        if resource is None:
            return web.json_response({"message": "invalid CustomFilterResource"}, status=400)
        resource = {"id": next(self._filter_ids), **resource}
        self.custom_filters[resource["id"]] = resource
        return web.json_response(resource)

    async def _filter_update(self, request: web.Request) -> web.Response:
        filter_id = _int_or_none(request.match_info["id"])
        resource = self._filter_body(await _json_or_none(request))
        if resource is None:
            return web.json_response({"message": "invalid CustomFilterResource"}, status=400)
        if filter_id not in self.custom_filters:
            return web.json_response({"message": "Not Found"}, status=404)
        self.custom_filters[filter_id] = {"id": filter_id, **resource}
        return web.json_response(self.custom_filters[filter_id])

    async def _filter_delete(self, request: web.Request) -> web.Response:
        self.custom_filters.pop(_int_or_none(request.match_info["id"]) or -1, None)
        return web.json_response({})


def _int_or_none(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


async def _json_or_none(request: web.Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        return None
