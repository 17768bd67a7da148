"""MediaHub's settings: one typed object, from environment variables or from a mapping.

The sidecar reads `MEDIAHUB_*` environment variables (names in ARCHITECTURE.md §3); Home
Assistant builds the same object from its config entry. Bad values raise `SettingsError`
naming the setting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Final
from urllib.parse import urlsplit

import probatio as vol

from .errors import SettingsError

# qBittorrent writes completed downloads to /downloads/complete (the media volume); Plex reads
# the same volume as /data. See stack/compose.yaml.
DEFAULT_PATH_MAP: Final = (("/downloads/complete", "/data"),)
DEFAULT_CATEGORIES: Final = {
    "movies": "/downloads/complete/movies",
    "tv": "/downloads/complete/tv",
    "music": "/downloads/complete/music",
    "books": "/downloads/complete/books",
}
DEFAULT_PORT: Final = 3000
DEFAULT_ORGANIZED: Final = ("movies", "tv")

ENV_PREFIX: Final = "MEDIAHUB_"


def valid_url(value: Any) -> str:
    text = str(value).strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise vol.Invalid(f"not an http(s) URL: {value!r}")
    return text


def _absolute_path(value: Any) -> str:
    path = PurePosixPath(str(value).strip())
    if not path.is_absolute():
        raise vol.Invalid(f"not an absolute path: {value!r}")
    return str(path)


def _path_map(value: Any) -> tuple[tuple[str, str], ...]:
    """`/a=/b,/c=/d` or [[/a, /b], ...] or {"/a": "/b"} → ((/a, /b), ...)."""
    if isinstance(value, str):
        pairs: list[Any] = [p.split("=", 1) for p in value.split(",") if p.strip()]
    elif isinstance(value, Mapping):
        pairs = list(value.items())
    else:
        pairs = list(value)
    result = []
    for pair in pairs:
        if len(pair) != 2:
            raise vol.Invalid(f"expected qbittorrent_prefix=plex_prefix, got {pair!r}")
        result.append((_absolute_path(pair[0]), _absolute_path(pair[1])))
    if not result:
        raise vol.Invalid("the path map is empty")
    return tuple(result)


def _categories(value: Any) -> dict[str, str]:
    """`movies=/downloads/complete/movies,tv=...` or a mapping → {name: save path}."""
    items = (
        [p.split("=", 1) for p in value.split(",") if p.strip()]
        if isinstance(value, str)
        else list(dict(value).items())
    )
    result = {}
    for item in items:
        if len(item) != 2 or not str(item[0]).strip():
            raise vol.Invalid(f"expected name=/save/path, got {item!r}")
        result[str(item[0]).strip().lower()] = _absolute_path(item[1])
    return result


def _hosts(value: Any) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(h.strip().lower() for h in items if h.strip())


def _names(value: Any) -> tuple[str, ...]:
    """Other tools' qBittorrent categories, as they spell them (qBittorrent is case-sensitive)."""
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(str(n).strip() for n in items if str(n).strip())


def _organized(value: Any) -> tuple[str, ...]:
    """Categories whose downloads are renamed for Plex; "off" (or none listed) for none."""
    if isinstance(value, str) and value.strip().lower() in ("off", "none"):
        return ()
    return tuple(n.lower() for n in _names(value))


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise vol.Invalid(f"not a boolean: {value!r}")


PLEX_DISCOVER_URL: Final = "https://discover.provider.plex.tv"

_SCHEMA: Final = vol.Schema(
    {
        vol.Required("prowlarr_url"): valid_url,
        vol.Required("prowlarr_api_key"): vol.All(str, vol.Length(min=1)),
        vol.Required("qbittorrent_url"): valid_url,
        vol.Optional("qbittorrent_username", default="admin"): str,
        vol.Optional("qbittorrent_password", default=""): str,
        vol.Required("plex_url"): valid_url,
        vol.Optional("plex_token", default=""): str,
        vol.Optional("gluetun_url"): vol.Any(None, "", valid_url),
        vol.Optional("gluetun_api_key", default=""): str,
        vol.Optional("path_map", default=DEFAULT_PATH_MAP): _path_map,
        vol.Optional("categories", default=DEFAULT_CATEGORIES): _categories,
        vol.Optional("state_dir", default="/config/mediahub"): _absolute_path,
        vol.Optional("torrents_dir", default="/data/torrents"): _absolute_path,
        vol.Optional("allowed_hosts", default=()): _hosts,
        vol.Optional("fetch_allowed_hosts", default=()): _hosts,
        vol.Optional("port", default=DEFAULT_PORT): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=65535)
        ),
        vol.Optional("poll_interval", default=1.0): vol.All(
            vol.Coerce(float), vol.Range(min=0.5, max=3600)
        ),
        vol.Optional("search_timeout", default=15.0): vol.All(
            vol.Coerce(float), vol.Range(min=1, max=300)
        ),
        vol.Optional("auto_scan", default=True): _boolean,
        vol.Optional("adopt_categories", default=()): _names,
        vol.Optional("claim_timeout", default=600.0): vol.All(
            vol.Coerce(float), vol.Range(min=1, max=86400)
        ),
        vol.Optional("stall_minutes", default=30.0): vol.All(
            vol.Coerce(float), vol.Range(min=0.01, max=10080)
        ),
        vol.Optional("metadata_stall_minutes", default=10.0): vol.All(
            vol.Coerce(float), vol.Range(min=0.01, max=10080)
        ),
        vol.Optional("vpn_guard", default=True): _boolean,
        vol.Optional("min_free_gb", default=1.0): vol.All(
            vol.Coerce(float), vol.Range(min=0, max=1_000_000)
        ),
        vol.Optional("organize", default=DEFAULT_ORGANIZED): _organized,
        vol.Optional("plex_confirm_minutes", default=10.0): vol.All(
            vol.Coerce(float), vol.Range(min=0.01, max=1440)
        ),
        # People choose 10-120 (Home Assistant's options); shorter is for tests and the bench.
        vol.Optional("watch_minutes", default=15.0): vol.All(
            vol.Coerce(float), vol.Range(min=0.01, max=120)
        ),
        vol.Optional("release_delay_minutes", default=0.0): vol.All(
            vol.Coerce(float), vol.Range(min=0, max=1440)
        ),
        vol.Optional("plex_watchlist", default=False): _boolean,
        vol.Optional("plex_discover_url", default=PLEX_DISCOVER_URL): valid_url,
        # The panel signs people in with their Home Assistant account (sidecar/signin.py).
        vol.Optional("home_assistant_url"): vol.Any(None, "", valid_url),
        vol.Optional("panel_url"): vol.Any(None, "", valid_url),
    },
    extra=vol.REMOVE_EXTRA,
)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the engine and the panel need to know about the home stack."""

    prowlarr_url: str
    prowlarr_api_key: str
    qbittorrent_url: str
    plex_url: str
    qbittorrent_username: str = "admin"
    qbittorrent_password: str = ""
    plex_token: str = ""
    gluetun_url: str | None = None
    gluetun_api_key: str = ""
    path_map: tuple[tuple[str, str], ...] = DEFAULT_PATH_MAP
    categories: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_CATEGORIES))
    state_dir: str = "/config/mediahub"
    torrents_dir: str = "/data/torrents"
    allowed_hosts: tuple[str, ...] = ()
    # Hosts in the home network a pasted .torrent URL may point at (Prowlarr's always may).
    fetch_allowed_hosts: tuple[str, ...] = ()
    port: int = DEFAULT_PORT
    poll_interval: float = 1.0
    search_timeout: float = 15.0
    auto_scan: bool = True
    # Categories whose torrents (added by hand, or by Sonarr/Radarr) MediaHub scans as its own.
    adopt_categories: tuple[str, ...] = ()
    # A step claimed by a process that then went quiet this long is taken over (claims.py).
    claim_timeout: float = 600.0
    # No source and no progress this long: a download is stalled (grab_best's get replaced).
    stall_minutes: float = 30.0
    metadata_stall_minutes: float = 10.0  # a magnet whose metadata never came
    # Stop every transfer while gluetun does not confirm the VPN (see holds.py).
    vpn_guard: bool = True
    # Free space kept on the save path: grabs must leave it, downloads stop below it.
    min_free_gb: float = 1.0
    # Categories whose downloads are renamed the way Plex names things (see organize.py).
    organize: tuple[str, ...] = DEFAULT_ORGANIZED
    # How long Plex has, after a download completes, to list it before it is not in Plex.
    plex_confirm_minutes: float = 10.0
    # The wishes: how often the indexers' newest releases are read, how long an acceptable
    # release waits for a better one (Sonarr's delay profile), the owner's Plex watchlist.
    watch_minutes: float = 15.0
    release_delay_minutes: float = 0.0
    plex_watchlist: bool = False
    plex_discover_url: str = PLEX_DISCOVER_URL  # plex.tv's watchlist service
    # The panel's sign-in: with Home Assistant's address, the panel signs people in with their
    # Home Assistant account; without it, everyone who reaches the panel acts as an
    # administrator. `panel_url`: the panel's address as browsers reach it (Home Assistant's
    # `client_id`), when it is not what they send as Host (behind an https proxy).
    home_assistant_url: str | None = None
    panel_url: str | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Settings:
        """Validate a mapping of setting names (lower case, no prefix) into Settings."""
        try:
            values = _SCHEMA(dict(data))
        except vol.MultipleInvalid as err:
            first = err.errors[0]
            name = str(first.path[0]) if first.path else "settings"
            raise SettingsError(name, first.error_message) from err
        for name in ("gluetun_url", "home_assistant_url", "panel_url"):
            values[name] = values.get(name) or None
        return cls(**values)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Read `MEDIAHUB_*` variables; errors name the variable."""
        data = {
            key[len(ENV_PREFIX) :].lower(): value
            for key, value in environ.items()
            if key.startswith(ENV_PREFIX) and value != ""
        }
        try:
            return cls.from_mapping(data)
        except SettingsError as err:
            raise SettingsError(ENV_PREFIX + err.setting.upper(), err.reason) from err

    @property
    def fetchable(self) -> tuple[str, ...]:
        """Where a pasted .torrent URL may lead besides the public internet."""
        return (self.prowlarr_url, *self.fetch_allowed_hosts)

    @property
    def min_free(self) -> int:
        """`min_free_gb` in bytes (0: the disk guard is off)."""
        return int(self.min_free_gb * 1e9)

    @property
    def state_path(self) -> Path:
        """Where the engine keeps its durable state (the outbox)."""
        return Path(self.state_dir)

    @property
    def torrents_path(self) -> Path:
        """Where grabbed .torrent files are kept for re-download."""
        return Path(self.torrents_dir)
