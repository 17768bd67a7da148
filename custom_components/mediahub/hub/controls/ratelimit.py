"""How often one client may search: Prowlarr's indexers ban what hammers them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import time


@dataclass
class RateLimiter:
    """A token bucket per client (an address, a user): `rate` per minute, bursts of `burst`."""

    rate: float = 12.0
    burst: int = 6
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def allow(self, key: str) -> bool:
        now = self.clock()
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate / 60)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1, now)
        if len(self._buckets) > 10_000:  # forget idle clients
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 600}
        return True
