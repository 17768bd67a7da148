"""Config flow for MediaHub: one entry per home stack."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
import probatio as vol

from .const import DOMAIN
from .hub.config import Settings
from .hub.errors import SettingsError

STEP_USER_SCHEMA = vol.Schema(
    {
        vol.Required("prowlarr_url"): str,
        vol.Required("prowlarr_api_key"): str,
        vol.Required("qbittorrent_url"): str,
        vol.Required("qbittorrent_username", default="admin"): str,
        vol.Required("qbittorrent_password"): str,
        vol.Required("plex_url"): str,
        vol.Required("plex_token"): str,
    }
)


class MediaHubConfigFlow(ConfigFlow, domain=DOMAIN):
    """Collect the addresses and keys of the home stack."""

    VERSION = 1

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for every service at once."""
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                Settings.from_mapping(user_input)
            except SettingsError as err:
                errors[err.setting] = "invalid_url"
            else:
                self._async_abort_entries_match({"qbittorrent_url": user_input["qbittorrent_url"]})
                return self.async_create_entry(title="MediaHub", data=user_input)
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(STEP_USER_SCHEMA, user_input),
            errors=errors,
        )
