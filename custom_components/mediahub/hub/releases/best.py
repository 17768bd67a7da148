"""grab_best: search, pick the best release that passes the profile, grab it; fall over to the
next-best when the file check refuses it; replace it when the lifecycle announces it dead
(`lifecycle.dead`; see docs/releases.md)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
import logging
from typing import Any, Final

from ..errors import MediaHubError
from ..events import DownloadReplaced, EventBus
from ..library.marks import AlreadyInPlexError, Marks, Offer
from ..lifecycle.dead import DeadDownload, DeadDownloads
from ..lifecycle.downloads import Downloads
from ..lifecycle.guard import ReleaseRefusedError
from ..lifecycle.store import GrabRecord
from ..models import NEWZNAB_BY_CATEGORY, GrabResult, Origin
from .pick import NoAcceptableReleaseError, pick, wanted
from .profile import checked, default_profile
from .profiles import ProfileStore
from .score import Assessment, assess
from .search import SearchService

_LOGGER = logging.getLogger(__name__)

MAX_FALLBACKS: Final = 3  # releases the file check may refuse before grab_best gives up
MAX_REPLACEMENTS: Final = 2  # dead downloads replaced for one wish


@dataclass(frozen=True, slots=True)
class BestGrab:
    """What `grab_best` chose, and the grab it made."""

    choice: Assessment
    result: GrabResult


class BestGrabs:
    """grab_best, and the replacement of what it chose when that dies."""

    def __init__(
        self,
        search: SearchService,
        profiles: ProfileStore,
        downloads: Downloads,
        events: EventBus,
        *,
        dead: DeadDownloads,
        marks: Callable[[Assessment], Marks] = lambda _a: Marks(),
    ) -> None:
        self._marks = marks
        self._search = search
        self._profiles = profiles
        self._downloads = downloads
        self._events = events
        dead.subscribe(self._on_dead)

    async def grab(
        self,
        query: str,
        category: str | None = None,
        *,
        overrides: Mapping[str, Any] | None = None,
        season: int | None = None,
        origin: Origin,
        tried: Sequence[str] = (),
        replaces: Sequence[Mapping[str, str]] = (),
    ) -> BestGrab:
        """Search, and grab the best release that passes the category's profile (with
        `overrides` laid over it). A release the file-list guard refuses falls over to the
        next-best. Raises the pick's errors when none passes or the title is ambiguous.
        `tried`: releases (infohashes, titles) not to pick again."""
        categories = [NEWZNAB_BY_CATEGORY[category]] if category else []
        outcome = await self._search.search_all(query, categories)
        assessments = list(outcome.assessments.values())
        if overrides:
            profiles = {n: checked(p, overrides) for n, p in (await self._profiles.all()).items()}
            other = checked(default_profile(None), overrides)
            assessments = [
                assess(a.release, a.quality, profiles.get(a.release.category or "", other))
                for a in assessments
            ]
        excluded = set(tried)
        want = wanted(query, season)
        for _ in range(MAX_FALLBACKS + 1):
            choice = pick(
                [
                    a
                    for a in assessments
                    if a.release.title not in excluded and a.release.infohash not in excluded
                ],
                want,
            )
            wish = {
                "query": query,
                "category": category,
                "season": season,
                "overrides": dict(overrides or {}),
                "tried": sorted(excluded | {choice.release.title}),
                "replaces": list(replaces),
            }
            found = self._marks(choice)
            if not replaces and found.in_plex is not None and found.covers(choice):
                # Asked for by name, by voice or an automation: what Plex has is the answer,
                # with the release it would have been, should the person want it anyway.
                raise AlreadyInPlexError(found.in_plex, Offer(choice, category, wish))
            try:
                result = await self._downloads.grab(
                    choice.release.id, category, origin=origin, wanted=wish
                )
            except ReleaseRefusedError:
                excluded.add(choice.release.title)
                continue
            return BestGrab(choice, result)
        raise NoAcceptableReleaseError.files_refused(want.title)

    async def take(self, offer: Offer, *, origin: Origin) -> BestGrab:
        """Grab what grab_best offered instead of a copy Plex has ("download it anyway")."""
        result = await self._downloads.grab(
            offer.choice.release.id, offer.category, origin=origin, wanted=dict(offer.wanted)
        )
        return BestGrab(offer.choice, result)

    async def _on_dead(self, dead: DeadDownload) -> None:
        """A dead download is replaced when grab_best chose it: its record keeps the wish."""
        if dead.grab.wanted is not None:
            await self.replace(dead.infohash, dead.grab, dead.reason)

    async def replace(self, infohash: str, record: GrabRecord, reason: str) -> None:
        """A dead (or, after its file check, refused) download grab_best chose: grab the
        next-best, then remove the dead one and its files (at most MAX_REPLACEMENTS times for
        one wish)."""
        wish = record.wanted or {}
        replaces = [dict(r) for r in wish.get("replaces", []) if isinstance(r, dict)]
        if len(replaces) >= MAX_REPLACEMENTS:
            _LOGGER.info("%s is dead (%s); replaced twice already", record.name, reason)
            return
        try:
            best = await self.grab(
                str(wish.get("query", "")),
                wish.get("category"),
                overrides=wish.get("overrides") or None,
                season=wish.get("season"),
                origin=Origin(record.origin) if record.origin in Origin else Origin.ACTION,
                tried=[*wish.get("tried", []), infohash],
                replaces=[*replaces, {"hash": infohash, "name": record.name, "reason": reason}],
            )
            if infohash in self._downloads.model.torrents:  # a refused one is gone already
                await self._downloads.remove(infohash, delete_files=True)
        except MediaHubError as err:
            _LOGGER.warning("%s is dead (%s) and was not replaced: %s", record.name, reason, err)
            return
        old = GrabResult(infohash, record.name, record.category, queued=False)
        self._events.emit(DownloadReplaced(old, best.result, reason, best.choice.summary))
