"""The file-list guard: what a torrent holds decides whether it downloads, and which files do.

Read before a byte of payload is written (a .torrent at once, a magnet once its metadata
arrives). An allowlist per kind of content: in movies and tv only videos and subtitles are
downloaded, in music audio, cover art and cue sheets, in books ebooks, audiobooks and cover
art; every other file is set to "do not download", whatever its name. Refused outright,
even when the file would not be downloaded: anything executable on Windows, macOS, Linux or
Android (also behind a video extension, with the trailing dots and spaces Windows drops,
with bidi controls or zero-width characters, in any case), a name disguised by right-to-left
controls, a password file, nothing playable, and in movies and tv a largest file that is not
a video (an archive, a disc image, anything else). Samples and extras are not downloaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
import re
from typing import Final
import unicodedata


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Windows: programs, installers, scripts the shell runs, shortcuts, control panel items,
# registry files, drivers and libraries, compiled help, app packages.
_WINDOWS: Final = _words(
    "exe msi msp mst scr bat cmd com pif lnk js jse vbs vbe vb wsf wsh wsc ws sct hta "
    "ps1 psm1 psd1 ps1xml ps2 jar cpl reg inf msc gadget application appref-ms dll sys "
    "ocx drv chm hlp scf appx appxbundle msix msixbundle xbap settingcontent-ms "
    "library-ms"
)
# macOS: applications and installers (bundles are folders: see _BUNDLE), scripts Finder runs.
_MACOS: Final = _words(
    "app pkg mpkg dmg command tool workflow action scpt applescript osax terminal kext"
)
# Linux: shell scripts, self-extracting installers, desktop launchers, packages, binaries.
_LINUX: Final = _words(
    "sh bash zsh ksh csh fish run bin desktop appimage deb rpm snap flatpakref elf so py pl"
)
_ANDROID: Final = frozenset({"apk", "xapk", "apks", "apkm", "aab"})
EXECUTABLE: Final = _WINDOWS | _MACOS | _LINUX | _ANDROID
# Folders that are programs on macOS (Player.app/Contents/MacOS/Player).
_BUNDLE: Final = frozenset({"app", "pkg", "mpkg", "workflow", "action", "kext", "osax"})
# What a release title may end in and still be a title: the executable extensions that are
# never a word ("The.Bin", "Hoarders.S01E01.The.Run" are titles; "Movie.2024.mkv.exe" is not).
_TITLE_EXECUTABLE: Final = _words(
    "exe msi msp scr bat cmd pif lnk vbs vbe jse wsf wsh hta ps1 psm1 jar cpl msc dll "
    "apk xapk apks dmg appimage"
)

VIDEO: Final = frozenset(
    {"mkv", "mp4", "m4v", "avi", "mov", "wmv", "ts", "m2ts", "mpg", "mpeg", "webm", "flv", "vob"}
)
SUBTITLE: Final = frozenset({"srt", "ass", "ssa", "sub", "idx", "vtt", "sup"})
AUDIO: Final = _words("flac mp3 m4a aac ogg oga opus wav aif aiff alac ape wv wma mka dsf dff mpc")
AUDIOBOOK: Final = frozenset({"m4b", "mp3", "m4a", "aac", "flac", "ogg", "opus", "wma"})
EBOOK: Final = _words("epub mobi azw azw3 kfx pdf cbz cbr cb7 djvu fb2 lit")
COVER: Final = frozenset({"jpg", "jpeg", "png", "webp"})
ARCHIVE: Final = frozenset({"rar", "zip", "7z", "tar", "gz", "bz2", "xz", "iso", "img"})
# What other categories (not movies, tv, music or books) skip, without an allowlist.
JUNK: Final = frozenset(
    {"nfo", "txt", "url", "html", "htm", "jpg", "jpeg", "png", "gif", "sfv", "md5"}
)
_SPLIT_ARCHIVE: Final = re.compile(r"\.(r\d{2}|\d{3}|part\d+\.rar)$", re.IGNORECASE)
_EXTRAS_FOLDER: Final = re.compile(
    r"(^|/)(samples?|extras?|featurettes?|behind the scenes|deleted scenes|trailers?|"
    r"interviews?|screens|screenshots?|proof)(/|$)",
    re.IGNORECASE,
)
_SAMPLE: Final = re.compile(r"(?<![^\W_])sample(?![^\W_])", re.IGNORECASE)
_PASSWORD: Final = re.compile(r"passw(or)?d|pass\.txt", re.IGNORECASE)
# Characters that reorder or hide what a name shows: the bidi embeddings, overrides and
# isolates, and the marks (movie\u202evkm.exe shows as "movieexe.mkv").
_BIDI: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Of those, what reorders a name (the marks alone are common in Hebrew and Arabic names).
_REORDERING: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# What Windows drops at the end of a name (player.exe. and "player.exe " run as player.exe).
_DROPPED_AT_END: Final = ". \t\r\n\u00a0"


class ContentKind(StrEnum):
    """What a category holds, which decides the allowlist."""

    VIDEO = "video"  # movies, tv
    MUSIC = "music"
    BOOKS = "books"
    OTHER = "other"  # any other category: only executables and junk are judged


def kind_of(category: str | None) -> ContentKind:
    return {
        "movies": ContentKind.VIDEO,
        "tv": ContentKind.VIDEO,
        "music": ContentKind.MUSIC,
        "books": ContentKind.BOOKS,
    }.get(category or "", ContentKind.OTHER)


# What each kind downloads; OTHER has no allowlist (None).
_ALLOWED: Final[dict[ContentKind, frozenset[str] | None]] = {
    ContentKind.VIDEO: VIDEO | SUBTITLE,
    ContentKind.MUSIC: AUDIO | COVER | {"cue", "lrc"},
    ContentKind.BOOKS: EBOOK | AUDIOBOOK | COVER,
    ContentKind.OTHER: None,
}
# What makes a torrent of this kind worth downloading at all.
_MEDIA: Final[dict[ContentKind, frozenset[str]]] = {
    ContentKind.VIDEO: VIDEO,
    ContentKind.MUSIC: AUDIO,
    ContentKind.BOOKS: EBOOK | AUDIOBOOK,
}


def extension(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return ext.lower() if dot and "/" not in ext else ""


def plain(name: str) -> str:
    """A name as the system that opens it reads it: compatibility forms folded (a fullwidth
    dot is a dot), invisible format characters (bidi controls, zero-width) removed, each
    component without the dots and spaces Windows drops at its end, case folded."""
    folded = unicodedata.normalize("NFKC", name)
    visible = "".join(c for c in folded if unicodedata.category(c) != "Cf")
    return "/".join(part.rstrip(_DROPPED_AT_END) for part in visible.split("/")).casefold()


def shown(name: str) -> str:
    """A name safe to show: its invisible controls spelled out (movie<U+202E>vkm.exe)."""
    return "".join(f"<U+{ord(c):04X}>" if unicodedata.category(c) == "Cf" else c for c in name)


def _real_extension(name: str) -> str:
    return extension(plain(name).rsplit("/", 1)[-1])


def executable_part(path: str) -> str | None:
    """The component of a torrent's file path that is a program (the file itself, or a macOS
    bundle folder it is inside), as it is named there; None when nothing is."""
    parts = path.split("/")
    for part in parts[:-1]:
        if extension(plain(part)) in _BUNDLE:
            return part
    return parts[-1] if _real_extension(parts[-1]) in EXECUTABLE else None


def dangerous_name(name: str) -> str | None:
    """The executable a release title really is (`movie.mkv.exe`, `player.exe.`), or None.
    Titles are judged on the extensions that are never a word, and on `.js` behind a video."""
    last = name.strip().rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    real = plain(last)
    ext = extension(real)
    behind = extension(real[: -len(ext) - 1]) if ext else ""
    if ext in _TITLE_EXECUTABLE or (ext == "js" and behind in VIDEO):
        return shown(last)
    return None


@dataclass(frozen=True, slots=True)
class TorrentFile:
    """One file of a torrent, as qBittorrent or the .torrent lists it."""

    index: int
    name: str  # path inside the torrent, "/"-separated
    size: int


# Each refusal's words (the engine's English: logs, history, events); each is also a code
# translated where a grab's error reaches a person (lifecycle.guard.REFUSAL_KEYS).
_WORDS: Final = {
    "executable": "contains {}",
    "deceptive": "a name hides its type ({})",
    "password": "password-protected ({})",
    "archives_only": "packed in an archive ({})",
    "not_video": "largest file is not a video ({})",
    "no_video": "no video file",
    "no_media": "nothing to play or read",
}


@dataclass(frozen=True, slots=True)
class FileVerdict:
    """What to do with a torrent's files: refuse it (with the offending name), or skip some."""

    refused: str | None  # a key of _WORDS
    offender: str | None  # the file that decided it, as shown (controls spelled out)
    skip: tuple[int, ...]  # indexes set to "do not download"

    @property
    def text(self) -> str:
        """refused: contains setup.exe"""
        return _WORDS.get(self.refused or "", "{}").format(self.offender or "")


def _name(file: TorrentFile) -> str:
    return shown(file.name.rsplit("/", 1)[-1])


def _is_extra(file: TorrentFile, largest_media: int) -> bool:
    """A sample (a small cut of the main video) or anything in an extras folder."""
    if _EXTRAS_FOLDER.search(file.name.rsplit("/", 1)[0] + "/"):
        return True
    return bool(_SAMPLE.search(file.name)) and file.size < largest_media / 4


def _skipped(file: TorrentFile, kind: ContentKind, largest_media: int) -> bool:
    ext = _real_extension(file.name)
    allowed = _ALLOWED[kind]
    if allowed is None:  # no allowlist: junk, samples and extras only
        if ext in SUBTITLE:
            return False
        return ext in JUNK or (ext in VIDEO and _is_extra(file, largest_media))
    if ext not in allowed:
        return True
    # Samples and extras are videos' (a track or a chapter is never one); subtitles are kept.
    return kind is ContentKind.VIDEO and ext in VIDEO and _is_extra(file, largest_media)


def _is_archive(file: TorrentFile) -> bool:
    return _real_extension(file.name) in ARCHIVE or bool(_SPLIT_ARCHIVE.search(plain(file.name)))


def _is_password_note(file: TorrentFile) -> bool:
    """A note giving an archive's password (a film may be called "Password": its video is
    not such a note)."""
    media = VIDEO | SUBTITLE | AUDIO | EBOOK | AUDIOBOOK
    return _real_extension(file.name) not in media and bool(_PASSWORD.search(_name(file)))


def _dangerous(by_size: Sequence[TorrentFile]) -> FileVerdict | None:
    """An executable, a disguised name, a password file: refused whatever the category, and
    even when the file would not be downloaded."""
    for file in by_size:
        if (part := executable_part(file.name)) is not None:
            return FileVerdict("executable", shown(part), ())
    for file in by_size:
        for part in reversed(file.name.split("/")):
            if any(c in _REORDERING for c in part):
                return FileVerdict("deceptive", shown(part), ())
    if locked := next((f for f in by_size if _is_password_note(f)), None):
        return FileVerdict("password", _name(locked), ())
    return None


def _useless(by_size: Sequence[TorrentFile], kind: ContentKind) -> FileVerdict | None:
    """Nothing of its kind to play or read, or (movies, tv) a largest file that is not a
    video: the payload is something else than it says."""
    if kind is ContentKind.OTHER:
        archives_only = by_size and all(_is_archive(f) for f in by_size)
        return FileVerdict("archives_only", _name(by_size[0]), ()) if archives_only else None
    media = [f for f in by_size if _real_extension(f.name) in _MEDIA[kind]]
    if not media:
        if archive := next((f for f in by_size if _is_archive(f)), None):
            return FileVerdict("archives_only", _name(archive), ())
        return FileVerdict("no_video" if kind is ContentKind.VIDEO else "no_media", None, ())
    largest = by_size[0]
    if kind is ContentKind.VIDEO and largest is not media[0]:
        code = "archives_only" if _is_archive(largest) else "not_video"
        return FileVerdict(code, _name(largest), ())
    return None


def judge(
    files: Sequence[TorrentFile],
    kind: ContentKind | None = None,
    *,
    video_expected: bool = False,
) -> FileVerdict:
    """Refuse a torrent whose content is dangerous or not what its kind should be; otherwise
    skip every file its kind does not allow, and its samples and extras. `video_expected` is
    the short form of kind=VIDEO (without either: OTHER)."""
    kind = kind or (ContentKind.VIDEO if video_expected else ContentKind.OTHER)
    by_size = sorted(files, key=lambda f: (-f.size, f.index))
    if refusal := _dangerous(by_size) or _useless(by_size, kind):
        return refusal
    media = _MEDIA.get(kind, VIDEO)
    largest_media = max((f.size for f in files if _real_extension(f.name) in media), default=0)
    skip = tuple(sorted(f.index for f in files if _skipped(f, kind, largest_media)))
    if kind is not ContentKind.OTHER and all(
        f.index in skip for f in files if _real_extension(f.name) in media
    ):
        return FileVerdict("no_video" if kind is ContentKind.VIDEO else "no_media", None, ())
    return FileVerdict(None, None, skip)
