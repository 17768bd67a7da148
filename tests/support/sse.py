"""Reading a server-sent event stream in tests and the lab."""

from __future__ import annotations

from collections.abc import Callable
import json
from typing import Any

import aiohttp


async def read_events(
    response: aiohttp.ClientResponse, done: Callable[[str, Any], bool], limit: int = 500
) -> list[tuple[str, Any]]:
    """(event, JSON data) pairs until `done(event, data)` holds (inclusive) or `limit` arrive."""
    received: list[tuple[str, Any]] = []
    event = None
    buffer = b""
    async for chunk in response.content.iter_any():  # a snapshot can be one very long line
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for raw in lines:
            line = raw.decode()
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event:
                received.append((event, json.loads(line[6:])))
                if done(event, received[-1][1]) or len(received) >= limit:
                    return received
    return received
