"""Buttons: scan one Plex library (one per section, added and removed as sections come and
go) and scan all libraries; pause and resume every download."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import DownloadsCoordinator, MediaHubConfigEntry, PlexCoordinator, PlexData
from .entity import MediaHubEntity
from .errors import engine_errors
from .hub import Library

# Presses call Plex: one at a time.
PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MediaHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add "scan all", and a scan button per Plex section as the sections appear."""
    plex = entry.runtime_data.plex
    downloads = entry.runtime_data.downloads
    async_add_entities(
        [
            ScanAllButton(plex),
            AllDownloadsButton(downloads, "pause_all"),
            AllDownloadsButton(downloads, "resume_all"),
        ]
    )
    known: dict[str, ScanLibraryButton] = {}

    @callback
    def sync_sections() -> None:
        data: PlexData | None = plex.data  # None until Plex has answered once
        if data is None:
            return
        current = {library.key: library for library in data.libraries}
        added = [
            ScanLibraryButton(plex, library) for key, library in current.items() if key not in known
        ]
        for button in added:
            known[button.library_key] = button
        if added:
            async_add_entities(added)
        registry = er.async_get(hass)
        for key in [k for k in known if k not in current]:
            button = known.pop(key)
            if button.entity_id and registry.async_get(button.entity_id):
                registry.async_remove(button.entity_id)

    sync_sections()
    entry.async_on_unload(plex.async_add_listener(sync_sections))


async def _press(coordinator: PlexCoordinator, key: str | None) -> None:
    downloads = coordinator.engine.downloads
    async with engine_errors():
        if key is None:
            await coordinator.engine.plex.scan_all()
        else:
            await downloads.scan_library(key)


class ScanAllButton(MediaHubEntity, ButtonEntity):
    """Scan every Plex library."""

    _attr_translation_key = "scan_all"
    _attr_entity_category = EntityCategory.CONFIG
    coordinator: PlexCoordinator

    def __init__(self, coordinator: PlexCoordinator) -> None:
        super().__init__(coordinator, "scan_all")

    async def async_press(self) -> None:
        await _press(self.coordinator, None)


class ScanLibraryButton(MediaHubEntity, ButtonEntity):
    """Scan one Plex library section."""

    _attr_translation_key = "scan_library"
    _attr_entity_category = EntityCategory.CONFIG
    coordinator: PlexCoordinator

    def __init__(self, coordinator: PlexCoordinator, library: Library) -> None:
        super().__init__(coordinator, f"scan_library_{library.key}")
        self.library_key = library.key
        self._attr_translation_placeholders = {"library": library.title}

    @property
    def available(self) -> bool:
        data = self.coordinator.data
        return (
            super().available
            and data is not None
            and any(lib.key == self.library_key for lib in data.libraries)
        )

    async def async_press(self) -> None:
        await _press(self.coordinator, self.library_key)


class AllDownloadsButton(MediaHubEntity, ButtonEntity):
    """Pause every download, or resume every paused one (a guard's holds start when it lets
    go)."""

    coordinator: DownloadsCoordinator

    def __init__(self, coordinator: DownloadsCoordinator, key: str) -> None:
        super().__init__(coordinator, key)
        self._attr_translation_key = key

    async def async_press(self) -> None:
        downloads = self.coordinator.engine.downloads
        async with engine_errors():
            if self._attr_translation_key == "pause_all":
                await downloads.pause_all()
            else:
                await downloads.resume_all()
        await self.coordinator.async_request_refresh()
