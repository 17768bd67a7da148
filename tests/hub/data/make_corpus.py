"""Write tests/hub/data/generated.yaml: release names built from known parts, so the expected parse
is the parts themselves, never a parser's output.

Each name is assembled from a title (with its year), a season and episodes, a resolution
spelling, a source spelling, a group (with, sometimes, a repost or indexer suffix) and language
words, laid out by one of many style templates (scene, P2P, anime fansub, non-English scenes,
disc images, packs, daily shows). The spellings are those public indexer listings use; the titles
and groups are invented or ordinary words, and no other project's test data is copied.

Run `python tests/hub/data/make_corpus.py` after changing it, and commit the YAML: the seed makes
the output the same on every machine.
"""

from __future__ import annotations

from collections.abc import Callable
import json
from pathlib import Path
import random
from typing import Any

SEED = 31
OUT = Path(__file__).with_name("generated.yaml")

# Titles as words (the expected title is the words joined by spaces) and a year.
MOVIES = [
    (["The", "Silent", "Harbor"], 2019),
    (["Northern", "Lights"], 2021),
    (["A", "Quiet", "Winter"], 2017),
    (["Blue", "Orchard"], 2023),
    (["The", "Last", "Lighthouse", "Keeper"], 2016),
    (["Glass", "Rivers"], 2022),
    (["Iron", "Meadow"], 2018),
    (["The", "Paper", "Kingdom"], 2024),
    (["Midnight", "Ferry"], 2020),
    (["Seven", "Bridges"], 2015),
    (["The", "Long", "Afternoon"], 2012),
    (["Copper", "Sky"], 2023),
    (["Salt", "and", "Stone"], 2011),
    (["Brave", "Little", "Engine"], 2009),
    (["The", "Orchard", "Part", "Two"], 2024),
    (["Harbor", "Lights", "Part", "One"], 2023),
    (["Station", "11"], 2021),
    (["Apollo", "18"], 2011),
    (["District", "9"], 2009),
    (["1917"], 2019),
    (["2001", "A", "Space", "Journey"], 1968),
    (["Room", "2049"], 2017),
    (["The", "Number", "23"], 2007),
    (["Ocean", "Twelve"], 2004),
    (["Amélie", "de", "Montmartre"], 2001),
    (["Mañana", "Será", "Otro", "Día"], 2018),
    (["Über", "den", "Wolken"], 2020),
    (["Şehrin", "Işıkları"], 2022),
    (["Det", "Sidste", "Tog"], 2019),
    (["Chapter", "Four", "The", "Reckoning"], 2023),
    (["Wild", "Horses"], 1999),
    (["The", "Clockmaker"], 1987),
    (["Summer", "of", "84"], 2018),
    (["Heat", "Wave"], 1995),
    (["Rivers", "Edge"], 2005),
]
SHOWS = [
    (["The", "Night", "Shift"], 2019),
    (["Harbor", "Police"], 2021),
    (["Kitchen", "Wars"], 2016),
    (["Deep", "Space", "Station"], 2022),
    (["The", "Office", "Hours"], 2014),
    (["Cold", "Case", "Unit"], 2011),
    (["Little", "Farm"], 2023),
    (["Mountain", "Rescue"], 2020),
    (["The", "Quiet", "Village"], 2018),
    (["Borderland"], 2017),
    (["Brigade", "9"], 2015),
    (["24", "Hours", "in", "Town"], 2013),
    (["Los", "Vecinos"], 2019),
    (["Die", "Nachbarn"], 2021),
    (["Kommissar", "Weiss"], 2012),
    (["Skärgården"], 2022),
]
ANIME = [
    ["Hoshi", "no", "Tabibito"],
    ["Kaze", "no", "Uta"],
    ["Tsuki", "to", "Neko"],
    ["Mahou", "Gakuen"],
    ["Blade", "of", "the", "Moon"],
    ["Sora", "Kakeru"],
    ["Shinobi", "Diaries"],
    ["Kuro", "no", "Kishi"],
    ["Yume", "Shokudou"],
    ["Ginga", "Tetsudou"],
    ["Robot", "Girl", "Z"],
    ["Mecha", "Knights"],
]
# Anime titles that hold a number or a year-like token.
ANIME_NUMBERED = [["86"], ["Kaiju", "No", "8"], ["Mob", "100"], ["Zero", "2"]]

SCENE_GROUPS = [
    "SPARKLE", "NOVA", "KRaLiMaRKo", "HiDEF", "ViSiON", "DRONES", "AMBER", "TRiPEL", "CRiSP",
    "FLUXION", "NTx", "SiGMAR", "PECULATE", "CAKES", "GGWP", "EDITH", "MiNX", "SYNCOPY",
]  # fmt: skip
P2P_GROUPS = ["Joy", "PSA", "MeGusta", "Ghost", "QxR", "Silence", "t3nzin", "HONE", "iVy"]
FANSUB_GROUPS = [
    "SubsTeam", "Kaizoku-Subs", "NekoRaws", "Moonlight Fansubs", "Yuki-Subs", "ASX", "Okashi",
    "Erai-rips", "HoshiSubs",
]  # fmt: skip
# Repost and indexer debris a group carries: the group is the part before it.
SUFFIXES = [
    "-Rakuv", "-Rakuvfinhel", "-GEROV", "-Pre", "-postbot", "-xpost", "-Obfuscated",
    "-Scrambled", "-AsRequested", "-RePACKPOST", "-BUYMORE", "-WhiteRev",
    " [eztv]", " [eztv.re]", " [rarbg]", " [TGx]", "[TGx]", " [ettv]", " [EtHD]", "[rartv]",
]  # fmt: skip

# (spelling, expected source); None means the name says nothing about the source.
SOURCES: list[tuple[str, str | None]] = [
    ("BluRay", "BluRay"), ("Bluray", "BluRay"), ("BLURAY", "BluRay"), ("BDRip", "BluRay"),
    ("BRRip", "BluRay"), ("BD", "BluRay"), ("UHDBDRip", "BluRay"), ("UHD.BluRay", "BluRay"),
    ("HD-DVD", "BluRay"), ("HDDVD", "BluRay"), ("HD.DVD", "BluRay"),
    ("BDRemux", "Remux"), ("BluRay.REMUX", "Remux"), ("REMUX", "Remux"), ("UHD.BDRemux", "Remux"),
    ("WEB-DL", "WEB-DL"), ("WEBDL", "WEB-DL"), ("WEB", "WEB-DL"), ("AMZN.WEB-DL", "WEB-DL"),
    ("NF.WEB-DL", "WEB-DL"), ("DSNP.WEB-DL", "WEB-DL"), ("ATVP.WEB-DL", "WEB-DL"),
    ("AmazonHD", "WEB-DL"), ("NetflixHD", "WEB-DL"), ("WEBMux", "WEB-DL"), ("iTunesHD", "WEB-DL"),
    ("WEBRip", "WEBRip"), ("WEB-Rip", "WEBRip"), ("WEBRIP", "WEBRip"), ("HDRip", "WEBRip"),
    ("HDTV", "HDTV"), ("PDTV", "HDTV"), ("DVDRip", "DVD"), ("DVD", "DVD"), ("DVD9", "DVD"),
    ("2xDVD9", "DVD"), ("DVD5", "DVD"), ("PAL.DVDR", "DVD"), ("NTSC.DVDR", "DVD"),
    ("CAM", "CAM"), ("CAMRip", "CAM"), ("CAM-Rip", "CAM"), ("HDCAM", "CAM"), ("HD-CAM", "CAM"),
    ("HQCAM", "CAM"), ("NEWCAM", "CAM"), ("HQ-CAM", "CAM"), ("WORKPRINT", "CAM"),
    ("TS", "TS"), ("TELESYNC", "TS"), ("TeleSynch", "TS"), ("HDTS", "TS"), ("HD-TS", "TS"),
    ("TSRip", "TS"), ("PDVD", "TS"), ("PreDVDRip", "TS"), ("HQ-TS", "TS"),
    ("TC", "TC"), ("TELECINE", "TC"), ("HDTC", "TC"), ("HD-TC", "TC"),
    ("SCREENER", "SCR"), ("DVDSCR", "SCR"), ("DVDSCREENER", "SCR"), ("BDSCR", "SCR"),
    ("WEBSCR", "SCR"), ("SCR", "SCR"),
]  # fmt: skip
THEATRE = [s for s in SOURCES if s[1] in {"CAM", "TS", "TC", "SCR"}]
RESOLUTIONS = [
    ("1080p", "1080p"), ("720p", "720p"), ("2160p", "2160p"), ("4K", "2160p"), ("480p", "480p"),
    ("576p", "576p"), ("FHD", "1080p"), ("1080i", "1080p"), ("1920x1080", "1080p"),
    ("1280x720", "720p"), ("UHD.2160p", "2160p"),
]  # fmt: skip
CODECS = ["x264", "x265", "H.264", "H.265", "HEVC", "h264", "AVC", "XviD", "AV1"]
AUDIO = ["DDP5.1", "DD5.1", "AAC", "AAC2.0", "DTS", "TrueHD.7.1.Atmos", "DTS-HD.MA.5.1", "AC3"]
# (words in the name, expected IETF tags)
LANGUAGES: list[tuple[str, tuple[str, ...]]] = [
    ("GERMAN", ("de",)), ("German", ("de",)), ("FRENCH", ("fr",)), ("TRUEFRENCH", ("fr",)),
    ("iTALiAN", ("it",)), ("ITALIAN", ("it",)), ("SPANISH", ("es",)), ("Castellano", ("es",)),
    ("Latino", ("es-419",)), ("DANISH", ("da",)), ("SWEDISH", ("sv",)), ("NORWEGIAN", ("no",)),
    ("FINNISH", ("fi",)), ("DUTCH", ("nl",)), ("POLISH", ("pl",)), ("RUSSIAN", ("ru",)),
    ("TURKISH", ("tr",)), ("GREEK", ("el",)), ("CHINESE", ("zh",)), ("BULGARIAN", ("bg",)),
    ("HINDI", ("hi",)), ("Hindi", ("hi",)), ("TELUGU", ("te",)), ("Tamil", ("ta",)),
    ("KOREAN", ("ko",)), ("JAPANESE", ("ja",)), ("PORTUGUESE", ("pt",)), ("Dublado", ("pt-BR",)),
    ("PT-BR", ("pt-BR",)), ("HUNGARIAN", ("hu",)), ("CZECH", ("cs",)), ("MULTi", ("mul",)),
    ("ITA.ENG", ("it", "en")), ("GER.ENG", ("de", "en")), ("Hindi.Telugu", ("hi", "te")),
]  # fmt: skip

Entry = dict[str, Any]


def _dots(words: list[str]) -> str:
    return ".".join(words)


def _spaces(words: list[str]) -> str:
    return " ".join(words)


def _entry(name: str, title: list[str], **fields: Any) -> Entry:
    entry: Entry = {"name": name, "title": " ".join(title)}
    entry.update({k: v for k, v in fields.items() if v not in (None, (), [], False)})
    return entry


def _group(rng: random.Random, groups: list[str]) -> tuple[str, str]:
    """A group as written (maybe with a repost suffix) and as expected."""
    group = rng.choice(groups)
    written = "-" + group
    if rng.random() < 0.25:
        written += rng.choice(SUFFIXES)
    return written, group


def scene_movie(rng: random.Random) -> Entry:
    title, year = rng.choice(MOVIES)
    spelling, source = rng.choice(SOURCES)
    res_w, res = rng.choice(RESOLUTIONS)
    lang_w, langs = rng.choice(LANGUAGES) if rng.random() < 0.3 else ("", ())
    written, group = _group(rng, SCENE_GROUPS)
    parts = [
        _dots(title),
        str(year),
        lang_w,
        res_w,
        spelling,
        rng.choice(AUDIO),
        rng.choice(CODECS),
    ]
    if rng.random() < 0.3:  # some put the resolution after the source
        parts[3], parts[4] = parts[4], parts[3]
    name = ".".join(p for p in parts if p) + written
    return _entry(
        name, title, year=year, resolution=res, source=source, group=group, languages=list(langs)
    )


def spaced_movie(rng: random.Random) -> Entry:
    title, year = rng.choice(MOVIES)
    spelling, source = rng.choice(SOURCES)
    res_w, res = rng.choice(RESOLUTIONS)
    lang_w, langs = rng.choice(LANGUAGES) if rng.random() < 0.3 else ("", ())
    group = rng.choice(P2P_GROUPS + SCENE_GROUPS)
    shape = rng.randrange(4)
    s = spelling.replace(".", " ")
    lang = lang_w.replace(".", " ")
    if shape == 0:
        name = f"{_spaces(title)} ({year}) [{res_w}] [{s}]{f' [{lang}]' if lang else ''} [5.1] [{group}]"
    elif shape == 1:
        name = f"{_spaces(title)} ({year}) ({res_w} {s} {rng.choice(CODECS)} 10bit AAC 5.1 {group})"
        langs = ()  # this layout carries no language word
    elif shape == 2:
        name = f"{_spaces(title)} {year} {lang + ' ' if lang else ''}{res_w} {s} {rng.choice(CODECS)} {rng.choice(AUDIO)}-{group}"
    else:
        spelled = _spaces(title)
        spelled = (
            spelled.upper() if spelled.isascii() else spelled
        )  # Turkish dotless i does not round-trip
        name = f"{spelled} {year} {s} {res_w}{' ' + lang if lang else ''} -{group}"
    return _entry(
        name, title, year=year, resolution=res, source=source, group=group, languages=list(langs)
    )


def tigole_style(rng: random.Random) -> Entry:
    """An encoder's name before the group's tag: the tag is the group."""
    title, year = rng.choice(MOVIES)
    res_w, res = rng.choice(RESOLUTIONS[:3])
    encoder = rng.choice(["Tigole", "Silence", "Ghost", "Kappa", "Weasley HONE", "r00t"])
    name = f"{_spaces(title)} ({year}) ({res_w} BluRay x265 10bit AAC 5.1 {encoder} QxR)"
    return _entry(name, title, year=year, resolution=res, source="BluRay", group="QxR")


def scene_episode(rng: random.Random) -> Entry:
    title, _ = rng.choice(SHOWS)
    season = rng.randint(1, 12)
    first = rng.randint(1, 22)
    count = rng.choice([1, 1, 1, 1, 2, 3])
    episodes = list(range(first, first + count))
    spelling, source = rng.choice([s for s in SOURCES if s[1] not in {"CAM", "TS", "TC", "SCR"}])
    res_w, res = rng.choice(RESOLUTIONS)
    lang_w, langs = rng.choice(LANGUAGES) if rng.random() < 0.25 else ("", ())
    written, group = _group(rng, SCENE_GROUPS + P2P_GROUPS)
    if count == 1:
        number = f"S{season:02d}E{first:02d}"
    elif rng.random() < 0.5:
        number = f"S{season:02d}" + "".join(f"E{e:02d}" for e in episodes)
    else:
        number = f"S{season:02d}E{first:02d}-E{episodes[-1]:02d}"
    episode_title = rng.choice(["", "The.Return", "Pilot", "Old.Friends", "Part.2", ""])
    sep = rng.choice([".", ".", " "])
    parts = [_dots(title), number, episode_title, lang_w, res_w, spelling, rng.choice(CODECS)]
    name = sep.join(p.replace(".", sep) for p in parts if p) + written
    if count > 1 and rng.random() < 0.3:
        number = f"{season}x{first:02d}-{episodes[-1]:02d}"
        parts = [_dots(title), number, lang_w, res_w, spelling]
        name = sep.join(p.replace(".", sep) for p in parts if p) + written
    return _entry(
        name, title, kind="episode", seasons=[season], episodes=episodes, resolution=res,
        source=source, group=group, languages=list(langs),
    )  # fmt: skip


def season_pack(rng: random.Random) -> Entry:
    title, _ = rng.choice(SHOWS)
    spelling, source = rng.choice([s for s in SOURCES if s[1] not in {"CAM", "TS", "TC", "SCR"}])
    res_w, res = rng.choice(RESOLUTIONS[:4])
    written, group = _group(rng, SCENE_GROUPS + P2P_GROUPS)
    shape = rng.randrange(5)
    season = rng.randint(1, 9)
    if shape == 0:
        number, seasons, pack = f"S{season:02d}", [season], "season"
    elif shape == 1:
        number, seasons, pack = f"S{season:02d}.COMPLETE", [season], "season"
    elif shape == 2:
        number, seasons, pack = f"Season.{season}", [season], "season"
    elif shape == 3:
        last = season + rng.randint(1, 3)
        number, seasons, pack = (
            f"S{season:02d}-S{last:02d}",
            list(range(season, last + 1)),
            "series",
        )
    else:
        last = season + rng.randint(1, 3)
        number = f"Seasons.{season}-{last}"
        seasons, pack = list(range(season, last + 1)), "series"
    name = ".".join([_dots(title), number, res_w, spelling, rng.choice(CODECS)]) + written
    return _entry(
        name, title, kind="episode", seasons=seasons, pack=pack, resolution=res, source=source,
        group=group,
    )  # fmt: skip


def daily_show(rng: random.Random) -> Entry:
    title = rng.choice([["Late", "Night", "Talk"], ["The", "Daily", "Brief"], ["Morning", "Desk"]])
    y, m, d = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
    guest = rng.choice(["Jane.Doe", "Sam.Lee", "Chris.Park", ""])
    res_w, res = rng.choice(RESOLUTIONS[:2])
    spelling, source = rng.choice([("WEB", "WEB-DL"), ("HDTV", "HDTV"), ("WEBRip", "WEBRip")])
    written, group = _group(rng, SCENE_GROUPS)
    parts = [_dots(title), f"{y}.{m:02d}.{d:02d}", guest, res_w, spelling, "x264"]
    name = ".".join(p for p in parts if p) + written
    return _entry(name, title, kind="episode", resolution=res, source=source, group=group)


def theatre(rng: random.Random) -> Entry:
    title, year = rng.choice(MOVIES)
    spelling, source = rng.choice(THEATRE)
    res = rng.choice([("", None), ("720p", "720p"), ("1080p", "1080p")])
    written, group = _group(rng, [*SCENE_GROUPS, "NOGRP", "CINEMA", "C1NEM4"])
    sep = rng.choice([".", " "])
    parts = [_dots(title), str(year), res[0], spelling, rng.choice(["x264", "XviD", "HEVC"])]
    if rng.random() < 0.3:
        parts[2], parts[3] = parts[3], parts[2]
    name = sep.join(p.replace(".", sep) for p in parts if p) + written
    return _entry(name, title, year=year, resolution=res[1], source=source, group=group)


def fused(rng: random.Random) -> Entry:
    """Tokens run together or bracketed: [Bluray1080p], BD.720p, [WEBDL-1080p]."""
    title, year = rng.choice(MOVIES)
    shape, source, res = rng.choice([
        ("[Bluray1080p]", "BluRay", "1080p"), ("[BluRay720p]", "BluRay", "720p"),
        ("BD.720p", "BluRay", "720p"), ("BD.1080p", "BluRay", "1080p"),
        ("[WEBDL-1080p]", "WEB-DL", "1080p"), ("[WEBRip-720p]", "WEBRip", "720p"),
        ("[HDTV-720p]", "HDTV", "720p"), ("WEB-DL1080p", "WEB-DL", "1080p"),
        ("1080pBluRay", "BluRay", "1080p"), ("[Remux-1080p]", "Remux", "1080p"),
        ("UHDBDRip.2160p", "BluRay", "2160p"), ("BDRemux.1080p", "Remux", "1080p"),
        ("FHD.WEBRip", "WEBRip", "1080p"), ("[HDRip-1080p]", "WEBRip", "1080p"),
    ])  # fmt: skip
    written, group = _group(rng, SCENE_GROUPS + P2P_GROUPS)
    name = f"{_dots(title)}.{year}.{shape}.x264{written}"
    return _entry(name, title, year=year, resolution=res, source=source, group=group)


def disc(rng: random.Random) -> Entry:
    title, year = rng.choice(MOVIES)
    shape, source, res = rng.choice([
        ("COMPLETE.BLURAY", "BluRay", None), ("1080p.BluRay.AVC.DTS-HD.MA.5.1", "BluRay", "1080p"),
        ("COMPLETE.UHD.BLURAY", "BluRay", "2160p"), ("2160p.UHD.BluRay.HEVC.TrueHD.7.1", "BluRay", "2160p"),
        ("PAL.DVDR", "DVD", "576p"), ("NTSC.DVDR", "DVD", "480p"), ("2xDVD9", "DVD", None),
        ("DVD9", "DVD", None), ("MULTi.COMPLETE.BLURAY", "BluRay", None),
    ])  # fmt: skip
    if shape == "PAL.DVDR":
        res = None  # PAL says 576 lines, but names do not say 576p: nobody reads it as a resolution
    if shape == "NTSC.DVDR":
        res = None
    written, group = _group(rng, SCENE_GROUPS)
    langs = ["mul"] if "MULTi" in shape else []
    name = f"{_dots(title)}.{year}.{shape}{written}"
    return _entry(
        name, title, year=year, resolution=res, source=source, group=group, languages=langs
    )


def foreign(rng: random.Random) -> Entry:  # noqa: PLR0911 - one return a scene
    """Non-English scenes, each with its habits."""
    title, year = rng.choice(MOVIES)
    res_w, res = rng.choice(RESOLUTIONS[:3])
    written, group = _group(rng, SCENE_GROUPS + P2P_GROUPS)
    style = rng.randrange(8)
    if style == 0:  # German: GERMAN.DL, AC3D
        name = f"{_dots(title)}.{year}.German.DL.{res_w}.BluRay.x264{written}"
        return _entry(
            name,
            title,
            year=year,
            resolution=res,
            source="BluRay",
            group=group,
            languages=["de", "mul"],
        )
    if style == 1:  # French: MULTi.VFF, TRUEFRENCH
        lang = rng.choice(
            [("MULTi.VFF", ["mul", "fr"]), ("TRUEFRENCH", ["fr"]), ("FRENCH", ["fr"])]
        )
        name = f"{_dots(title)}.{year}.{lang[0]}.{res_w}.WEB.H264{written}"
        return _entry(
            name, title, year=year, resolution=res, source="WEB-DL", group=group, languages=lang[1]
        )
    if style == 2:  # Spanish, Latin American Spanish
        lang = rng.choice(
            [
                ("Castellano", ["es"]),
                ("Latino", ["es-419"]),
                ("Español Latino", ["es-419"]),
                ("Español", ["es"]),
            ]
        )
        name = f"{_spaces(title)} ({year}) [{res_w}] [BluRay] [{lang[0]}]"
        return _entry(name, title, year=year, resolution=res, source="BluRay", languages=lang[1])
    if style == 3:  # Portuguese-BR
        lang = rng.choice(
            [("Dublado", ["pt-BR"]), ("Dual Audio PT-BR", ["pt-BR", "mul"]), ("DUBLADO", ["pt-BR"])]
        )
        name = f"{_spaces(title)} {year} {res_w} WEB-DL {lang[0]}"
        return _entry(name, title, year=year, resolution=res, source="WEB-DL", languages=lang[1])
    if style == 4:  # Nordic
        lang = rng.choice(
            [("DANISH", ["da"]), ("SWEDISH", ["sv"]), ("NORWEGIAN", ["no"]), ("FINNISH", ["fi"])]
        )
        name = f"{_dots(title)}.{year}.{lang[0]}.{res_w}.WEB-DL.H.264{written}"
        return _entry(
            name, title, year=year, resolution=res, source="WEB-DL", group=group, languages=lang[1]
        )
    if style == 5:  # Indian
        lang = rng.choice(
            [
                ("Hindi", ["hi"]),
                ("Telugu", ["te"]),
                ("Hindi + Telugu", ["hi", "te"]),
                ("Tamil", ["ta"]),
            ]
        )
        name = f"{_spaces(title)} ({year}) {lang[0]} {res_w} HDRip x264 AAC"
        return _entry(name, title, year=year, resolution=res, source="WEBRip", languages=lang[1])
    if style == 6:  # Russian, Turkish, Italian, Greek
        lang = rng.choice(
            [
                ("RUSSIAN", ["ru"]),
                ("TURKISH", ["tr"]),
                ("iTALiAN", ["it"]),
                ("GREEK", ["el"]),
                ("BULGARIAN", ["bg"]),
            ]
        )
        name = f"{_dots(title)}.{year}.{lang[0]}.{res_w}.BDRip.x264{written}"
        return _entry(
            name, title, year=year, resolution=res, source="BluRay", group=group, languages=lang[1]
        )
    lang = rng.choice([("ITA ENG", ["it", "en"]), ("GER ENG", ["de", "en"]), ("CHINESE", ["zh"])])
    name = f"{_spaces(title)} {year} {res_w} AmazonHD WEB-DL {lang[0]} x264{written}"
    return _entry(
        name, title, year=year, resolution=res, source="WEB-DL", group=group, languages=lang[1]
    )


def fansub(rng: random.Random) -> Entry:
    title = rng.choice(ANIME)
    group = rng.choice(FANSUB_GROUPS)
    res_w, res = rng.choice(
        [("1080p", "1080p"), ("720p", "720p"), ("480p", "480p"), ("1920x1080", "1080p")]
    )
    crc = "".join(rng.choice("0123456789ABCDEF") for _ in range(8))
    shape = rng.randrange(9)
    t = _spaces(title)
    fields: dict[str, Any] = {"kind": "episode", "resolution": res, "group": group, "anime": True}
    if shape == 0:  # plain absolute number
        ep = rng.randint(1, 48)
        name = f"[{group}] {t} - {ep:02d} ({res_w}) [{crc}].mkv"
        fields["episodes"] = [ep]
    elif shape == 1:  # 3-digit absolute, with an episode name
        ep = rng.randint(100, 1100)
        name = f"[{group}] {t} - {ep} - Episode Name [{res_w}].mkv"
        fields["episodes"] = [ep]
    elif shape == 2:  # version 2
        ep = rng.randint(1, 24)
        name = f"[{group}] {t} - {ep:02d}v2 [{res_w}][{crc}].mkv"
        fields["episodes"] = [ep]
    elif shape == 3:  # range, expanded
        last = rng.randint(10, 26)
        name = f"[{group}] {t} - 01 ~ {last} [{res_w}][Batch]"
        fields["episodes"] = list(range(1, last + 1))
    elif shape == 4:  # a year in the title's parentheses, then the episode (its absolute number)
        year = rng.randint(2005, 2024)
        ep = rng.randint(1, 30)
        name = f"[{group}] {t} ({year}) - {ep:03d} ({ep + 100}) [{res_w}]"
        fields.update(episodes=[ep], year=year)
    elif shape == 5:  # season in the S2 form
        season = rng.randint(2, 4)
        ep = rng.randint(1, 13)
        name = f"[{group}] {t} S{season} - {ep:02d} [{res_w}]"
        fields.update(seasons=[season], episodes=[ep])
    elif shape == 6:  # BD batch: a range in parentheses
        last = rng.choice([12, 13, 24, 25])
        name = f"[{group}] {t} (01-{last}) [BD {res_w}] [Dual Audio]"
        fields.update(episodes=list(range(1, last + 1)), source="BluRay", languages=["mul"])
    elif shape == 7:  # a title holding a number
        title = rng.choice(ANIME_NUMBERED)
        t = _spaces(title)
        ep = rng.randint(1, 23)
        name = f"[{group}] {t} - {ep:02d} [{res_w}][{crc}].mkv"
        fields["episodes"] = [ep]
    else:  # web source named
        ep = rng.randint(1, 24)
        name = f"[{group}] {t} - {ep:02d} [WEB-DL {res_w} AVC AAC][{crc}]"
        fields.update(episodes=[ep], source="WEB-DL")
    return _entry(name, title, **fields)


STYLES: list[tuple[Callable[[random.Random], Entry], int]] = [
    (scene_movie, 170),
    (spaced_movie, 90),
    (tigole_style, 15),
    (scene_episode, 120),
    (season_pack, 50),
    (daily_show, 25),
    (theatre, 80),
    (fused, 45),
    (disc, 30),
    (foreign, 110),
    (fansub, 110),
]


def main() -> None:
    rng = random.Random(SEED)
    seen: set[str] = set()
    lines = [
        "# Generated by make_corpus.py (seeded): names built from known parts, expected values",
        "# are those parts. Do not edit by hand; change the generator and run it again.",
    ]
    for style, count in STYLES:
        lines.append(f"# {style.__name__}")
        made = 0
        while made < count:
            entry = style(rng)
            if entry["name"] in seen:
                continue
            seen.add(entry["name"])
            lines.append("- " + json.dumps(entry, ensure_ascii=False))
            made += 1
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT.name}: {len(seen)} names")


if __name__ == "__main__":
    main()
