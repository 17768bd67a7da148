"""Prowlarr v1 API client (aiohttp; the session is passed in).

Prowlarr's links (`downloadUrl`, `magnetUrl`) carry its API key, so they never leave this
module and `search.py`: error messages name the status, never the URL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import contextlib
from dataclasses import dataclass
import json
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from ..errors import AuthenticationError, ServiceTimeoutError, ServiceUnavailableError
from ..models import Indexer

SERVICE: Final = "Prowlarr"
_TORRENT_TYPES: Final = ("application/x-bittorrent", "application/octet-stream")
MAX_TORRENT_BYTES: Final = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class TorrentPayload:
    """What the download proxy answered: .torrent bytes or a magnet link (301 redirect)."""

    torrent: bytes | None = None
    magnet: str | None = None


class NotFoundError(Exception):
    """Prowlarr has no such record (a custom filter another process deleted)."""


class ProwlarrClient:
    """Talks to one Prowlarr instance with its API key."""

    def __init__(
        self, session: aiohttp.ClientSession, url: str, api_key: str, *, timeout: float = 15
    ) -> None:
        self._session = session
        self._url = url.rstrip("/")
        self._headers = {"X-Api-Key": api_key, "Accept": "application/json"}
        self._timeout = timeout

    @property
    def url(self) -> str:
        return self._url

    async def _get_json(
        self,
        path: str,
        params: Sequence[tuple[str, str]] | Mapping[str, str] | None = None,
        time_limit: float | None = None,
    ) -> Any:
        try:
            async with self._session.get(
                f"{self._url}{path}",
                params=params,
                headers=self._headers,
                timeout=aiohttp.ClientTimeout(total=time_limit or self._timeout),
            ) as response:
                if response.status == 401:
                    raise AuthenticationError(SERVICE, "the API key was refused")
                if response.status >= 400:
                    raise ServiceUnavailableError(SERVICE, f"HTTP {response.status}")
                body = await response.read()
        except aiohttp.ClientError as err:
            raise ServiceUnavailableError(SERVICE, type(err).__name__) from None
        except TimeoutError:
            raise ServiceTimeoutError(SERVICE) from None
        try:
            return json.loads(body)
        except ValueError:
            raise ServiceUnavailableError(SERVICE, "the answer was not valid JSON") from None

    async def _send_json(self, method: str, path: str, body: Any | None = None) -> Any:
        """A write (POST, PUT, DELETE) with a JSON body; its JSON answer (None when empty)."""
        try:
            async with self._session.request(
                method,
                f"{self._url}{path}",
                json=body,
                headers=self._headers,
                timeout=aiohttp.ClientTimeout(total=self._timeout),
            ) as response:
                if response.status == 401:
                    raise AuthenticationError(SERVICE, "the API key was refused")
                if response.status == 404:
                    raise NotFoundError(path)
                if response.status >= 400:
                    raise ServiceUnavailableError(SERVICE, f"HTTP {response.status}")
                text = await response.text()
        except aiohttp.ClientError as err:
            raise ServiceUnavailableError(SERVICE, type(err).__name__) from None
        except TimeoutError:
            raise ServiceTimeoutError(SERVICE) from None
        try:
            return json.loads(text) if text.strip() else None
        except ValueError:
            raise ServiceUnavailableError(SERVICE, "the answer was not valid JSON") from None

    async def version(self) -> str:
        """Prowlarr's version; also proves the URL and API key."""
        status = await self._get_json("/api/v1/system/status")
        if not isinstance(status, dict):
            raise ServiceUnavailableError(SERVICE, "unexpected system status")
        return str(status.get("version", ""))

    async def indexers(self) -> list[Indexer]:
        """Every indexer with whether it is enabled and failing (Prowlarr's back-off)."""
        raw = await self._get_json("/api/v1/indexer")
        if not isinstance(raw, list):
            raise ServiceUnavailableError(SERVICE, "unexpected indexer list")
        result = []
        for item in raw:
            if not isinstance(item, dict) or not isinstance(item.get("id"), int):
                continue
            status = item.get("status") or {}
            result.append(
                Indexer(
                    id=item["id"],
                    name=str(item.get("name") or f"Indexer {item['id']}"),
                    enabled=bool(item.get("enable")),
                    protocol=str(item.get("protocol", "unknown")),
                    privacy=item.get("privacy"),
                    failing=bool(status.get("disabledTill")),
                    disabled_till=status.get("disabledTill"),
                )
            )
        return result

    async def search_indexer(
        self, indexer_id: int, query: str, categories: Sequence[int], time_limit: float
    ) -> list[dict[str, Any]]:
        """One indexer's results (`indexerIds=<id>`, categories as repeated keys)."""
        params = [("query", query), ("type", "search"), ("indexerIds", str(indexer_id))]
        params += [("categories", str(c)) for c in categories]
        raw = await self._get_json("/api/v1/search", params, time_limit=time_limit)
        if not isinstance(raw, list):
            raise ServiceUnavailableError(SERVICE, "unexpected search answer")
        return [item for item in raw if isinstance(item, dict)]

    async def newest(self, categories: Sequence[int], time_limit: float) -> list[dict[str, Any]]:
        """Every indexer's newest releases: a search with no term is Prowlarr's RSS search
        (`IsRssSearch`: no term and no id), each indexer's feed page."""
        params = [("query", ""), ("type", "search")]
        params += [("categories", str(c)) for c in categories]
        raw = await self._get_json("/api/v1/search", params, time_limit=time_limit)
        if not isinstance(raw, list):
            raise ServiceUnavailableError(SERVICE, "unexpected search answer")
        return [item for item in raw if isinstance(item, dict)]

    # Custom filters (CustomFilterResource: id, type, label, filters[object]) are Prowlarr's
    # own JSON records; its UI shows a filter only on the page of its `type`.

    async def custom_filters(self) -> list[dict[str, Any]]:
        raw = await self._get_json("/api/v1/customfilter")
        if not isinstance(raw, list):
            raise ServiceUnavailableError(SERVICE, "unexpected custom filter list")
        return [item for item in raw if isinstance(item, dict)]

    async def create_custom_filter(self, resource: Mapping[str, Any]) -> dict[str, Any]:
        created = await self._send_json("POST", "/api/v1/customfilter", dict(resource))
        if not isinstance(created, dict) or not isinstance(created.get("id"), int):
            raise ServiceUnavailableError(SERVICE, "unexpected custom filter")
        return created

    async def update_custom_filter(self, filter_id: int, resource: Mapping[str, Any]) -> None:
        """Raises NotFoundError when it was deleted."""
        body = {**resource, "id": filter_id}
        await self._send_json("PUT", f"/api/v1/customfilter/{filter_id}", body)

    async def delete_custom_filter(self, filter_id: int) -> None:
        with contextlib.suppress(NotFoundError):  # gone already
            await self._send_json("DELETE", f"/api/v1/customfilter/{filter_id}")

    async def keep_custom_filter(self, ids: Sequence[int], resource: Mapping[str, Any]) -> int:
        """One record kept as one filter: `resource` written over the newest of `ids` (made
        anew when none is left), the others deleted (two processes' first saves at once); the
        id it is kept under."""
        kept: int | None = None
        if ids:
            try:
                await self.update_custom_filter(ids[-1], resource)
                kept = ids[-1]
            except NotFoundError:
                pass
        if kept is None:
            kept = int((await self.create_custom_filter(resource))["id"])
        for duplicate in ids[:-1]:
            await self.delete_custom_filter(duplicate)
        return kept

    def _same_origin(self, link: str) -> str:
        """Prowlarr builds proxy links from the host we called; keep them on that host."""
        ours, theirs = urlsplit(self._url), urlsplit(link)
        return urlunsplit((ours.scheme, ours.netloc, theirs.path, theirs.query, ""))

    async def fetch_torrent(self, link: str) -> TorrentPayload:
        """Follow a release's proxy link: the .torrent bytes, or the magnet it redirects to."""
        try:
            async with self._session.get(
                self._same_origin(link),
                headers=self._headers,
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(total=self._timeout * 2),
            ) as response:
                location = response.headers.get("Location", "")
                if response.status in (301, 302, 303, 307, 308) and location.startswith("magnet:"):
                    return TorrentPayload(magnet=location)
                if response.status == 401:
                    raise AuthenticationError(SERVICE, "the API key was refused")
                if response.status != 200:
                    raise ServiceUnavailableError(
                        SERVICE, f"the indexer did not provide the torrent (HTTP {response.status})"
                    )
                body = await response.content.read(MAX_TORRENT_BYTES + 1)
        except aiohttp.ClientError as err:
            raise ServiceUnavailableError(SERVICE, type(err).__name__) from None
        except TimeoutError:
            raise ServiceUnavailableError(SERVICE, "timed out fetching the torrent") from None
        if len(body) > MAX_TORRENT_BYTES:
            raise ServiceUnavailableError(SERVICE, "the torrent file is too large")
        return TorrentPayload(torrent=body)
