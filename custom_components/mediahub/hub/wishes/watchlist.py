"""The owner's Plex watchlist becomes wishes: a show is followed, a movie wanted.

Each watchlist item is wished once: a wish that came from it (its `source_key`, open or ended)
is never made again, so ending such a wish in MediaHub sticks while the item stays on the
watchlist; an item an open wish already wanted (MadeWish.joined) is not offered again by this
process. What the wish list refuses (a movie already in Plex, an ambiguous title, a full
list) is logged at debug level and tried again only after `retry_after` seconds, since each
try searches the indexers.
"""

from __future__ import annotations

from collections.abc import Callable
import logging
import time
from typing import Final

from ..clients.plextv import PlexWatchlist, WatchlistItem
from ..errors import InvalidInputError
from .book import WishBook, WishRequest
from .model import WishKind

_LOGGER = logging.getLogger(__name__)

ASKED_BY: Final = "watchlist"
RETRY_REFUSED: Final = 24 * 3600.0  # seconds before a refused item is offered again


class WatchlistSync:
    """Makes a wish for each watchlist item not wished yet."""

    def __init__(
        self,
        watchlist: PlexWatchlist,
        book: WishBook,
        *,
        retry_after: float = RETRY_REFUSED,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._watchlist = watchlist
        self._book = book
        self._retry_after = retry_after
        self._clock = clock
        self._refused: dict[str, float] = {}  # watchlist key → when the wish list refused it
        # Keys whose item an open wish made otherwise already wanted (it carries no source_key).
        self._joined: set[str] = set()

    async def sync(self) -> int:
        """Read the watchlist and make the wishes it adds; how many were made.

        A refused item never raises; the watchlist's errors (AuthenticationError,
        ServiceUnavailableError, ServiceTimeoutError) and the wish store's (Prowlarr away)
        do: nothing is lost, the next sync tries again.
        """
        items = await self._watchlist.items()
        wished = {w.source_key for w in await self._book.all() if w.source_key}
        now = self._clock()
        made = 0
        for item in items:
            if item.key in wished or item.key in self._joined:
                continue
            refused_at = self._refused.get(item.key)
            if refused_at is not None and now - refused_at < self._retry_after:
                continue
            try:
                result = await self._book.make(_request(item), asked_by=ASKED_BY)
            except InvalidInputError as err:  # already in Plex, ambiguous, too many wishes
                self._refused[item.key] = now
                _LOGGER.debug(
                    "Not wished from the watchlist: %s (%s): %s", item.title, item.key, err
                )
                continue
            self._refused.pop(item.key, None)
            if result.joined:
                self._joined.add(item.key)
                _LOGGER.debug("%s from the watchlist is wished already", item.title)
                continue
            wished.add(item.key)
            made += 1
        if made:
            _LOGGER.info("The Plex watchlist made %d wishes", made)
        return made


def _request(item: WatchlistItem) -> WishRequest:
    if item.kind == "show":
        # A show's release names rarely carry its year: searching "Title Year" would miss its
        # episodes, and the follow would not learn which episode is out now.
        return WishRequest(item.title, kind=WishKind.FOLLOW, category="tv", source_key=item.key)
    return WishRequest(
        item.title, kind=WishKind.WANT, category="movies", year=item.year, source_key=item.key
    )
