"""MediaHub in Home Assistant's sidebar and dashboards, built from the same React app as the
sidecar's UI and served by Home Assistant from frontend/: a loader (frontend/mediahub.js, a few
KB, no React), loaded on every page so that a dashboard can use the `custom:mediahub-card` with
no separate install, and named by the sidebar panel, shown while a stack is loaded. The loader
defines both elements; the app is in hashed chunks (frontend/chunks/) it imports when one of
them is first shown, and the card's editor when a dashboard is edited.

The panel talks to websocket.py only. It is for administrators unless a loaded stack lets every
user search and grab (its `users_can_grab` option); what each user may do there is checked by
every websocket command, not by the panel.
"""

from __future__ import annotations

from collections.abc import Iterable
import hashlib
import logging
from pathlib import Path
from typing import Final

from homeassistant.components import frontend, panel_custom
from homeassistant.components.http.server import StaticPathConfig
from homeassistant.core import HomeAssistant

from .const import CONF_USERS_CAN_GRAB, DOMAIN
from .coordinator import MediaHubConfigEntry

_LOGGER = logging.getLogger(__name__)

PANEL_URL_PATH: Final = DOMAIN  # /mediahub
STATIC_URL: Final = "/api/mediahub/static"
FRONTEND: Final = Path(__file__).parent / "frontend"
MODULE: Final = "mediahub.js"
ELEMENT: Final = "mediahub-panel"
ICON: Final = "mdi:download-network"
TITLE: Final = "MediaHub"  # a name: the same in every language

_VERSION: Final = "mediahub_panel_version"  # hass.data: the served module's hash, once known


async def async_setup_panel_files(hass: HomeAssistant) -> None:
    """Serve frontend/ with Home Assistant's long cache (31 days): the chunks are named by
    their hash, and the loader's URL carries its own, which changes with theirs, as the loader
    names them. Load the loader on every page, for the card."""

    def fingerprint() -> str | None:
        module = FRONTEND / MODULE
        if not module.is_file():
            return None
        return hashlib.sha256(module.read_bytes()).hexdigest()[:12]

    version = await hass.async_add_executor_job(fingerprint)
    if version is None:
        _LOGGER.warning(
            "MediaHub's panel is not built (%s is missing): install a release (HACS does), "
            "or run `npm run build` in frontend/",
            FRONTEND / MODULE,
        )
        return
    hass.data[_VERSION] = version
    await hass.http.async_register_static_paths(
        [StaticPathConfig(STATIC_URL, str(FRONTEND), cache_headers=True)]
    )
    frontend.add_extra_js_url(hass, _module_url(version))


def _module_url(version: str) -> str:
    return f"{STATIC_URL}/{MODULE}?v={version}"


async def async_show_panel(hass: HomeAssistant, loaded: Iterable[MediaHubConfigEntry]) -> None:
    """Show the panel for these loaded stacks, or take it away when there are none."""
    loaded = list(loaded)
    version = hass.data.get(_VERSION)
    frontend.async_remove_panel(hass, PANEL_URL_PATH, warn_if_unknown=False)
    if not loaded or version is None:
        return
    await panel_custom.async_register_panel(
        hass,
        frontend_url_path=PANEL_URL_PATH,
        webcomponent_name=ELEMENT,
        sidebar_title=TITLE,
        sidebar_icon=ICON,
        module_url=_module_url(version),
        require_admin=not any(e.options.get(CONF_USERS_CAN_GRAB, False) for e in loaded),
    )
