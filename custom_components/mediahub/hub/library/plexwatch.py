"""Keeping the library index current: Plex's websocket first, its recently-added list after.

The websocket (`plexwebsocket`, the package Home Assistant's Plex integration uses) says which
item Plex created, finished or deleted, and when a scan ends; the next poll (which a host runs
at once: `on_change`) reads just those items. Its timeline entries, as Plex sends them (and
Tautulli reads them, plexpy/activity_handler.py): `{"NotificationContainer": {"type":
"timeline", "TimelineEntry": [{"itemID": "…", "sectionID": "1", "type": 1, "state": 5,
"metadataState": …}]}}` with type 1 a movie and 4 an episode, state 0 created, 5 done
processing, 9 deleted. Its activities: `{"type": "activity", "ActivityNotification":
[{"event": "ended", "Activity": {"type": "library.update.section", "Context":
{"librarySectionID": "1"}, …}}]}`, a section's scan (a partial one too) started or ended.

Plex lists an item with its file from its creation, in the scan; its metadata (the agent's
match, the poster) comes later, with state 5. So the items a scan created are read as soon as
the scan ends: a download is confirmed then, not after its metadata (the item is read again at
state 5). A scan that ended with no creation heard has its section's newest items read instead.

When the websocket is down and a scanned download is waiting to be confirmed, each section's
newest items are read instead (every `RECENT_EVERY` seconds; every `IDLE_RECENT_EVERY` as a
safety net otherwise): never the whole library, which is read once, at start.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
import logging
import re
from typing import Any, Final

import aiohttp
from plexwebsocket import SIGNAL_CONNECTION_STATE, STATE_CONNECTED, PlexWebsocket

from ..clients.plex import EPISODE, MOVIE, PAGE, PlexClient
from ..errors import MediaHubError
from ..models import LibraryItem
from .index import LibraryIndex

_LOGGER = logging.getLogger(__name__)

RECENT_EVERY: Final = 15.0  # seconds between recently-added reads when they are needed
IDLE_RECENT_EVERY: Final = 300.0  # and when nothing waits, as a safety net
RECENT_SIZE: Final = 50  # the newest items read from each section then
RETRY_AFTER: Final = 30.0  # seconds before asking a failing Plex again
KINDS: Final = {"movie": MOVIE, "show": EPISODE}  # the sections indexed, by Plex's type
NEWEST_AFTER_SCAN: Final = 10  # a section's newest items read when its scan ended unheard
SCAN: Final = "library.update.section"  # the activity of a section's (or a folder's) scan
_CREATED, _DONE, _DELETED = 0, 5, 9
_TOKEN: Final = re.compile(r"(X-Plex-Token=)[^&\s'\"]+")


class _RedactToken(logging.Filter):
    """plexwebsocket logs aiohttp's errors, whose text holds the URL with the token."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _TOKEN.sub(r"\1…", str(record.msg))
        # Text is redacted; numbers stay numbers, for the message's %d.
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(a) for a in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {k: _redacted(v) for k, v in record.args.items()}
        return True


def _redacted(arg: object) -> object:
    return arg if isinstance(arg, int | float) else _TOKEN.sub(r"\1…", str(arg))


logging.getLogger("plexwebsocket").addFilter(_RedactToken())


class _Server:
    """What plexwebsocket asks of a plexapi server (its URL), without a blocking connect."""

    def __init__(self, url: str, token: str) -> None:
        self._url = url.rstrip("/")
        self._token = token

    def url(self, path: str, includeToken: bool = False) -> str:  # noqa: N803 (plexapi's name)
        joined = f"{self._url}{path}"
        return f"{joined}?X-Plex-Token={self._token}" if includeToken else joined


class PlexWatch:
    """The library index, and the changes to it Plex announced since the last poll."""

    def __init__(
        self,
        plex: PlexClient,
        index: LibraryIndex,
        *,
        url: str,
        token: str,
        wall_clock: Callable[[], float],
    ) -> None:
        self._plex = plex
        self.index = index
        self._url = url
        self._token = token
        self._now = wall_clock
        self._changed: set[str] = set()  # item keys Plex created or finished
        self._deleted: set[str] = set()
        self._created: dict[str, set[str]] = {}  # section → items created by its running scan
        self._scanned: set[str] = set()  # sections whose scan ended with no creation heard
        self._kinds: dict[str, int] = {}  # section key → the item type it holds (MOVIE, EPISODE)
        self._recent_at = 0.0
        self._retry_at = 0.0  # Plex failed: not asked again before this
        self.connected = False  # the websocket is up
        self.machine_identifier: str | None = None  # for play links, read with the library
        self.sections: dict[str, str] = {}  # section key → title
        # Set by a host: Plex announced a change (poll soon, to confirm downloads sooner).
        self.on_change: Callable[[], None] | None = None
        self._socket: PlexWebsocket | None = None

    # --- the websocket ---------------------------------------------------------------------

    async def listen(self, session: aiohttp.ClientSession) -> None:
        """Listen to Plex until `close` (plexwebsocket reconnects on its own)."""
        self._socket = PlexWebsocket(
            _Server(self._url, self._token),
            self._on_message,
            subscriptions=["timeline", "activity"],
            session=session,
        )
        try:
            await self._socket.listen()
        except Exception:  # the newest items still keep the index current; say why, once
            _LOGGER.warning("Plex's websocket stopped; reading Plex's newest items instead")
            _LOGGER.debug("Plex's websocket failed", exc_info=True)
        finally:
            self.connected = False

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()

    def _on_message(self, kind: str, data: Any, _error: str | None) -> None:
        if kind == SIGNAL_CONNECTION_STATE:
            self.connected = data == STATE_CONNECTED
            return
        if kind == "activity":
            self._on_activity(data)
            return
        for entry in data.get("TimelineEntry", ()) if kind == "timeline" else ():
            if entry.get("type") not in (MOVIE, EPISODE) or not entry.get("itemID"):
                continue
            key = str(entry["itemID"])
            state = entry.get("state")
            if state == _CREATED:  # read when its scan ends (see the module's docstring)
                self._created.setdefault(str(entry.get("sectionID")), set()).add(key)
                continue
            if state == _DELETED:
                self._deleted.add(key)
                self._changed.discard(key)
            elif state == _DONE:
                self._changed.add(key)
            else:
                continue
            self._announce()

    def _on_activity(self, data: Any) -> None:
        for notification in data.get("ActivityNotification", ()):
            activity = notification.get("Activity") or {}
            if notification.get("event") != "ended" or activity.get("type") != SCAN:
                continue
            section = str((activity.get("Context") or {}).get("librarySectionID", ""))
            created = self._created.pop(section, set())
            if created:
                self._changed |= created
            elif section in self._kinds:
                self._scanned.add(section)
            self._announce()

    def _announce(self) -> None:
        if self.on_change is not None:
            self.on_change()

    # --- one poll ----------------------------------------------------------------------------

    async def refresh(self, *, waiting: bool) -> bool:
        """Bring the index up to date; True when it changed. `waiting`: a scanned download
        waits to be confirmed, so recently added items are read often without the
        websocket's word. Raises the engine's errors when Plex fails (then waits a while)."""
        now = self._now()
        if now < self._retry_at:
            return False
        try:
            return await self._refresh(now, waiting=waiting)
        except MediaHubError:
            self._retry_at = now + RETRY_AFTER
            raise

    async def _refresh(self, now: float, *, waiting: bool) -> bool:
        changed = False
        if not self.index.loaded:
            await self.load()
            changed = True
        for key in sorted(self._deleted):
            self.index.remove(key)
            self._deleted.discard(key)
            changed = True
        for key in sorted(self._changed):
            item = await self._plex.item(key)
            self._changed.discard(key)
            if item is None:
                self.index.remove(key)
            else:
                self.index.add(item)
            changed = True
        for section in sorted(self._scanned):
            self._scanned.discard(section)
            if (kind := self._kinds.get(section)) is None:
                continue  # a library removed since its scan
            newest = await self._plex.section_items(
                section, kind, size=NEWEST_AFTER_SCAN, newest_first=True
            )
            changed |= self._took(newest)
        every = RECENT_EVERY if waiting and not self.connected else IDLE_RECENT_EVERY
        if now - self._recent_at >= every:
            self._recent_at = now
            for library in await self._plex.libraries():
                kind = KINDS.get(library.type)
                if kind is None:
                    continue
                newest = await self._plex.section_items(
                    library.key, kind, size=RECENT_SIZE, newest_first=True
                )
                changed |= self._took(newest)
        return changed

    def _took(self, items: list[LibraryItem]) -> bool:
        """Index what is new or changed among items read; True if anything was."""
        changed = False
        for item in items:
            if self.index.get(item.key) != item:
                self.index.add(item)
                changed = True
        return changed

    async def load(self) -> None:
        """Read every movie and show section whole, a page at a time (once, at start)."""
        self.machine_identifier = (await self._plex.identity()).machine_identifier
        libraries = await self._plex.libraries()
        self.sections = {library.key: library.title for library in libraries}
        self._kinds = {lib.key: KINDS[lib.type] for lib in libraries if lib.type in KINDS}
        for library in libraries:
            kind = KINDS.get(library.type)
            if kind is None:
                continue
            start = 0
            while True:
                page = await self._plex.section_items(library.key, kind, start, PAGE)
                for item in page:
                    self.index.add(item)
                start += len(page)
                if len(page) < PAGE:
                    break
        self.index.loaded = True
        self._recent_at = self._now()
        _LOGGER.info("Read Plex's library: %d movies and episodes", len(self.index))
