"""The watcher: on an interval, the indexers' newest releases judged against the open wishes,
the best acceptable one grabbed, once.

One cycle, in whichever process holds the watch claim (a qBittorrent category created with its
one compare-and-set, `lifecycle.claims`; the other processes skip the cycle):

1. the wishes, read from Prowlarr (`store`), and what each holds, read from qBittorrent now:
   every grab made for a wish carries the tag `mediahub:wish:<id>:<item>`, so a grab made by a
   process that died before writing it down is still known, and never made twice;
2. follow-up: what a wish grabbed and Plex now lists is announced (ready to watch); an
   upgrade's old copy is removed once the new one is in Plex;
3. the newest releases (Prowlarr's RSS search), plus a direct search for wishes whose backoff
   is due (hourly for a week, then daily), judged (`judge`), the best grabbed (delivered now or
   not at all: a grab never waits in this process's outbox for another process to repeat);
4. the wishes written back, the claim released.

A process that dies holding the claim leaves it; the next takes it over after the claim
timeout (a newer generation), and step 1 finds whatever the dead one grabbed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
import contextlib
from dataclasses import dataclass, replace
import logging
import time
from typing import Final

from ..clients.maindata import split_tags
from ..clients.plex import PlexClient
from ..clients.qbittorrent import QbittorrentClient
from ..errors import InvalidInputError, MediaHubError
from ..events import EventBus, WishAvailable, WishEnded, WishesChanged, WishGrabbed
from ..library.index import LibraryIndex
from ..lifecycle.claims import Claims
from ..lifecycle.downloads import Downloads
from ..lifecycle.guard import ReleaseRefusedError
from ..lifecycle.tags import WATCH_KEY, WISH_PREFIX, ClaimStep, plex_key_of, wish_marks, wish_tag
from ..models import NEWZNAB_BY_CATEGORY, Origin
from ..releases.profiles import ProfileStore
from ..releases.score import Assessment
from ..releases.search import SearchService
from .judge import Prefilter, judge, same_title
from .model import Happened, Happening, Wish, WishKind, WishState
from .store import WishStore

_LOGGER = logging.getLogger(__name__)

HOUR: Final = 3600.0
DAY: Final = 24 * HOUR
WEEK: Final = 7 * DAY
SEARCHES_PER_CYCLE: Final = 10  # direct searches one cycle makes; the rest wait for the next


def next_search(created_at: float, now: float) -> float:
    """The backoff: hourly in a wish's first week, then daily."""
    return now + (HOUR if now - created_at < WEEK else DAY)


@dataclass(frozen=True, slots=True)
class Held:
    """A torrent grabbed for a wish, as qBittorrent has it now."""

    hash: str
    name: str
    plex_key: str | None  # its `mediahub:in-plex:` mark: Plex lists it


@dataclass(frozen=True, slots=True)
class CycleReport:
    """What one cycle did (the bench and the tests read it)."""

    ran: bool  # False: another process holds the watch claim
    wishes: int = 0
    releases: int = 0  # releases judged (newest and searched)
    searches: int = 0
    grabbed: tuple[str, ...] = ()  # the releases grabbed
    waiting: int = 0  # acceptable releases inside the delay


class WishWatch:
    """The watch cycle, and the loop that runs it on the interval (or sooner when woken)."""

    def __init__(
        self,
        *,
        store: WishStore,
        search: SearchService,
        profiles: ProfileStore,
        downloads: Downloads,
        library: LibraryIndex,
        claims: Claims,
        qbittorrent: QbittorrentClient,
        plex: PlexClient,
        events: EventBus,
        interval: float,
        delay: float = 0.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._search = search
        self._profiles = profiles
        self._downloads = downloads
        self._library = library
        self._claims = claims
        self._qbt = qbittorrent
        self._plex = plex
        self._events = events
        self.interval = interval
        self.delay = delay
        self._clock = clock
        self._wake = asyncio.Event()
        self._running = asyncio.Lock()  # the loop and "watch now" never run two cycles at once
        self.last: CycleReport | None = None
        # Runs first in each cycle this process watches (the Plex watchlist's sync): under the
        # watch claim, so two processes never make the same wish from one source at once.
        self.before_cycle: Callable[[], Awaitable[object]] | None = None

    def wake(self) -> None:
        """Run a cycle now (a wish was made: its first search should not wait)."""
        self._wake.set()

    async def run(self) -> None:
        """Cycles until cancelled: every `interval`, and when woken."""
        while True:
            self._wake.clear()
            try:
                await self.cycle()
            except MediaHubError as err:
                _LOGGER.info("Wishes not watched this time: %s", err)
            except Exception:
                _LOGGER.exception("The wishes' watch cycle failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)

    async def cycle(self) -> CycleReport:
        """One watch cycle (see the module's docstring); raises the clients' errors."""
        async with self._running:
            self.last = await self._cycle()
            return self.last

    async def _cycle(self) -> CycleReport:
        claim = await self._claims.take(ClaimStep.WATCH, WATCH_KEY)
        if claim is None:
            return CycleReport(ran=False)
        try:
            if self.before_cycle is not None:
                try:
                    await self.before_cycle()
                except MediaHubError as err:  # plex.tv away: the wishes already made still count
                    _LOGGER.info("Wishes not added before watching: %s", err)
            wishes = await self._store.load()
            held = await self._held()
            changed: dict[int, Wish] = {}
            for wish in wishes.values():
                followed = await self._follow_up(wish, held.get(wish.id, {}))
                if followed != wish:
                    changed[wish.id] = wishes[wish.id] = followed
            report = await self._watch(
                wishes, held, changed, claim_ok=lambda: self._claims.not_taken_over(claim)
            )
            if changed:
                await self._write_back(changed)
                self._events.emit(WishesChanged(ordered(self._store.known.values())))
            return report
        finally:
            await self._claims.release(ClaimStep.WATCH, WATCH_KEY, self._downloads.model.categories)

    async def _write_back(self, changed: Mapping[int, Wish]) -> None:
        """Save what this cycle changed. A person may have ended, forgotten or joined a wish
        while the cycle ran (the watch claim does not stop them): what they did is kept."""
        now_stored = await self._store.load()
        for wish in changed.values():
            stored = now_stored.get(wish.id)
            if stored is None:
                continue  # forgotten meanwhile
            theirs = [
                h
                for h in stored.history
                if h.what in (Happened.ENDED, Happened.JOINED) and h not in wish.history
            ]
            kept = replace(
                wish,
                state=WishState.DONE if stored.state is WishState.DONE else wish.state,
                also_asked=(
                    *wish.also_asked,
                    *(a for a in stored.also_asked if a not in wish.also_asked),
                ),
            )
            await self._store.save(kept.happened(*theirs) if theirs else kept)

    async def _held(self) -> dict[int, dict[str, Held]]:
        """What each wish holds in qBittorrent now: wish id → item → torrent (read now, not
        from the last poll: a process that took the claim over must see the dead one's
        grab)."""
        held: dict[int, dict[str, Held]] = {}
        for infohash, (name, tags) in (await self._qbt.tagged(WISH_PREFIX)).items():
            marks = split_tags(tags)
            for wish_id, item in wish_marks(marks):
                held.setdefault(wish_id, {})[item] = Held(infohash, name, plex_key_of(marks))
        return held

    async def _follow_up(self, wish: Wish, held: Mapping[str, Held]) -> Wish:
        """Record what the wish's grabs became: grabbed (when a process died before writing
        it), in Plex (announced once), an upgrade's old copy removed."""
        now = self._clock()
        recorded = wish.grabbed_items
        announced = {h.item for h in wish.history if h.what is Happened.AVAILABLE}
        for item, torrent in sorted(held.items()):
            if recorded.get(item) != torrent.hash:
                wish = wish.happened(
                    Happening(now, Happened.GRABBED, torrent.name, item, hash=torrent.hash)
                )
            if torrent.plex_key is None:
                continue
            if wish.kind is WishKind.UPGRADE:
                # Each cycle until the old copy is gone (Plex lists the new one beside it, and
                # lets MediaHub remove the old).
                if not any(h.what is Happened.REPLACED for h in wish.history):
                    wish = await self._replace_old(wish, torrent, item)
            elif item not in announced:
                wish = self._available(wish, torrent, item)
        if wish.kind is WishKind.WANT and wish.state.open:
            in_plex = any(h.what is Happened.AVAILABLE for h in wish.history)
            if not in_plex and not held and self._library_has(wish):
                wish = wish.happened(Happening(now, Happened.AVAILABLE, reason="in Plex"))
                in_plex = True
            state = (
                WishState.AVAILABLE
                if in_plex
                else (WishState.GRABBED if held else WishState.WANTED)
            )
            wish = replace(wish, state=state)
        if wish.kind is WishKind.UPGRADE and wish.state.open:
            wish = replace(wish, state=WishState.GRABBED if held else WishState.WANTED)
        return wish

    def _library_has(self, wish: Wish) -> bool:
        if wish.season is not None:
            return bool(self._library.season(wish.title, wish.season))
        return self._library.movie(wish.title, wish.year) is not None

    def _available(self, wish: Wish, torrent: Held, item: str) -> Wish:
        """Plex lists what the wish grabbed: said once, to whoever asked."""
        if any(h.what is Happened.AVAILABLE and h.item == item for h in wish.history):
            return wish
        wish = wish.happened(Happening(self._clock(), Happened.AVAILABLE, torrent.name, item))
        self._events.emit(WishAvailable(wish, item, torrent.plex_key))
        return wish

    async def _replace_old(self, wish: Wish, new: Held, item: str) -> Wish:
        """The new copy is in Plex: the old one goes (through Plex, which owns the file). Not
        before Plex lists the new copy as a copy of its own (the scan of a folder the old one
        is in says nothing of the new file). Refused (Plex's media deletion off) or Plex away:
        tried again next cycle, the reason kept once."""
        old_files = tuple(str(f) for f in wish.extra.get("old_files", ()))
        try:
            removed = await self._plex.delete_media(wish.plex_key or "", old_files)
        except InvalidInputError as err:  # Plex lists the new copy, and kept the old one
            return self._kept(self._available(wish, new, item), new, err.reason)
        except MediaHubError as err:
            return self._kept(wish, new, err.reason)
        if removed is None:
            return wish  # Plex does not list the new copy yet
        wish = self._available(wish, new, item).happened(
            Happening(self._clock(), Happened.REPLACED, new.name, reason=", ".join(removed) or None)
        )
        wish = replace(wish, state=WishState.DONE)
        self._events.emit(WishEnded(wish, "upgraded"))
        return wish

    def _kept(self, wish: Wish, new: Held, why: str) -> Wish:
        reason = f"old copy kept: {why}"
        if any(h.what is Happened.REFUSED and h.reason == reason for h in wish.history):
            return wish
        return wish.happened(Happening(self._clock(), Happened.REFUSED, new.name, reason=reason))

    async def _watch(
        self,
        wishes: dict[int, Wish],
        held: Mapping[int, Mapping[str, Held]],
        changed: dict[int, Wish],
        *,
        claim_ok: Callable[[], object],
    ) -> CycleReport:
        open_wishes = [w for w in wishes.values() if w.state.open]
        if not open_wishes:
            return CycleReport(ran=True, wishes=len(wishes))
        now = self._clock()
        categories = sorted({NEWZNAB_BY_CATEGORY[w.category] for w in open_wishes})
        assessments = await self._search.newest(categories, Prefilter(open_wishes))
        searches = 0
        due = [w for w in open_wishes if w.searched_directly and (w.search_due or 0) <= now]
        due.sort(key=lambda w: w.search_due or 0)
        for wish in due[:SEARCHES_PER_CYCLE]:
            found = await self._direct_search(wish)
            assessments += found
            searched = replace(
                wish, searched_at=now, search_due=next_search(wish.created_at, now)
            ).happened(Happening(now, Happened.SEARCHED, reason=f"{len(found)} releases"))
            changed[wish.id] = wishes[wish.id] = searched
        searches = len(due[:SEARCHES_PER_CYCLE])
        open_wishes = [w for w in wishes.values() if w.state.open]
        holdings = {w.id: set(held.get(w.id, {})) for w in open_wishes}
        tried = {
            w.id: {h.release for h in w.history if h.what is Happened.GRABBED} for w in open_wishes
        }
        profiles = await self._profiles.all()
        verdicts = judge(
            open_wishes,
            [a for a in assessments if not _tried(a, tried)],
            self._library,
            holdings,
            cutoffs={name: p.cutoff for name, p in profiles.items()},
            now=now,
            delay=self.delay,
        )
        for refusal in verdicts.refusals:
            wish = wishes[refusal.wish.id]
            title = refusal.assessment.release.title
            if any(h.what is Happened.REFUSED and h.release == title for h in wish.history):
                continue
            reasons = refusal.assessment.reasons
            wish = wish.happened(
                Happening(
                    now,
                    Happened.REFUSED,
                    title,
                    refusal.item,
                    "; ".join(r.text for r in reasons),
                    reasons=reasons,
                )
            )
            changed[wish.id] = wishes[wish.id] = wish
        grabbed = []
        for candidate in verdicts.grabs:
            if not await claim_ok():  # type: ignore[misc]
                _LOGGER.info("The watch claim was taken over; this cycle stops")
                break
            wish = wishes[candidate.wish.id]
            grab = await self._grab(wish, candidate.assessment, candidate.item)
            if grab is None:
                continue
            wish = grab
            grabbed.append(candidate.assessment.release.title)
            changed[wish.id] = wishes[wish.id] = wish
        return CycleReport(
            ran=True,
            wishes=len(wishes),
            releases=len(assessments),
            searches=searches,
            grabbed=tuple(grabbed),
            waiting=verdicts.waiting,
        )

    async def _direct_search(self, wish: Wish) -> list[Assessment]:
        query = (
            wish.title
            if wish.year is None or wish.category == "tv"
            else f"{wish.title} {wish.year}"
        )
        if wish.season is not None:
            query = f"{wish.title} S{wish.season:02d}"
        try:
            outcome = await self._search.search_all(query, [NEWZNAB_BY_CATEGORY[wish.category]])
        except MediaHubError as err:
            _LOGGER.info("The search for %s failed: %s", wish.label, err)
            return []
        return [a for a in outcome.assessments.values() if same_title(wish, a)]

    async def _grab(self, wish: Wish, assessment: Assessment, item: str) -> Wish | None:
        """Grab a release for a wish, tagged with what it covers; the wish with it recorded
        (None when qBittorrent or the file guard refused it)."""
        now = self._clock()
        release = assessment.release
        try:
            result = await self._downloads.grab(
                release.id,
                wish.category,
                origin=Origin.WISH,
                tags=(wish_tag(wish.id, item),),
                queue=False,
            )
        except ReleaseRefusedError as err:
            return wish.happened(Happening(now, Happened.REFUSED, release.title, item, err.reason))
        except MediaHubError as err:
            _LOGGER.info("%s was not grabbed for %s: %s", release.title, wish.label, err)
            return None
        wish = wish.happened(
            Happening(now, Happened.GRABBED, release.title, item, hash=result.hash)
        )
        if wish.kind is not WishKind.FOLLOW:
            wish = replace(wish, state=WishState.GRABBED)
        self._events.emit(WishGrabbed(wish, item, result, assessment.summary))
        return wish


def _tried(assessment: Assessment, tried: Mapping[int, set[str | None]]) -> bool:
    title = assessment.release.title
    return any(title in titles for titles in tried.values())


def ordered(wishes: Iterable[Wish]) -> tuple[Wish, ...]:
    """Newest first."""
    return tuple(sorted(wishes, key=lambda w: (-w.created_at, -w.id)))
