"""The suite's one way to wait for something about a real process.

A real qBittorrent, a sidecar or Chromium moves on its own time: a test waits until what it
expects holds, bounded by wall-clock seconds (generous, for a slow and loaded machine), never
by a count of tries. `until` is for tests on the event loop, `until_blocking` for the
synchronous helpers that start processes and seed torrents (they run in threads).

Between two looks, `between` may move the world on: poll an engine, or advance Home
Assistant's frozen clock (then real time passes as well, for the real process to move).
Both the bound and the pause are real time: the bound is read from CLOCK_MONOTONIC itself,
which freezegun does not patch, and the pause is slept in a thread, because under Home
Assistant's `freezer` the event loop's own clock is frozen too (sixty ticks of three frozen
seconds once took 0.7 s of real time, while qBittorrent was still checking the torrent).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import inspect
import time
from typing import Any, overload

DEFAULT_TIMEOUT = 60.0  # seconds: minutes of margin over what a loaded 2-core machine needs
INTERVAL = 0.2  # seconds between two looks


def now() -> float:
    """Seconds on a clock no test freezes."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


class WaitTimeoutError(AssertionError):
    """What was waited for did not come within the bound."""

    def __init__(self, what: str, timeout: float, last: object) -> None:
        detail = f" (last seen: {last!r})" if last not in (None, False) else ""
        super().__init__(f"timed out after {timeout:g} s waiting for {what}{detail}")


@overload
async def until[T](
    check: Callable[[], Awaitable[T]],
    what: str,
    *,
    timeout: float = ...,
    between: Callable[[], Awaitable[object]] | None = ...,
    interval: float = ...,
) -> T: ...
@overload
async def until[T](
    check: Callable[[], T],
    what: str,
    *,
    timeout: float = ...,
    between: Callable[[], Awaitable[object]] | None = ...,
    interval: float = ...,
) -> T: ...
async def until(
    check: Callable[[], Any],
    what: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    between: Callable[[], Awaitable[object]] | None = None,
    interval: float = INTERVAL,
) -> Any:
    """Until `check()` (plain or awaitable) is truthy; returns that value.

    `between` runs after each look that fails (a poll, a tick of a frozen clock), then
    `interval` seconds of real time pass. Raises WaitTimeoutError, naming `what`, once `timeout`
    seconds have passed without the check holding.
    """
    deadline = now() + timeout
    while True:
        result = check()
        value = await result if inspect.isawaitable(result) else result
        if value:
            return value
        if now() >= deadline:
            raise WaitTimeoutError(what, timeout, value)
        if between is not None:
            await between()
        await asyncio.to_thread(time.sleep, interval)


def until_blocking[T](
    check: Callable[[], T],
    what: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = INTERVAL,
) -> T:
    """`until` for synchronous code (process start-up, seeding): blocks its thread."""
    deadline = now() + timeout
    while True:
        value = check()
        if value:
            return value
        if now() >= deadline:
            raise WaitTimeoutError(what, timeout, value)
        time.sleep(interval)
