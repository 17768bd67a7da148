"""The household's rules for requests: how many a person may make in a week, and whose (or
which category's) are approved without asking. Kept in Prowlarr beside the wishes, as one
custom filter of a type only MediaHub reads (`mediahub-requests`), so every host judges a
request by the same rules (docs/wishes.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import logging
from typing import Any, Final

from ..clients.prowlarr import ProwlarrClient
from ..errors import MediaHubError
from .model import Wish

_LOGGER = logging.getLogger(__name__)

FILTER_TYPE: Final = "mediahub-requests"
WEEKLY_QUOTA: Final = 5  # open requests a person may have made in the last seven days
WEEK: Final = 7 * 24 * 3600.0


@dataclass(frozen=True, slots=True)
class AutoApprove:
    """Requests approved as they are made: of one person (or anyone), in one category (or
    any)."""

    user: str | None = None  # a Home Assistant user's name or id; None: anyone
    category: str | None = None  # "movies" | "tv"; None: any

    def covers(self, wish: Wish) -> bool:
        person = self.user is None or self.user in (wish.asked_by, wish.asked_by_id)
        return person and self.category in (None, wish.category)


@dataclass(frozen=True, slots=True)
class RequestRules:
    weekly_quota: int = WEEKLY_QUOTA
    quotas: Mapping[str, int] = field(default_factory=dict)  # a person (name or id) → quota
    auto_approve: tuple[AutoApprove, ...] = ()

    def quota_of(self, wish: Wish) -> int:
        for person in (wish.asked_by_id, wish.asked_by):
            if person is not None and person in self.quotas:
                return self.quotas[person]
        return self.weekly_quota

    def approves(self, wish: Wish) -> bool:
        return any(rule.covers(wish) for rule in self.auto_approve)

    def as_json(self) -> dict[str, Any]:
        return {
            "weekly_quota": self.weekly_quota,
            "quotas": dict(self.quotas),
            "auto_approve": [{"user": r.user, "category": r.category} for r in self.auto_approve],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RequestRules:
        """Raises KeyError, ValueError or TypeError for what is not a set of rules."""
        return cls(
            weekly_quota=int(data.get("weekly_quota", WEEKLY_QUOTA)),
            quotas={str(k): int(v) for k, v in (data.get("quotas") or {}).items()},
            auto_approve=tuple(
                AutoApprove(
                    None if r.get("user") is None else str(r["user"]),
                    None if r.get("category") is None else str(r["category"]),
                )
                for r in data.get("auto_approve") or ()
            ),
        )


class RulesStore:
    """The request rules as stored in Prowlarr (the last known while it is away; the
    defaults until someone saves some)."""

    def __init__(self, prowlarr: ProwlarrClient) -> None:
        self._prowlarr = prowlarr
        self._known = RequestRules()
        self._ids: list[int] = []  # its filters' ids, oldest first

    async def get(self) -> RequestRules:
        try:
            await self._read()
        except MediaHubError as err:
            _LOGGER.debug("Request rules not read (%s): using the last known", err.reason)
        return self._known

    async def save(self, rules: RequestRules) -> RequestRules:
        await self._read()
        resource = {"type": FILTER_TYPE, "label": "rules", "filters": [rules.as_json()]}
        self._ids = [await self._prowlarr.keep_custom_filter(self._ids, resource)]
        self._known = rules
        return rules

    async def _read(self) -> None:
        ids, stored = [], None
        for resource in sorted(await self._prowlarr.custom_filters(), key=lambda r: r.get("id", 0)):
            if resource.get("type") != FILTER_TYPE:
                continue
            ids.append(int(resource["id"]))
            filters = resource.get("filters") or []
            if filters and isinstance(filters[0], dict):
                stored = filters[0]
        try:
            self._known = RequestRules() if stored is None else RequestRules.from_json(stored)
        except KeyError, ValueError, TypeError:
            _LOGGER.warning("Request rules in Prowlarr are not readable: using the defaults")
            self._known = RequestRules()
        self._ids = ids
