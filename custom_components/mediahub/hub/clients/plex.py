"""Plex Media Server client on `plexapi`, run in threads (it is blocking; never on the loop)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Final, Self

from plexapi.exceptions import BadRequest, NotFound, Unauthorized
from plexapi.library import Library as PlexLibrary
from plexapi.server import PlexServer
import requests

from ..errors import AuthenticationError, InvalidInputError, ServiceUnavailableError
from ..models import Library, LibraryItem, PlexServerInfo, RecentItem

SERVICE: Final = "Plex"
MOVIE: Final = 1  # Plex's numeric types, as `type=` filters and timeline entries use them
EPISODE: Final = 4
PAGE: Final = 500  # items per request when the library is read whole (once, at start)
_RESOLUTIONS: Final = {"4k": "2160p", "sd": "480p"}


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def resolution_of(value: str | None) -> str | None:
    """Plex's `videoResolution` (1080, 720, 4k, sd) as release names say it (1080p)."""
    if not value:
        return None
    return _RESOLUTIONS.get(value.lower(), f"{value}p" if value.isdigit() else value)


def library_item(element: Any, section: str | None = None) -> LibraryItem | None:
    """A movie or episode from Plex's XML (`Video` with `Media/Part`, `Guid` children)."""
    kind = element.attrib.get("type")
    key = element.attrib.get("ratingKey")
    if kind not in ("movie", "episode") or not key:
        return None
    attrib = element.attrib
    media = element.find("Media")
    guids = [attrib["guid"]] if attrib.get("guid") else []
    guids += [g.attrib["id"] for g in element.findall("Guid") if g.attrib.get("id")]
    return LibraryItem(
        key=key,
        type=kind,
        title=attrib.get("title", ""),
        section=attrib.get("librarySectionID") or section or "",
        year=_int(attrib.get("year") or attrib.get("parentYear")),
        show=attrib.get("grandparentTitle"),
        season=_int(attrib.get("parentIndex")),
        episode=_int(attrib.get("index")) if kind == "episode" else None,
        resolution=resolution_of(
            media.attrib.get("videoResolution") if media is not None else None
        ),
        guids=tuple(dict.fromkeys(guids)),
        files=tuple(p.attrib["file"] for p in element.iter("Part") if p.attrib.get("file")),
        thumb=attrib.get("thumb") or attrib.get("grandparentThumb"),
        added_at=_int(attrib.get("addedAt")),
    )


def _items(container: Any, section: str | None = None) -> list[LibraryItem]:
    return [i for e in container if (i := library_item(e, section)) is not None]


def _timestamp(value: Any) -> int | None:  # plexapi gives datetimes
    return int(value.timestamp()) if isinstance(value, datetime) else None


class PlexClient:
    """One Plex server, reached with its token; the connection is made on first use."""

    def __init__(self, url: str, token: str, *, timeout: float = 15) -> None:
        self._url = url.rstrip("/")
        self._token = token
        self._timeout = timeout
        self._server: PlexServer | None = None
        self._session: requests.Session | None = None
        # plexapi's requests session is used from worker threads, one call at a time.
        self._lock = asyncio.Lock()

    async def _call[T](self, func: Callable[[PlexServer], T]) -> T:
        async with self._lock:
            return await asyncio.to_thread(self._guarded, func)

    def _connect(self) -> PlexServer:
        if self._server is None:
            self._session = requests.Session()
            self._server = PlexServer(
                self._url, self._token, session=self._session, timeout=self._timeout
            )
        return self._server

    def _disconnect(self) -> None:
        self._server = None
        if self._session is not None:
            self._session.close()
            self._session = None

    async def close(self) -> None:
        """Close the connection to Plex (the next call makes a new one)."""
        async with self._lock:
            await asyncio.to_thread(self._disconnect)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    def _guarded[T](self, func: Callable[[PlexServer], T]) -> T:
        try:
            try:
                return func(self._connect())
            except requests.ConnectionError:
                # A kept-alive connection Plex (or the network) dropped: reconnect once.
                self._disconnect()
                return func(self._connect())
        except Unauthorized:
            self._disconnect()
            raise AuthenticationError(SERVICE, "the token was refused") from None
        except NotFound:
            raise InvalidInputError("unknown_library", "Plex has no such library") from None
        except (requests.RequestException, BadRequest) as err:
            self._server = None
            raise ServiceUnavailableError(SERVICE, type(err).__name__) from None

    async def identity(self) -> PlexServerInfo:
        """Who the server is; also proves the URL and token."""
        return await self._call(
            lambda server: PlexServerInfo(
                name=str(server.friendlyName),
                machine_identifier=str(server.machineIdentifier),
                version=str(server.version),
            )
        )

    async def libraries(self) -> list[Library]:
        """The library sections with the folders they cover, read fresh each time."""

        def read(server: PlexServer) -> list[Library]:
            library = PlexLibrary(server, server.query(PlexLibrary.key))
            return [
                Library(
                    key=str(section.key),
                    title=str(section.title),
                    type=str(section.type),
                    locations=tuple(section.locations),
                    refreshing=bool(section.refreshing),
                    scanned_at=_timestamp(getattr(section, "scannedAt", None)),
                )
                for section in library.sections()
            ]

        return await self._call(read)

    async def scan(self, key: str, path: str | None = None) -> None:
        """Scan one section: only `path` (a folder as Plex sees it) when given, else all of it."""

        def scan(server: PlexServer) -> None:
            section = next(
                (
                    s
                    for s in PlexLibrary(server, server.query(PlexLibrary.key)).sections()
                    if str(s.key) == key
                ),
                None,
            )
            if section is None:
                raise InvalidInputError("unknown_library", f"Plex has no library {key!r}")
            section.update(path=path)

        await self._call(scan)

    async def scan_all(self) -> None:
        """Scan every section."""
        await self._call(lambda server: server.query("/library/sections/all/refresh"))

    async def section_items(
        self, key: str, kind: int, start: int = 0, size: int = PAGE, *, newest_first: bool = False
    ) -> list[LibraryItem]:
        """One page of a section's movies (kind 1) or episodes (kind 4), with their files."""
        sort = "&sort=addedAt:desc" if newest_first else ""
        path = (
            f"/library/sections/{key}/all?type={kind}&includeGuids=1{sort}"
            f"&X-Plex-Container-Start={start}&X-Plex-Container-Size={size}"
        )
        return await self._call(lambda server: _items(server.query(path), key))

    async def item(self, key: str) -> LibraryItem | None:
        """One item by its ratingKey (None when Plex has none: it was deleted)."""

        def read(server: PlexServer) -> LibraryItem | None:
            try:
                found = _items(server.query(f"/library/metadata/{key}?includeGuids=1"))
            except NotFound:
                return None
            return found[0] if found else None

        return await self._call(read)

    async def delete_media(self, key: str, files: Sequence[str]) -> list[str] | None:
        """Delete the copies (Media) of item `key` whose file is one of `files`, through Plex
        (`DELETE /library/metadata/{key}/media/{id}`), which removes their files: the others
        stay (Plex lists a new copy of the same movie under the same item). The files removed;
        None, and nothing removed, while Plex lists no other copy of the item (so the only copy
        is never deleted). Plex refuses (400) unless its "Allow media deletion" setting is on:
        InvalidInputError `media_deletion_refused`."""

        def delete(server: PlexServer) -> list[str] | None:
            try:
                container = server.query(f"/library/metadata/{key}")
            except NotFound:
                return []
            copies = [
                (media.get("id"), [p.get("file", "") for p in media.iter("Part")])
                for video in container
                for media in video.iter("Media")
            ]
            old = [(media_id, parts) for media_id, parts in copies if set(parts) & set(files)]
            if len(old) == len(copies):
                return None  # no other copy listed yet: the old one is all there is
            removed = []
            for media_id, parts in old:
                try:
                    server.query(
                        f"/library/metadata/{key}/media/{media_id}",
                        method=server._session.delete,  # noqa: SLF001 (as plexapi's Media.delete)
                    )
                except BadRequest:
                    raise InvalidInputError(
                        "media_deletion_refused",
                        "Plex refused to remove the old copy: turn on Allow media deletion "
                        "(Settings, Library)",
                    ) from None
                removed += parts
            return removed

        return await self._call(delete)

    async def image(self, path: str, max_bytes: int) -> tuple[bytes, str] | None:
        """An image Plex serves (a poster), at most `max_bytes`; None when Plex has none."""

        def read(server: PlexServer) -> tuple[bytes, str] | None:
            # plexapi's own session and token headers: the token never leaves this process.
            response = server._session.get(  # noqa: SLF001
                server.url(path),
                headers=server._headers(),  # noqa: SLF001
                timeout=self._timeout,
                stream=True,
            )
            with response:
                if response.status_code == 404:
                    return None
                response.raise_for_status()
                kind = response.headers.get("Content-Type", "")
                if not kind.startswith("image/"):
                    return None
                data = response.raw.read(max_bytes + 1, decode_content=True)
                return (data, kind) if len(data) <= max_bytes else None

        return await self._call(read)

    async def recently_added(self, limit: int = 20) -> list[RecentItem]:
        """What Plex added most recently, across sections.

        Read from the container's XML: plexapi's objects would fetch each item's full metadata
        (one more request per item) to fill attributes the listing leaves out.
        """

        def read(server: PlexServer) -> list[RecentItem]:
            container = server.query(
                f"/library/recentlyAdded?X-Plex-Container-Start=0&X-Plex-Container-Size={limit}"
            )
            section = container.attrib.get("librarySectionTitle")
            items = []
            for element in list(container)[:limit]:
                added = element.attrib.get("addedAt", "")
                items.append(
                    RecentItem(
                        title=element.attrib.get("title", ""),
                        type=element.attrib.get("type", ""),
                        section=element.attrib.get("librarySectionTitle", section),
                        added_at=int(added) if added.isdigit() else None,
                    )
                )
            return items

        return await self._call(read)
