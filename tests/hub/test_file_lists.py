"""The file-list guard over a table of hostile and benign torrents: for each, what a household
would see: refused, naming the file that decided it, or downloaded with exactly which files
left out (never an executable, never anything outside the category's allowlist)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from custom_components.mediahub.hub.lifecycle.guard import REFUSAL_KEYS, ReleaseRefusedError
from custom_components.mediahub.hub.releases.files import (
    ContentKind,
    TorrentFile,
    dangerous_name,
    judge,
    kind_of,
)

KB = 1_000
MB = 1_000_000
GB = 1_000_000_000


@dataclass(frozen=True)
class Refused:
    code: str
    offender: str | None


@dataclass(frozen=True)
class Allowed:
    left_out: tuple[str, ...] = ()  # the files set to "do not download", by their path


@dataclass(frozen=True)
class Case:
    id: str
    category: str
    files: tuple[tuple[str, int], ...]
    expected: Refused | Allowed


def film(*extra: tuple[str, int], size: int = 4 * GB) -> tuple[tuple[str, int], ...]:
    return (("Harbour.Lights.2021.1080p.WEB-DL/Harbour.Lights.2021.1080p.mkv", size), *extra)


F = "Harbour.Lights.2021.1080p.WEB-DL"

CASES = [
    # Benign films, shows, albums and books.
    Case("single file film", "movies", (("Harbour.Lights.2021.1080p.mkv", 4 * GB),), Allowed()),
    Case("film with subtitles", "movies", film((f"{F}/Subs/en.srt", 80 * KB)), Allowed()),
    Case(
        "film with the usual junk",
        "movies",
        film(
            (f"{F}/{F}.nfo", 4 * KB),
            (f"{F}/Visit our site.url", 100),
            (f"{F}/Screens/shot1.png", 800 * KB),
            (f"{F}/{F}.sample.mkv", 60 * MB),
            (f"{F}/Subs/fr.ass", 90 * KB),
        ),
        Allowed(
            (
                f"{F}/{F}.nfo",
                f"{F}/Visit our site.url",
                f"{F}/Screens/shot1.png",
                f"{F}/{F}.sample.mkv",
            )
        ),
    ),
    Case(
        "extras folder of videos",
        "movies",
        film((f"{F}/Featurettes/Making Of.mkv", 700 * MB), (f"{F}/Extras/Trailer.mp4", 90 * MB)),
        Allowed((f"{F}/Featurettes/Making Of.mkv", f"{F}/Extras/Trailer.mp4")),
    ),
    Case(
        "small archive beside the film",
        "movies",
        film((f"{F}/subs.zip", 300 * KB)),
        Allowed((f"{F}/subs.zip",)),
    ),
    Case(
        "whatever the name, not video: not downloaded",
        "movies",
        film((f"{F}/Harbour.Lights.2021.1080p.mkv.txt", 2 * KB), (f"{F}/poster.webp", 300 * KB)),
        Allowed((f"{F}/Harbour.Lights.2021.1080p.mkv.txt", f"{F}/poster.webp")),
    ),
    Case(
        "season pack",
        "tv",
        (
            ("Tidewater.S01.1080p/Tidewater.S01E01.mkv", 900 * MB),
            ("Tidewater.S01.1080p/Tidewater.S01E02.mkv", 880 * MB),
            ("Tidewater.S01.1080p/Tidewater.S01E03.mkv", 910 * MB),
            ("Tidewater.S01.1080p/Tidewater.S01E01.en.srt", 40 * KB),
            ("Tidewater.S01.1080p/torrent downloaded from.txt", 50),
        ),
        Allowed(("Tidewater.S01.1080p/torrent downloaded from.txt",)),
    ),
    Case(
        "episode with a sample",
        "tv",
        (
            ("Tidewater.S02E04/Tidewater.S02E04.mkv", 1 * GB),
            ("Tidewater.S02E04/sample.mkv", 20 * MB),
        ),
        Allowed(("Tidewater.S02E04/sample.mkv",)),
    ),
    Case(
        "Blu-ray stream files",
        "movies",
        (("Disc/BDMV/STREAM/00001.m2ts", 20 * GB), ("Disc/BDMV/index.bdmv", 1 * KB)),
        Allowed(("Disc/BDMV/index.bdmv",)),
    ),
    Case(
        "album in FLAC with art and a cue sheet",
        "music",
        (
            ("Salt Marsh - Low Tide (2019)/01 - Shore.flac", 30 * MB),
            ("Salt Marsh - Low Tide (2019)/02 - Gulls.flac", 28 * MB),
            ("Salt Marsh - Low Tide (2019)/cover.jpg", 900 * KB),
            ("Salt Marsh - Low Tide (2019)/Low Tide.cue", 2 * KB),
            ("Salt Marsh - Low Tide (2019)/Low Tide.log", 6 * KB),
            ("Salt Marsh - Low Tide (2019)/booklet.pdf", 9 * MB),
            ("Salt Marsh - Low Tide (2019)/playlist.m3u", 200),
        ),
        Allowed(
            (
                "Salt Marsh - Low Tide (2019)/Low Tide.log",
                "Salt Marsh - Low Tide (2019)/booklet.pdf",
                "Salt Marsh - Low Tide (2019)/playlist.m3u",
            )
        ),
    ),
    Case(
        "album in MP3 with its video clip",
        "music",
        (("Reed/01.mp3", 8 * MB), ("Reed/02.mp3", 9 * MB), ("Reed/clip.mp4", 120 * MB)),
        Allowed(("Reed/clip.mp4",)),
    ),
    Case(
        "a track named sample is still a track",
        "music",
        (("Beats/01 Sample Me.flac", 20 * MB), ("Beats/02 Long One.flac", 90 * MB)),
        Allowed(),
    ),
    Case(
        "ebook bundle",
        "books",
        (
            ("The Quiet Ferry/The Quiet Ferry.epub", 2 * MB),
            ("The Quiet Ferry/The Quiet Ferry.mobi", 3 * MB),
            ("The Quiet Ferry/cover.jpg", 200 * KB),
            ("The Quiet Ferry/metadata.opf", 3 * KB),
        ),
        Allowed(("The Quiet Ferry/metadata.opf",)),
    ),
    Case(
        "audiobook",
        "books",
        (("Quiet Ferry Audio/Part 1.m4b", 300 * MB), ("Quiet Ferry Audio/info.nfo", 1 * KB)),
        Allowed(("Quiet Ferry Audio/info.nfo",)),
    ),
    Case("comic", "books", (("Ferry Comics 01.cbz", 80 * MB),), Allowed()),
    Case(
        "another category: junk only skipped",
        "software-free",
        (("Docs/manual.pdf", 5 * MB), ("Docs/readme.txt", 1 * KB)),
        Allowed(("Docs/readme.txt",)),
    ),
    # Executables, in every disguise, anywhere: refused, even as a small extra.
    Case(
        "setup.exe beside the film",
        "movies",
        film((f"{F}/setup.exe", 2 * MB)),
        Refused("executable", "setup.exe"),
    ),
    Case(
        "video behind .exe",
        "movies",
        (("Harbour.Lights.2021.1080p.mkv.exe", 3 * MB),),
        Refused("executable", "Harbour.Lights.2021.1080p.mkv.exe"),
    ),
    Case(
        "trailing dot",
        "movies",
        film((f"{F}/player.exe.", 1 * MB)),
        Refused("executable", "player.exe."),
    ),
    Case(
        "trailing space",
        "movies",
        film((f"{F}/player.exe ", 1 * MB)),
        Refused("executable", "player.exe "),
    ),
    Case(
        "trailing dots and spaces",
        "tv",
        film((f"{F}/codec.scr . .", 1 * MB)),
        Refused("executable", "codec.scr . ."),
    ),
    Case(
        "upper case", "movies", film((f"{F}/CODEC.EXE", 1 * MB)), Refused("executable", "CODEC.EXE")
    ),
    Case(
        "mixed case AppImage",
        "movies",
        film((f"{F}/Player.AppImage", 60 * MB)),
        Refused("executable", "Player.AppImage"),
    ),
    Case(
        "right-to-left override hiding .exe",
        "movies",
        film((f"{F}/movie\u202evkm.exe", 5 * MB)),
        Refused("executable", "movie<U+202E>vkm.exe"),
    ),
    Case(
        "right-to-left override faking .exe on a video",
        "movies",
        film((f"{F}/trailer\u202eexe.mkv", 5 * MB)),
        Refused("deceptive", "trailer<U+202E>exe.mkv"),
    ),
    Case(
        "isolate control in a folder",
        "tv",
        (("Show\u2067S01/e01.mkv", GB),),
        Refused("deceptive", "Show<U+2067>S01"),
    ),
    Case(
        "right-to-left marks in a Hebrew title (no reordering)",
        "movies",
        (("\u05d0\u05d5\u05e8\u200f.2021.1080p/\u05d0\u05d5\u05e8\u200f.2021.1080p.mkv", 4 * GB),),
        Allowed(),
    ),
    Case(
        "zero-width space before a dot",
        "movies",
        film((f"{F}/run.bat\u200b", 1 * KB)),
        Refused("executable", "run.bat<U+200B>"),
    ),
    Case(
        "fullwidth dot",
        "movies",
        film((f"{F}/codec\uff0ecmd", 1 * KB)),
        Refused("executable", "codec\uff0ecmd"),
    ),
    Case(
        "HTML application",
        "movies",
        film((f"{F}/Play Me.hta", 4 * KB)),
        Refused("executable", "Play Me.hta"),
    ),
    Case(
        "Windows script file",
        "tv",
        film((f"{F}/install.wsf", 4 * KB)),
        Refused("executable", "install.wsf"),
    ),
    Case(
        "Java archive",
        "movies",
        film((f"{F}/Player.jar", 3 * MB)),
        Refused("executable", "Player.jar"),
    ),
    Case(
        "control panel item",
        "movies",
        film((f"{F}/codec.cpl", 300 * KB)),
        Refused("executable", "codec.cpl"),
    ),
    Case(
        "registry file", "movies", film((f"{F}/fix.reg", 1 * KB)), Refused("executable", "fix.reg")
    ),
    Case(
        "shortcut", "movies", film((f"{F}/Watch.lnk", 1 * KB)), Refused("executable", "Watch.lnk")
    ),
    Case(
        "PowerShell",
        "music",
        (("Album/01.flac", 30 * MB), ("Album/tag.ps1", 2 * KB)),
        Refused("executable", "tag.ps1"),
    ),
    Case("DLL", "movies", film((f"{F}/codec.dll", 900 * KB)), Refused("executable", "codec.dll")),
    Case(
        "macOS disk image",
        "movies",
        film((f"{F}/Player.dmg", 40 * MB)),
        Refused("executable", "Player.dmg"),
    ),
    Case(
        "macOS app bundle folder",
        "movies",
        film((f"{F}/Player.app/Contents/MacOS/Player", 9 * MB)),
        Refused("executable", "Player.app"),
    ),
    Case(
        "macOS command script",
        "movies",
        film((f"{F}/open.command", 1 * KB)),
        Refused("executable", "open.command"),
    ),
    Case(
        "Linux desktop launcher",
        "movies",
        film((f"{F}/watch.desktop", 1 * KB)),
        Refused("executable", "watch.desktop"),
    ),
    Case(
        "shell script", "tv", film((f"{F}/install.sh", 1 * KB)), Refused("executable", "install.sh")
    ),
    Case(
        "self-extracting .run",
        "movies",
        film((f"{F}/codec.run", 8 * MB)),
        Refused("executable", "codec.run"),
    ),
    Case(
        "Debian package",
        "movies",
        film((f"{F}/player.deb", 8 * MB)),
        Refused("executable", "player.deb"),
    ),
    Case(
        "Android app",
        "movies",
        film((f"{F}/Player.apk", 20 * MB)),
        Refused("executable", "Player.apk"),
    ),
    Case(
        "Android split apks",
        "books",
        (("Book/book.epub", 2 * MB), ("Book/Reader.xapk", 30 * MB)),
        Refused("executable", "Reader.xapk"),
    ),
    Case(
        "JavaScript",
        "movies",
        film((f"{F}/Harbour.Lights.mp4.js", 10 * KB)),
        Refused("executable", "Harbour.Lights.mp4.js"),
    ),
    Case(
        "executable in an extras folder",
        "movies",
        film((f"{F}/Extras/bonus.exe", 10 * MB)),
        Refused("executable", "bonus.exe"),
    ),
    Case(
        "executable in another category",
        "software-free",
        (("Tools/tool.exe", 10 * MB),),
        Refused("executable", "tool.exe"),
    ),
    Case(
        "a film called Password",
        "movies",
        (("The.Password.1999.720p/The.Password.1999.720p.mkv", 2 * GB),),
        Allowed(),
    ),
    # Not what it says it is.
    Case(
        "password file",
        "movies",
        film((f"{F}/Password.txt", 100)),
        Refused("password", "Password.txt"),
    ),
    Case(
        "archives only",
        "movies",
        ((f"{F}/{F}.rar", GB), (f"{F}/{F}.r00", GB)),
        Refused("archives_only", f"{F}.rar"),
    ),
    Case(
        "split archive with a sample",
        "movies",
        ((f"{F}/{F}.part1.rar", GB), (f"{F}/{F}.part2.rar", GB), (f"{F}/sample.mkv", 30 * MB)),
        Refused("archives_only", f"{F}.part1.rar"),
    ),
    Case(
        "disc image",
        "movies",
        ((f"{F}/HARBOUR_LIGHTS.iso", 7 * GB), (f"{F}/{F}.nfo", KB)),
        Refused("archives_only", "HARBOUR_LIGHTS.iso"),
    ),
    Case(
        "disc image bigger than the film",
        "movies",
        film((f"{F}/bonus.iso", 6 * GB)),
        Refused("archives_only", "bonus.iso"),
    ),
    Case(
        "largest file is audio",
        "movies",
        film((f"{F}/Soundtrack.flac", 5 * GB), size=GB),
        Refused("not_video", "Soundtrack.flac"),
    ),
    Case(
        "largest file is a pdf",
        "tv",
        (
            ("Tidewater.S01E01/Tidewater.S01E01.mkv", 20 * MB),
            ("Tidewater.S01E01/Tidewater.S01E01.pdf", 900 * MB),
        ),
        Refused("not_video", "Tidewater.S01E01.pdf"),
    ),
    Case(
        "no video at all",
        "movies",
        ((f"{F}/readme.txt", KB), (f"{F}/poster.jpg", 100 * KB)),
        Refused("no_video", None),
    ),
    Case(
        "only samples and extras",
        "movies",
        ((f"{F}/Sample/x.mkv", 50 * MB), (f"{F}/Extras/y.mkv", 40 * MB)),
        Refused("no_video", None),
    ),
    Case(
        "album without audio",
        "music",
        (("Album/cover.jpg", MB), ("Album/info.txt", KB)),
        Refused("no_media", None),
    ),
    Case(
        "album as an archive",
        "music",
        (("Album/Album.zip", 300 * MB), ("Album/cover.jpg", MB)),
        Refused("archives_only", "Album.zip"),
    ),
    Case(
        "book without a book",
        "books",
        (("Book/readme.txt", KB), ("Book/cover.png", MB)),
        Refused("no_media", None),
    ),
]


def listed(case: Case) -> list[TorrentFile]:
    return [TorrentFile(i, name, size) for i, (name, size) in enumerate(case.files)]


def test_the_table_is_wide() -> None:
    refused = [c for c in CASES if isinstance(c.expected, Refused)]
    assert len(CASES) >= 40 and len(refused) >= 25 and len(CASES) - len(refused) >= 15
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_file_list_is_judged_as_a_careful_person_would(case: Case) -> None:
    files = listed(case)
    verdict = judge(files, kind_of(case.category))
    match case.expected:
        case Refused(code=code, offender=offender):
            assert (verdict.refused, verdict.offender) == (code, offender)
            if offender is not None:
                assert offender in verdict.text
        case Allowed(left_out=left_out):
            assert verdict.refused is None, verdict.text
            assert sorted(files[i].name for i in verdict.skip) == sorted(left_out)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_nothing_downloaded_is_outside_the_allowlist(case: Case) -> None:
    """Whatever passes, only its kind's files are downloaded: in movies and tv, videos and
    subtitles; never an executable."""
    verdict = judge(listed(case), kind_of(case.category))
    if verdict.refused:
        return
    kept = [name for i, (name, _) in enumerate(case.files) if i not in verdict.skip]
    extensions = {name.rsplit(".", 1)[-1].lower() for name in kept}
    allowed = {
        ContentKind.VIDEO: {"mkv", "mp4", "m2ts", "srt", "ass"},
        ContentKind.MUSIC: {"flac", "mp3", "jpg", "cue"},
        ContentKind.BOOKS: {"epub", "mobi", "jpg", "m4b", "cbz"},
        ContentKind.OTHER: {"pdf"},
    }[kind_of(case.category)]
    assert extensions <= allowed, kept


def test_a_refusal_is_a_translated_error_naming_the_file() -> None:
    verdict = judge(listed(CASES[-1]), ContentKind.BOOKS)
    error = ReleaseRefusedError("The Quiet Ferry", verdict)
    assert error.code == REFUSAL_KEYS["no_media"]
    assert error.values == {"name": "The Quiet Ferry", "file": "The Quiet Ferry"}
    hidden = judge([TorrentFile(0, "movie\u202evkm.exe", 1)], ContentKind.VIDEO)
    error = ReleaseRefusedError("movie", hidden)
    assert (error.code, error.values["file"]) == ("release_refused", "movie<U+202E>vkm.exe")


@pytest.mark.parametrize(
    ("title", "executable"),
    [
        ("Harbour.Lights.2021.1080p.WEB-DL.x264-GRP.mkv.exe", True),
        ("Harbour.Lights.2021.1080p.WEB-DL.x264-GRP.exe.", True),
        ("Harbour Lights 2021 1080p.SCR ", True),
        ("Harbour.Lights.2021.1080p.mp4.js", True),
        ("Harbour.Lights.2021.1080p.WEB-DL.x264-GRP", False),
        ("Hoarders.S01E01.The.Run", False),  # a title ending in a word that is an extension
        ("Tidewater.S01E02.The.Bin.720p", False),
        ("Harbour Lights (2021) [www.example.com]", False),
    ],
)
def test_a_release_title_that_is_a_program_is_named(title: str, executable: bool) -> None:
    assert (dangerous_name(title) is not None) is executable
