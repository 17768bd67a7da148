"""Score a release against a profile, say why it fails, and rank a search's results.

The score is a plain integer built from the profile's preferences (resolution, source, codec,
HDR, language) and the swarm (seeders, log-scaled); every rule the release breaks is a Reason a
person can read. Ranking is deterministic: passing releases first, then score, seeders, title.
Unknown is not good: a movie or episode whose source cannot be read costs more points than any
release can earn, so it ranks below every one whose source is known.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
import math
import re
from typing import Final

from ..models import Release
from .files import dangerous_name
from .parse import THEATRE_SOURCES, Pack, Quality, Source
from .profile import EPISODES_PER_SEASON, GB, RESOLUTIONS, QualityProfile
from .suspect import (
    MB,
    hardcoded_mark,
    size_floor,
    spam_mark,
    theatre_mark,
    theatre_word_in_title,
)

_SOURCE_RANK: Final = {source: rank for rank, source in enumerate(Source)}
# More than the most any release earns (resolution 1000, codec 100, HDR 80, language 200,
# PROPER 20, seeders 200): an unknown source ranks below every known one.
UNKNOWN_SOURCE_COST: Final = 2000
VIDEO_CATEGORIES: Final = frozenset({"movies", "tv"})


@dataclass(frozen=True, slots=True)
class Reason:
    """One rule a release breaks: a code for translations, its values, and English words."""

    code: str
    text: str
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Assessment:
    """A release, understood and judged."""

    release: Release
    quality: Quality
    score: int
    reasons: tuple[Reason, ...]
    unknown_source: bool = False  # a movie or episode whose name says no source

    @property
    def passes(self) -> bool:
        return not self.reasons

    @property
    def summary(self) -> str:
        """The Matrix (1999), 1080p BluRay, 10.4 GB, 312 seeders."""
        quality = self.quality
        name = f"{quality.title} ({quality.year})" if quality.year else quality.title
        if quality.pack is Pack.SEASON and quality.seasons:
            name += f", season {quality.seasons[0]}"
        elif quality.episodes and quality.seasons:
            name += f", S{quality.seasons[0]:02d}E{quality.episodes[0]:02d}"
        picture = " ".join(c for c in (quality.resolution, quality.source) if c)
        parts = [name, picture, size_text(self.release.size)]
        if self.release.seeders is not None:
            parts.append(f"{self.release.seeders} seeders")
        return ", ".join(p for p in parts if p)


def size_text(size: int) -> str:
    return f"{size / GB:.1f} GB"


def _size_words(size: int) -> str:
    """700 MB, 15.0 GB: a size below a gigabyte is not "0.0 GB"."""
    return size_text(size) if size >= GB else f"{size / MB:.0f} MB"


def is_video(release: Release, profile: QualityProfile) -> bool:
    """A movie or an episode: its category's, or (none known) a profile that judges pictures."""
    if release.category is not None:
        return release.category in VIDEO_CATEGORIES
    return bool(profile.allowed_resolutions)


def unknown_source(release: Release, quality: Quality, profile: QualityProfile) -> bool:
    return quality.source is None and is_video(release, profile)


def _episode_count(quality: Quality) -> int:
    """Episodes a release surely holds: its numbers, or one a season for a pack."""
    if quality.pack is not None:
        return max(1, len(quality.seasons))
    return max(1, len(quality.episodes))


def _theatre_reasons(release: Release, quality: Quality, profile: QualityProfile) -> list[Reason]:
    """A refused source the parser read, or a theatre word in any spelling (HQCAM, TeleSynch)
    it did not; burned-in subtitles when the profile refuses theatre copies."""
    found: list[Reason] = []
    # A parser that reads the title's word for the source (The Cam Girl) is overruled.
    title_word = quality.source in THEATRE_SOURCES and theatre_word_in_title(release.title)
    if quality.source is not None and quality.source in profile.blocked_sources and not title_word:
        found.append(Reason("blocked_source", str(quality.source), (("source", quality.source),)))
    elif (
        mark := theatre_mark(release.title)
    ) is not None and mark.source in profile.blocked_sources:
        source = str(mark.source)
        found.append(Reason("blocked_source", source, (("source", source), ("word", mark.word))))
    if THEATRE_SOURCES & set(profile.blocked_sources) and (
        hardcoded := hardcoded_mark(release.title)
    ):
        found.append(
            Reason(
                "hardcoded_subs",
                f"burned-in subtitles: {hardcoded.word}",
                (("word", hardcoded.word),),
            )
        )
    return found


def _too_small(release: Release, quality: Quality, profile: QualityProfile) -> Reason | None:
    if not is_video(release, profile):
        return None
    floor = size_floor(quality, profile.min_size_mb, _episode_count(quality))
    if floor is None or release.size <= 0 or release.size >= floor.bytes:
        return None  # an indexer that gives no size is not judged by it
    size, least = _size_words(release.size), _size_words(floor.bytes)
    values = (
        ("size", size),
        ("limit", least),
        ("what", floor.label),
        ("size_bytes", str(release.size)),
        ("limit_bytes", str(floor.bytes)),
    )
    return Reason("too_small", f"too small: {size} < {least} for a {floor.label}", values)


def _size_limit(quality: Quality, profile: QualityProfile) -> float | None:
    if profile.max_size_gb <= 0:
        return None
    if quality.pack is not None:
        count = EPISODES_PER_SEASON * max(1, len(quality.seasons))
        return profile.max_size_gb * count * GB
    return profile.max_size_gb * max(1, len(quality.episodes)) * GB


def _has_word(title: str, word: str) -> bool:
    """A whole word or phrase of the title, however it is separated (dots, spaces, dashes)."""
    words = [re.escape(w) for w in re.split(r"[\s._-]+", word.strip()) if w]
    if not words:
        return False
    pattern = r"(?<![^\W_])" + r"[\s._-]+".join(words) + r"(?![^\W_])"
    return re.search(pattern, title, re.IGNORECASE) is not None


def reasons(release: Release, quality: Quality, profile: QualityProfile) -> tuple[Reason, ...]:
    """Every rule of the profile the release breaks, most telling first."""
    found: list[Reason] = []
    if (name := dangerous_name(release.title)) is not None:
        found.append(Reason("executable", f"executable: {name}", (("name", name),)))
    found.extend(_theatre_reasons(release, quality, profile))
    if (spam := spam_mark(release.title, quality)) is not None:
        found.append(Reason("spam", f"spam: {spam}", (("word", spam),)))
    if (
        quality.resolution
        and profile.allowed_resolutions
        and quality.resolution not in profile.allowed_resolutions
    ):
        found.append(
            Reason(
                "resolution",
                f"{quality.resolution} not allowed",
                (("resolution", quality.resolution),),
            )
        )
    limit = _size_limit(quality, profile)
    if limit is not None and release.size > limit:
        size, most = size_text(release.size), size_text(int(limit))
        # The bytes too, for a panel that writes sizes in its own language.
        values = (
            ("size", size),
            ("limit", most),
            ("size_bytes", str(release.size)),
            ("limit_bytes", str(int(limit))),
        )
        found.append(Reason("too_big", f"too big: {size} > {most}", values))
    if (small := _too_small(release, quality, profile)) is not None:
        found.append(small)
    seeders = release.seeders or 0
    if seeders < profile.min_seeders:
        found.append(
            Reason(
                "few_seeders",
                f"{seeders} seeders < {profile.min_seeders}",
                (("seeders", str(seeders)), ("minimum", str(profile.min_seeders))),
            )
        )
    group = (quality.group or "").casefold()
    if group and group in (g.casefold() for g in profile.blocked_groups):
        found.append(
            Reason("blocked_group", f"group {quality.group}", (("group", quality.group or ""),))
        )
    found.extend(
        Reason("blocked_word", f"contains {word}", (("word", word),))
        for word in profile.blocked_words
        if _has_word(release.title, word)
    )
    found.extend(
        Reason("missing_word", f"lacks {word}", (("word", word),))
        for word in profile.required_words
        if not _has_word(release.title, word)
    )
    return tuple(found)


def score(release: Release, quality: Quality, profile: QualityProfile) -> int:
    """Higher is better; the same inputs always give the same number."""
    points = 0
    if quality.resolution in RESOLUTIONS and profile.preferred_resolution in RESOLUTIONS:
        distance = abs(
            RESOLUTIONS.index(quality.resolution) - RESOLUTIONS.index(profile.preferred_resolution)
        )
        # Above the preferred resolution costs less than below it.
        above = RESOLUTIONS.index(quality.resolution) < RESOLUTIONS.index(
            profile.preferred_resolution
        )
        points += 1000 - distance * (150 if above else 300)
    if quality.source is not None:
        points += 40 * _SOURCE_RANK[quality.source]
    if quality.video_codec and any(
        c.casefold() in _codec_names(quality.video_codec) for c in profile.preferred_codecs
    ):
        points += 100
    if profile.prefer_hdr and quality.hdr:
        points += 80
    if profile.preferred_languages and any(
        lang.split("-")[0] in (p.casefold() for p in profile.preferred_languages)
        for lang in (lang.casefold() for lang in quality.languages)
    ):
        points += 200
    if quality.proper:
        points += 20
    seeders = max(0, release.seeders or 0)
    points += min(200, int(40 * math.log10(seeders + 1)))
    if unknown_source(release, quality, profile):
        points -= UNKNOWN_SOURCE_COST
    return points


def _codec_names(codec: str) -> set[str]:
    aliases = {"h.265": {"hevc", "x265", "h265"}, "h.264": {"avc", "x264", "h264"}}
    key = codec.casefold()
    return {key, *aliases.get(key, set())}


def assess(release: Release, quality: Quality, profile: QualityProfile) -> Assessment:
    return Assessment(
        release,
        quality,
        score(release, quality, profile),
        reasons(release, quality, profile),
        unknown_source(release, quality, profile),
    )


def ranked(assessments: Iterable[Assessment]) -> list[Assessment]:
    """Best first: passing before failing, then score, seeders, title and id."""
    return sorted(
        assessments,
        key=lambda a: (
            not a.passes,
            -a.score,
            -(a.release.seeders or 0),
            a.release.title,
            a.release.id,
        ),
    )
