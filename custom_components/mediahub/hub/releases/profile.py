"""A quality profile per category: what a household wants, with defaults nobody needs to touch.

Where the profiles are kept, shared by Home Assistant and the panel: `profiles.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Final

import probatio as vol

from ..errors import InvalidInputError
from .parse import THEATRE_SOURCES, Source

RESOLUTIONS: Final = ("2160p", "1080p", "720p", "576p", "480p")  # best first
GB: Final = 1024**3  # sizes read as the panel shows them
# A season pack's episode count is rarely in its name; its limit is this many episodes'.
EPISODES_PER_SEASON: Final = 24


@dataclass(frozen=True, slots=True)
class QualityProfile:
    """What one category's downloads should be. Sizes in GB; words matched case-insensitively."""

    preferred_resolution: str = "1080p"
    allowed_resolutions: tuple[str, ...] = ("2160p", "1080p", "720p")
    max_size_gb: float = 20.0  # a movie; an episode for tv (a pack: per episode it holds)
    # The smallest plausible 1080p encode (a movie; an episode for tv); other resolutions and
    # remuxes scale from it (`suspect.size_floor`). 0: no floor.
    min_size_mb: float = 400.0
    blocked_sources: tuple[Source, ...] = tuple(sorted(THEATRE_SOURCES))
    preferred_codecs: tuple[str, ...] = ()
    prefer_hdr: bool = False
    required_words: tuple[str, ...] = ()
    blocked_words: tuple[str, ...] = ()
    blocked_groups: tuple[str, ...] = ()
    min_seeders: int = 3
    preferred_languages: tuple[str, ...] = ()
    # An upgrade wish replaces a copy below this ("<resolution> <source>"), and stops there.
    cutoff: str = "1080p WEB-DL"

    def as_json(self) -> dict[str, Any]:
        """The format the torrents store keeps a profile in (`profiles.py`). It is also the
        message `wire.QualityProfile` (what `wire.profile_json` sends; a test holds the two
        equal: this module sits below `wire` and cannot be typed against it)."""
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, tuple):
                data[key] = [str(v) for v in value]
        return data

    def merged(self, overrides: Mapping[str, Any]) -> QualityProfile:
        """This profile with some fields replaced (validated like a stored one)."""
        return QualityProfile.from_json({**self.as_json(), **overrides})

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> QualityProfile:
        """Validate a stored or submitted profile; raises vol.Invalid naming the field."""
        values = _SCHEMA(dict(data))
        return cls(**values)


DEFAULT_PROFILES: Final = {
    "movies": QualityProfile(),
    "tv": QualityProfile(max_size_gb=4.0, min_size_mb=60.0),
}
# Music and books have no picture to judge: only the seeders rule applies.
_NO_PICTURE: Final = QualityProfile(
    preferred_resolution="",
    allowed_resolutions=(),
    max_size_gb=0.0,
    min_size_mb=0.0,
    blocked_sources=(),
    cutoff="",
)


def default_profile(category: str | None) -> QualityProfile:
    """The profile a category starts with."""
    return DEFAULT_PROFILES.get(category or "", _NO_PICTURE if category else QualityProfile())


def _words(value: Any) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    words: list[str] = []
    for item in items:
        word = str(item).strip()
        if len(word) > 64:
            raise vol.Invalid(f"too long: {word[:20]}…")
        if word and word.casefold() not in (w.casefold() for w in words):
            words.append(word)
    if len(words) > 50:
        raise vol.Invalid("at most 50 entries")
    return tuple(words)


def _resolution(value: Any) -> str:
    text = str(value).strip().lower()
    if text and text not in RESOLUTIONS:
        raise vol.Invalid(f"not a resolution: {value!r} (one of {', '.join(RESOLUTIONS)})")
    return text


def _resolutions(value: Any) -> tuple[str, ...]:
    chosen = {_resolution(v) for v in (value.split(",") if isinstance(value, str) else value)}
    return tuple(r for r in RESOLUTIONS if r in chosen)


def _sources(value: Any) -> tuple[Source, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    by_name = {s.value.casefold(): s for s in Source}
    chosen = set()
    for item in items:
        name = str(item).strip().casefold()
        if name not in by_name:
            raise vol.Invalid(f"not a source: {item!r} (one of {', '.join(s for s in Source)})")
        chosen.add(by_name[name])
    return tuple(s for s in Source if s in chosen)


def _cutoff(value: Any) -> str:
    """ "1080p WEB-DL", "2160p", "" (no upgrades): a resolution, then a source if any."""
    words = str(value).split()
    if not words:
        return ""
    resolution = _resolution(words[0])
    sources = _sources(words[1:2]) if len(words) > 1 else ()
    if len(words) > 2:
        raise vol.Invalid(f"a resolution and a source: {value!r}")
    return " ".join([resolution, *(s.value for s in sources)])


_SCHEMA: Final = vol.Schema(
    {
        vol.Optional("preferred_resolution", default="1080p"): _resolution,
        vol.Optional("allowed_resolutions", default=()): _resolutions,
        vol.Optional("max_size_gb", default=0.0): vol.All(
            vol.Coerce(float), vol.Range(min=0, max=10_000)
        ),
        vol.Optional("min_size_mb", default=0.0): vol.All(
            vol.Coerce(float), vol.Range(min=0, max=1_000_000)
        ),
        vol.Optional("blocked_sources", default=()): _sources,
        vol.Optional("preferred_codecs", default=()): _words,
        vol.Optional("prefer_hdr", default=False): bool,
        vol.Optional("required_words", default=()): _words,
        vol.Optional("blocked_words", default=()): _words,
        vol.Optional("blocked_groups", default=()): _words,
        vol.Optional("min_seeders", default=0): vol.All(
            vol.Coerce(int), vol.Range(min=0, max=100_000)
        ),
        vol.Optional("preferred_languages", default=()): _words,
        vol.Optional("cutoff", default="1080p WEB-DL"): _cutoff,
    },
    extra=vol.PREVENT_EXTRA,
)


def checked(profile: QualityProfile, changes: Mapping[str, Any]) -> QualityProfile:
    """`profile` with `changes` laid over it; bad input is InvalidInputError('invalid_profile')
    naming the field."""
    try:
        return profile.merged(changes)
    except vol.MultipleInvalid as err:
        first = err.errors[0]
        field = ".".join(str(p) for p in first.path) or "profile"
        raise InvalidInputError(
            "invalid_profile", f"{field}: {first.error_message}", values={"field": field}
        ) from err
    except vol.Invalid as err:
        raise InvalidInputError("invalid_profile", str(err), values={"field": "profile"}) from err


def with_defaults(category: str | None, stored: Mapping[str, Any] | None) -> QualityProfile:
    """A category's default profile with what was stored for it laid over."""
    default = default_profile(category)
    return default.merged(stored) if stored else default
