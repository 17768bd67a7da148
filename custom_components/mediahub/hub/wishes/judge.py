"""Judging releases against the open wishes: which to grab, for which wish, as what.

Pure functions over what the watcher gathered (the releases assessed by their category's
profile, the library index, what each wish already holds); nothing here does I/O. Episodes are
told apart by their names alone (no metadata account): a release's season and episodes are
what `releases.parse` reads in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
import re
from typing import Final

from ..library.index import LibraryIndex, rank
from ..releases.parse import Pack, Source, parse_title
from ..releases.pick import normalized
from ..releases.score import Assessment, ranked
from .model import MOVIE, Wish, WishKind, item_key, parse_item

DEFAULT_CUTOFF: Final = "1080p WEB-DL"
_SOURCE_RANK: Final = {source: index for index, source in enumerate(Source)}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A release to grab for a wish, covering `item` (`model.item_key`)."""

    wish: Wish
    assessment: Assessment
    item: str


@dataclass(frozen=True, slots=True)
class Refusal:
    """A release that matched a wish but is not acceptable, and why."""

    wish: Wish
    assessment: Assessment
    item: str


@dataclass(frozen=True, slots=True)
class Verdicts:
    grabs: list[Candidate]
    refusals: list[Refusal]
    waiting: int  # acceptable releases still inside the delay


# --- quality against a cutoff ----------------------------------------------------------------


def picture_rank(resolution: str | None, source: Source | None) -> tuple[int, int]:
    """How good a copy is: its resolution first, then its source."""
    return rank(resolution), _SOURCE_RANK.get(source, -1) if source is not None else -1


def given_its_due(picture: tuple[int, int]) -> tuple[int, int]:
    """A copy whose source its file name does not say (Plex's own names, MediaHub's: "Sintel
    (2010).mkv") counts as the best source at its resolution: only a higher resolution is
    surely better than it."""
    resolution, source = picture
    return (resolution, max(_SOURCE_RANK.values())) if source < 0 < resolution else picture


def parse_picture(text: str | None) -> tuple[int, int]:
    """ "1080p WEB-DL" (a cutoff, or an upgrade's current copy) as a rank."""
    if not text:
        return (0, -1)
    quality = parse_title(f"Title.2000.{text.replace(' ', '.')}")
    return picture_rank(quality.resolution, quality.source)


def picture_of(resolution: str | None, files: Iterable[str]) -> str:
    """A Plex item's copy in words ("720p HDTV"): Plex's resolution, the source its file
    name says."""
    source = None
    for path in files:
        source = parse_title(path.rsplit("/", 1)[-1]).source or source
    return " ".join(p for p in (resolution, source.value if source else None) if p)


# --- what a wish already holds ---------------------------------------------------------------


def held_episodes(items: Iterable[str]) -> tuple[set[tuple[int, int]], set[int]]:
    """(episodes, whole seasons) that grabbed item keys cover."""
    episodes: set[tuple[int, int]] = set()
    seasons: set[int] = set()
    for key in items:
        parsed = parse_item(key)
        if parsed is None:
            continue
        season, numbers = parsed
        if season is None:
            continue
        if numbers:
            episodes.update((season, n) for n in numbers)
        else:
            seasons.add(season)
    return episodes, seasons


def same_title(wish: Wish, assessment: Assessment) -> bool:
    return _same_title(normalized(wish.title), wish.year, assessment)


def _same_title(folded: str, year: int | None, assessment: Assessment) -> bool:
    quality = assessment.quality
    if normalized(quality.title) != folded:
        return False
    # A show's year in a release name is its first season's: only a movie's must agree.
    return year is None or quality.year in (None, year) or quality.kind == "episode"


_EPISODE: Final = re.compile(r"\bs(\d{1,3})e(\d{1,4})\b", re.IGNORECASE)


class Prefilter:
    """Whether a release name may concern an open wish, before it is parsed (parsing is what a
    watch cycle spends its time on, and most of a feed concerns no wish): its folded name
    starts with a wished title, and, for a show followed from its newest episode on, the
    episode it names (`S02E05`) is not one of the past."""

    def __init__(self, wishes: Iterable[Wish]) -> None:
        self._by_title: dict[str, list[Wish]] = {}
        for wish in wishes:
            self._by_title.setdefault(normalized(wish.title), []).append(wish)
        self._lengths = sorted({len(title.split()) for title in self._by_title})

    def __call__(self, name: str) -> bool:
        words = normalized(name).split()
        for length in self._lengths:
            wishes = self._by_title.get(" ".join(words[:length]))
            if wishes and any(_may_want(wish, name) for wish in wishes):
                return True
        return False


def _may_want(wish: Wish, name: str) -> bool:
    if wish.kind is not WishKind.FOLLOW or wish.backfill or wish.after is None:
        return True
    match = _EPISODE.search(name)
    return match is None or (int(match[1]), int(match[2])) > wish.after


def _published(assessment: Assessment) -> float | None:
    text = assessment.release.published
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


# --- judging ---------------------------------------------------------------------------------


def _item_wanted(
    wish: Wish,
    assessment: Assessment,
    library: LibraryIndex,
    held: set[str],
    cutoff: tuple[int, int],
) -> str | None:
    """The item this release would be for the wish, when the wish still wants it."""
    quality = assessment.quality
    if wish.kind is WishKind.UPGRADE:
        return _upgrade_item(wish, assessment, library, held, cutoff)
    if wish.category == "movies":
        wanted_now = quality.kind == "movie" and MOVIE not in held
        return MOVIE if wanted_now and library.movie(wish.title, wish.year) is None else None
    season = quality.seasons[0] if quality.seasons else -1
    if (
        quality.kind != "episode"
        or season < 0
        or quality.pack is Pack.SERIES
        or (wish.seasons and season not in wish.seasons)
    ):
        return None
    if wish.kind is WishKind.WANT:
        return _season_wanted(wish, season, library, held) if quality.pack else None
    if quality.pack is Pack.SEASON or not quality.episodes:
        future = wish.after is None or season > wish.after[0]
        return _season_wanted(wish, season, library, held) if wish.backfill or future else None
    return _episodes_wanted(wish, season, quality.episodes, library, held)


def _episodes_wanted(
    wish: Wish,
    season: int,
    numbers: tuple[int, ...],
    library: LibraryIndex,
    held: set[str],
) -> str | None:
    """Single episodes: none held, none in Plex, and (unless backfill) all to come."""
    episodes, seasons = held_episodes(held)
    if season in seasons:
        return None
    for episode in numbers:
        past = not wish.backfill and wish.after is not None and (season, episode) <= wish.after
        if (
            past
            or (season, episode) in episodes
            or library.episode(wish.title, season, episode) is not None
        ):
            return None
    return item_key(season, numbers)


def _season_wanted(wish: Wish, season: int, library: LibraryIndex, held: set[str]) -> str | None:
    """A season pack is wanted only when nothing of its season is held: it never brings an
    episode Plex has or another grab brings."""
    if wish.season is not None and season != wish.season:
        return None
    episodes, seasons = held_episodes(held)
    if season in seasons or any(s == season for s, _e in episodes):
        return None
    if library.season(wish.title, season):
        return None
    return item_key(season)


def _upgrade_item(
    wish: Wish,
    assessment: Assessment,
    library: LibraryIndex,
    held: set[str],
    cutoff: tuple[int, int],
) -> str | None:
    item = library.get(wish.plex_key or "")
    if item is None:
        return None
    quality = assessment.quality
    key: str | None = MOVIE if quality.kind == "movie" and item.type == "movie" else None
    if item.type == "episode" and item.season is not None and item.episode is not None:
        same = quality.seasons[:1] == (item.season,) and item.episode in quality.episodes
        key = item_key(item.season, (item.episode,)) if same and not quality.pack else None
    current = given_its_due(parse_picture(wish.current))
    better = current < cutoff and picture_rank(quality.resolution, quality.source) > current
    return key if key is not None and key not in held and better else None


def judge(
    wishes: Iterable[Wish],
    assessments: Iterable[Assessment],
    library: LibraryIndex,
    held: Mapping[int, set[str]],
    *,
    cutoffs: Mapping[str, str],
    now: float,
    delay: float = 0.0,
) -> Verdicts:
    """The best acceptable release for each thing each open wish still wants, a season pack
    before its episodes; the releases that matched but were refused; how many acceptable ones
    wait for the delay (a better one published within it wins)."""
    by_title: dict[str, list[Wish]] = {}
    for wish in wishes:
        if wish.state.open:
            by_title.setdefault(normalized(wish.title), []).append(wish)
    best: dict[tuple[int, str], Candidate] = {}
    refusals: dict[tuple[int, str], Refusal] = {}
    waiting: set[tuple[int, str]] = set()
    for assessment in ranked(assessments):
        folded = normalized(assessment.quality.title)
        for wish in by_title.get(folded, ()):
            if not _same_title(folded, wish.year, assessment):
                continue
            cutoff = parse_picture(cutoffs.get(wish.category) or DEFAULT_CUTOFF)
            item = _item_wanted(wish, assessment, library, held.get(wish.id, set()), cutoff)
            if item is None:
                continue
            key = (wish.id, item)
            if not assessment.passes:
                refusals.setdefault(key, Refusal(wish, assessment, item))
                continue
            published = _published(assessment)
            if delay and published is not None and published + delay > now:
                waiting.add(key)
                continue
            best.setdefault(key, Candidate(wish, assessment, item))  # ranked: the first wins
    grabs = _without_overlap(best.values())
    return Verdicts(
        grabs, [r for k, r in refusals.items() if k not in best], len(waiting - best.keys())
    )


def _without_overlap(candidates: Iterable[Candidate]) -> list[Candidate]:
    """One grab per episode: a season pack wins over its season's episodes, and of two
    releases covering the same episode the better ranked one."""
    chosen: list[Candidate] = []
    for candidate in sorted(candidates, key=_pack_first):
        if any(c.wish.id == candidate.wish.id and overlap(c.item, candidate.item) for c in chosen):
            continue
        chosen.append(candidate)
    return chosen


def _pack_first(candidate: Candidate) -> tuple[int, int]:
    parsed = parse_item(candidate.item)
    is_pack = parsed is not None and parsed[0] is not None and not parsed[1]
    return (0 if is_pack else 1, -candidate.assessment.score)


def overlap(first: str, second: str) -> bool:
    """Two item keys cover something in common (a season pack covers its episodes)."""
    a, b = parse_item(first), parse_item(second)
    if a is None or b is None or a[0] is None or b[0] is None:
        return first == second
    if a[0] != b[0]:
        return False
    return not a[1] or not b[1] or not set(a[1]).isdisjoint(b[1])
