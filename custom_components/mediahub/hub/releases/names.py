"""MediaHub's own reading of release-name tokens, on top of PTT's parse (parse.py).

What PTT 1.8.5 misses or misreads, measured on tests/hub/data (docs/releases.md, "Parse"):
theatre spellings (TeleSynch, HQCAM, NEWCAM, PDVD, WEBSCR...), fused and bracketed tokens
([Bluray1080p], BD.720p, UHDBDRip, 2xDVD9), streaming tags of other scenes (AmazonHD, NetflixHD,
WEBMux), HD DVD, repost and indexer suffixes (-Rakuv, -GEROV, [eztv]...), groups at the end of a
P2P name ([YTS.MX], "(... Tigole QxR)"), Latin-American Spanish and Brazilian Portuguese.
"""

from __future__ import annotations

from enum import StrEnum
import re
from typing import Final


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

# A token stands alone: letters never run on before it, nor after it (digits may: "Bluray1080p").
_L: Final = r"(?<![A-Za-z0-9])"
_R: Final = r"(?![A-Za-z])"
_SEP: Final = r"[ ._-]?"

# Most telling first: any theatre word makes the release a theatre copy, whatever else it says;
# then Remux (a BluRay that says so), HD DVD (a 1080p disc, ranked with BluRay, not with DVD).
SOURCE_WORDS: Final[tuple[tuple[Source, re.Pattern[str]], ...]] = tuple(
    (source, re.compile(f"{_L}(?:{pattern}){_R}", re.IGNORECASE))
    for source, pattern in (
        (Source.CAM, rf"(?:HD|HQ|NEW|Line){_SEP}CAM(?:{_SEP}Rip)?|CAM(?:{_SEP}Rip)?|WORKPRINT"),
        (
            Source.TELESYNC,
            rf"TELE{_SEP}SYNCH?|(?:HD|HQ){_SEP}TS|TS(?:{_SEP}Rip)?|P(?:re)?{_SEP}DVD(?:{_SEP}Rip)?",
        ),
        (Source.TELECINE, rf"TELE{_SEP}CINE|(?:HD|HQ){_SEP}TC|TC"),
        (Source.SCREENER, rf"(?:DVD|BD|BR|WEB|HD){_SEP}SCR(?:EENER)?|SCREENER|SCR"),
        (Source.REMUX, rf"(?:BD|UHD|BluRay|DVD)?{_SEP}REMUX"),
        (
            Source.BLURAY,
            rf"HD{_SEP}DVD(?:{_SEP}Rip)?|Blu{_SEP}Ray|UHD{_SEP}BD(?:Rip)?|BD(?:Rip|25|50|66|100)?|BR{_SEP}Rip|BDMV",
        ),
        (Source.WEBRIP, rf"WEB{_SEP}Rip|WEB{_SEP}DL{_SEP}Rip|HD{_SEP}Rip|WEB{_SEP}Cap"),
        (
            Source.WEB_DL,
            rf"WEB{_SEP}DL|WEB{_SEP}Mux|WEB|(?:Amazon|Netflix|iTunes|Disney|Hulu|HBO|HMAX|AppleTV|ATVP|AMZN|NF|DSNP){_SEP}HD",
        ),
        (Source.HDTV, rf"(?:HD|PD|SD|UHD){_SEP}TV|TV{_SEP}Rip|SAT{_SEP}Rip|DSR(?:ip)?|DVB"),
        (Source.DVD, rf"\d?x?DVD(?:{_SEP}Rip|R|5|9)?"),
    )
)

# Repost and indexer debris after the group: the group is what comes before it.
_DEBRIS: Final = re.compile(
    r"(?:\s*\[(?:eztv(?:\.\w+)?|ettv|rarbg|rartv|TGx|EtHD|PublicHD|\w+\.(?:com|org|net|to|re))\]"
    r"|-(?:Rakuv\w*|GEROV|Pre|postbot|xpost|Obfuscated|Scrambled|AsRequested|RePACKPOST|"
    r"BUYMORE|WhiteRev|Chamele0n|1|sample)"
    r"|\.(?:mkv|mp4|avi|m4v|ts|torrent))$",
    re.IGNORECASE,
)
# Subtitle phrases: they name the subtitles' language, not the audio's.
_SUBTITLES: Final = re.compile(
    r"[\[(]?\b(?:Eng(?:lish)?|Multi(?:ple)?)[ ._-]?Sub(?:s|titles?)?\b[\])]?", re.IGNORECASE
)

# A word that is a name's technical token, never a group.
TECH: Final = re.compile(
    r"(?:\d{3,4}[pi]|\d{3,4}x\d{3,4}|4K|UHD|FHD|HD|SD|[xh][ .]?26[45]|HEVC|AVC|AV1|XviD|DivX|"
    r"10bit|8bit|HDR\d*\+?|DV|DoVi|SDR|AAC\d?(?:\.\d)?|AC3|E?AC-?3|DDP?\d?(?:\.\d)?|DTS(?:-HD)?|"
    r"TrueHD|Atmos|FLAC|Opus|MP3|\d\.\d|MA|REPACK|PROPER|INTERNAL|MULTi|DUAL|Dual Audio|DL|"
    r"Batch|Complete|MKV|MP4|AVI|(?:Multi(?:ple)?|Eng(?:lish)?)[ -]?Sub(?:s|titles?)?|Dub(?:bed)?|"
    r"\d{4}|[0-9A-F]{8})",
    re.IGNORECASE,
)
_BRACKETED: Final = re.compile(r"\[([^\[\]]+)\]\s*$")
_PARENTHESISED_TAIL: Final = re.compile(r"\(([^()]+)\)\s*$")
# "[Group] Title - 01": a fansub release, named the anime way.
_FANSUB: Final = re.compile(r"^\s*\[([^\[\]]+)\]\s*[^\[\s]")

LATIN_SPANISH: Final = re.compile(r"\b(?:Latino|LatAm|Lat)\b|es[-_]?(?:419|MX|LA)\b", re.IGNORECASE)
CASTILIAN: Final = re.compile(r"\b(?:Castellano|Castilian|Espa[ñn]ol|SPANISH|ESP)\b", re.IGNORECASE)
BRAZILIAN: Final = re.compile(
    r"\b(?:Dublado|PT[-_ .]?BR|Brazilian|BR[-_ .]?DUB|Nacional)\b", re.IGNORECASE
)
DUAL: Final = re.compile(
    r"(?<![A-Za-z0-9])(?<!WEB[ ._-])(?:MULTi|DUAL|Dual[ ._-]?Audio|DL)(?![A-Za-z0-9])",
    re.IGNORECASE,
)
UHD: Final = re.compile(r"(?<![A-Za-z0-9])UHD(?![A-Za-z])", re.IGNORECASE)
# Disc counts ("2xDVD9") read as episode numbers by PTT: the count goes before parsing.
_DISC_COUNT: Final = re.compile(r"(?<![A-Za-z0-9])\d{1,2}x(?=DVD|BD|Blu)", re.IGNORECASE)
SPANISH_TITLE_WORD: Final = re.compile(r"^\s*(?:Espa[ñn]ol|Castellano)", re.IGNORECASE)


def without_debris(name: str) -> str:
    """The name without indexer tags, repost suffixes and a file extension at its end."""
    while (cut := _DEBRIS.sub("", name)) != name:
        name = cut.rstrip()
    return name


def for_parser(name: str) -> str:
    """The name as PTT reads it best: no subtitle phrases (they name the subtitles' language, not
    the audio's), no disc counts (2xDVD9 is not episode 2)."""
    return _DISC_COUNT.sub("", _SUBTITLES.sub(" ", name))


def source_in(rest: str) -> Source | None:
    """The source a name's technical part (after its title) names, by MediaHub's words."""
    for source, pattern in SOURCE_WORDS:
        if pattern.search(rest):
            return source
    return None


_NORDIC_WORDS: Final = {
    "da": re.compile(r"\bDAN(?:ISH)?\b", re.I),
    "fi": re.compile(r"\bFIN(?:NISH)?\b", re.I),
    "sv": re.compile(r"\bSWE(?:DISH)?\b", re.I),
    "no": re.compile(r"\bNOR(?:WEGIAN)?\b", re.I),
}


def without_group_languages(name: str, group: str | None, tags: list[str]) -> list[str]:
    """A group named NORDiC is not four languages: keep those the name says otherwise."""
    if group is None or group.casefold() != "nordic" or name.casefold().count("nordic") > 1:
        return tags
    return [t for t in tags if t not in _NORDIC_WORDS or _NORDIC_WORDS[t].search(name)]


def fansub_group(name: str) -> str | None:
    """The group of a name in the anime fansub shape ("[Group] Title - 01 ..."), else None."""
    match = _FANSUB.match(name)
    if not match:
        return None
    group = match.group(1).strip()
    return None if TECH.fullmatch(group) or _names_no_group(group) else group


_DASHED_TAIL: Final = re.compile(r"-([A-Za-z0-9][\w.]*?)$")
_TECH_BEFORE_GROUP: Final = re.compile(
    r"^(?:DTS|AAC|AC3|DDP?|FLAC|x26[45]|h26[45]|HEVC|AVC)-(?=.)", re.I
)
_LANGUAGE_TAIL: Final = re.compile(r"(?:PT|es|en|fr|de)-(?:BR|PT|419|MX|LA|US|GB|CA|FR)$", re.I)


def cleaned_group(name: str, group: str | None) -> str | None:
    """A parser's group without the audio tag it swallowed (DTS-Group), or None when it is the
    half of a language tag (PT-BR)."""
    if group is None:
        return None
    group = _TECH_BEFORE_GROUP.sub("", group)
    if re.search(rf"-{re.escape(group)}\.[A-Za-z]{{2,3}}$", name):
        group = name.rsplit("-", 1)[1]  # YTS.MX: the parser stopped at the dot
    if _LANGUAGE_TAIL.search(name) and _LANGUAGE_TAIL.search(name[-len(group) - 3 :]):
        return None
    return group or None


def dashed_group(name: str) -> str | None:
    """A scene name's group after its last dash, when the parser found none ("...DTS-WiKi")."""
    match = _DASHED_TAIL.search(name)
    if not match or _LANGUAGE_TAIL.search(name):
        return None
    candidate = match.group(1)
    parts = candidate.split(".")
    if (
        any(TECH.fullmatch(p) or p.isdigit() for p in parts)  # DTS-X.MA.5.1: an audio tag
        or _names_no_group(candidate)
        or not re.search(r"[A-Za-z]", candidate)
    ):
        return None
    return candidate


def trailing_group(name: str) -> str | None:
    """A P2P name's group at its end: "[YTS.MX]", "(... Tigole QxR)" → QxR, "... x264 YIFY"."""
    if match := _BRACKETED.search(name):
        candidate = match.group(1).strip()
    elif match := _PARENTHESISED_TAIL.search(name):
        candidate = match.group(1).split()[-1] if match.group(1).split() else ""
    else:
        words = name.split()
        if len(words) < 3:
            return None
        candidate = words[-1]
    if (
        not candidate
        or TECH.fullmatch(candidate)
        or _names_no_group(candidate)
        or not re.search(r"[A-Za-z]", candidate)
        or " " in candidate
    ):
        return None
    return candidate


# Language words a name's last bracket may hold: a language, never a group.
_LANGUAGE_WORDS: Final = frozenset(
    {
        "english", "german", "deutsch", "french", "truefrench", "vff", "vf", "italian", "ita",
        "spanish", "castellano", "espanol", "español", "latino", "portuguese", "dublado",
        "legendado", "russian", "rus", "turkish", "greek", "chinese", "japanese", "korean",
        "hindi", "telugu", "tamil", "malayalam", "kannada", "bengali", "danish", "swedish",
        "norwegian", "finnish", "dutch", "flemish", "polish", "czech", "hungarian", "bulgarian",
        "romanian", "ukrainian", "arabic", "hebrew", "thai", "vietnamese", "nordic", "eng", "ger",
        "fre", "spa", "jpn", "kor", "chi", "multi", "multisub", "pt-br", "es-419", "es-la",
        "es-mx",
    }
)  # fmt: skip


def _names_no_group(word: str) -> bool:
    if word.casefold() in _LANGUAGE_WORDS or all(
        w.casefold() in _LANGUAGE_WORDS for w in re.split(r"[ .+&,]+", word) if w
    ):
        return True
    return any(pattern.fullmatch(word) for _, pattern in SOURCE_WORDS)
