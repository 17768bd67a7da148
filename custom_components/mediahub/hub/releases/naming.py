"""Plex's names for what a torrent holds: where each file goes so Plex matches it first time.

Plex's own rules (support.plex.tv, "Naming and organizing your Movie / TV Show files"):
    movies: Title (Year)/Title (Year).ext, versions as "Title (Year) - 1080p.ext",
            editions as "Title (Year) {edition-Extended}.ext", parts as "… - pt1.ext"
    TV:     Show (Year)/Season 01/Show (Year) - s01e02.ext, "s01e02-e03" for a file holding two,
            specials in Season 00
    subtitles beside their video: "Title (Year).en.srt"

The names come from `parse` (guessit): the release name says the title and year, each file's own
name its season and episodes. Files that are not a video or a subtitle (and videos that are junk:
samples, extras, which the file guard does not download) keep their names under the new folder,
so the torrent keeps one root folder and the scan covers exactly it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
import logging
import re
from typing import Final

from guessit import guessit

from .files import SUBTITLE, VIDEO, TorrentFile, extension, judge
from .parse import Quality, parse_title

_LOGGER = logging.getLogger(__name__)

# What Windows, SMB shares and Plex's scanner refuse in a name; ": " reads best as " - ".
_COLON: Final = re.compile(r"\s*:\s+")
_FORBIDDEN: Final = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_SPACES: Final = re.compile(r"\s{2,}")
_RESERVED: Final = frozenset(
    {
        "con",
        "prn",
        "aux",
        "nul",
        *(f"com{n}" for n in range(1, 10)),
        *(f"lpt{n}" for n in range(1, 10)),
    }
)
MAX_COMPONENT: Final = 180  # bytes: well under the 255 of ext4 and SMB, room for a suffix


def clean(text: str) -> str:
    """A name any share and Plex accept: forbidden characters gone, no trailing dot or space,
    not a reserved device name, not too long."""
    name = _COLON.sub(" - ", text)
    name = _FORBIDDEN.sub("", name)
    name = _SPACES.sub(" ", name).strip().rstrip(". ")
    if name.lower() in _RESERVED:
        name = f"{name}_"
    encoded = name.encode()
    if len(encoded) > MAX_COMPONENT:
        name = encoded[:MAX_COMPONENT].decode(errors="ignore").rstrip(". ")
    return name or "Unknown"


@dataclass(frozen=True, slots=True)
class Rename:
    """One file's move inside the torrent (paths relative to its save path)."""

    index: int
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a release goes: its folder, and every file's new path."""

    folder: str  # the new root folder ("Dune (2021)", "Severance (2022)")
    renames: tuple[Rename, ...]  # only the files whose path changes


@lru_cache(maxsize=4096)
def _guess(name: str) -> dict[str, object]:
    try:
        return dict(guessit(name))
    except Exception:  # guessit raises on odd input; a name it cannot read says nothing
        _LOGGER.debug("guessit could not parse %r", name, exc_info=True)
        return {}


def subtitle_language(name: str) -> str | None:
    """The language a subtitle file's name says ("Movie.en.srt", "Subs/2_English.srt")."""
    guess = _guess(name.replace("/", " "))
    for key in ("subtitle_language", "language"):
        value = guess.get(key)
        values = value if isinstance(value, list) else [value]
        for language in values:
            tag = str(language) if language is not None else ""
            if tag and tag not in ("und", "zxx", "mul"):
                return tag
    return None


def _episodes_of(name: str, release: Quality) -> tuple[int | None, tuple[int, ...]]:
    """The season and episodes a file holds, from its own name, else from the release's."""
    base = name.rsplit("/", 1)[-1]
    quality = parse_title(base)
    season = quality.seasons[0] if quality.seasons else None
    episodes = quality.episodes
    if season is None and len(release.seasons) == 1:
        season = release.seasons[0]
    if not episodes and not release.pack:
        episodes = release.episodes
    return season, episodes


def _episode_tag(season: int, episodes: tuple[int, ...]) -> str:
    first = f"s{season:02d}e{episodes[0]:02d}"
    return first if len(episodes) == 1 else f"{first}-e{episodes[-1]:02d}"


def _titled(quality: Quality) -> str:
    return clean(f"{quality.title} ({quality.year})" if quality.year else quality.title)


def version_label(quality: Quality) -> str:
    """What tells two releases of one movie apart in one folder: "1080p WEB-DL"."""
    return clean(" ".join(c for c in (quality.resolution, quality.source) if c))


def _with_suffix(path: str, suffix: str) -> str:
    stem, dot, ext = path.rpartition(".")
    return f"{stem}{suffix}.{ext}" if dot else f"{path}{suffix}"


def _keep_under(folder: str, name: str) -> str:
    """A file that is not renamed, moved under the new root with its path below the old one."""
    parts = name.split("/")
    rest = parts[1:] if len(parts) > 1 else parts
    return "/".join([folder, *rest])


def layout(
    release_name: str,
    files: Sequence[TorrentFile],
    *,
    episodes: bool,
    taken: Callable[[str], bool] = lambda _path: False,
) -> Layout | None:
    """Plex's layout for a torrent, or None when its name says too little (no title, or a
    show's files with no episode numbers) to name it safely.

    `episodes`: name it as TV (the tv category, or a name that says so). `taken(path)` says
    whether another download already holds a file path (relative to the same save path); a
    second version of a movie then gets its quality as a suffix.
    """
    release = parse_title(release_name)
    if not release.title.strip():
        return None
    verdict = judge(files, video_expected=True)
    videos = [f for f in files if extension(f.name) in VIDEO and f.index not in verdict.skip]
    if not videos:
        return None
    folder = _titled(release)
    if episodes or release.kind == "episode":
        named = _episode_names(folder, videos, release)
        if named is None:
            return None  # a show's file Plex could not place: leave the release as it is
    else:
        named = _movie_names(folder, videos, release, taken)
    new_paths: dict[int, str] = {
        index: f"{path}.{extension(next(f.name for f in videos if f.index == index))}"
        for index, path in named.items()
    }
    for file in files:
        if file.index in new_paths:
            continue
        if extension(file.name) in SUBTITLE and file.index not in verdict.skip:
            new_paths[file.index] = _subtitle_path(file, videos, named, release, folder)
        else:
            new_paths[file.index] = _keep_under(folder, file.name)
    new_paths = _unique(new_paths)
    renames = tuple(
        Rename(f.index, f.name, new_paths[f.index]) for f in files if new_paths[f.index] != f.name
    )
    return Layout(folder, renames)


def _episode_names(
    folder: str, videos: Sequence[TorrentFile], release: Quality
) -> dict[int, str] | None:
    """Each video's new path (without extension) as an episode; None if one has no number."""
    named = {}
    for video in videos:
        season, numbers = _episodes_of(video.name, release)
        if season is None or not numbers:
            return None
        named[video.index] = (
            f"{folder}/Season {season:02d}/{folder} - {_episode_tag(season, numbers)}"
        )
    return named


def _movie_names(
    folder: str, videos: Sequence[TorrentFile], release: Quality, taken: Callable[[str], bool]
) -> dict[int, str]:
    """Each video's new path (without extension) as a movie: its parts numbered, and the
    quality added when another download already holds the name."""
    stem = f"{folder} {{edition-{clean(release.edition)}}}" if release.edition else folder
    ordered = sorted(videos, key=lambda f: f.name)
    named = {
        video.index: f"{folder}/{stem}{f' - pt{part}' if len(ordered) > 1 else ''}"
        for part, video in enumerate(ordered, start=1)
    }
    if any(taken(f"{named[v.index]}.{extension(v.name)}") for v in videos):
        label = version_label(release) or "copy"
        named = {index: f"{path} - {label}" for index, path in named.items()}
    return named


def _subtitle_path(
    subtitle: TorrentFile,
    videos: Sequence[TorrentFile],
    named: dict[int, str],
    release: Quality,
    folder: str,
) -> str:
    """Beside its video (the one with its episode, else the only or the largest), with the
    language as Plex reads it."""
    video = max(videos, key=lambda f: f.size)
    if len(videos) > 1:
        season, numbers = _episodes_of(subtitle.name, release)
        for candidate in videos:
            if numbers and _episodes_of(candidate.name, release) == (season, numbers):
                video = candidate
                break
        else:
            if numbers:
                return _keep_under(folder, subtitle.name)  # no video holds its episode
    language = subtitle_language(subtitle.name)
    forced = ".forced" if re.search(r"(?<![^\W_])forced(?![^\W_])", subtitle.name, re.I) else ""
    tag = f".{language}" if language else ""
    return f"{named[video.index]}{tag}{forced}.{extension(subtitle.name)}"


def _unique(paths: dict[int, str]) -> dict[int, str]:
    """Two files never get one path (two English subtitles: the second is "….en.2.srt")."""
    seen: set[str] = set()
    unique = {}
    for index, path in sorted(paths.items()):
        candidate, number = path, 1
        while candidate.lower() in seen:
            number += 1
            candidate = _with_suffix(path, f".{number}")
        seen.add(candidate.lower())
        unique[index] = candidate
    return unique
