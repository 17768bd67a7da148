"""The file-list guard: what a torrent holds decides whether it downloads, and which files do.

Read before a byte of payload is written (a .torrent at once, a magnet once its metadata
arrives). Executables and scripts, a movie without a video, archives only: refused. Samples,
.nfo and text files, links, screenshots and extras: set to "do not download".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import re
from typing import Final

EXECUTABLE: Final = frozenset(
    {
        "exe",
        "msi",
        "scr",
        "bat",
        "cmd",
        "com",
        "lnk",
        "js",
        "jse",
        "vbs",
        "vbe",
        "ps1",
        "apk",
        "pif",
    }
)
VIDEO: Final = frozenset(
    {"mkv", "mp4", "m4v", "avi", "mov", "wmv", "ts", "m2ts", "mpg", "mpeg", "webm", "flv", "vob"}
)
ARCHIVE: Final = frozenset({"rar", "zip", "7z", "tar", "gz", "bz2", "xz", "iso", "img"})
SUBTITLE: Final = frozenset({"srt", "ass", "ssa", "sub", "idx", "vtt", "sup"})
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
# A name ending in an executable extension, possibly behind a video one (movie.mkv.exe).
_DANGEROUS_NAME: Final = re.compile(
    r"([^/\\]*\.(?:exe|msi|scr|bat|cmd|lnk|vbs|ps1|apk|pif|(?:"
    + "|".join(sorted(VIDEO))
    + r")\.js))$",
    re.IGNORECASE,
)


def extension(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return ext.lower() if dot and "/" not in ext else ""


def dangerous_name(name: str) -> str | None:
    """The executable a title or file name really is (`movie.mkv.exe`), or None."""
    match = _DANGEROUS_NAME.search(name.strip())
    return match.group(1) if match else None


@dataclass(frozen=True, slots=True)
class TorrentFile:
    """One file of a torrent, as qBittorrent or the .torrent lists it."""

    index: int
    name: str  # path inside the torrent, "/"-separated
    size: int


@dataclass(frozen=True, slots=True)
class FileVerdict:
    """What to do with a torrent's files: refuse it (with the offending name), or skip some."""

    refused: str | None  # code: executable, no_video, archives_only, password
    offender: str | None  # the file that decided it
    skip: tuple[int, ...]  # indexes set to "do not download"

    @property
    def text(self) -> str:
        """refused: contains setup.exe"""
        words = {
            "executable": "contains {}",
            "no_video": "no video file",
            "archives_only": "only archives ({})",
            "password": "password-protected ({})",
        }
        return words.get(self.refused or "", "{}").format(self.offender or "")


def _is_junk(file: TorrentFile, largest_video: int) -> bool:
    ext = extension(file.name)
    if ext in SUBTITLE:
        return False
    if _EXTRAS_FOLDER.search(file.name.rsplit("/", 1)[0] + "/"):
        return True
    if ext in VIDEO:
        # A sample is a small cut of the main video.
        return bool(_SAMPLE.search(file.name)) and file.size < largest_video / 4
    return ext in JUNK


def _name(file: TorrentFile) -> str:
    return file.name.rsplit("/", 1)[-1]


def _refusal(files: Sequence[TorrentFile], *, video_expected: bool) -> FileVerdict | None:
    by_size = sorted(files, key=lambda f: (-f.size, f.index))
    for file in by_size:
        executable = extension(file.name) in EXECUTABLE
        if dangerous_name(file.name) or (executable and (video_expected or file is by_size[0])):
            return FileVerdict("executable", _name(file), ())
    if locked := next((f for f in files if _PASSWORD.search(_name(f))), None):
        return FileVerdict("password", _name(locked), ())
    archives = [f for f in files if extension(f.name) in ARCHIVE or _SPLIT_ARCHIVE.search(f.name)]
    has_video = any(extension(f.name) in VIDEO for f in files)
    if archives and ((video_expected and not has_video) or len(archives) == len(files)):
        return FileVerdict("archives_only", _name(archives[0]), ())
    if video_expected and not has_video:
        return FileVerdict("no_video", None, ())
    return None


def judge(files: Sequence[TorrentFile], *, video_expected: bool) -> FileVerdict:
    """Refuse a torrent whose content is dangerous or useless; skip its junk otherwise."""
    if refusal := _refusal(files, video_expected=video_expected):
        return refusal
    largest_video = max((f.size for f in files if extension(f.name) in VIDEO), default=0)
    skip = tuple(sorted(f.index for f in files if _is_junk(f, largest_video)))
    if video_expected and all(f.index in skip for f in files if extension(f.name) in VIDEO):
        return FileVerdict("no_video", None, ())
    return FileVerdict(None, None, skip)
