"""The owner's Plex watchlist, read from plex.tv's discover service (aiohttp; the session is
passed in).

What plexapi's `MyPlexAccount.watchlist()` reads, without plexapi (it blocks): `GET
{discover}/library/sections/watchlist/all`, paged with the `X-Plex-Container-Start` and
`X-Plex-Container-Size` headers until `totalSize`, answered as JSON
(`MediaContainer.Metadata[]`: ratingKey, key, guid, type movie|show, title, year, and with
`includeGuids=1` the `Guid` ids). The account's token goes in the `X-Plex-Token` header only:
never in a URL, a log line or an error message.
"""

from __future__ import annotations

from dataclasses import dataclass
import json
import logging
from typing import Any, Final, Literal

import aiohttp

from ..errors import AuthenticationError, ServiceTimeoutError, ServiceUnavailableError

_LOGGER = logging.getLogger(__name__)

SERVICE: Final = "plex.tv"
PATH: Final = "/library/sections/watchlist/all"
PAGE: Final = 100  # items per request (plexapi's X_PLEX_CONTAINER_SIZE)
MAX_ITEMS: Final = 10_000  # a watchlist longer than this is read this far (a bound on requests)
_KINDS: Final = ("movie", "show")

type WatchlistKind = Literal["movie", "show"]


@dataclass(frozen=True, slots=True)
class WatchlistItem:
    """A movie or a show on the owner's watchlist."""

    key: str  # plex.tv's ratingKey (the same item keeps it)
    title: str
    year: int | None
    kind: WatchlistKind
    guids: tuple[str, ...] = ()  # imdb://…, tmdb://…, tvdb://… as Plex's agents name it


def _item(raw: Any) -> WatchlistItem | None:
    """One `Metadata` entry; None for what is not a movie or a show (a collection)."""
    if not isinstance(raw, dict):
        return None
    kind, key, title = raw.get("type"), raw.get("ratingKey"), raw.get("title")
    if kind not in _KINDS or not isinstance(key, str) or not key or not isinstance(title, str):
        return None
    year = raw.get("year")
    guids = raw.get("Guid")
    return WatchlistItem(
        key=key,
        title=title,
        year=year if isinstance(year, int) and not isinstance(year, bool) else None,
        kind="movie" if kind == "movie" else "show",
        guids=tuple(g["id"] for g in guids if isinstance(g, dict) and isinstance(g.get("id"), str))
        if isinstance(guids, list)
        else (),
    )


class PlexWatchlist:
    """One Plex account's watchlist, reached with its token."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        token: str,
        *,
        timeout: float = 15,
        client_id: str = "mediahub",
    ) -> None:
        self._session = session
        self._url = url.rstrip("/")
        self._headers = {
            "X-Plex-Token": token,
            "Accept": "application/json",
            "X-Plex-Product": "MediaHub",
            "X-Plex-Client-Identifier": client_id,
        }
        self._timeout = timeout

    async def items(self) -> list[WatchlistItem]:
        """Every movie and show on the watchlist, in plex.tv's order, all pages read."""
        found: dict[str, WatchlistItem] = {}
        start = 0
        while start < MAX_ITEMS:
            container = await self._page(start)
            metadata = container.get("Metadata")
            page = metadata if isinstance(metadata, list) else []
            for raw in page:
                item = _item(raw)
                if item is not None:
                    found.setdefault(item.key, item)
            total = container.get("totalSize")
            start += len(page)
            if not page or not isinstance(total, int) or start >= total:
                break
        _LOGGER.debug("The Plex watchlist holds %d movies and shows", len(found))
        return list(found.values())

    async def _page(self, start: int) -> dict[str, Any]:
        headers = {
            **self._headers,
            "X-Plex-Container-Start": str(start),
            "X-Plex-Container-Size": str(PAGE),
        }
        params = {"includeCollections": "1", "includeExternalMedia": "1", "includeGuids": "1"}
        try:
            async with self._session.get(
                f"{self._url}{PATH}",
                params=params,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self._timeout),
            ) as response:
                if response.status in (401, 403):
                    raise AuthenticationError(SERVICE, "the Plex token was refused")
                if response.status >= 400:
                    raise ServiceUnavailableError(SERVICE, f"HTTP {response.status}")
                body = await response.read()
        except aiohttp.ClientError as err:
            raise ServiceUnavailableError(SERVICE, type(err).__name__) from None
        except TimeoutError:
            raise ServiceTimeoutError(SERVICE) from None
        try:
            answer = json.loads(body)
        except ValueError:
            raise ServiceUnavailableError(SERVICE, "the answer was not valid JSON") from None
        container = answer.get("MediaContainer") if isinstance(answer, dict) else None
        if not isinstance(container, dict):
            raise ServiceUnavailableError(SERVICE, "unexpected watchlist")
        return container
