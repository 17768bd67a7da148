"""Server-sent events: one stream per open panel, fed by one poll of qBittorrent for all."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass, field
import json
import logging
from typing import Any, Final

from aiohttp import web

_LOGGER = logging.getLogger(__name__)

QUEUE_SIZE: Final = 256
KEEPALIVE: Final = 15.0


async def open_stream(request: web.Request) -> web.StreamResponse:
    """Start a `text/event-stream` response that proxies will not buffer."""
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-store",
            "X-Accel-Buffering": "no",
        }
    )
    await response.prepare(request)
    return response


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

    async def serve(self, request: web.Request, first: list[bytes]) -> web.StreamResponse:
        """Stream `first` then every published event until the client goes away."""
        response = await open_stream(request)
        queue: asyncio.Queue[bytes | None] = asyncio.Queue(QUEUE_SIZE)
        self._clients.add(queue)
        self.on_clients_changed(len(self._clients))
        try:
            for opening in first:
                await response.write(opening)
            while True:
                try:
                    message = await asyncio.wait_for(queue.get(), KEEPALIVE)
                except TimeoutError:
                    message = b": keep-alive\n\n"
                if message is None:
                    break
                await response.write(message)
        except ConnectionResetError:
            pass  # the browser went away
        finally:
            self._clients.discard(queue)
            self.on_clients_changed(len(self._clients))
        return response

    def close_all(self) -> None:
        for queue in list(self._clients):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(None)
        self._clients.clear()
