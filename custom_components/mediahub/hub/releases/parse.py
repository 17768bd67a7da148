"""What a release's name says: PTT's parse, MediaHub's own token layer (names.py), folded into
the few fields MediaHub decides on.

PTT (parsett 1.8.5, MIT) measured best of the parsers compared on tests/hub/data (docs/releases.md,
"Parse") and costs about 1 ms a title; names.py reads what it misses. Callers still run
`parse_title` off the event loop; a bounded cache makes a repeated search free.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
import logging
import re
from typing import Any, Final

from PTT import parse_title as ptt_parse  # type: ignore[import-untyped]

from .names import (
    BRAZILIAN,
    CASTILIAN,
    DUAL,
    LATIN_SPANISH,
    THEATRE_SOURCES,
    UHD,
    Source,
    cleaned_group,
    dashed_group,
    fansub_group,
    for_parser,
    source_in,
    trailing_group,
    without_debris,
    without_group_languages,
)

__all__ = ["THEATRE_SOURCES", "Pack", "Quality", "Source", "parse_title"]

_LOGGER = logging.getLogger(__name__)

MAX_TITLE_LENGTH: Final = 1024  # indexer titles are far shorter; longer input is cut, not parsed


class Pack(StrEnum):
    """A release holding more than one episode's worth of a show."""

    SEASON = "season"  # one whole season
    SERIES = "series"  # several seasons, or the complete series


# PTT's `quality` values → ours, when MediaHub's own words (names.py) found none.
_PTT_SOURCES: Final = {
    "cam": Source.CAM,
    "telesync": Source.TELESYNC,
    "telecine": Source.TELECINE,
    "scr": Source.SCREENER,
    "dvd": Source.DVD,
    "dvdrip": Source.DVD,
    "hdtv": Source.HDTV,
    "pdtv": Source.HDTV,
    "tvrip": Source.HDTV,
    "satrip": Source.HDTV,
    "web": Source.WEB_DL,
    "web-dl": Source.WEB_DL,
    "webmux": Source.WEB_DL,
    "webrip": Source.WEBRIP,
    "web-dlrip": Source.WEBRIP,
    "hdrip": Source.WEBRIP,
    "bluray": Source.BLURAY,
    "bdrip": Source.BLURAY,
    "brrip": Source.BLURAY,
    "uhdrip": Source.BLURAY,
    "bluray remux": Source.REMUX,
    "remux": Source.REMUX,
}
_CODECS: Final = {"avc": "H.264", "hevc": "H.265", "av1": "AV1", "xvid": "Xvid", "divx": "DivX"}
_HDR: Final = {"DV": "Dolby Vision", "HDR10+": "HDR10+", "HDR": "HDR10", "HDR10": "HDR10"}
_HDR_ORDER: Final = ("Dolby Vision", "HDR10+", "HDR10")
# Editions, as the name spells them → as MediaHub shows them (and Plex's {edition-...} takes).
_EDITIONS: Final = tuple(
    (re.compile(r"(?<![A-Za-z0-9])" + pattern + r"(?![A-Za-z0-9])", re.IGNORECASE), label)
    for pattern, label in (
        (r"(\d+(?:st|nd|rd|th))[ ._-]Anniversary", r"\1 Anniversary"),
        (r"Anniversary", "Anniversary"),
        (r"Directors?[ ._-]Definitive", "Director's Definitive"),
        (r"Director'?s[ ._-]Cut|DC", "Director's Cut"),
        (r"(?:The[ ._-])?Final[ ._-]Cut", "Final Cut"),
        (r"Extended(?:[ ._-]Cut|[ ._-]Edition)?", "Extended"),
        (r"Theatrical(?:[ ._-]Cut)?", "Theatrical"),
        (r"Special[ ._-]Edition", "Special"),
        (r"Black[ ._-]and[ ._-]Chrome", "Black and Chrome"),
        (r"Criterion", "Criterion"),
        (r"Ultimate[ ._-]Edition", "Ultimate"),
        (r"Collector'?s[ ._-]Edition", "Collector's"),
        (r"Unrated", "Unrated"),
        (r"Uncut", "Uncut"),
        (r"Remastered", "Remastered"),
        (r"IMAX", "IMAX"),
    )
)
_HEIGHT: Final = re.compile(r"(\d{3,4})[pi]?$", re.IGNORECASE)
_NOT_WORD: Final = re.compile(r"[\W_]+")
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
    source: Source | None = None  # None: the name does not say (ranked below every known source)
    video_codec: str | None = None  # H.264, H.265, AV1, ...
    hdr: tuple[str, ...] = ()  # Dolby Vision, HDR10+, HDR10
    audio: tuple[str, ...] = ()
    group: str | None = None
    languages: tuple[str, ...] = ()  # IETF tags: fr, pt-BR, es-419, mul
    edition: str | None = None
    proper: bool = False  # a PROPER or REPACK: the group fixed its own release
    anime: bool = False  # named the fansub way: "[Group] Title - 01 [1080p]"

    @property
    def chips(self) -> tuple[str, ...]:
        """What a person reads first: 1080p · WEB-DL · HEVC · HDR."""
        codec = {"H.265": "HEVC", "H.264": "x264"}.get(self.video_codec or "", self.video_codec)
        hdr = "DV" if "Dolby Vision" in self.hdr else ("HDR" if self.hdr else None)
        return tuple(c for c in (self.resolution, self.source, codec, hdr) if c)


def _ints(value: Any) -> tuple[int, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(sorted({v for v in items if isinstance(v, int) and not isinstance(v, bool)}))


def _resolution(value: Any) -> str | None:
    text = str(value or "").lower()
    if text in ("4k", "2160p", "uhd"):
        return "2160p"
    match = _HEIGHT.search(text.split("x")[-1])
    return f"{match.group(1)}p" if match else None


def _technical_part(name: str, title: str) -> str:
    """The name after its title: where source words are looked for, so a film called "Cam" or
    "TS" is not a theatre copy."""
    words = [w for w in _NOT_WORD.split(title) if w]
    if not words:
        return name
    spelled = r"[\W_]+".join(re.escape(w) for w in words)
    match = re.search(spelled, name, re.IGNORECASE)
    return name[match.end() :] if match else name


def _source(name: str, rest: str, parsed: dict[str, Any]) -> Source | None:
    source = source_in(rest)
    if source is None:
        source = _PTT_SOURCES.get(str(parsed.get("quality") or "").lower())
    if source in (Source.BLURAY, None) and re.search(r"REMUX", rest, re.IGNORECASE):
        source = Source.REMUX
    return source


def _languages(name: str, parsed: dict[str, Any], group: str | None) -> tuple[str, ...]:
    tags: list[str] = []
    for code in parsed.get("languages") or ():
        tag = str(code)
        if tag == "la":  # PTT's "Latino": Latin-American Spanish
            tag = "es-419"
        elif tag == "pt" and BRAZILIAN.search(name):
            tag = "pt-BR"
        if tag not in tags:
            tags.append(tag)
    if BRAZILIAN.search(name) and "pt-BR" not in tags:
        tags.append("pt-BR")
    if LATIN_SPANISH.search(name):
        if "es-419" not in tags:
            tags.append("es-419")
        if "es" in tags and not CASTILIAN.search(LATIN_SPANISH.sub(" ", _spanish_words(name))):
            tags.remove("es")  # "Español Latino" is one language, not two
    if DUAL.search(for_parser(name)) and "mul" not in tags:
        tags.append("mul")
    return tuple(without_group_languages(name, group, tags))


def _spanish_words(name: str) -> str:
    return re.sub(r"Espa[ñn]ol(?=[ ._-]+Latino)", " ", name, flags=re.IGNORECASE)


def _edition(name: str) -> str | None:
    found: list[str] = []
    for pattern, label in _EDITIONS:
        if match := pattern.search(name):
            text = match.expand(label)
            if not any(text in f or f in text for f in found):
                found.append(text)
    return " ".join(found) if found else None


def _fold(name: str, parsed: dict[str, Any]) -> Quality:
    fansub = fansub_group(name)
    title = str(parsed.get("title") or name).strip()
    rest = _technical_part(name, title)
    seasons = _ints(parsed.get("seasons"))
    episodes = _ints(parsed.get("episodes"))
    if parsed.get("year") in episodes and not seasons:
        # PTT reads a folder's year again as an episode ("Arrival (2016)/Arrival.2016...")
        episodes = tuple(e for e in episodes if e != parsed.get("year"))
    complete = bool(parsed.get("complete"))
    is_episode = bool(seasons or episodes or parsed.get("date")) or (
        complete and not parsed.get("year")
    )
    pack = None
    if is_episode and not episodes:
        if len(seasons) > 1 or (not seasons and complete):
            pack = Pack.SERIES
        elif seasons:
            pack = Pack.SEASON
    hdr = {_HDR[h] for h in parsed.get("hdr") or () if h in _HDR}
    group = (
        fansub
        or cleaned_group(name, parsed.get("group"))
        or dashed_group(name)
        or trailing_group(name)
    )
    year = parsed.get("year")
    return Quality(
        title=title,
        kind="episode" if is_episode else "movie",
        year=year if isinstance(year, int) and not parsed.get("date") else None,
        seasons=seasons,
        episodes=episodes,
        pack=pack,
        resolution=_resolution(parsed.get("resolution")) or ("2160p" if UHD.search(rest) else None),
        source=_source(name, rest, parsed),
        video_codec=_CODECS.get(str(parsed.get("codec") or "").lower()),
        hdr=tuple(h for h in _HDR_ORDER if h in hdr),
        audio=tuple(str(a) for a in parsed.get("audio") or ()),
        group=str(group) if group else None,
        languages=_languages(name, parsed, group),
        edition=_edition(rest),
        proper=bool(parsed.get("proper") or parsed.get("repack")),
        anime=fansub is not None,
    )


@lru_cache(maxsize=8192)
def parse_title(title: str) -> Quality:
    """Parse a release title. Never raises: a name PTT cannot read keeps only its title."""
    name = without_debris(_EXECUTABLE_SUFFIX.sub("", title[:MAX_TITLE_LENGTH].strip()))
    try:
        parsed = dict(ptt_parse(for_parser(name)))
    except Exception:
        _LOGGER.debug("PTT could not parse %r", name, exc_info=True)
        return Quality(title=name)
    return _fold(name, parsed)
