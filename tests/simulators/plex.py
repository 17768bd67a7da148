"""A Plex Media Server simulator (test code, never product code).

Serves the real XML of ../shared/fixtures/plex/ (taken from Home Assistant's Plex tests):
`/identity` without a token, the server root, `/library`, `/library/sections` with their
`Location` paths, section refresh with and without `path=` (GET as plexapi sends it, POST as
the community spec lists it), `/library/recentlyAdded` and a section's `all`. The token is
checked the real way (`X-Plex-Token` header or query) and every refresh is recorded.

It also holds a library, as Plex does: `media(plex_root, folder)` says where Plex's paths are on
this machine, and a partial scan lists (as a movie or an episode) exactly the video files in the
scanned folder named the way Plex reads names; a scan of a folder with none adds nothing. Each
item is served as `/library/metadata/<key>` and in `/library/sections/<key>/all?type=1|4` (paged,
sortable by `addedAt`), in the fixture's `Video`/`Media`/`Part` shape, with its poster at its
`thumb`. `/:/websockets/notifications` sends what real Plex sends around a scan, in its order and at
its pace (`ScanPace`, an assumption said there): the scan's activity, the new items created
(timeline state 0), the scan's end, then the metadata refresh with each item done (state 5);
shapes and order in tests/simulators/plex_notifications.json. `notified_at` and
`refreshed_at` say when (the bench's breakdown reads them).

An item holds one or more copies (`Media`, each with its `id` and one `Part`), as real Plex lists
two files of the same movie (same title and year in the same section) or of the same episode:
one item, two Media. `DELETE /library/metadata/<key>/media/<id>` (the community spec's
deleteMediaItem) removes one copy and its file on disk, as Plex does when its "Allow media
deletion" setting (`allow_media_deletion`, the root's `allowMediaDeletion`) is on, and refuses
with 400 when it is off; an item left without a copy leaves the library (timeline state 9).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
from dataclasses import dataclass, field
import itertools
import json
from pathlib import Path, PurePosixPath
import re
import secrets
import struct
import time
from typing import Any
import uuid
import xml.etree.ElementTree as ET
import zlib

from aiohttp import WSMsgType, web

from tests.simulators.base import SimulatorServer

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "plex"
XML = "text/xml"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


NOTIFICATIONS = json.loads((Path(__file__).parent / "plex_notifications.json").read_text())
VIDEO_SUFFIXES = frozenset({".mkv", ".mp4", ".avi", ".m4v", ".mov", ".ts"})
# How Plex's scanners read names: "Title (Year)" for a movie, "Show (Year) - s01e02" for an episode.
MOVIE_NAME = re.compile(r"^(?P<title>.+?) \((?P<year>\d{4})\)(?: \{edition-[^}]*\})?(?: - .*)?$")
EPISODE_NAME = re.compile(
    r"^(?P<show>.+?)(?: \((?P<year>\d{4})\))? - s(?P<season>\d+)e(?P<episode>\d+)(?:-e\d+)?",
    re.IGNORECASE,
)


def _resolution(stem: str) -> str:
    """The `videoResolution` Plex would measure, read from the name's quality (2160p, 720p,
    480p); 1080 when the name says none."""
    found = re.search(r"(?<!\d)(2160|1080|720|480)p", stem, re.IGNORECASE)
    if found is None:
        return "1080"
    return {"480": "sd"}.get(found[1], found[1])


def _poster_png(width: int = 120, height: int = 180) -> bytes:
    """A poster-shaped PNG (a dusk gradient): what the poster route serves."""
    rows = b"".join(
        b"\0" + bytes((20 + y // 3, 40 + y // 4, 90 + y // 2) * width) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


POSTER = _poster_png()
_MEDIA_IDS = itertools.count(396946)  # Plex numbers every Media of the server in one sequence


@dataclass
class SimMedia:
    """One copy of an item: a `Media` with its one `Part` (the file)."""

    file: str  # Plex's path of the file
    resolution: str = "1080"
    id: str = field(default_factory=lambda: str(next(_MEDIA_IDS)))


@dataclass
class SimItem:
    """A movie or an episode the simulated Plex lists, with its copies (`media`, at least one
    while it is listed); `file` and `resolution` are its first copy's."""

    key: str
    type: str  # movie | episode
    title: str
    section: str
    file: str  # Plex's path of its first copy's file
    year: int | None = None
    resolution: str = "1080"
    guid: str | None = None
    ids: tuple[str, ...] = ()  # Plex's GUIDs from its agents: imdb://tt0133093, tmdb://603
    show: str | None = None
    season: int | None = None
    episode: int | None = None
    added_at: int = field(default_factory=lambda: int(time.time()))
    media: list[SimMedia] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.media:
            self.media.append(SimMedia(self.file, self.resolution))
        self._first()

    def _first(self) -> None:
        if self.media:
            self.file, self.resolution = self.media[0].file, self.media[0].resolution

    @property
    def files(self) -> list[str]:
        return [m.file for m in self.media]

    def add_media(self, file: str, resolution: str = "1080") -> SimMedia:
        """Another copy of the same item (a second file Plex matched to it)."""
        media = SimMedia(file, resolution)
        self.media.append(media)
        return media

    def remove_media(self, media: SimMedia) -> None:
        self.media.remove(media)
        self._first()


@dataclass(frozen=True)
class ScanPace:
    """How long Plex takes around a partial scan of one folder holding one new video, in
    seconds. An assumption, stated as such: no published measurement was found (Plex's support
    pages describe scans and the metadata agents, never their timing). The scanner reads a
    folder's names and stats its one new file (`created`, refresh answered → item created),
    closes the scan (`ended`), then the agent matches the item online and fetches its poster
    (`metadata`, per item, scan ended → item done)."""

    created: float = 0.5
    ended: float = 0.1
    metadata: float = 1.5


def _activity(kind: str, title: str, section: str) -> dict[str, str]:
    """One activity's values: the same uuid in each of its messages."""
    return {
        "activity_id": str(uuid.uuid4()),
        "activity_type": kind,
        "activity_title": title,
        "section": section,
    }


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
        self.allow_media_deletion = True  # Plex's "Allow media deletion" setting
        self.deleted: list[str] = []  # Plex's paths of the files a media deletion removed
        root = ET.fromstring(fixture("library_sections.xml"))
        self._sections_root = root
        self.items: dict[str, SimItem] = {}
        self._next_key = 1000
        self._media: list[tuple[PurePosixPath, Path]] = []  # Plex's prefix, where it really is
        self._sockets: list[web.WebSocketResponse] = []
        self.notified: list[dict[str, Any]] = []  # every notification sent
        self.notified_at: list[float] = []  # when each was sent (time.time())
        self.refreshed_at: list[float] = []  # when each refresh was received
        self.pace = ScanPace()
        self._scans: set[asyncio.Task[None]] = set()

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

    def media(self, plex_root: str, folder: Path) -> None:
        """Plex's `plex_root` is `folder` on this machine (what a scan reads), from now on."""
        prefix = PurePosixPath(plex_root)
        self._media = [(p, f) for p, f in self._media if p != prefix] + [(prefix, folder)]

    def add_item(self, item_type: str, title: str, section: str, **values: Any) -> SimItem:
        """An item the library already holds (no file needed)."""
        self._next_key += 1
        key = str(self._next_key)
        file = values.pop("file", f"/data/{section}/{title}/{title}.mkv")
        item = SimItem(key, item_type, title, section, file, **values)
        self.items[key] = item
        return item

    def files(self) -> list[str]:
        """Plex's paths of every copy of every item it lists."""
        return [file for item in self.items.values() for file in item.files]

    def _local(self, plex_path: str) -> Path | None:
        path = PurePosixPath(plex_path)
        for prefix, folder in self._media:
            if path == prefix or prefix in path.parents:
                return folder / path.relative_to(prefix)
        return None

    async def _scan(self, section: str, plex_path: str | None) -> None:
        """List the correctly named videos in the scanned folder, as Plex does after
        answering the refresh, at Plex's pace (`pace`), and say so on the websocket in Plex's
        order: the scan's activity, each new item created, the scan's end; then the metadata
        refresh of what it created, each item done, its end."""
        pace = self.pace
        kind = self.section(section).get("type")
        roots = (
            [plex_path]
            if plex_path
            else [str(loc.get("path")) for loc in self.section(section).findall("Location")]
        )
        scan = _activity("library.update.section", "Scanning", section)
        await self._notify(NOTIFICATIONS["activity_started"], **scan)
        await asyncio.sleep(pace.created)
        created: list[SimItem] = []  # new items, and listed ones a new copy was added to
        for root in roots:
            local = self._local(root)
            if local is None or not local.exists():
                continue
            videos = [local] if local.is_file() else sorted(local.rglob("*"))
            for video in videos:
                if video.suffix.lower() not in VIDEO_SUFFIXES or not video.is_file():
                    continue
                file = (
                    str(PurePosixPath(root) / video.relative_to(local)) if video != local else root
                )
                if file in self.files():  # read now: another scan may have run meanwhile
                    continue
                item = self._read(kind, section, video, file)
                if item is None:
                    continue
                same = self._same(item)
                if same is not None:  # another file of a listed item: a second copy of it
                    same.add_media(item.file, item.resolution)
                    created.append(same)
                    continue
                self.items[item.key] = item
                created.append(item)
                await self._notify(NOTIFICATIONS["timeline_created"], item=item)
        await asyncio.sleep(pace.ended)
        await self._notify(NOTIFICATIONS["activity_ended"], **scan)
        if not created:
            return
        refresh = _activity("library.refresh.items", "Refreshing metadata", section)
        await self._notify(NOTIFICATIONS["activity_started"], **refresh)
        for item in created:
            await asyncio.sleep(pace.metadata)
            await self._notify(NOTIFICATIONS["timeline_done"], item=item)
        await self._notify(NOTIFICATIONS["activity_ended"], **refresh)

    def _same(self, new: SimItem) -> SimItem | None:
        """The listed item a newly read file is another copy of: the same movie (title and
        year) or the same episode, in the same section."""

        def identity(item: SimItem) -> tuple[object, ...]:
            if item.type == "movie":
                return (item.type, item.section, item.title.casefold(), item.year)
            show = (item.show or "").casefold()
            return (item.type, item.section, show, item.year, item.season, item.episode)

        wanted = identity(new)
        return next((i for i in self.items.values() if identity(i) == wanted), None)

    def _read(self, kind: str | None, section: str, video: Path, file: str) -> SimItem | None:
        """An item for a file Plex can place, from its name; None for one it cannot."""
        self._next_key += 1
        key = str(self._next_key)
        resolution = _resolution(video.stem)
        if kind == "show":
            match = EPISODE_NAME.match(video.stem)
            if not match:
                return None
            return SimItem(
                key, "episode", f"Episode {int(match['episode'])}", section, file,
                year=int(match["year"]) if match["year"] else None, resolution=resolution,
                show=match["show"], season=int(match["season"]), episode=int(match["episode"]),
            )  # fmt: skip
        match = MOVIE_NAME.match(video.stem)
        if not match or video.parent.name != f"{match['title']} ({match['year']})":
            return None
        return SimItem(
            key, "movie", match["title"], section, file, year=int(match["year"]),
            resolution=resolution,
        )  # fmt: skip

    async def _notify(self, template: dict[str, Any], **values: Any) -> None:
        message = _filled(template, **values)
        self.notified.append(message)
        self.notified_at.append(time.time())
        for socket in list(self._sockets):
            # A client may be leaving as Plex writes; Plex carries on with the others.
            with contextlib.suppress(ConnectionError):
                if not socket.closed:
                    await socket.send_json(message)

    def element(self, item: SimItem) -> ET.Element:
        """The item as Plex's XML: the fixture's episode `Video`, with its values."""
        template = ET.fromstring(fixture("library_tvshows_most_recent.xml")).find(".//Video")
        assert template is not None
        video = copy.deepcopy(template)
        values = {
            "ratingKey": item.key,
            "key": f"/library/metadata/{item.key}",
            "type": item.type,
            "title": item.title,
            "librarySectionID": item.section,
            "addedAt": str(item.added_at),
            "thumb": f"/library/metadata/{item.key}/thumb/{item.added_at}",
            "guid": item.guid or f"plex://{item.type}/{secrets.token_hex(12)}",
        }
        if item.type == "movie":
            for name in [a for a in video.attrib if a.startswith(("grandparent", "parent"))]:
                del video.attrib[name]
            video.attrib.pop("index", None)
            values["year"] = str(item.year or "")
        else:
            values.update(
                grandparentTitle=item.show or "", parentIndex=str(item.season),
                index=str(item.episode), parentTitle=f"Season {item.season}",
                parentYear=str(item.year or ""),
            )  # fmt: skip
        video.attrib.update(values)
        template_media = video.find("Media")
        assert template_media is not None and template_media.find("Part") is not None
        video.remove(template_media)
        for number, copy_of in enumerate(item.media):  # Media come before Guid, as Plex lists
            media = copy.deepcopy(template_media)
            part = media.find("Part")
            assert part is not None
            part_id = str(int(copy_of.id) + 438)
            media.set("id", copy_of.id)
            media.set("videoResolution", copy_of.resolution)
            part.set("id", part_id)
            part.set(
                "key",
                f"/library/parts/{part_id}/{item.added_at}/file{PurePosixPath(copy_of.file).suffix}",
            )
            part.set("file", copy_of.file)
            video.insert(number, media)
        for guid in item.ids:  # as Plex lists them with includeGuids=1
            ET.SubElement(video, "Guid", id=guid)
        return video

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
        app.router.add_get("/library/metadata/{key}", self._metadata)
        app.router.add_delete("/library/metadata/{key}/media/{media}", self._delete_media)
        app.router.add_get("/library/metadata/{key}/thumb/{stamp}", self._thumb)
        app.router.add_get("/:/websockets/notifications", self._websocket)
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
        root.set("allowMediaDeletion", "1" if self.allow_media_deletion else "0")
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
        self.refreshed_at.append(time.time())
        self.refreshes.append(
            Refresh(
                section=key, path=request.query.get("path"), force=request.query.get("force") == "1"
            )
        )
        for directory in self.sections():
            if key in ("all", directory.get("key")):
                directory.set("scannedAt", str(int(time.time())))
                task = asyncio.create_task(
                    self._scan(str(directory.get("key")), request.query.get("path"))
                )
                self._scans.add(task)
                task.add_done_callback(self._scans.discard)
        return web.Response(status=200)

    async def _section_all(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        if key not in {d.get("key") for d in self.sections()}:
            return web.Response(status=404)
        kind = {"1": "movie", "4": "episode"}.get(request.query.get("type", ""))
        if kind is None:  # the whole section as plexapi reads it: the fixture
            if self.section(key).get("type") == "movie":
                return web.Response(text=fixture("library_movies_all.xml"), content_type=XML)
            return web.Response(text=fixture("empty_payload.xml"), content_type=XML)
        items = [i for i in self.items.values() if i.section == key and i.type == kind]
        if request.query.get("sort", "").startswith("addedAt:desc"):
            items.sort(key=lambda i: (-i.added_at, -int(i.key)))
        start = int(request.query.get("X-Plex-Container-Start", 0))
        size = int(request.query.get("X-Plex-Container-Size", len(items) or 1))
        return self._container([self.element(i) for i in items[start : start + size]], len(items))

    def _container(self, elements: list[ET.Element], total: int) -> web.Response:
        root = ET.Element(
            "MediaContainer",
            size=str(len(elements)),
            totalSize=str(total),
            identifier="com.plexapp.plugins.library",
        )
        root.extend(elements)
        return web.Response(text=ET.tostring(root, encoding="unicode"), content_type=XML)

    async def _metadata(self, request: web.Request) -> web.Response:
        item = self.items.get(request.match_info["key"])
        if item is None:
            return web.Response(status=404)
        return self._container([self.element(item)], 1)

    async def _delete_media(self, request: web.Request) -> web.Response:
        """deleteMediaItem: one copy of an item and its file; the item leaves the library
        with its last copy. 400 while media deletion is not allowed, 404 for an unknown copy."""
        item = self.items.get(request.match_info["key"])
        copies = item.media if item is not None else []
        media = next((m for m in copies if m.id == request.match_info["media"]), None)
        if item is None or media is None:
            return web.Response(
                status=404, text="<html><head><title>Not Found</title></head></html>"
            )
        if not self.allow_media_deletion:
            return web.Response(
                status=400, text="<html><head><title>Bad Request</title></head></html>"
            )
        local = self._local(media.file)
        if local is not None:
            local.unlink(missing_ok=True)
        self.deleted.append(media.file)
        item.remove_media(media)
        if item.media:
            await self._notify(NOTIFICATIONS["timeline_done"], item=item)
        else:
            del self.items[item.key]
            await self._notify(NOTIFICATIONS["timeline_deleted"], item=item)
        return web.Response(status=200)

    async def _thumb(self, request: web.Request) -> web.Response:
        if request.match_info["key"] not in self.items:
            return web.Response(status=404)
        return web.Response(body=POSTER, content_type="image/png")

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(heartbeat=15)
        await socket.prepare(request)
        self._sockets.append(socket)
        try:
            async for message in socket:
                if message.type == WSMsgType.ERROR:
                    break
        finally:
            self._sockets.remove(socket)
        return socket

    async def stop(self) -> None:
        for task in list(self._scans):
            task.cancel()
        await self.drop_websockets()
        await super().stop()

    async def drop_websockets(self) -> None:
        """Close every websocket (Plex restarting, or the network dropping)."""
        for socket in list(self._sockets):
            await socket.close()

    async def _recently_added(self, request: web.Request) -> web.Response:
        return web.Response(text=fixture("library_tvshows_most_recent.xml"), content_type=XML)


def _filled(template: Any, **values: Any) -> Any:
    """A notification from its recorded shape, with this item's or section's values."""
    item: SimItem | None = values.get("item")
    if isinstance(template, dict):
        return {k: _filled(v, **values) for k, v in template.items()}
    if isinstance(template, list):
        return [_filled(v, **values) for v in template]
    fill = {
        "{itemID}": lambda: item.key if item else "",
        "{sectionID}": lambda: values.get("section") or (item.section if item else ""),
        "{type}": lambda: {"movie": 1, "episode": 4}.get(item.type if item else "", 1),
        "{title}": lambda: item.title if item else "",
        "{updatedAt}": lambda: int(time.time()),
        "{uuid}": lambda: secrets.token_hex(16),
        "{activityID}": lambda: values["activity_id"],
        "{activityType}": lambda: values["activity_type"],
        "{activityTitle}": lambda: values["activity_title"],
    }
    return fill[template]() if isinstance(template, str) and template in fill else template
