"""Fetching a .torrent from a URL a user pasted, without becoming a proxy into the network.

A pasted URL is a request to make this server send a GET, so it is held to the user's
configuration, not to the request: its host must resolve to a public address, unless it is a
place the user configured (Prowlarr's host and port, or a host allowed by name). Loopback,
link-local, unspecified, multicast and reserved addresses, and private ones of hosts not
allowed, are refused; IP literals in any spelling (decimal, hex, IPv4-mapped IPv6) are judged
by the address they resolve to.

The name is resolved once and the connection is made to the address that was checked (a
resolver pinned to it), so a DNS answer that changes between check and connect (rebinding)
cannot slip through. Redirects are followed by hand, each hop checked the same way. Nothing a
refused or failing server sent is put into an error.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
import ipaddress
import socket
from typing import Final, override
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from ..errors import InvalidInputError
from .prowlarr import MAX_TORRENT_BYTES

MAX_REDIRECTS: Final = 5
FETCH_TIMEOUT: Final = 30.0
_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})

type IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class Fetched:
    """What a URL gave: .torrent bytes, or the magnet link it redirected to."""

    torrent: bytes | None = None
    magnet: str | None = None


def _refused(reason: str) -> InvalidInputError:
    return InvalidInputError("url_not_allowed", f"MediaHub does not fetch {reason}")


def _unmapped(address: IPAddress) -> IPAddress:
    """IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it maps."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_public(address: IPAddress) -> bool:
    """An address on the public internet."""
    address = _unmapped(address)
    return address.is_global and not address.is_multicast


def _never_reachable(address: IPAddress) -> bool:
    """Addresses no configured host makes acceptable."""
    address = _unmapped(address)
    return address.is_unspecified or address.is_multicast


class _PinnedResolver(AbstractResolver):
    """Answers only for the host that was checked, with the addresses that were checked."""

    def __init__(self, host: str, results: list[ResolveResult]) -> None:
        self._host = host
        self._results = results

    @override
    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if host != self._host:
            raise OSError(f"{host} was not checked")
        return [{**result, "port": port} for result in self._results]

    @override
    async def close(self) -> None:
        return None


class TorrentUrlFetcher:
    """Fetches .torrent files from http(s) URLs under the rules above.

    `allowed` holds what the user configured, as `host` (any port) or `host:port`: Prowlarr's
    host and port, and hosts they allow explicitly. `resolver` turns names into addresses
    (the system's by default).
    """

    def __init__(self, allowed: Collection[str], resolver: AbstractResolver | None = None) -> None:
        self._allowed = {_origin(entry) for entry in allowed if entry.strip()}
        # The system's resolver binds the running loop when made: made at the first fetch, so
        # the engine can be built outside one.
        self._resolver = resolver

    async def fetch(self, url: str) -> Fetched:
        """Follow `url` (and its redirects) to a .torrent or a magnet link."""
        for _hop in range(MAX_REDIRECTS + 1):
            status, location, body = await self._get(url)
            if status in _REDIRECTS:
                if location.startswith("magnet:"):
                    return Fetched(magnet=location)
                url = urljoin(url, location)
                continue
            if status != 200:
                raise InvalidInputError("fetch_failed", f"the URL answered HTTP {status}")
            if len(body) > MAX_TORRENT_BYTES:
                raise InvalidInputError("torrent_too_large", "the torrent file is too large")
            return Fetched(torrent=body)
        raise InvalidInputError("fetch_failed", "the URL redirected too many times")

    async def _get(self, url: str) -> tuple[int, str, bytes]:
        """One request to a checked address: (status, Location, body)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidInputError("invalid_url", "a torrent URL starts with http:// or https://")
        if parts.username or parts.password:
            raise _refused("URLs with a user name or password in them")
        host = parts.hostname.lower()
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise InvalidInputError("invalid_url", "the URL's port is not a number") from None
        results = await self._checked(host, port)
        connector = aiohttp.TCPConnector(
            resolver=_PinnedResolver(host, results), use_dns_cache=False
        )
        try:
            async with (
                aiohttp.ClientSession(connector=connector) as session,
                session.get(
                    url,
                    allow_redirects=False,
                    timeout=aiohttp.ClientTimeout(total=FETCH_TIMEOUT),
                ) as response,
            ):
                location = response.headers.get("Location", "")
                body = b""
                if response.status == 200:
                    body = await response.content.read(MAX_TORRENT_BYTES + 1)
                return response.status, location, body
        except (aiohttp.ClientError, TimeoutError, OSError) as err:
            raise InvalidInputError(
                "fetch_failed", f"could not fetch the torrent ({type(err).__name__})"
            ) from None

    async def _checked(self, host: str, port: int) -> list[ResolveResult]:
        """Resolve `host` once and keep its addresses only if every one may be reached."""
        if (literal := _ip_literal(host)) is not None:
            results: list[ResolveResult] = [
                {
                    "hostname": host,
                    "host": str(literal),
                    "port": port,
                    "family": socket.AF_INET6 if literal.version == 6 else socket.AF_INET,
                    "proto": 0,
                    "flags": socket.AI_NUMERICHOST,
                }
            ]
            return self._allowed_results(host, port, results)
        if self._resolver is None:
            self._resolver = aiohttp.ThreadedResolver()
        try:
            results = await self._resolver.resolve(host, port, family=socket.AF_UNSPEC)
        except OSError:
            raise InvalidInputError(
                "fetch_failed", "the URL's host name does not resolve"
            ) from None
        if not results:
            raise InvalidInputError("fetch_failed", "the URL's host name does not resolve")
        return self._allowed_results(host, port, results)

    def _allowed_results(
        self, host: str, port: int, results: list[ResolveResult]
    ) -> list[ResolveResult]:
        allowed = (host, None) in self._allowed or (host, port) in self._allowed
        for result in results:
            address = ipaddress.ip_address(result["host"].split("%", 1)[0])
            if _never_reachable(address) or not (allowed or is_public(address)):
                raise _refused("addresses inside this machine or the home network")
        return results


def _ip_literal(host: str) -> IPAddress | None:
    """An IP address written in the URL, in any spelling the C library accepts (the legacy
    `2130706433`, `0x7f000001` and `0177.0.0.1` forms included): judged without DNS."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _origin(entry: str) -> tuple[str, int | None]:
    """`host`, `host:port` or a URL → (host, port or None for any)."""
    text = entry.strip().lower()
    parts = urlsplit(text if "://" in text else f"//{text}")
    port = parts.port
    if port is None and parts.scheme in ("http", "https"):
        port = 443 if parts.scheme == "https" else 80
    return (parts.hostname or text, port)
