"""The wish list's operations: make a wish (understood, and asked back when ambiguous), end one,
forget one, read them all. The watcher (`watch.py`) fulfils them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
import logging
import time
from typing import Final

from ..errors import InvalidInputError, MediaHubError
from ..events import EventBus, RequestDecided, WishEnded, WishesChanged, WishMade
from ..library.index import LibraryIndex
from ..library.marks import AlreadyInPlexError
from ..models import NEWZNAB_BY_CATEGORY
from ..releases.pick import AmbiguousTitleError, normalized, wanted
from ..releases.profiles import ProfileStore
from ..releases.score import Assessment
from ..releases.search import SearchService
from .judge import given_its_due, parse_picture, picture_of
from .model import Happened, Happening, Wish, WishKind, WishState
from .rules import WEEK, RulesStore
from .store import WishStore
from .watch import WishWatch, ordered

_LOGGER = logging.getLogger(__name__)

CATEGORIES: Final = ("movies", "tv")
MAX_OPEN: Final = 500  # open wishes a household may have (each is judged every cycle)


@dataclass(frozen=True, slots=True)
class WishRequest:
    """What a person asked for, before it is understood."""

    title: str
    kind: WishKind | None = None  # None: follow for a show, want for a movie or a season
    category: str | None = None  # None: read from what the indexers have
    year: int | None = None
    season: int | None = None
    seasons: tuple[int, ...] = ()
    backfill: bool = False
    plex_key: str | None = None  # upgrade: the item (else found by title)
    source_key: str | None = None  # the Plex watchlist item it comes from


@dataclass(frozen=True, slots=True)
class Asker:
    """Who makes a wish: an administrator's start at once, anyone else's are requests."""

    name: str  # a Home Assistant user's name, or how they asked: "panel", "voice", ...
    user_id: str | None = None
    admin: bool = True


@dataclass(frozen=True, slots=True)
class MadeWish:
    wish: Wish
    joined: bool  # an open wish already wanted the same thing: that one is the answer


class WishBook:
    """The household's one wish list."""

    def __init__(
        self,
        *,
        store: WishStore,
        watch: WishWatch,
        search: SearchService,
        profiles: ProfileStore,
        library: LibraryIndex,
        events: EventBus,
        rules: RulesStore,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.rules = rules
        self._store = store
        self._watch = watch
        self._search = search
        self._profiles = profiles
        self._library = library
        self._events = events
        self._clock = clock

    async def all(self) -> tuple[Wish, ...]:
        """Every wish, newest first (the last known while Prowlarr is away)."""
        return ordered((await self._store.all()).values())

    async def get(self, wish_id: int) -> Wish:
        found = (await self._store.all()).get(wish_id)
        if found is None:
            raise InvalidInputError(
                "unknown_wish", f"there is no wish {wish_id}", values={"wish": str(wish_id)}
            )
        return found

    async def find(self, title: str, *, waiting: bool = False) -> Wish:
        """The wish a person names ("stop following Severance"): an open one, or a request
        waiting for approval ("approve Frozen")."""
        said = normalized(wanted(title).title)
        live = [w for w in await self.all() if w.state.live]
        matches: list[Wish] = []
        # A request first; else the wish of that name, which then says it waits for nothing.
        requests = [w for w in live if w.state is WishState.WAITING]
        for candidates in [requests, live] if waiting else [live]:
            matches = [w for w in candidates if normalized(w.title) == said]
            if not matches:
                matches = [w for w in candidates if said and said in normalized(w.title)]
            if matches:
                break
        if len(matches) > 1:
            raise AmbiguousTitleError([w.label for w in matches])
        if not matches:
            raise InvalidInputError(
                "unknown_wish", f"nothing wished is called {title!r}", values={"wish": title}
            )
        return matches[0]

    async def make(self, request: WishRequest, asked_by: Asker | str) -> MadeWish:
        """Understand a wish and keep it; raises InvalidInputError (translated) for what cannot
        be wished: an empty title, a movie Plex has, an ambiguous title, an upgrade of
        something Plex does not hold or holds at its cutoff, a request over its asker's quota.
        A wish of someone who does not administer MediaHub is a request: it waits for an
        administrator unless a rule approves it."""
        asker = Asker(asked_by) if isinstance(asked_by, str) else asked_by
        asked_by = asker.name
        said = wanted(request.title, request.season)
        title = said.title.strip()
        if not title:
            raise InvalidInputError(
                "invalid_wish", "say what to wish for", values={"field": "title"}
            )
        year = request.year or said.year
        season = request.season if request.season is not None else said.season
        category = request.category
        if category is not None and category not in CATEGORIES:
            raise InvalidInputError(
                "unknown_category",
                f"unknown category {category!r}: use movies or tv",
                values={"category": category, "choices": ", ".join(CATEGORIES)},
            )
        kind = request.kind
        if kind is WishKind.UPGRADE:
            return await self._keep(await self._upgrade(request, title, year, asker), asker)
        if kind is WishKind.FOLLOW and category == "movies":
            raise InvalidInputError(
                "invalid_wish", "only a show can be followed", values={"field": "kind"}
            )
        if kind is WishKind.FOLLOW or season is not None or request.seasons:
            category = "tv"
        found = await self._found(title, year, category)
        if found:
            title, year = found[0]
            releases = found[1]
        else:
            releases = []
        if category is None:
            category = _category_of(releases) or ("tv" if kind is WishKind.FOLLOW else "movies")
        if kind is None:
            kind = WishKind.FOLLOW if category == "tv" and season is None else WishKind.WANT
        if kind is WishKind.FOLLOW and category != "tv":
            raise InvalidInputError(
                "invalid_wish", "only a show can be followed", values={"field": "kind"}
            )
        if kind is WishKind.WANT:
            self._not_in_plex(title, year, season, category)
        now = self._clock()
        wish = Wish(
            kind=kind,
            title=title,
            category=category,
            asked_by=asked_by,
            created_at=now,
            year=year if category == "movies" else None,
            season=season if kind is WishKind.WANT else None,
            seasons=tuple(sorted(set(request.seasons))) if kind is WishKind.FOLLOW else (),
            backfill=request.backfill and kind is WishKind.FOLLOW,
            after=self._newest_episode(title, releases) if kind is WishKind.FOLLOW else None,
            search_due=now,
            source_key=request.source_key,
            asked_by_id=asker.user_id,
            history=(Happening(now, Happened.MADE, reason=asked_by),),
        )
        return await self._keep(wish, asker)

    async def _keep(self, wish: Wish, asker: Asker) -> MadeWish:
        for existing in await self.all():
            if existing.state.live and _same_thing(existing, wish):
                return await self._join(existing, asker)
        if not asker.admin:
            rules = await self.rules.get()
            if not rules.approves(wish):
                self._within_quota(wish, rules.quota_of(wish))
                wish = replace(wish, state=WishState.WAITING)
        if sum(1 for w in self._store.known.values() if w.state.live) >= MAX_OPEN:
            raise InvalidInputError(
                "too_many_wishes", "end some wishes first", values={"limit": str(MAX_OPEN)}
            )
        stored = await self._store.create(wish)
        _LOGGER.info(
            "Wished for %s (%s, asked by %s, %s)",
            stored.label,
            stored.kind,
            asker.name,
            stored.state,
        )
        self._events.emit(WishMade(stored))
        self._changed()
        if stored.state.open:
            self._watch.wake()
        return MadeWish(stored, joined=False)

    async def _join(self, existing: Wish, asker: Asker) -> MadeWish:
        """Someone asks for what a wish already wants: they are told too when it is ready;
        an administrator asking for a waiting request approves it."""
        joined = existing
        if asker.name not in existing.askers:
            now = self._clock()
            joined = replace(existing, also_asked=(*existing.also_asked, asker.name)).happened(
                Happening(now, Happened.JOINED, reason=asker.name)
            )
            if await self._store.save(joined):
                self._changed()
        if joined.state is WishState.WAITING and asker.admin:
            joined = await self.approve(joined, asker)
        self._events.emit(WishMade(joined, joined=True))
        return MadeWish(joined, joined=True)

    def _within_quota(self, wish: Wish, quota: int) -> None:
        """A person's requests of the last seven days, still waiting or watched, are at most
        their quota."""
        since = self._clock() - WEEK
        theirs = [
            w
            for w in self._store.known.values()
            if w.state.live
            and w.created_at >= since
            and (
                w.asked_by_id == wish.asked_by_id
                if wish.asked_by_id is not None
                else w.asked_by == wish.asked_by
            )
        ]
        if len(theirs) >= quota:
            raise InvalidInputError(
                "request_quota",
                f"{wish.asked_by} has made {len(theirs)} requests this week (at most {quota})",
                values={"who": wish.asked_by, "limit": str(quota)},
            )

    async def approve(self, wish: Wish, by: Asker) -> Wish:
        """An administrator approves a waiting request: it is watched from now on."""
        self._decidable(wish, by)
        now = self._clock()
        approved = replace(wish, state=WishState.WANTED, search_due=now).happened(
            Happening(now, Happened.APPROVED, by=by.name)
        )
        await self._save(approved)
        _LOGGER.info("Request %s approved by %s", wish.label, by.name)
        self._events.emit(RequestDecided(approved, approved=True, by=by.name))
        self._changed()
        self._watch.wake()
        return approved

    async def decline(self, wish: Wish, by: Asker, reason: str | None = None) -> Wish:
        """An administrator declines a waiting request, saying why (or not)."""
        self._decidable(wish, by)
        now = self._clock()
        declined = replace(wish, state=WishState.DECLINED).happened(
            Happening(now, Happened.DECLINED, reason=reason, by=by.name)
        )
        await self._save(declined)
        _LOGGER.info("Request %s declined by %s", wish.label, by.name)
        self._events.emit(RequestDecided(declined, approved=False, by=by.name, reason=reason))
        self._changed()
        return declined

    @staticmethod
    def _decidable(wish: Wish, by: Asker) -> None:
        if not by.admin:
            raise InvalidInputError(
                "not_an_administrator",
                "only an administrator decides on requests",
                values={"who": by.name},
            )
        if wish.state is not WishState.WAITING:
            raise InvalidInputError(
                "not_waiting",
                f"{wish.label} is not waiting for approval (it is {wish.state})",
                values={"wish": wish.label, "state": wish.state.value},
            )
        if by.user_id is not None and by.user_id == wish.asked_by_id:
            raise InvalidInputError(
                "own_request",
                "a request is decided by another administrator than the one who made it",
                values={"wish": wish.label},
            )

    async def _save(self, wish: Wish) -> None:
        if not await self._store.save(wish):
            raise InvalidInputError(
                "unknown_wish", f"there is no wish {wish.id}", values={"wish": str(wish.id)}
            )

    async def end(self, wish: Wish, by: str) -> Wish:
        """End a wish (it stays in the history). Ending an ended wish changes nothing."""
        if not wish.state.live and wish.kind is not WishKind.FOLLOW:
            return wish
        if wish.state in (WishState.DONE, WishState.DECLINED):
            return wish
        now = self._clock()
        ended = replace(wish, state=WishState.DONE).happened(
            Happening(now, Happened.ENDED, reason=by)
        )
        await self._save(ended)
        self._events.emit(WishEnded(ended, "ended"))
        self._changed()
        return ended

    async def forget(self, wish: Wish) -> None:
        """Remove a wish and its history."""
        await self._store.delete(wish.id)
        self._events.emit(WishEnded(wish, "forgotten"))
        self._changed()

    def _changed(self) -> None:
        self._events.emit(WishesChanged(ordered(self._store.known.values())))

    # --- understanding ------------------------------------------------------------------

    async def _found(
        self, title: str, year: int | None, category: str | None
    ) -> tuple[tuple[str, int | None], list[Assessment]] | None:
        """The title as the indexers spell it, and its releases; asks back (AmbiguousTitle)
        when several titles or years answer to the words and no year was said. None when
        nothing is out yet ("when it is out") or the indexers are away."""
        categories = [NEWZNAB_BY_CATEGORY[category]] if category else []
        try:
            outcome = await self._search.search_all(
                title if year is None else f"{title} {year}", categories
            )
        except MediaHubError as err:
            _LOGGER.info("Searched nothing for the wish %s: %s", title, err)
            return None
        said = normalized(title)
        releases = [a for a in outcome.assessments.values() if normalized(a.quality.title) == said]
        if year is not None:
            releases = [
                a for a in releases if a.quality.year in (None, year) or a.quality.kind == "episode"
            ]
        if not releases:
            return None
        movies = {a.quality.year for a in releases if a.quality.kind == "movie" and a.quality.year}
        if year is None and len(movies) > 1 and all(a.quality.kind == "movie" for a in releases):
            spelled = Counter(a.quality.title for a in releases).most_common(1)[0][0]
            raise AmbiguousTitleError([f"{spelled} ({y})" for y in sorted(movies)])
        spelled = Counter(a.quality.title for a in releases).most_common(1)[0][0]
        found_year = year or (next(iter(movies)) if len(movies) == 1 else None)
        return (spelled, found_year), releases

    def _newest_episode(self, title: str, releases: list[Assessment]) -> tuple[int, int] | None:
        """The newest episode out now (in the indexers' releases or in Plex): following
        wants only what comes after it."""
        out = [
            (a.quality.seasons[0], max(a.quality.episodes))
            for a in releases
            if a.quality.kind == "episode" and a.quality.seasons and a.quality.episodes
        ]
        out.extend(
            (item.season, item.episode)
            for item in self._library.items()
            if item.type == "episode"
            and item.show is not None
            and normalized(item.show) == normalized(title)
            and item.season is not None
            and item.episode is not None
        )
        return max(out) if out else None

    def _not_in_plex(self, title: str, year: int | None, season: int | None, category: str) -> None:
        if category == "movies":
            found = self._library.movie(title, year)
            if found is not None:
                raise AlreadyInPlexError(found)
        elif season is not None and (items := self._library.season(title, season)):
            found = self._library.episode(title, season, items[0].episode or 0)
            if found is not None:
                raise AlreadyInPlexError(found)

    async def _upgrade(
        self, request: WishRequest, title: str, year: int | None, asker: Asker
    ) -> Wish:
        """An upgrade of what Plex holds, below its category's cutoff."""
        item = self._library.get(request.plex_key) if request.plex_key else None
        if item is None and not request.plex_key:
            found = self._library.movie(title, year)
            item = found.item if found else None
        if item is None:
            raise InvalidInputError(
                "not_in_plex", f"Plex has no {title}", values={"title": request.title}
            )
        category = "tv" if item.type == "episode" else "movies"
        profile = await self._profiles.get(category)
        current = picture_of(item.resolution, item.files)
        if not profile.cutoff or given_its_due(parse_picture(current)) >= parse_picture(
            profile.cutoff
        ):
            raise InvalidInputError(
                "at_cutoff",
                f"{item.label} is already {current or 'good enough'} (cutoff {profile.cutoff})",
                values={"title": item.label, "quality": current, "cutoff": profile.cutoff},
            )
        now = self._clock()
        return Wish(
            kind=WishKind.UPGRADE,
            title=item.show or item.title if item.type == "episode" else item.title,
            category=category,
            asked_by=asker.name,
            created_at=now,
            year=item.year if item.type == "movie" else None,
            plex_key=item.key,
            current=current,
            search_due=now,
            asked_by_id=asker.user_id,
            history=(Happening(now, Happened.MADE, reason=asker.name),),
            extra={"old_files": list(item.files), "item": item.label},
        )


def _category_of(releases: list[Assessment]) -> str | None:
    counted = Counter(a.release.category for a in releases if a.release.category in CATEGORIES)
    return counted.most_common(1)[0][0] if counted else None


def _same_thing(first: Wish, second: Wish) -> bool:
    return (
        first.kind is second.kind
        and normalized(first.title) == normalized(second.title)
        and first.year == second.year
        and first.season == second.season
        and first.plex_key == second.plex_key
    )
