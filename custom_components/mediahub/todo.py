"""To-do: "Wanted", the household's wish list (kept in Prowlarr, so on Prowlarr's device).

Open wishes are items to do; a wish that is done (ended, or its movie in Plex) is a completed
item. Adding an item makes a wish (the engine tells a show to follow from a movie to want),
completing one ends it, deleting one forgets it and its history. Each change runs the
operation of the same name (`wish`, `unwish`), as the actions and the panel do.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.todo.const import TodoItemStatus, TodoListEntityFeature
from homeassistant.components.todo.entity import TodoItem, TodoListEntity
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN
from .coordinator import IndexersCoordinator, MediaHubConfigEntry
from .entity import WishListEntity
from .errors import engine_errors
from .hub import OPERATIONS, Call, Origin, Wish, WishKind, WishState
from .services import HA_KINDS, person
from .speech import say

# Each change writes to Prowlarr: one at a time.
PARALLEL_UPDATES = 1

_KIND_PHRASE = {
    WishKind.FOLLOW: "kind_follow",
    WishKind.WANT: "kind_want",
    WishKind.UPGRADE: "kind_upgrade",
}
_STATE_PHRASE = {
    WishState.WAITING: "state_waiting",
    WishState.DECLINED: "state_declined",
    WishState.WANTED: "state_wanted",
    WishState.GRABBED: "state_grabbed",
    WishState.AVAILABLE: "state_available",
    WishState.DONE: "state_done",
}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MediaHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    runtime = entry.runtime_data
    # The last known list when Prowlarr is away; the entity is unavailable then.
    wishes = await runtime.engine.wishes.all()
    async_add_entities([WantedList(runtime.indexers, wishes)])


class WantedList(WishListEntity, TodoListEntity):
    """The wish list as a to-do list."""

    _attr_translation_key = "wanted"
    _attr_supported_features = (
        TodoListEntityFeature.CREATE_TODO_ITEM
        | TodoListEntityFeature.UPDATE_TODO_ITEM
        | TodoListEntityFeature.DELETE_TODO_ITEM
    )

    def __init__(self, coordinator: IndexersCoordinator, wishes: tuple[Wish, ...]) -> None:
        super().__init__(coordinator, "wanted", wishes)

    @property
    def todo_items(self) -> list[TodoItem]:
        language = self.hass.config.language
        return [
            TodoItem(
                uid=str(wish.id),
                summary=wish.label,
                status=(
                    TodoItemStatus.NEEDS_ACTION if wish.state.live else TodoItemStatus.COMPLETED
                ),
                description=" · ".join(
                    (
                        say(language, _KIND_PHRASE[wish.kind]),
                        say(language, _STATE_PHRASE[wish.state]),
                        say(language, "asked_by", name=wish.asked_by),
                    )
                ),
            )
            for wish in self._wishes
        ]

    async def async_create_todo_item(self, item: TodoItem) -> None:
        """A new item is a new wish, from whoever added it."""
        await self._run("wish", {"title": item.summary or ""})

    async def async_update_todo_item(self, item: TodoItem) -> None:
        """Completing an item ends its wish; nothing else of a wish is changed here."""
        wish = self._wish(item.uid)
        if item.status == TodoItemStatus.COMPLETED and wish.state.live:
            await self._run("unwish", {"wish_id": wish.id})
        elif item.status == TodoItemStatus.NEEDS_ACTION and not wish.state.live:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="wish_ended",
                translation_placeholders={"wish": wish.label},
            )

    async def async_delete_todo_items(self, uids: list[str]) -> None:
        """Deleting an item forgets its wish, history and all."""
        for uid in uids:
            await self._run("unwish", {"wish_id": self._wish(uid).id, "forget": True})

    def _wish(self, uid: str | None) -> Wish:
        found = next((w for w in self._wishes if str(w.id) == uid), None)
        if found is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_wish",
                translation_placeholders={"wish": str(uid)},
            )
        return found

    async def _run(self, name: str, data: dict[str, Any]) -> None:
        """An operation of the table, as the person who changed the list."""
        operation = OPERATIONS[name]
        context = self._context or Context()
        asker = await person(self.hass, context)
        call = Call(
            engine=self.coordinator.engine,
            feed=self.coordinator.config_entry.runtime_data.downloads.feed,
            data=operation.schema(HA_KINDS)(data),
            origin=Origin.ACTION if context.user_id else Origin.AUTOMATION,
            user=asker.name,
            user_id=asker.user_id,
            admin=asker.admin,
        )
        async with engine_errors():
            await operation.run(call)
