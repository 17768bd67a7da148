"""Pick the best release for what a person asked: "The Matrix", "season 2 of Severance".

The query is read plainly (a trailing year, "S02", "season 2", "S02E03"): guessit reads a
query's "2049" as season 20, episode 49. Only releases whose title is the one asked for
compete; when that leaves several titles or years and the query names no year, the person is
asked which one instead of being guessed for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
import re
from typing import Final

from ..errors import InvalidInputError
from .parse import Pack
from .score import Assessment, ranked

SHOWN_REASONS: Final = 3  # candidates whose reasons a refusal names
NOTHING_FOUND: Final = "no results"


_SEASON_EPISODE: Final = re.compile(r"\bs(\d{1,3})(?:\s*e(\d{1,4}))?\b", re.IGNORECASE)
_SEASON: Final = re.compile(r"\bseason\s+(\d{1,3})\b", re.IGNORECASE)
_YEAR: Final = re.compile(r"[\s(]((?:19|20)\d{2})\)?$")


@dataclass(frozen=True, slots=True)
class Wanted:
    """What a person asked for, read from their words."""

    title: str  # without the year, season and episode
    year: int | None = None
    season: int | None = None
    episode: int | None = None
    said: str = ""  # the words before a year was taken out: "Blade Runner 2049" is a title


class NoAcceptableReleaseError(InvalidInputError):
    """Nothing found passes the profile. Its translation (a key per rule, so that no
    placeholder carries English) names the best candidate and the first rule it breaks; its
    message, for logs and voice, the reasons of the best few."""

    def __init__(
        self, code: str, query: str, why: str, values: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(code, f"{query}: {why}", values={"query": query, **(values or {})})
        self.reason = why

    @classmethod
    def nothing_found(cls, query: str) -> NoAcceptableReleaseError:
        return cls("nothing_found", query, NOTHING_FOUND)

    @classmethod
    def files_refused(cls, query: str) -> NoAcceptableReleaseError:
        return cls(
            "no_acceptable_release_files", query, "every candidate was refused by the file check"
        )

    @classmethod
    def profile_refused(cls, query: str, pool: Sequence[Assessment]) -> NoAcceptableReleaseError:
        """`pool`: the candidates, best first, every one breaking a rule."""
        why = "; ".join(
            f"{a.release.title}: {', '.join(r.text for r in a.reasons)}"
            for a in pool[:SHOWN_REASONS]
        )
        best = pool[0]
        rule = best.reasons[0]
        return cls(
            f"no_acceptable_release_{rule.code}",
            query,
            why,
            {"release": best.release.title, **dict(rule.values)},
        )


class AmbiguousTitleError(InvalidInputError):
    """Several titles (or years) match and the query does not say which."""

    def __init__(self, choices: Sequence[str]) -> None:
        super().__init__(
            "ambiguous_title", " or ".join(choices), values={"titles": ", ".join(choices)}
        )
        self.choices = tuple(choices)
        self.reason = " or ".join(choices)


def normalized(title: str) -> str:
    """Titles compared the way a person hears them: case, accents' marks and punctuation aside."""
    words = re.findall(r"[^\W_]+", title.casefold().replace("&", " and "))
    return " ".join(w for w in words if w not in ("the", "a", "an"))


def wanted(query: str, season: int | None = None) -> Wanted:
    """Read a query: "Dune 2021", "Severance S02", plus a season said separately."""
    text = " ".join(query.split())
    episode = None
    if match := _SEASON_EPISODE.search(text) or _SEASON.search(text):
        season = int(match.group(1)) if season is None else season
        if match.re is _SEASON_EPISODE and match.group(2):
            episode = int(match.group(2))
        text = (text[: match.start()] + text[match.end() :]).strip()
    said = text
    year = None
    if match := _YEAR.search(text):
        year = int(match.group(1))
        text = text[: match.start()].strip()
    return Wanted(text or said, year, season, episode, said)


def _same_title(assessment: Assessment, want: Wanted) -> bool:
    title = normalized(assessment.quality.title)
    if want.said and title == normalized(want.said):
        return True  # the number was part of the title: Blade Runner 2049, 1917
    return title == normalized(want.title) and want.year in (None, assessment.quality.year)


def _label(assessment: Assessment) -> str:
    quality = assessment.quality
    return f"{quality.title} ({quality.year})" if quality.year else quality.title


def _matches(assessment: Assessment, want: Wanted) -> bool:
    quality = assessment.quality
    if want.season is not None:
        if want.season not in quality.seasons and quality.pack is not Pack.SERIES:
            return False
        if want.episode is not None and want.episode not in quality.episodes:
            return False
    return True


def pick(assessments: Iterable[Assessment], want: Wanted) -> Assessment:
    """The best passing release for `want`, or an error that says why there is none."""
    candidates = [a for a in ranked(assessments) if _matches(a, want)]
    same_title = [a for a in candidates if _same_title(a, want)]
    pool = same_title or candidates
    passing = [a for a in pool if a.passes]
    if not passing:
        if not pool:
            raise NoAcceptableReleaseError.nothing_found(want.title)
        raise NoAcceptableReleaseError.profile_refused(want.title, pool)
    if want.year is None or not same_title:
        # Releases without a year in their name do not make a title ambiguous.
        labels = list(dict.fromkeys(_label(a) for a in passing if a.quality.year))
        if len(labels) > 1:
            raise AmbiguousTitleError(labels[:4])
    if want.season is not None and want.episode is None:
        # "Season 2 of Severance": the whole season in one download beats single episodes.
        packs = [a for a in passing if a.quality.pack is Pack.SEASON]
        if packs:
            return packs[0]
    return passing[0]
