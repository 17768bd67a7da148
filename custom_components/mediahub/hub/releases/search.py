"""Search: one request per indexer, each with its own deadline, merged as answers arrive.

Prowlarr's own `/api/v1/search` waits for the slowest indexer (up to 100 s and retries). Here
each enabled indexer is asked separately (`indexerIds=<id>`), results stream out as each one
answers, de-duplicated by infohash and then guid, and a hung indexer only ends as "timed out".
Results are cached by an opaque id, so a grab never needs the search again and the Prowlarr
link (which carries the API key) stays here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
import hashlib
import logging
import threading
import time
from typing import Any, Final

from ..clients.prowlarr import ProwlarrClient
from ..errors import InvalidInputError, MediaHubError, ServiceTimeoutError
from ..models import (
    CATEGORY_BY_NEWZNAB,
    Indexer,
    IndexerSearchStatus,
    IndexerState,
    Release,
)
from .parse import Quality, parse_title
from .profile import QualityProfile, default_profile
from .profiles import ProfileStore
from .score import Assessment, assess

_LOGGER = logging.getLogger(__name__)

RELEASE_TTL: Final = 30 * 60  # as long as Prowlarr keeps a release for its own grab endpoint
OUTCOME_TTL: Final = 5 * 60
INDEXER_LIST_TTL: Final = 60.0
MAX_QUERY_LENGTH: Final = 200
PARSED_KEPT: Final = 5000


@dataclass(slots=True)
class SearchOutcome:
    """A finished search, as the cache keeps it."""

    query: str
    categories: tuple[int, ...]
    releases: list[Release] = field(default_factory=list)
    indexers: list[IndexerSearchStatus] = field(default_factory=list)
    assessments: dict[str, Assessment] = field(default_factory=dict)  # by release id


@dataclass(frozen=True, slots=True)
class ResultsBatch:
    """New, de-duplicated releases from one indexer."""

    indexer_id: int
    releases: list[Release]


@dataclass(frozen=True, slots=True)
class AssessedBatch:
    """What some releases' names say and how they score against their category's profile."""

    indexer_id: int
    assessments: list[Assessment]


type SearchEvent = IndexerSearchStatus | ResultsBatch | AssessedBatch

ASSESS_CHUNK: Final = 8  # releases parsed per hop to a thread (5-20 ms each)


def assess_all(
    releases: Sequence[Release],
    profiles: Mapping[str, QualityProfile],
    abandoned: threading.Event | None = None,
) -> list[Assessment]:
    """Parse and score releases (blocking: guessit); stops early once the search is
    `abandoned`, so a search left behind does not compete with the next one."""
    assessed = []
    for release in releases:
        if abandoned is not None and abandoned.is_set():
            break
        profile = profiles.get(release.category or "") or default_profile(release.category)
        assessed.append(assess(release, parse_title(release.title), profile))
    return assessed


@dataclass(slots=True)
class _Source:
    """Where a release can be fetched from: server-side only."""

    release: Release
    link: str
    expires: float


@dataclass(slots=True)
class _Run:
    """One search in progress: what it found so far, and what is still to be told."""

    outcome: SearchOutcome
    profiles: asyncio.Future[Mapping[str, QualityProfile]]
    events: asyncio.Queue[SearchEvent | None] = field(default_factory=asyncio.Queue)
    seen_hashes: set[str] = field(default_factory=set)
    seen_guids: set[str] = field(default_factory=set)
    abandoned: threading.Event = field(default_factory=threading.Event)


@dataclass(slots=True)
class _CachedOutcome:
    outcome: SearchOutcome
    expires: float


def category_name(category_id: int | None) -> str | None:
    """The qBittorrent category a Newznab category goes to (2040 → movies, 5070 → tv)."""
    if category_id is None:
        return None
    return CATEGORY_BY_NEWZNAB.get(category_id - category_id % 1000)


def release_id(indexer_id: int, guid: str) -> str:
    """A stable, opaque id: the same release gets the same id in every search."""
    return hashlib.sha256(f"{indexer_id}\0{guid}".encode()).hexdigest()[:20]


def _number(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def parse_release(item: dict[str, Any], indexer: Indexer) -> tuple[Release, str, str] | None:
    """A ReleaseResource as (Release, download link, guid); None if it cannot be grabbed."""
    guid = item.get("guid")
    link = item.get("downloadUrl") or item.get("magnetUrl")
    title = item.get("title")
    if not isinstance(guid, str) or not isinstance(link, str) or not isinstance(title, str):
        return None
    listed = item.get("categories")
    listed = listed if isinstance(listed, list) else []  # a malformed answer has no categories
    categories = [c.get("id") for c in listed if isinstance(c, dict)]
    standard = [c for c in categories if isinstance(c, int) and 0 < c < 100_000]
    category_id = min(standard, key=lambda c: (c % 1000 == 0, c)) if standard else None
    infohash = item.get("infoHash")
    age_hours = item.get("ageHours")
    release = Release(
        id=release_id(indexer.id, guid),
        title=title,
        size=max(0, _number(item.get("size")) or 0),
        seeders=_number(item.get("seeders")),
        leechers=_number(item.get("leechers")),
        indexer=str(item.get("indexer") or indexer.name),
        indexer_id=indexer.id,
        category_id=category_id,
        category=category_name(category_id),
        age_hours=float(age_hours) if isinstance(age_hours, int | float) else 0.0,
        published=item.get("publishDate") if isinstance(item.get("publishDate"), str) else None,
        protocol=str(item.get("protocol") or "torrent"),
        infohash=infohash.lower() if isinstance(infohash, str) and infohash else None,
        ids=external_ids(item),
    )
    return release, link, guid


def external_ids(item: dict[str, Any]) -> tuple[str, ...]:
    """The ids an indexer gave the release (Prowlarr's imdbId, tmdbId, tvdbId; 0 is none),
    spelled as Plex's own GUIDs are: imdb://tt0133093, tmdb://603, tvdb://81189."""
    ids = []
    for key, scheme in (
        ("imdbId", "imdb://tt{:07d}"),
        ("tmdbId", "tmdb://{}"),
        ("tvdbId", "tvdb://{}"),
    ):
        value = _number(item.get(key))
        if value:
            ids.append(scheme.format(value))
    return tuple(ids)


@dataclass
class SearchService:
    """Fans a query out to every enabled indexer and remembers what it found."""

    prowlarr: ProwlarrClient
    profiles: ProfileStore | None = None
    deadline: float = 15.0
    clock: Callable[[], float] = time.monotonic
    _sources: dict[str, _Source] = field(default_factory=dict)
    _outcomes: dict[tuple[str, tuple[int, ...]], _CachedOutcome] = field(default_factory=dict)
    _indexers: tuple[float, list[Indexer]] | None = None
    _parsed: dict[str, Quality] = field(default_factory=dict)  # names the feed showed

    async def enabled_indexers(self) -> list[Indexer]:
        """Prowlarr's enabled torrent indexers (the list is reused for a minute)."""
        now = self.clock()
        if self._indexers is None or now - self._indexers[0] > INDEXER_LIST_TTL:
            self._indexers = (now, await self.prowlarr.indexers())
        return [i for i in self._indexers[1] if i.enabled and i.protocol != "usenet"]

    def cached(self, query: str, categories: Sequence[int] = ()) -> SearchOutcome | None:
        """The outcome of the same search made recently, for filtering and re-sorting."""
        entry = self._outcomes.get(_key(query, categories))
        return entry.outcome if entry and entry.expires > self.clock() else None

    def resolve(self, release_id_: str) -> tuple[Release, str]:
        """The release and its (secret-bearing) link, or InvalidInputError('unknown_release')."""
        source = self._sources.get(release_id_)
        if source is None or source.expires <= self.clock():
            raise InvalidInputError(
                "unknown_release", "that result is unknown or too old: search again"
            )
        return source.release, source.link

    async def search(
        self, query: str, categories: Sequence[int] = ()
    ) -> AsyncIterator[SearchEvent]:
        """Yield every indexer as pending, then each one's status and new releases as it
        answers, then what the releases' names say and how they score (AssessedBatch), parsed
        off the event loop so a slow parse never holds back the next indexer's results."""
        query = query.strip()
        if len(query) > MAX_QUERY_LENGTH:
            raise InvalidInputError(
                "query_too_long",
                f"keep the search under {MAX_QUERY_LENGTH} characters",
                values={"limit": str(MAX_QUERY_LENGTH)},
            )
        categories = tuple(sorted({int(c) for c in categories}))
        indexers = await self.enabled_indexers()
        # Read from qBittorrent while the indexers work: only the assessments wait for it.
        profiles = asyncio.ensure_future(self._profiles())
        run = _Run(SearchOutcome(query=query, categories=categories), profiles)
        for indexer in indexers:
            yield IndexerSearchStatus(indexer.id, indexer.name, IndexerState.PENDING)

        async def answer(indexer: Indexer) -> None:
            try:
                await self._answer(indexer, run)
            finally:
                run.events.put_nowait(None)

        tasks = [asyncio.create_task(answer(i)) for i in indexers]
        try:
            remaining = len(tasks)
            while remaining:
                if (event := await run.events.get()) is None:
                    remaining -= 1
                else:
                    yield event
                run.events.task_done()  # the caller is back: what it was given is out
            for task in tasks:
                task.result()  # a bug in one indexer's handling is not swallowed
        finally:
            run.abandoned.set()
            for task in tasks:
                task.cancel()
            profiles.cancel()
        self._remember(run.outcome)

    async def newest(
        self, categories: Sequence[int], concerns: Callable[[str], bool]
    ) -> list[Assessment]:
        """The indexers' newest releases (Prowlarr's RSS search) whose names `concerns`
        accepts, de-duplicated, grabbable by id, parsed off the event loop (a name is parsed
        once: a feed repeats most of its page from one read to the next)."""
        indexers = {i.id: i for i in await self.enabled_indexers()}
        raw = await self.prowlarr.newest(sorted(set(categories)), time_limit=self.deadline)
        releases: list[Release] = []
        seen: set[str] = set()
        for item in raw:
            indexer = indexers.get(item.get("indexerId"))  # type: ignore[arg-type]
            parsed = parse_release(item, indexer) if indexer is not None else None
            if parsed is None or not concerns(parsed[0].title):
                continue
            release, link, guid = parsed
            if release.infohash in seen or guid in seen:
                continue
            seen.update(k for k in (release.infohash, guid) if k)
            self._sources[release.id] = _Source(release, link, self.clock() + RELEASE_TTL)
            releases.append(release)
        profiles = await self._profiles()
        return await asyncio.to_thread(self._assess_known, releases, profiles)

    def _assess_known(
        self, releases: Sequence[Release], profiles: Mapping[str, QualityProfile]
    ) -> list[Assessment]:
        assessed = []
        for release in releases:
            quality = self._parsed.get(release.title)
            if quality is None:
                if len(self._parsed) >= PARSED_KEPT:
                    self._parsed.clear()
                quality = self._parsed[release.title] = parse_title(release.title)
            profile = profiles.get(release.category or "") or default_profile(release.category)
            assessed.append(assess(release, quality, profile))
        return assessed

    async def _profiles(self) -> Mapping[str, QualityProfile]:
        return await self.profiles.all() if self.profiles else {}

    async def _answer(self, indexer: Indexer, run: _Run) -> None:
        """One indexer's part: its status and new releases, then their assessments."""
        outcome = run.outcome
        indexer, status, items = await self._ask(indexer, outcome.query, outcome.categories)
        batch = []
        for release, link, guid in items:
            if (release.infohash and release.infohash in run.seen_hashes) or guid in run.seen_guids:
                continue
            if release.infohash:
                run.seen_hashes.add(release.infohash)
            run.seen_guids.add(guid)
            batch.append(release)
            self._sources[release.id] = _Source(release, link, self.clock() + RELEASE_TTL)
        outcome.indexers.append(status)
        outcome.releases.extend(batch)
        run.events.put_nowait(status)
        if not batch:
            return
        run.events.put_nowait(ResultsBatch(indexer.id, batch))
        # Parsing holds the interpreter for 5-20 ms a title: start once the caller has sent
        # every result it was given, so that no result waits for a parse.
        await run.events.join()
        for start in range(0, len(batch), ASSESS_CHUNK):
            chunk = batch[start : start + ASSESS_CHUNK]
            assessed = await asyncio.to_thread(assess_all, chunk, await run.profiles, run.abandoned)
            outcome.assessments.update((a.release.id, a) for a in assessed)
            run.events.put_nowait(AssessedBatch(indexer.id, assessed))

    async def search_all(self, query: str, categories: Sequence[int] = ()) -> SearchOutcome:
        """Run a search to the end and return everything (for Home Assistant's action)."""
        async for _ in self.search(query, categories):
            pass
        outcome = self.cached(query, categories)
        assert outcome is not None
        return outcome

    async def _ask(
        self, indexer: Indexer, query: str, categories: tuple[int, ...]
    ) -> tuple[Indexer, IndexerSearchStatus, list[tuple[Release, str, str]]]:
        started = self.clock()
        try:
            raw = await self.prowlarr.search_indexer(indexer.id, query, categories, self.deadline)
        except ServiceTimeoutError:
            elapsed = int((self.clock() - started) * 1000)
            return (
                indexer,
                IndexerSearchStatus(
                    indexer.id, indexer.name, IndexerState.TIMED_OUT, elapsed_ms=elapsed
                ),
                [],
            )
        except MediaHubError as err:
            elapsed = int((self.clock() - started) * 1000)
            _LOGGER.debug("Indexer %s failed: %s", indexer.name, err.reason)
            return (
                indexer,
                IndexerSearchStatus(
                    indexer.id,
                    indexer.name,
                    IndexerState.ERROR,
                    elapsed_ms=elapsed,
                    error=err.reason,
                ),
                [],
            )
        parsed = [p for p in (parse_release(item, indexer) for item in raw) if p is not None]
        elapsed = int((self.clock() - started) * 1000)
        status = IndexerSearchStatus(
            indexer.id, indexer.name, IndexerState.OK, count=len(parsed), elapsed_ms=elapsed
        )
        return indexer, status, parsed

    def _remember(self, outcome: SearchOutcome) -> None:
        now = self.clock()
        self._outcomes = {k: v for k, v in self._outcomes.items() if v.expires > now}
        self._sources = {k: v for k, v in self._sources.items() if v.expires > now}
        self._outcomes[_key(outcome.query, outcome.categories)] = _CachedOutcome(
            outcome, now + OUTCOME_TTL
        )


def _key(query: str, categories: Sequence[int]) -> tuple[str, tuple[int, ...]]:
    return query.strip().lower(), tuple(sorted(categories))
