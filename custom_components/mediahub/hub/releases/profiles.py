"""Where the quality profiles live: in qBittorrent, the record every MediaHub already shares.

Home Assistant and the sidecars share no folder (Home Assistant may run on another machine),
but they all reach the same qBittorrent, which is already the record of every download (see
docs/pipeline.md). A category's profile is the qBittorrent category
`mediahub-profile-<category>`, with the profile as base64url JSON in its save path: written in
one `editCategory`, read in one `categories` call, the same in qBittorrent 4.5 and 5.x, and it
never holds a torrent (qBittorrent creates no folder for a category without torrents). What the
panel saves, Home Assistant uses at its next search, and the other way round.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
import json
import logging
from typing import Any, Final

import probatio as vol

from ..clients.qbittorrent import QbittorrentClient
from ..errors import InvalidInputError, MediaHubError
from .profile import QualityProfile, checked, with_defaults

_LOGGER = logging.getLogger(__name__)

PREFIX: Final = "mediahub-profile-"
CATEGORIES: Final = ("movies", "tv", "music", "books")


def encode(profile: QualityProfile) -> str:
    text = json.dumps(profile.as_json(), separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(save_path: str) -> dict[str, Any] | None:
    """The stored fields, or None when the category holds something else."""
    try:
        data = json.loads(base64.urlsafe_b64decode(save_path + "=" * (-len(save_path) % 4)))
    except binascii.Error, ValueError:
        return None
    return data if isinstance(data, dict) else None


class ProfileStore:
    """The quality profile of each category, as stored in qBittorrent (or its default)."""

    def __init__(self, qbittorrent: QbittorrentClient) -> None:
        self._qbittorrent = qbittorrent
        # What qBittorrent last said: a search while it is away still ranks by the profile.
        self._stored: dict[str, dict[str, Any]] = {}

    async def all(self) -> dict[str, QualityProfile]:
        """Every category's profile (the last known ones when qBittorrent is away)."""
        try:
            paths = await self._qbittorrent.category_paths()
        except MediaHubError as err:
            _LOGGER.debug("Quality profiles not read (%s): using the last known", err.reason)
        else:
            self._stored = {
                name: data
                for name in CATEGORIES
                if (data := decode(paths.get(PREFIX + name, ""))) is not None
            }
        profiles = {}
        for category in CATEGORIES:
            try:
                profiles[category] = with_defaults(category, self._stored.get(category))
            except vol.Invalid:
                # Written by a newer MediaHub, or by hand: the default rather than no search.
                profiles[category] = with_defaults(category, None)
        return profiles

    async def get(self, category: str | None) -> QualityProfile:
        if category is None or category not in CATEGORIES:
            return with_defaults(category, None)
        return (await self.all())[category]

    async def save(self, category: str, data: Mapping[str, Any]) -> QualityProfile:
        """Validate and store one category's profile; bad input changes nothing."""
        self._known(category)
        profile = checked(with_defaults(category, None), data)
        await self._qbittorrent.set_category_path(PREFIX + category, encode(profile))
        self._stored[category] = profile.as_json()
        return profile

    async def reset(self, category: str) -> QualityProfile:
        """Back to the category's default."""
        self._known(category)
        await self._qbittorrent.remove_categories([PREFIX + category])
        self._stored.pop(category, None)
        return with_defaults(category, None)

    @staticmethod
    def _known(category: str) -> None:
        if category not in CATEGORIES:
            choices = ", ".join(CATEGORIES)
            raise InvalidInputError(
                "unknown_category",
                f"unknown category {category!r}: use {choices}",
                values={"category": category, "choices": choices},
            )
