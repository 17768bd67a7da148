"""Where the quality profiles live: `profiles.json` in the torrents store, shared by every host.

Home Assistant and the sidecar already share the torrents store (it is half of the one record,
see docs/pipeline.md), so a profile saved by either is the one both use. The file is re-read
when it changes and written whole through a rename, so a reader never sees half of it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
import json
import os
from pathlib import Path
from typing import Any, Final

import probatio as vol

from ..errors import InvalidInputError
from .profile import QualityProfile, checked, with_defaults

FILE_NAME: Final = "profiles.json"
CATEGORIES: Final = ("movies", "tv", "music", "books")


class ProfileStore:
    """The quality profile of each category, as stored (or its default)."""

    def __init__(self, directory: Path) -> None:
        self._path = directory / FILE_NAME
        self._stamp: tuple[int, int] | None = None
        self._stored: dict[str, dict[str, Any]] = {}
        self._lock = asyncio.Lock()

    @property
    def path(self) -> Path:
        return self._path

    async def all(self) -> dict[str, QualityProfile]:
        """Every category's profile, read again only when the file changed."""
        async with self._lock:
            await asyncio.to_thread(self._refresh)
            stored = dict(self._stored)
        profiles = {}
        for category in CATEGORIES:
            try:
                profiles[category] = with_defaults(category, stored.get(category))
            except vol.Invalid:
                # A hand-edited file with a bad field: the default rather than no search.
                profiles[category] = with_defaults(category, None)
        return profiles

    async def get(self, category: str | None) -> QualityProfile:
        if category is None or category not in CATEGORIES:
            return with_defaults(category, None)
        return (await self.all())[category]

    async def save(self, category: str, data: Mapping[str, Any]) -> QualityProfile:
        """Validate and store one category's profile; bad input changes nothing."""
        if category not in CATEGORIES:
            raise InvalidInputError(
                "unknown_category", f"unknown category {category!r}: use {', '.join(CATEGORIES)}"
            )
        profile = checked(with_defaults(category, None), data)
        async with self._lock:
            await asyncio.to_thread(self._refresh)
            stored = {**self._stored, category: profile.as_json()}
            await asyncio.to_thread(self._write, stored)
            self._stored = stored
        return profile

    async def reset(self, category: str) -> QualityProfile:
        """Back to the category's default."""
        async with self._lock:
            await asyncio.to_thread(self._refresh)
            stored = {k: v for k, v in self._stored.items() if k != category}
            await asyncio.to_thread(self._write, stored)
            self._stored = stored
        return with_defaults(category, None)

    def _refresh(self) -> None:
        try:
            stat = self._path.stat()
        except FileNotFoundError:
            self._stamp, self._stored = None, {}
            return
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp == self._stamp:
            return
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
            profiles = data.get("profiles", {}) if isinstance(data, dict) else {}
        except OSError, ValueError:
            profiles = {}
        self._stored = {
            k: v for k, v in profiles.items() if k in CATEGORIES and isinstance(v, dict)
        }
        self._stamp = stamp

    def _write(self, stored: dict[str, dict[str, Any]]) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._path.with_suffix(".tmp")
        temporary.write_text(
            json.dumps({"version": 1, "profiles": stored}, indent=2), encoding="utf-8"
        )
        os.replace(temporary, self._path)
        stat = self._path.stat()
        self._stamp = (stat.st_mtime_ns, stat.st_size)
