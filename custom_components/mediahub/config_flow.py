"""Config flow for MediaHub: one entry per home stack.

Steps: Prowlarr → qBittorrent → Plex → gluetun (optional). Each service is tested before
the next step, and an error is shown on the field that is wrong. Reauth asks again for the
credentials of whichever service refuses them; reconfigure changes addresses; options tune
polling, categories, the path map and automatic Plex scans.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
import logging
from typing import Any, Final, override

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import selector
import probatio as vol

from .const import (
    CONF_ADOPT_CATEGORIES,
    CONF_AUTO_SCAN,
    CONF_CATEGORIES,
    CONF_FETCH_ALLOWED_HOSTS,
    CONF_GLUETUN_API_KEY,
    CONF_GLUETUN_URL,
    CONF_MIN_FREE_GB,
    CONF_ORGANIZE,
    CONF_PATH_MAP,
    CONF_PLEX_CONFIRM_MINUTES,
    CONF_PLEX_TOKEN,
    CONF_PLEX_URL,
    CONF_PLEX_WATCHLIST,
    CONF_PROWLARR_API_KEY,
    CONF_PROWLARR_URL,
    CONF_QBITTORRENT_PASSWORD,
    CONF_QBITTORRENT_URL,
    CONF_QBITTORRENT_USERNAME,
    CONF_RELEASE_DELAY_MINUTES,
    CONF_USERS_CAN_GRAB,
    CONF_VPN_GUARD,
    CONF_WATCH_MINUTES,
    DOMAIN,
)
from .hub import (
    DEFAULT_CATEGORIES,
    DEFAULT_ORGANIZED,
    DEFAULT_PATH_MAP,
    PROFILE_CATEGORIES,
    RESOLUTIONS,
    AuthenticationError,
    MediaHubError,
    Settings,
    SettingsError,
    Source,
    valid_url,
)
from .stack import REAUTH_SERVICE, SPECS, Service

_LOGGER = logging.getLogger(__name__)

_URL = selector.TextSelector(selector.TextSelectorConfig(type=selector.TextSelectorType.URL))
_SECRET = selector.TextSelector(
    selector.TextSelectorConfig(type=selector.TextSelectorType.PASSWORD)
)

PROWLARR_SCHEMA = vol.Schema(
    {vol.Required(CONF_PROWLARR_URL): _URL, vol.Required(CONF_PROWLARR_API_KEY): _SECRET}
)
QBITTORRENT_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_QBITTORRENT_URL): _URL,
        vol.Required(CONF_QBITTORRENT_USERNAME, default="admin"): str,
        vol.Required(CONF_QBITTORRENT_PASSWORD): _SECRET,
    }
)
PLEX_SCHEMA = vol.Schema(
    {vol.Required(CONF_PLEX_URL): _URL, vol.Required(CONF_PLEX_TOKEN): _SECRET}
)
GLUETUN_SCHEMA = vol.Schema(
    {vol.Optional(CONF_GLUETUN_URL): _URL, vol.Optional(CONF_GLUETUN_API_KEY): _SECRET}
)


async def check_service(
    hass: HomeAssistant, service: Service, data: dict[str, Any]
) -> tuple[dict[str, str], str | None]:
    """Test one service: (errors keyed by the field to blame, the test's result)."""
    spec = SPECS[service]
    try:
        data[spec.url_field] = valid_url(data[spec.url_field])
    except vol.Invalid:
        return {spec.url_field: "invalid_url"}, None
    try:
        return {}, await spec.test(hass, data)
    except AuthenticationError:
        return {spec.blamed_field: "invalid_auth"}, None
    except MediaHubError:
        return {spec.url_field: "cannot_connect"}, None
    except Exception:
        _LOGGER.exception("Unexpected error testing %s", spec.name)
        return {"base": "unknown"}, None


class MediaHubConfigFlow(ConfigFlow, domain=DOMAIN):
    """Collect and test the addresses and keys of the home stack."""

    VERSION = 1
    MINOR_VERSION = 2  # 1.2: the poll interval is no longer an option

    def __init__(self) -> None:
        self._data: dict[str, Any] = {}
        self._reauth_service = Service.QBITTORRENT

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> MediaHubOptionsFlow:
        return MediaHubOptionsFlow()

    async def _step(
        self,
        step_id: str,
        service: Service,
        schema: vol.Schema,
        user_input: dict[str, Any] | None,
        next_step: Callable[[], Awaitable[ConfigFlowResult]],
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**self._data, **user_input}
            errors, result = await check_service(self.hass, service, data)
            if not errors:
                self._data = data
                if service is Service.QBITTORRENT:
                    self._async_abort_entries_match(
                        {CONF_QBITTORRENT_URL: data[CONF_QBITTORRENT_URL]}
                    )
                if service is Service.PLEX and result:
                    await self.async_set_unique_id(result)
                    self._abort_if_unique_id_configured()
                return await next_step()
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, user_input or self._data),
            errors=errors,
        )

    @override
    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Prowlarr: search."""
        return await self._step(
            "user", Service.PROWLARR, PROWLARR_SCHEMA, user_input, self.async_step_qbittorrent
        )

    async def async_step_qbittorrent(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """qBittorrent: downloads."""
        return await self._step(
            "qbittorrent", Service.QBITTORRENT, QBITTORRENT_SCHEMA, user_input, self.async_step_plex
        )

    async def async_step_plex(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Plex: the library."""
        return await self._step(
            "plex", Service.PLEX, PLEX_SCHEMA, user_input, self.async_step_gluetun
        )

    async def async_step_gluetun(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """gluetun's control server (optional): VPN status."""
        if user_input is not None and not user_input.get(CONF_GLUETUN_URL):
            return self._create()
        return await self._step(
            "gluetun", Service.GLUETUN, GLUETUN_SCHEMA, user_input, self._finish
        )

    async def _finish(self) -> ConfigFlowResult:
        return self._create()

    def _create(self) -> ConfigFlowResult:
        return self.async_create_entry(title="MediaHub", data=self._data)

    # --- reauth ----------------------------------------------------------------------------

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """A service refused its credentials: ask for those again.

        The coordinator that was refused names its service. Without that, each service is
        tested to find it (qBittorrent's test goes through the login guard, so a refused
        password is not tried again and spends none of qBittorrent's failures before a ban).
        """
        self._data = {k: v for k, v in entry_data.items() if k != REAUTH_SERVICE}
        named = str(entry_data.get(REAUTH_SERVICE))
        if named in Service:
            self._reauth_service = Service(named)
            return await self.async_step_reauth_confirm()
        for spec in SPECS.values():
            if not spec.configured(self._data):
                continue
            errors, _ = await check_service(self.hass, spec.service, dict(self._data))
            if spec.blamed_field in errors:
                self._reauth_service = spec.service
                break
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the refusing service's credentials."""
        spec = SPECS[self._reauth_service]
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**self._data, **user_input}
            errors, _ = await check_service(self.hass, spec.service, data)
            if not errors:
                return self.async_update_reload_and_abort(
                    self._get_reauth_entry(), data_updates=user_input
                )
        schema = vol.Schema(
            {
                vol.Required(field): _SECRET if field in spec.secrets else str
                for field in spec.credentials
            }
        )
        suggested = {CONF_QBITTORRENT_USERNAME: self._data.get(CONF_QBITTORRENT_USERNAME)}
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
            description_placeholders={"service": spec.name},
        )

    # --- reconfigure -----------------------------------------------------------------------

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change addresses and keys of the stack; every service is tested again."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, **user_input}
            for spec in SPECS.values():
                if not spec.configured(data):
                    data.pop(spec.url_field, None)
                    continue
                service_errors, result = await check_service(self.hass, spec.service, data)
                errors |= service_errors
                if spec.service is Service.PLEX and result:
                    await self.async_set_unique_id(result)
                    self._abort_if_unique_id_mismatch(reason="wrong_stack")
            if not errors:
                return self.async_update_reload_and_abort(entry, data=data)
        schema = vol.Schema(
            {
                **PROWLARR_SCHEMA.schema,
                **QBITTORRENT_SCHEMA.schema,
                **PLEX_SCHEMA.schema,
                **GLUETUN_SCHEMA.schema,
            }
        )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(schema, user_input or dict(entry.data)),
            errors=errors,
        )


def _text(value: Any) -> str:
    if isinstance(value, Mapping):
        return ",".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ",".join(f"{a}={b}" for a, b in value)
    return str(value)


CONF_CATEGORY: Final = "category"
BOX: Final = selector.NumberSelectorMode.BOX


class MediaHubOptionsFlow(OptionsFlowWithReload):
    """Two menus: the settings (polling, categories → folders, the path map, automatic Plex
    scans, adopted categories, the hosts a .torrent URL may point at, the wishes' watch) and
    the quality profile of each category (kept in qBittorrent, shared with the panel)."""

    _category: str = "movies"

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        return self.async_show_menu(step_id="init", menu_options=["settings", "quality"])

    async def async_step_quality(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Which category's profile to edit."""
        if self.config_entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        if user_input is not None:
            self._category = user_input[CONF_CATEGORY]
            return await self.async_step_profile()
        schema = vol.Schema(
            {
                vol.Required(CONF_CATEGORY, default="movies"): selector.SelectSelector(
                    selector.SelectSelectorConfig(
                        options=list(PROFILE_CATEGORIES), translation_key="category"
                    )
                )
            }
        )
        return self.async_show_form(step_id="quality", data_schema=schema)

    async def async_step_profile(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The chosen category's profile; saved in qBittorrent, where the panel reads it."""
        store = self.config_entry.runtime_data.engine.profiles
        errors: dict[str, str] = {}
        placeholders = {"category": self._category, "error": ""}
        if user_input is not None:
            try:
                await store.save(self._category, user_input)
            except MediaHubError as err:
                field = str(err).split(":", 1)[0]
                errors[field if field in PROFILE_FIELDS else "base"] = "invalid_profile"
                placeholders["error"] = str(err)
            else:
                return self.async_create_entry(data=dict(self.config_entry.options))
        profile = (await store.get(self._category)).as_json()
        shown = {k: ", ".join(v) if k in _WORD_LISTS else v for k, v in profile.items()}
        return self.async_show_form(
            step_id="profile",
            data_schema=self.add_suggested_values_to_schema(_profile_schema(), user_input or shown),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_settings(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                Settings.from_mapping({**self.config_entry.data, **user_input})
            except SettingsError as err:
                errors[err.setting] = f"invalid_{err.setting}"
            else:
                return self.async_create_entry(data=user_input)
        options = self.config_entry.options
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_CATEGORIES, default=_text(options.get(CONF_CATEGORIES, DEFAULT_CATEGORIES))
                ): str,
                vol.Required(
                    CONF_PATH_MAP, default=_text(options.get(CONF_PATH_MAP, DEFAULT_PATH_MAP))
                ): str,
                vol.Required(CONF_AUTO_SCAN, default=options.get(CONF_AUTO_SCAN, True)): bool,
                vol.Required(
                    CONF_ORGANIZE, default=options.get(CONF_ORGANIZE, ",".join(DEFAULT_ORGANIZED))
                ): str,
                vol.Required(
                    CONF_PLEX_CONFIRM_MINUTES, default=options.get(CONF_PLEX_CONFIRM_MINUTES, 10)
                ): selector.NumberSelector(
                    selector.NumberSelectorConfig(
                        min=1, max=1440, step=1, unit_of_measurement="min", mode=BOX
                    )
                ),
                vol.Optional(
                    CONF_ADOPT_CATEGORIES,
                    default=options.get(CONF_ADOPT_CATEGORIES, ""),
                ): str,
                vol.Optional(
                    CONF_FETCH_ALLOWED_HOSTS,
                    default=options.get(CONF_FETCH_ALLOWED_HOSTS, ""),
                ): str,
                **{
                    vol.Required(key, default=options.get(key, default)): selector.NumberSelector(
                        selector.NumberSelectorConfig(
                            min=1, max=10080, step=1, unit_of_measurement="min", mode=BOX
                        )
                    )
                    for key, default in (("stall_minutes", 30), ("metadata_stall_minutes", 10))
                },
                vol.Required(
                    CONF_USERS_CAN_GRAB, default=options.get(CONF_USERS_CAN_GRAB, False)
                ): bool,
                # On unless switched off: its description says what switching it off risks.
                vol.Required(CONF_VPN_GUARD, default=options.get(CONF_VPN_GUARD, True)): bool,
                vol.Required(
                    CONF_MIN_FREE_GB, default=options.get(CONF_MIN_FREE_GB, 1.0)
                ): selector.NumberSelector(
                    selector.NumberSelectorConfig(
                        min=0, max=10000, step=0.1, unit_of_measurement="GB", mode=BOX
                    )
                ),
                # The wishes: how often the indexers' newest releases are read, and how long
                # an acceptable release waits for a better one in the same batch.
                vol.Required(
                    CONF_WATCH_MINUTES, default=options.get(CONF_WATCH_MINUTES, 15)
                ): selector.NumberSelector(
                    selector.NumberSelectorConfig(
                        min=10, max=120, step=1, unit_of_measurement="min", mode=BOX
                    )
                ),
                vol.Required(
                    CONF_RELEASE_DELAY_MINUTES, default=options.get(CONF_RELEASE_DELAY_MINUTES, 0)
                ): selector.NumberSelector(
                    selector.NumberSelectorConfig(
                        min=0, max=120, step=1, unit_of_measurement="min", mode=BOX
                    )
                ),
                vol.Required(
                    CONF_PLEX_WATCHLIST, default=options.get(CONF_PLEX_WATCHLIST, False)
                ): bool,
            }
        )
        return self.async_show_form(
            step_id="settings",
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            errors=errors,
        )


_WORD_LISTS: Final = (
    "preferred_codecs",
    "preferred_languages",
    "required_words",
    "blocked_words",
    "blocked_groups",
)
PROFILE_FIELDS: Final = (
    "preferred_resolution",
    "allowed_resolutions",
    "max_size_gb",
    "min_size_mb",
    "blocked_sources",
    "min_seeders",
    "prefer_hdr",
    *_WORD_LISTS,
)


def _profile_schema() -> vol.Schema:
    def choose(options: list[str], *, multiple: bool) -> selector.SelectSelector:
        return selector.SelectSelector(
            selector.SelectSelectorConfig(
                options=options, multiple=multiple, mode=selector.SelectSelectorMode.DROPDOWN
            )
        )

    return vol.Schema(
        {
            vol.Optional("preferred_resolution"): choose(list(RESOLUTIONS), multiple=False),
            vol.Optional("allowed_resolutions"): choose(list(RESOLUTIONS), multiple=True),
            vol.Required("max_size_gb"): selector.NumberSelector(
                selector.NumberSelectorConfig(
                    min=0, max=10_000, step=0.5, unit_of_measurement="GB", mode=BOX
                )
            ),
            vol.Optional("min_size_mb"): selector.NumberSelector(
                selector.NumberSelectorConfig(
                    min=0, max=1_000_000, step=10, unit_of_measurement="MB", mode=BOX
                )
            ),
            vol.Optional("blocked_sources"): choose([str(s) for s in Source], multiple=True),
            vol.Required("min_seeders"): selector.NumberSelector(
                selector.NumberSelectorConfig(min=0, max=100_000, step=1, mode=BOX)
            ),
            vol.Required("prefer_hdr"): bool,
            **{vol.Optional(key): str for key in _WORD_LISTS},
        }
    )
