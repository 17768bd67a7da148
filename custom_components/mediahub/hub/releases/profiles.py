"""Where the quality profiles live: in Prowlarr, beside the wishes, as custom filters of a type
only MediaHub reads (`mediahub-profile`, labelled with the category; one object: the profile).

Home Assistant and the sidecars share no folder, but they all reach the same Prowlarr, whose
releases a profile judges (docs/wishes.md says why Prowlarr's custom filters, and why not
qBittorrent's categories). What the panel saves, Home Assistant uses at its next search, and
the other way round. Profiles an earlier MediaHub kept in qBittorrent, as the categories
`mediahub-profile-<category>`, move to Prowlarr the first time they are read here, and those
categories are removed.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
import json
import logging
from typing import Any, Final

import probatio as vol

from ..clients.prowlarr import ProwlarrClient
from ..clients.qbittorrent import QbittorrentClient
from ..errors import InvalidInputError, MediaHubError
from .profile import QualityProfile, checked, with_defaults

_LOGGER = logging.getLogger(__name__)

FILTER_TYPE: Final = "mediahub-profile"
LEGACY_PREFIX: Final = "mediahub-profile-"  # the qBittorrent categories of earlier versions
CATEGORIES: Final = ("movies", "tv", "music", "books")


def decode(save_path: str) -> dict[str, Any] | None:
    """The fields an earlier version stored in a category's save path (base64url JSON), or
    None when the category holds something else."""
    try:
        data = json.loads(base64.urlsafe_b64decode(save_path + "=" * (-len(save_path) % 4)))
    except binascii.Error, ValueError:
        return None
    return data if isinstance(data, dict) else None


class ProfileStore:
    """The quality profile of each category, as stored in Prowlarr (or its default)."""

    def __init__(self, prowlarr: ProwlarrClient, qbittorrent: QbittorrentClient) -> None:
        self._prowlarr = prowlarr
        self._qbittorrent = qbittorrent  # where earlier versions kept them
        # What Prowlarr said last: a search while it is away still ranks by the profile.
        self._stored: dict[str, dict[str, Any]] = {}
        self._ids: dict[str, list[int]] = {}  # category → its filters' ids, newest last
        self._moved = False  # profiles kept in qBittorrent were looked for

    async def _read(self) -> None:
        """Read every stored profile from Prowlarr; raises the client's errors."""
        stored: dict[str, dict[str, Any]] = {}
        ids: dict[str, list[int]] = {}
        for resource in sorted(await self._prowlarr.custom_filters(), key=lambda r: r.get("id", 0)):
            category, filters = resource.get("label"), resource.get("filters") or []
            if resource.get("type") != FILTER_TYPE or category not in CATEGORIES:
                continue
            ids.setdefault(str(category), []).append(int(resource["id"]))
            if filters and isinstance(filters[0], dict):
                stored[str(category)] = filters[0]  # two processes' first saves: the newest
        self._stored, self._ids = stored, ids
        if not self._moved:
            await self._move_from_qbittorrent()

    async def _move_from_qbittorrent(self) -> None:
        try:
            paths = await self._qbittorrent.category_paths()
        except MediaHubError as err:
            _LOGGER.debug("Profiles kept in qBittorrent not looked for (%s)", err.reason)
            return
        legacy = {
            name: data
            for name in CATEGORIES
            if (data := decode(paths.get(LEGACY_PREFIX + name, ""))) is not None
        }
        for category, data in legacy.items():
            if category not in self._stored:
                await self._write(category, data)
                _LOGGER.info("The %s profile moved from qBittorrent to Prowlarr", category)
        names = [LEGACY_PREFIX + name for name in CATEGORIES if LEGACY_PREFIX + name in paths]
        if names:
            await self._qbittorrent.remove_categories(names)
        self._moved = True

    async def _write(self, category: str, data: dict[str, Any]) -> None:
        resource = {"type": FILTER_TYPE, "label": category, "filters": [data]}
        kept = await self._prowlarr.keep_custom_filter(self._ids.get(category, []), resource)
        self._ids[category] = [kept]
        self._stored[category] = data

    async def all(self) -> dict[str, QualityProfile]:
        """Every category's profile (the last known ones when Prowlarr is away)."""
        try:
            await self._read()
        except MediaHubError as err:
            _LOGGER.debug("Quality profiles not read (%s): using the last known", err.reason)
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
        await self._read()
        await self._write(category, profile.as_json())
        return profile

    async def reset(self, category: str) -> QualityProfile:
        """Back to the category's default."""
        self._known(category)
        await self._read()
        for filter_id in self._ids.pop(category, []):
            await self._prowlarr.delete_custom_filter(filter_id)
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
