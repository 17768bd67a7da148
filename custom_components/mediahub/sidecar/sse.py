"""Server-sent events: one stream per open panel, fed by one poll of qBittorrent for all."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass, field
import json
import logging
from typing import Any, Final
import zlib

from aiohttp import web

_LOGGER = logging.getLogger(__name__)

QUEUE_SIZE: Final = 256
KEEPALIVE: Final = 15.0


class Opening:
    """The first message of every new stream (the snapshot), encoded and compressed once
    however many panels connect: a new stream starts from a copy of the compressor's state
    after it, so the compressed bytes are reused as they are."""

    def __init__(self, message: bytes) -> None:
        self.message = message
        self._compressor = _gzip_compressor()
        self.gzipped = self._compressor.compress(message) + self._compressor.flush(
            zlib.Z_SYNC_FLUSH
        )

    def compressor(self) -> zlib._Compress:
        return self._compressor.copy()


def _gzip_compressor() -> zlib._Compress:
    return zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)


class EventStream:
    """A `text/event-stream` response, gzip-compressed when the client accepts it.

    Each event is flushed out of the compressor (Z_SYNC_FLUSH) as it is sent: aiohttp's own
    compression would hold small events back until its buffer fills, delaying live updates.
    A snapshot of hundreds of downloads shrinks about tenfold; a small event costs a few bytes.
    """

    def __init__(self, response: web.StreamResponse, gzip: bool) -> None:
        self.response = response
        self._gzip = _gzip_compressor() if gzip else None

    async def send_opening(self, opening: Opening) -> None:
        """Send `opening` as the stream's first message."""
        if self._gzip is None:
            await self.response.write(opening.message)
        else:
            self._gzip = opening.compressor()
            await self.response.write(opening.gzipped)

    async def send(self, message: bytes) -> None:
        if self._gzip is not None:
            message = self._gzip.compress(message) + self._gzip.flush(zlib.Z_SYNC_FLUSH)
        await self.response.write(message)


def accepts_gzip(request: web.Request) -> bool:
    """Whether `Accept-Encoding` allows gzip (and does not refuse it with q=0)."""
    for item in request.headers.get("Accept-Encoding", "").lower().split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


async def open_stream(request: web.Request) -> EventStream:
    """Start an event stream that proxies will not buffer."""
    gzip = accepts_gzip(request)
    headers = {
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-store",
        "X-Accel-Buffering": "no",
        "Vary": "Accept-Encoding",
    }
    if gzip:
        headers["Content-Encoding"] = "gzip"
    response = web.StreamResponse(headers=headers)
    await response.prepare(request)
    return EventStream(response, gzip)


def encode(event: str, data: Any) -> bytes:
    """One SSE message; JSON is a single line, so one `data:` field is enough."""
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


@dataclass
class Broker:
    """Fans panel events out to every connected client; a client that cannot keep up is
    dropped (its browser reconnects and gets a fresh snapshot)."""

    on_clients_changed: Callable[[int], None] = lambda _count: None
    _clients: set[asyncio.Queue[bytes | None]] = field(default_factory=set)

    @property
    def clients(self) -> int:
        return len(self._clients)

    def publish(self, event: str, data: Any) -> None:
        message = encode(event, data)
        for queue in list(self._clients):
            try:
                queue.put_nowait(message)
            except asyncio.QueueFull:
                self._clients.discard(queue)
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait(None)  # ends its stream
                _LOGGER.debug("Dropped a panel client that fell behind")

    async def serve(self, request: web.Request, opening: Opening | bytes) -> web.StreamResponse:
        """Stream `opening` then every published event until the client goes away."""
        stream = await open_stream(request)
        queue: asyncio.Queue[bytes | None] = asyncio.Queue(QUEUE_SIZE)
        self._clients.add(queue)
        self.on_clients_changed(len(self._clients))
        try:
            if isinstance(opening, Opening):
                await stream.send_opening(opening)
            else:
                await stream.send(opening)
            while True:
                try:
                    message = await asyncio.wait_for(queue.get(), KEEPALIVE)
                except TimeoutError:
                    message = b": keep-alive\n\n"
                if message is None:
                    break
                await stream.send(message)
        except ConnectionResetError:
            pass  # the browser went away
        finally:
            self._clients.discard(queue)
            self.on_clients_changed(len(self._clients))
        return stream.response

    def close_all(self) -> None:
        for queue in list(self._clients):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(None)
        self._clients.clear()
