"""A BitTorrent HTTP tracker on 127.0.0.1 (BEP 3 announce, BEP 23 compact peer lists).

The lab's torrents name it as their tracker, so that qBittorrent finds the seeder the way a
real swarm is found: both announce here, and each is told of the other. Nothing has to point
a download at the seeder by hand, in the interactive lab or in its check.
"""

from __future__ import annotations

import socket
import struct
import time
from urllib.parse import parse_qs

from aiohttp import web

ANNOUNCE_INTERVAL = 5  # seconds asked for (libtorrent re-announces less often: 5 minutes)
PEER_TTL = 3600  # a peer is kept this long after its last announce, or until it says "stopped"


class Tracker:
    """Remembers who announced which infohash and answers with the other peers."""

    def __init__(self, port: int, host: str = "127.0.0.1", external_ip: str | None = None) -> None:
        self.host = host
        self.port = port
        # Told to every peer as the address the tracker sees it at (BEP 24's "external ip"):
        # how libtorrent learns its external address, which qBittorrent 5 reports and
        # MediaHub compares with the VPN's.
        self.external_ip = external_ip
        self.announces = 0
        # infohash → (ip, port) → when the peer last announced
        self._swarms: dict[bytes, dict[tuple[str, int], float]] = {}
        self._runner: web.AppRunner | None = None

    @property
    def announce_url(self) -> str:
        return f"http://{self.host}:{self.port}/announce"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/announce", self._announce)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _announce(self, request: web.Request) -> web.Response:
        # info_hash is 20 raw bytes, percent-encoded: decode the query as bytes, not UTF-8.
        query = parse_qs(request.rel_url.raw_query_string, encoding="latin-1")
        try:
            info_hash = query["info_hash"][0].encode("latin-1")
            port = int(query["port"][0])
        except KeyError, IndexError, ValueError:
            return _bencoded({b"failure reason": b"info_hash and port are required"})
        if len(info_hash) != 20 or not 0 < port < 65536:
            return _bencoded({b"failure reason": b"bad info_hash or port"})
        self.announces += 1
        now = time.monotonic()
        swarm = self._swarms.setdefault(info_hash, {})
        me = (request.remote or "127.0.0.1", port)
        if query.get("event", [""])[0] == "stopped":
            swarm.pop(me, None)
        else:
            swarm[me] = now
        for peer, seen in list(swarm.items()):
            if now - seen > PEER_TTL:
                del swarm[peer]
        peers = b"".join(
            socket.inet_aton(ip) + struct.pack("!H", peer_port)
            for ip, peer_port in swarm
            if (ip, peer_port) != me
        )
        answer: dict[bytes, object] = {
            b"interval": ANNOUNCE_INTERVAL,
            b"min interval": 1,
            b"peers": peers,
        }
        if self.external_ip:
            answer[b"external ip"] = socket.inet_aton(self.external_ip)
        return _bencoded(answer)


def bencode(value: object) -> bytes:
    """BEP 3's encoding, for the few types a tracker answers with."""
    match value:
        case int():
            return b"i%de" % value
        case bytes():
            return b"%d:%s" % (len(value), value)
        case dict():
            return b"d" + b"".join(bencode(k) + bencode(v) for k, v in sorted(value.items())) + b"e"
    raise TypeError(type(value).__name__)


def _bencoded(body: dict[bytes, object]) -> web.Response:
    return web.Response(body=bencode(body), content_type="text/plain")
