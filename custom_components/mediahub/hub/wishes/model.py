"""A wish: what a household wants kept, beyond one search (docs/wishes.md).

Three kinds: follow a show (its next episodes; with `backfill`, what Plex misses too), want a
movie or a season (grabbed once, when an acceptable release exists), upgrade an item Plex holds
below its profile's cutoff. A wish is stored as JSON (`as_json`/`from_json`, `store.py`) and
carries its own history, so any MediaHub process can pick it up where another left it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
import re
from typing import Any, Final

from ..releases.score import Reason

HISTORY_KEPT: Final = 50  # a follow's history grows with every episode: the newest are kept


class WishKind(StrEnum):
    FOLLOW = "follow"
    WANT = "want"
    UPGRADE = "upgrade"


class WishState(StrEnum):
    """Where a wish is. A follow stays WANTED while followed; DONE is ended by a person, or (an
    upgrade) finished; AVAILABLE is a want that Plex now lists. A request (a wish of someone
    who does not administer MediaHub) is WAITING for an administrator, then WANTED (approved)
    or DECLINED."""

    WAITING = "waiting"
    WANTED = "wanted"
    GRABBED = "grabbed"
    AVAILABLE = "available"
    DONE = "done"
    DECLINED = "declined"

    @property
    def open(self) -> bool:
        """Watched: its releases are looked for."""
        return self in (WishState.WANTED, WishState.GRABBED)

    @property
    def live(self) -> bool:
        """Not over: watched, or waiting to be."""
        return self.open or self is WishState.WAITING


class Happened(StrEnum):
    """What a wish's history records."""

    MADE = "made"
    SEARCHED = "searched"  # a direct search (the backoff), and what it found
    REFUSED = "refused"  # a release that matched but was not acceptable, and why
    GRABBED = "grabbed"
    AVAILABLE = "available"  # Plex lists what was grabbed
    REPLACED = "replaced"  # an upgrade's old file removed once the new one was in Plex
    ENDED = "ended"
    JOINED = "joined"  # someone else asked for it too (reason: who)
    APPROVED = "approved"  # a request approved (by: who)
    DECLINED = "declined"  # a request declined (by: who; reason: why, as they said it)


@dataclass(frozen=True, slots=True)
class Happening:
    at: float
    what: Happened
    release: str | None = None  # a release's name
    item: str | None = None  # what it covers: "S01E03", "S01", "movie"
    reason: str | None = None  # English words (a refusal's reasons also come as codes)
    hash: str | None = None
    reasons: tuple[Reason, ...] = ()  # a refused release: the rules it breaks, to translate
    by: str | None = None  # who approved or declined a request

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"at": self.at, "what": self.what.value}
        for name in ("release", "item", "reason", "hash", "by"):
            if (value := getattr(self, name)) is not None:
                data[name] = value
        if self.reasons:
            data["reasons"] = [
                {"code": r.code, "text": r.text, "values": dict(r.values)} for r in self.reasons
            ]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Happening:
        return cls(
            at=float(data["at"]),
            what=Happened(data["what"]),
            release=_text(data.get("release")),
            item=_text(data.get("item")),
            reason=_text(data.get("reason")),
            hash=_text(data.get("hash")),
            by=_text(data.get("by")),
            reasons=tuple(
                Reason(
                    str(r["code"]),
                    str(r["text"]),
                    tuple((str(k), str(v)) for k, v in (r.get("values") or {}).items()),
                )
                for r in data.get("reasons") or ()
                if isinstance(r, Mapping) and "code" in r and "text" in r
            ),
        )


# What a grab covers, as its tag and the history spell it.
MOVIE: Final = "movie"
_ITEM: Final = re.compile(r"^S(\d{1,3})((?:E\d{1,4})*)$")


def item_key(season: int | None, episodes: tuple[int, ...] = ()) -> str:
    """ "movie", "S02" (a season pack), "S02E05", "S02E05E06"."""
    if season is None:
        return MOVIE
    return f"S{season:02d}" + "".join(f"E{e:02d}" for e in episodes)


def parse_item(key: str) -> tuple[int | None, tuple[int, ...]] | None:
    """(season, episodes) of an item key; (None, ()) for a movie; None for anything else."""
    if key == MOVIE:
        return None, ()
    if (match := _ITEM.match(key)) is None:
        return None
    episodes = tuple(int(e) for e in match[2].split("E")[1:])
    return int(match[1]), episodes


@dataclass(frozen=True, slots=True)
class Wish:
    """One wish, as stored. `id` is the store's (0 until stored)."""

    kind: WishKind
    title: str
    category: str  # "movies" | "tv": the profile that judges its releases
    asked_by: str  # a Home Assistant user's name, "panel", "voice", "watchlist"
    created_at: float
    id: int = 0
    year: int | None = None
    season: int | None = None  # want: one season of a show
    seasons: tuple[int, ...] = ()  # follow: only these seasons (empty: all)
    backfill: bool = False  # follow: also what Plex misses, not only future episodes
    # follow: the newest episode out when it was made; only later ones are wanted (unless
    # backfill). None: nothing was known, so any episode not in Plex is "future".
    after: tuple[int, int] | None = None
    plex_key: str | None = None  # upgrade: the item Plex holds
    current: str | None = None  # upgrade: its quality ("720p HDTV")
    state: WishState = WishState.WANTED
    # The direct search's backoff: when it last ran and when it runs next.
    searched_at: float | None = None
    search_due: float | None = None
    history: tuple[Happening, ...] = ()
    source_key: str | None = None  # the Plex watchlist item it came from
    asked_by_id: str | None = None  # the asker's Home Assistant user id, when known
    # Everyone else who asked for the same thing: each is told when it is ready, or declined.
    also_asked: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)  # fields a newer MediaHub wrote

    @property
    def label(self) -> str:
        """ "Severance", "Dune (2021)", "Severance season 2"."""
        text = f"{self.title} ({self.year})" if self.year else self.title
        return f"{text} season {self.season}" if self.season is not None else text

    @property
    def askers(self) -> tuple[str, ...]:
        """Everyone who asked for it, the first asker first."""
        return (self.asked_by, *(a for a in self.also_asked if a != self.asked_by))

    @property
    def searched_directly(self) -> bool:
        """Whether the watch searches for it by name (with a backoff), not only among the
        newest releases: what is wanted now, not only what comes next."""
        return self.kind is not WishKind.FOLLOW or self.backfill

    @property
    def grabbed_items(self) -> dict[str, str]:
        """What this wish has grabbed: item key → infohash (from its history)."""
        return {
            h.item: h.hash
            for h in self.history
            if h.what is Happened.GRABBED and h.item is not None and h.hash is not None
        }

    def happened(self, *happenings: Happening) -> Wish:
        history = (*self.history, *happenings)
        if len(history) > HISTORY_KEPT:
            made = [h for h in history[:1] if h.what is Happened.MADE]
            history = (*made, *history[len(history) - HISTORY_KEPT + len(made) :])
        return replace(self, history=history)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            **self.extra,
            "kind": self.kind.value,
            "title": self.title,
            "category": self.category,
            "asked_by": self.asked_by,
            "created_at": self.created_at,
            "year": self.year,
            "season": self.season,
            "seasons": list(self.seasons),
            "backfill": self.backfill,
            "after": list(self.after) if self.after else None,
            "plex_key": self.plex_key,
            "current": self.current,
            "state": self.state.value,
            "searched_at": self.searched_at,
            "search_due": self.search_due,
            "history": [h.as_json() for h in self.history],
            "source_key": self.source_key,
            "asked_by_id": self.asked_by_id,
            "also_asked": list(self.also_asked),
        }
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any], wish_id: int = 0) -> Wish:
        """Raises KeyError, ValueError or TypeError for what is not a wish."""
        after = data.get("after")
        known = {f for f in cls.__dataclass_fields__ if f not in ("id", "extra")}
        return cls(
            id=wish_id,
            kind=WishKind(data["kind"]),
            title=str(data["title"]),
            category=str(data["category"]),
            asked_by=str(data.get("asked_by") or "panel"),
            created_at=float(data["created_at"]),
            year=_int(data.get("year")),
            season=_int(data.get("season")),
            seasons=tuple(int(s) for s in data.get("seasons") or ()),
            backfill=bool(data.get("backfill")),
            after=(int(after[0]), int(after[1])) if after else None,
            plex_key=_text(data.get("plex_key")),
            current=_text(data.get("current")),
            state=WishState(data.get("state", WishState.WANTED)),
            searched_at=_float(data.get("searched_at")),
            search_due=_float(data.get("search_due")),
            history=tuple(Happening.from_json(h) for h in data.get("history") or ()),
            source_key=_text(data.get("source_key")),
            asked_by_id=_text(data.get("asked_by_id")),
            also_asked=tuple(str(a) for a in data.get("also_asked") or ()),
            extra={k: v for k, v in data.items() if k not in known},
        )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
