"""What a release's name and size betray, whatever the parser read: a theatre copy's word in any
spelling, spam phrasing or a site's name standing in for a group, and a size too small to be what
the name claims. `score.reasons` turns each into a Reason; the word lists live here, once.
"""

from __future__ import annotations

from dataclasses import dataclass
import re
from typing import Final

from .parse import Quality, Source

MB: Final = 1024**2

# Theatre and pre-release spellings, as whole tokens (a name's words split at anything that is not
# a letter or digit, rejoined two or three at a time so that HD-CAM, CAM.Rip and Pre-DVDRip read
# as one word). Only ever a theatre copy, wherever they stand in a name:
_THEATRE: Final[dict[str, Source]] = {
    **dict.fromkeys(
        ("camrip", "hdcam", "hdcamrip", "hqcam", "hqcamrip", "newcam", "newcamrip", "workprint"),
        Source.CAM,
    ),
    **dict.fromkeys(
        (
            "telesync",
            "telesynch",
            "hdtelesync",
            "hdts",
            "hdtsrip",
            "hqts",
            "tsrip",
            "pdvd",
            "predvd",
            "predvdrip",
            "pdvdrip",
        ),
        Source.TELESYNC,
    ),
    **dict.fromkeys(("telecine", "hdtelecine", "hdtc", "hdtcrip", "tcrip"), Source.TELECINE),
    **dict.fromkeys(
        (
            "dvdscr",
            "dvdscreener",
            "dvdscrrip",
            "bdscr",
            "bdscreener",
            "brscr",
            "webscr",
            "webscreener",
            "scrrip",
        ),
        Source.SCREENER,
    ),
}
# Also ordinary words or titles ("Cam" is a 2018 film, TS a poet's initials): they count only
# in a name's technical part (see `_counts`). R5, a region-5 pre-release disc with the theatre's
# line audio, is refused as a screener.
_AMBIGUOUS_THEATRE: Final[dict[str, Source]] = {
    "cam": Source.CAM,
    "ts": Source.TELESYNC,
    "tc": Source.TELECINE,
    "scr": Source.SCREENER,
    "screener": Source.SCREENER,
    "r5": Source.SCREENER,
}
# Subtitles burned into the picture (HC: hard-coded, nearly always Korean on an early copy).
_HARDCODED: Final = frozenset({"korsub", "korsubs", "hcsub", "hcsubs"})
_AMBIGUOUS_HARDCODED: Final = frozenset({"hc"})

# Tokens that say a name's title is over: the technical part starts at the first of them.
_TECHNICAL: Final = re.compile(
    r"""^(?:\d{3,4}[pi]|4k|8k|uhd|
    bluray|blu|bdrip|brrip|bdremux|remux|bd25|bd50|web|webdl|webrip|webmux|hdtv|pdtv|sdtv|
    dvd|dvdrip|dvdr|dvd5|dvd9|hdrip|hddvd|vhsrip|tvrip|amzn|nf|dsnp|hmax|atvp|hulu|
    x264|x265|h264|h265|hevc|avc|xvid|divx|av1|10bit|8bit|hdr|hdr10|dv|sdr|
    aac|aac2|ac3|dts|ddp|ddp5|dd5|eac3|truehd|atmos|mp3|flac|proper|repack)$""",
    re.VERBOSE,
)
_YEAR: Final = re.compile(r"^(?:19|20)\d{2}$")
_EPISODE: Final = re.compile(r"^(?:s\d{1,3}(?:e\d{1,4})*|\d{1,2}x\d{2,3})$")


def tokens(name: str) -> list[str]:
    """A name's words, case folded: "Movie.2023.HD-CAM" → movie, 2023, hd, cam."""
    return [t for t in re.split(r"[\W_]+", name.casefold()) if t]


def _counts(words: list[str], index: int) -> bool:
    """Whether an ambiguous word at `index` stands in the name's technical part: after a year
    (in a name with no episode number), after a technical token, or, in a name with neither a
    year nor an episode, just before the first technical token or last."""
    if index == 0:
        return False  # a title's first word: Cam (2018)
    episode = any(_EPISODE.match(w) for w in words)
    before = words[1:index]  # a year first in a name is the title's: 2012, 1917
    if any(_TECHNICAL.match(w) for w in words[:index]):
        return True
    if not episode and any(_YEAR.match(w) for w in before):
        return True
    if episode or any(_YEAR.match(w) for w in words[1:]):
        return False
    return index == len(words) - 1 or bool(_TECHNICAL.match(words[index + 1]))


@dataclass(frozen=True, slots=True)
class Mark:
    """A word in a name that refuses it: the spelling found and what it means."""

    word: str
    source: Source | None = None  # a theatre copy's source; None: burned-in subtitles


def _joined(words: list[str]) -> list[tuple[int, str]]:
    """Each token, and each run of two or three rejoined, with the index of its first token."""
    return [
        (start, "".join(words[start : start + size]))
        for start in range(len(words))
        for size in (1, 2, 3)
        if start + size <= len(words)
    ]


def theatre_mark(name: str) -> Mark | None:
    """The first theatre or pre-release word of a name, in any spelling, or None."""
    words = tokens(name)
    for start, run in _joined(words):
        if (source := _THEATRE.get(run)) is not None:
            return Mark(run.upper(), source)
        source = _AMBIGUOUS_THEATRE.get(run) if run == words[start] else None
        if source is not None and _counts(words, start):
            return Mark(run.upper(), source)
    return None


def theatre_word_in_title(name: str) -> bool:
    """Whether a theatre word stands only in the name's title (The.Cam.Girl.2019), where a parser
    may take it for the source."""
    words = tokens(name)
    return theatre_mark(name) is None and any(
        w in _AMBIGUOUS_THEATRE and not _counts(words, i) for i, w in enumerate(words)
    )


def hardcoded_mark(name: str) -> Mark | None:
    """A word saying the subtitles are burned into the picture (HC, KORSUB), or None."""
    words = tokens(name)
    for index, word in enumerate(words):
        if word in _HARDCODED or (word in _AMBIGUOUS_HARDCODED and _counts(words, index)):
            return Mark(word.upper())
    return None


# Phrases a real release never carries, only an advert or a fake does; matched as whole words
# however separated.
SPAM_PHRASES: Final = (
    "free download",
    "download free",
    "download now",
    "direct download",
    "full movie",
    "full film",
    "free movie",
    "watch online",
    "watch free",
    "watch full",
    "online free",
    "free online",
    "free streaming",
    "click here",
    "film complet",
    "pelicula completa",
    "película completa",
    "ganzer film",
    "volledige film",
    "descargar gratis",
    "telecharger gratuit",
    "télécharger gratuit",
)
# The endings of a web site's address; YTS.MX and its kin (.mx, .ag, .lt, .am) are an encoder's
# brand, and those endings are not here.
_SITE_ENDINGS: Final = (
    "com|org|net|info|xyz|to|cc|biz|ws|club|site|online|top|pw|ru|lol|vip|link|live|icu|me|io|"
    "tv|in|co|one|pro|fun|win|bid|stream|download|movie|movies|website|space|world"
)
_DOMAIN: Final = rf"[a-z0-9][\w-]*(?:\.[\w-]+)*\.(?:{_SITE_ENDINGS})"
# Where a site's address stands in a name (a dotted title such as Lost.In.Space is not one).
_SITES: Final = (
    re.compile(r"www\.[\w-]+(?:\.[\w-]+)+", re.IGNORECASE),
    re.compile(rf"[\[({{]\s*({_DOMAIN})\s*[\])}}]", re.IGNORECASE),
    re.compile(rf"(?:^|\s)({_DOMAIN})(?=\s|$)", re.IGNORECASE),
    re.compile(rf"-\s*({_DOMAIN})\s*$", re.IGNORECASE),
)


def _phrase(name: str, phrase: str) -> bool:
    words = [re.escape(w) for w in phrase.split()]
    pattern = r"(?<![^\W_])" + r"[\W_]+".join(words) + r"(?![^\W_])"
    return re.search(pattern, name, re.IGNORECASE) is not None


def site_name(name: str) -> str | None:
    """A web site's address in a name (www.example.com, [example.org], "- example.net")."""
    for pattern in _SITES:
        if match := pattern.search(name):
            return match.group(match.lastindex or 0).strip()
    return None


def spam_mark(name: str, quality: Quality) -> str | None:
    """What makes a name an advert: a spam phrase, or a site's address where its group should be
    (the site's name, or no group besides it). None for an honest name."""
    for phrase in SPAM_PHRASES:
        if _phrase(name, phrase):
            return phrase
    site = site_name(name)
    if site is None:
        return None
    group = (quality.group or "").casefold()
    if not group or group in site.casefold() or re.fullmatch(_DOMAIN, group):
        return site
    return None  # a site's tag beside a real group's release: www.Example.com - Movie-NTb


# The smallest plausible size, as a share of the profile's `min_size_mb` (the floor of a 1080p
# release that is not a remux). Assumptions, from typical releases: a 2160p encode is at least
# 2.5 times a 1080p one, 720p about 0.6, SD a third; a remux keeps the disc's video, at least
# 20 times the floor of an encode at its resolution (with the default 400 MB: a 1080p movie
# remux at least 7.8 GB, a 2160p one 19.5 GB).
_RESOLUTION_SHARE: Final = {"2160p": 2.5, "1080p": 1.0, "720p": 0.6, "576p": 0.35, "480p": 0.35}
_SD_SHARE: Final = 0.35  # no resolution in the name: rarely anything but SD
REMUX_FACTOR: Final = 20.0


@dataclass(frozen=True, slots=True)
class Floor:
    """The smallest plausible size of a release, and what it was judged as ("2160p Remux")."""

    bytes: int
    label: str


def size_floor(quality: Quality, min_size_mb: float, count: int) -> Floor | None:
    """The smallest plausible size for `count` episodes (or one movie) of this quality, or None
    when the profile sets no floor."""
    if min_size_mb <= 0:
        return None
    resolution = quality.resolution if quality.resolution in _RESOLUTION_SHARE else None
    share = _RESOLUTION_SHARE[resolution] if resolution else _SD_SHARE
    label = resolution or "SD"
    if quality.source is Source.REMUX:
        share *= REMUX_FACTOR
        label += " Remux"
    return Floor(int(min_size_mb * share * MB * max(1, count)), label)
