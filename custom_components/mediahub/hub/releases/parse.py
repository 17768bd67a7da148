"""What a release's name says: guessit's parse, folded into the few fields MediaHub decides on.

guessit (LGPL-3.0, the parser Sonarr-style tools and Flexget use) costs 5-20 ms a title here, so
callers run `parse_title` off the event loop; a bounded cache makes a repeated search free.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
import logging
import re
from typing import Any, Final

from guessit import guessit

_LOGGER = logging.getLogger(__name__)
# rebulk (under guessit) logs every rule it tries at DEBUG: thousands of lines a title, and the
# time to format them, whenever a host turns debug logging on.
logging.getLogger("rebulk").setLevel(logging.WARNING)

MAX_TITLE_LENGTH: Final = 1024  # indexer titles are far shorter; longer input is cut, not parsed


class Source(StrEnum):
    """Where the picture came from, best last (the order is the source's rank in `score`)."""

    CAM = "CAM"
    TELESYNC = "TS"
    TELECINE = "TC"
    SCREENER = "SCR"
    DVD = "DVD"
    HDTV = "HDTV"
    WEBRIP = "WEBRip"
    WEB_DL = "WEB-DL"
    BLURAY = "BluRay"
    REMUX = "Remux"


THEATRE_SOURCES: Final = frozenset({Source.CAM, Source.TELESYNC, Source.TELECINE, Source.SCREENER})


class Pack(StrEnum):
    """A release holding more than one episode's worth of a show."""

    SEASON = "season"  # one whole season
    SERIES = "series"  # several seasons, or the complete series


# guessit's `source` values → ours; Web becomes WEBRip when guessit also saw "Rip".
_SOURCES: Final = {
    "Camera": Source.CAM,
    "HD Camera": Source.CAM,
    "Workprint": Source.CAM,
    "Telesync": Source.TELESYNC,
    "HD Telesync": Source.TELESYNC,
    "Telecine": Source.TELECINE,
    "HD Telecine": Source.TELECINE,
    "Screener": Source.SCREENER,
    "DVD": Source.DVD,
    "HD-DVD": Source.DVD,
    "HDTV": Source.HDTV,
    "Ultra HDTV": Source.HDTV,
    "Analog HDTV": Source.HDTV,
    "TV": Source.HDTV,
    "Digital TV": Source.HDTV,
    "Satellite": Source.HDTV,
    "Web": Source.WEB_DL,
    "Blu-ray": Source.BLURAY,
    "Ultra HD Blu-ray": Source.BLURAY,
}
_HDR: Final = ("Dolby Vision", "HDR10+", "HDR10")
_EDITION_WORDS: Final = re.compile(r"\s+Edition$")
# What guessit 4.4 leaves out, read from the name itself.
_PART: Final = re.compile(r"[ ._-]Part[ ._-](\w+)", re.IGNORECASE)
_AV1: Final = re.compile(r"(?<![^\W_])AV1(?![^\W_])", re.IGNORECASE)
_HDR10_PLUS: Final = re.compile(r"(?<![^\W_])HDR10(\+|Plus)(?![^\W_])", re.IGNORECASE)
# A fake's executable suffix (movie.mkv.exe) is cut before parsing, so the rest reads normally.
_EXECUTABLE_SUFFIX: Final = re.compile(
    r"(\.(mkv|mp4|avi))?\.(exe|msi|scr|bat|cmd|lnk|vbs|ps1|apk|pif|js)$", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Quality:
    """A release name, understood. Every field is None or empty when the name does not say."""

    title: str
    kind: str = "movie"  # movie | episode
    year: int | None = None
    seasons: tuple[int, ...] = ()
    episodes: tuple[int, ...] = ()
    pack: Pack | None = None
    resolution: str | None = None  # 2160p, 1080p, 720p, 576p, 480p
    source: Source | None = None
    video_codec: str | None = None  # H.264, H.265, AV1, ...
    hdr: tuple[str, ...] = ()  # Dolby Vision, HDR10+, HDR10
    audio: tuple[str, ...] = ()
    group: str | None = None
    languages: tuple[str, ...] = ()  # IETF tags as babelfish spells them: fr, pt-BR, mul
    edition: str | None = None
    proper: bool = False  # a PROPER or REPACK: the group fixed its own release

    @property
    def chips(self) -> tuple[str, ...]:
        """What a person reads first: 1080p · WEB-DL · HEVC · HDR."""
        codec = {"H.265": "HEVC", "H.264": "x264"}.get(self.video_codec or "", self.video_codec)
        hdr = "DV" if "Dolby Vision" in self.hdr else ("HDR" if self.hdr else None)
        return tuple(c for c in (self.resolution, self.source, codec, hdr) if c)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _ints(value: Any) -> tuple[int, ...]:
    return tuple(sorted({v for v in _as_list(value) if isinstance(v, int)}))


def _text(value: Any) -> str | None:
    items = [str(v) for v in _as_list(value) if str(v).strip()]
    return " ".join(items) if items else None


def _languages(values: Iterable[Any]) -> tuple[str, ...]:
    tags = []
    for value in values:
        tag = str(value)
        if tag and tag not in ("und", "zxx") and tag not in tags:
            tags.append(tag)
    return tuple(tags)


def _title(name: str, guess: dict[str, Any]) -> str:
    """guessit's title, with the "Part Two" it files under `part` put back (Dune Part Two)."""
    title = str(guess.get("title") or name).strip()
    if "part" in guess and (match := _PART.search(name)):
        title = f"{title} Part {match.group(1)}"
    return title


def _fold(name: str, guess: dict[str, Any]) -> Quality:
    other = {str(o) for o in _as_list(guess.get("other"))}
    source = _SOURCES.get(str(guess.get("source", "")))
    if source is Source.WEB_DL and "Rip" in other:
        source = Source.WEBRIP
    if "Remux" in other and source in (Source.BLURAY, None):
        source = Source.REMUX
    if "Screener" in other:
        source = Source.SCREENER
    kind = "episode" if guess.get("type") == "episode" else "movie"
    if kind == "episode" and not (
        {"season", "episode", "date"} & guess.keys() or "Complete" in other
    ):
        kind = "movie"  # "Blade.Runner.1982.The.Final.Cut": no season, episode or air date
    hdr = [h for h in _HDR if h in other]
    if _HDR10_PLUS.search(name):
        hdr = [h for h in _HDR if h in (*hdr, "HDR10+")]
    codec = _text(guess.get("video_codec")) or ("AV1" if _AV1.search(name) else None)
    seasons = _ints(guess.get("season"))
    episodes = _ints(guess.get("episode"))
    pack = None
    if kind == "episode" and not episodes:
        if len(seasons) > 1 or (not seasons and "Complete" in other):
            pack = Pack.SERIES
        elif seasons:
            pack = Pack.SEASON
    edition = _text(guess.get("edition"))
    return Quality(
        title=_title(name, guess),
        kind=kind,
        year=guess["year"] if isinstance(guess.get("year"), int) else None,
        seasons=seasons,
        episodes=episodes,
        pack=pack,
        resolution=_text(guess.get("screen_size")),
        source=source,
        video_codec=codec,
        hdr=tuple(hdr),
        audio=tuple(str(a) for a in _as_list(guess.get("audio_codec"))),
        group=_text(guess.get("release_group")),
        languages=_languages(_as_list(guess.get("language"))),
        edition=_EDITION_WORDS.sub("", edition) if edition else None,
        proper="Proper" in other or bool(guess.get("proper_count")),
    )


@lru_cache(maxsize=8192)
def parse_title(title: str) -> Quality:
    """Parse a release title. Never raises: a name guessit cannot read keeps only its title."""
    name = _EXECUTABLE_SUFFIX.sub("", title[:MAX_TITLE_LENGTH].strip())
    try:
        guess = dict(guessit(name))
    except Exception:
        _LOGGER.debug("guessit could not parse %r", name, exc_info=True)
        return Quality(title=name)
    return _fold(name, guess)
