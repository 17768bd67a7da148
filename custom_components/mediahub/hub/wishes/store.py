"""Where the wishes live: in Prowlarr, as custom filters of a type only MediaHub reads.

Home Assistant and the sidecars share only the stack's services, and every MediaHub already
holds Prowlarr's address and API key. A custom filter (`/api/v1/customfilter`) is a JSON record
Prowlarr keeps in its database by id; its UI shows a filter only on the page of the filter's
`type`, so a `mediahub-wish` filter is never shown there. One filter is one wish (its JSON is
the filter's one object), so two processes never rewrite each other's wishes, and the watcher
rewrites a wish only while it holds the watch claim (watch.py). docs/wishes.md says what else
was considered.
"""

from __future__ import annotations

import logging
from typing import Final

from ..clients.prowlarr import NotFoundError, ProwlarrClient
from ..errors import MediaHubError
from .model import Wish

_LOGGER = logging.getLogger(__name__)

FILTER_TYPE: Final = "mediahub-wish"


class WishStore:
    """The household's wishes, as Prowlarr keeps them (the last known while it is away)."""

    def __init__(self, prowlarr: ProwlarrClient) -> None:
        self._prowlarr = prowlarr
        self._known: dict[int, Wish] = {}
        self.loaded = False  # Prowlarr has answered at least once

    @property
    def known(self) -> dict[int, Wish]:
        """What Prowlarr said last, by id."""
        return dict(self._known)

    async def load(self) -> dict[int, Wish]:
        """Every wish, read now; raises the client's errors when Prowlarr is away."""
        wishes: dict[int, Wish] = {}
        for resource in await self._prowlarr.custom_filters():
            if resource.get("type") != FILTER_TYPE:
                continue
            filters = resource.get("filters") or []
            try:
                wishes[int(resource["id"])] = Wish.from_json(filters[0], int(resource["id"]))
            except (IndexError, KeyError, TypeError, ValueError) as err:
                _LOGGER.warning(
                    "Custom filter %s is not a wish MediaHub reads: %r", resource.get("id"), err
                )
        self._known = wishes
        self.loaded = True
        return dict(wishes)

    async def all(self) -> dict[int, Wish]:
        """Every wish: read now, or the last known when Prowlarr is away."""
        try:
            return await self.load()
        except MediaHubError as err:
            _LOGGER.debug("Wishes not read (%s): the last known", err.reason)
            return self.known

    async def create(self, wish: Wish) -> Wish:
        created = await self._prowlarr.create_custom_filter(_resource(wish))
        stored = Wish.from_json(wish.as_json(), int(created["id"]))
        self._known[stored.id] = stored
        return stored

    async def save(self, wish: Wish) -> bool:
        """Rewrite a stored wish; False when it was deleted meanwhile."""
        try:
            await self._prowlarr.update_custom_filter(wish.id, _resource(wish))
        except NotFoundError:
            self._known.pop(wish.id, None)
            return False
        self._known[wish.id] = wish
        return True

    async def delete(self, wish_id: int) -> None:
        await self._prowlarr.delete_custom_filter(wish_id)
        self._known.pop(wish_id, None)


def _resource(wish: Wish) -> dict[str, object]:
    return {"type": FILTER_TYPE, "label": wish.label[:200], "filters": [wish.as_json()]}
