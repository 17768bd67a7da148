"""A pasted .torrent URL never makes MediaHub reach inside the machine or the home network.

Each refused form gets a clear code, and the server it pointed at saw no request. Names are
resolved by a resolver that knows a few test names (no DNS here); everything else is real:
servers on 127.0.0.1, real sockets, the sidecar's HTTP API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
import ipaddress
import socket

from aiohttp import ThreadedResolver, web
from aiohttp.abc import ResolveResult
import pytest

from custom_components.mediahub.hub.clients.urlfetch import TorrentUrlFetcher, is_public
from custom_components.mediahub.hub.errors import InvalidInputError
from tests.simulators.prowlarr import tiny_torrent
from tests.support.qbittorrent import free_port

TORRENT, INFOHASH = tiny_torrent("Pasted.Release.2024.1080p.mkv")


@dataclass
class Target:
    """A web server on 127.0.0.1 that records every request it gets."""

    port: int
    requests: list[str] = field(default_factory=list)
    redirect_to: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
async def target() -> AsyncIterator[Target]:
    served = Target(free_port())

    async def handle(request: web.Request) -> web.StreamResponse:
        served.requests.append(request.path)
        if request.path == "/redirect":
            raise web.HTTPFound(served.redirect_to)
        return web.Response(body=TORRENT, content_type="application/x-bittorrent")

    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", served.port).start()
    yield served
    await runner.cleanup()


class KnownNames(ThreadedResolver):
    """Names that point where a test wants, like /etc/hosts (DNS is off in tests); any other
    name does not resolve."""

    def __init__(self, names: dict[str, str]) -> None:
        super().__init__()
        self.names = {"localhost": "127.0.0.1", **names}

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if host in self.names:
            address = self.names[host]
            return [
                {
                    "hostname": host,
                    "host": address,
                    "port": port,
                    "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                    "proto": 0,
                    "flags": socket.AI_NUMERICHOST,
                }
            ]
        raise OSError(f"{host} does not resolve")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/x.torrent",
        "http://[::1]:{port}/x.torrent",
        "http://localhost:{port}/x.torrent",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0:{port}/x.torrent",
        "http://2130706433:{port}/x.torrent",  # 127.0.0.1 in decimal
        "http://0x7f000001:{port}/x.torrent",  # and in hex
        "http://[::ffff:127.0.0.1]:{port}/x.torrent",
        "http://rebound.example:{port}/x.torrent",  # a name that resolves to 127.0.0.1
        "http://printer.lan/x.torrent",  # a private address in the home network
    ],
)
async def test_internal_addresses_are_refused_unfetched(target: Target, url: str) -> None:
    fetcher = TorrentUrlFetcher(
        ["prowlarr.lan:9696"],
        resolver=KnownNames({"rebound.example": "127.0.0.1", "printer.lan": "192.168.1.20"}),
    )
    with pytest.raises(InvalidInputError) as refused:
        await fetcher.fetch(url.format(port=target.port))
    assert refused.value.code == "url_not_allowed"
    assert target.requests == []


async def test_an_allowed_host_that_redirects_inside_is_refused(target: Target) -> None:
    inside = Target(free_port())  # nothing listens: the point is that nothing is tried
    target.redirect_to = f"http://127.0.0.1:{inside.port}/x.torrent"
    fetcher = TorrentUrlFetcher(
        ["torrents.lan"], resolver=KnownNames({"torrents.lan": "127.0.0.1"})
    )
    with pytest.raises(InvalidInputError) as refused:
        await fetcher.fetch(f"http://torrents.lan:{target.port}/redirect")
    assert refused.value.code == "url_not_allowed"
    assert target.requests == ["/redirect"]


async def test_allowed_hosts_are_fetched_and_redirects_followed(target: Target) -> None:
    target.redirect_to = f"http://torrents.lan:{target.port}/x.torrent"
    fetcher = TorrentUrlFetcher(
        ["torrents.lan"], resolver=KnownNames({"torrents.lan": "127.0.0.1"})
    )
    fetched = await fetcher.fetch(f"http://torrents.lan:{target.port}/redirect")
    assert fetched.torrent == TORRENT
    assert target.requests == ["/redirect", "/x.torrent"]


async def test_the_prowlarr_origin_is_allowed_and_only_its_port(target: Target) -> None:
    fetcher = TorrentUrlFetcher([f"http://127.0.0.1:{target.port}"], resolver=KnownNames({}))
    assert (await fetcher.fetch(f"{target.url}/x.torrent")).torrent == TORRENT
    other = Target(free_port())
    with pytest.raises(InvalidInputError):
        await fetcher.fetch(f"{other.url}/x.torrent")


async def test_the_checked_address_is_the_one_connected_to(target: Target) -> None:
    """DNS rebinding: the name answers a public address when checked, then 127.0.0.1."""

    class Rebinding(KnownNames):
        async def resolve(
            self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
        ) -> list[ResolveResult]:
            answer = await super().resolve(host, port, family)
            self.names[host] = "127.0.0.1"  # the second look-up would point inside
            return answer

    fetcher = TorrentUrlFetcher([], resolver=Rebinding({"rebind.example": "192.0.2.1"}))
    with pytest.raises(InvalidInputError) as refused:
        await fetcher.fetch(f"http://rebind.example:{target.port}/x.torrent")
    # 192.0.2.1 (TEST-NET, never routed) is not global either: refused before any connection.
    assert refused.value.code == "url_not_allowed"
    assert target.requests == []


def test_what_counts_as_public() -> None:
    assert is_public(ipaddress.ip_address("93.184.216.34"))
    for address in ("10.0.0.1", "172.16.0.1", "192.168.0.1", "100.64.0.1", "fe80::1", "fc00::1"):
        assert not is_public(ipaddress.ip_address(address)), address
    assert not is_public(ipaddress.ip_address("::ffff:10.0.0.1"))


async def test_malformed_urls_are_clear_errors() -> None:
    fetcher = TorrentUrlFetcher([], resolver=KnownNames({}))
    for url, code in (
        ("ftp://example.com/x.torrent", "invalid_url"),
        ("http://user:pass@example.com/x.torrent", "url_not_allowed"),
        ("http://example.com:notaport/x", "invalid_url"),
        ("http://does-not-resolve.invalid/x.torrent", "fetch_failed"),
    ):
        with pytest.raises(InvalidInputError) as refused:
            await fetcher.fetch(url)
        assert refused.value.code == code, url


def test_the_fetcher_can_be_made_outside_an_event_loop() -> None:
    """The engine is built from Settings anywhere; the system resolver comes with the loop."""
    assert TorrentUrlFetcher(["prowlarr.lan:9696"]) is not None
