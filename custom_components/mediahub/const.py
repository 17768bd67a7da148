"""Constants of the MediaHub integration."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

DOMAIN: Final = "mediahub"

CONF_PROWLARR_URL: Final = "prowlarr_url"
CONF_PROWLARR_API_KEY: Final = "prowlarr_api_key"
CONF_QBITTORRENT_URL: Final = "qbittorrent_url"
CONF_QBITTORRENT_USERNAME: Final = "qbittorrent_username"
CONF_QBITTORRENT_PASSWORD: Final = "qbittorrent_password"
CONF_PLEX_URL: Final = "plex_url"
CONF_PLEX_TOKEN: Final = "plex_token"
CONF_GLUETUN_URL: Final = "gluetun_url"
CONF_GLUETUN_API_KEY: Final = "gluetun_api_key"

# Options
CONF_CATEGORIES: Final = "categories"
CONF_PATH_MAP: Final = "path_map"
CONF_AUTO_SCAN: Final = "auto_scan"
CONF_ADOPT_CATEGORIES: Final = "adopt_categories"
CONF_FETCH_ALLOWED_HOSTS: Final = "fetch_allowed_hosts"
CONF_VPN_GUARD: Final = "vpn_guard"
CONF_MIN_FREE_GB: Final = "min_free_gb"
CONF_ORGANIZE: Final = "organize"
CONF_PLEX_CONFIRM_MINUTES: Final = "plex_confirm_minutes"
CONF_USERS_CAN_GRAB: Final = "users_can_grab"  # the sidebar panel: search and grab for all
# The wishes: how often the indexers' newest releases are read, how long an acceptable release
# waits for a better one, and the owner's Plex watchlist as wishes.
CONF_WATCH_MINUTES: Final = "watch_minutes"
CONF_RELEASE_DELAY_MINUTES: Final = "release_delay_minutes"
CONF_PLEX_WATCHLIST: Final = "plex_watchlist"

# How often Home Assistant polls qBittorrent: MediaHub decides, as core integrations do (an
# incremental sync costs ~3 KB, and Plex's websocket asks for a poll at once when it matters).
DOWNLOADS_INTERVAL: Final = timedelta(seconds=5)
FASTEST_POLL: Final = timedelta(seconds=1)  # near a completion (coordinator.py says why)
REQUESTED_POLL_COOLDOWN: Final = 0.5  # seconds between polls asked for at once (a scan's end)
INDEXERS_INTERVAL: Final = timedelta(minutes=2)
PLEX_INTERVAL: Final = timedelta(minutes=5)
VPN_INTERVAL: Final = timedelta(seconds=30)
OUTBOX_STUCK_AFTER: Final = timedelta(minutes=10)

EVENT_DOWNLOAD_ADDED: Final = "mediahub_download_added"
EVENT_DOWNLOAD_COMPLETED: Final = "mediahub_download_completed"
EVENT_DOWNLOAD_REFUSED: Final = "mediahub_download_refused"
EVENT_SCAN_REQUESTED: Final = "mediahub_scan_requested"
EVENT_RELEASE_REFUSED: Final = "mediahub_release_refused"
EVENT_DOWNLOAD_REPLACED: Final = "mediahub_download_replaced"
EVENT_AVAILABLE: Final = "mediahub_available"
EVENT_WISH_MADE: Final = "mediahub_wish_made"
EVENT_WISH_GRABBED: Final = "mediahub_wish_grabbed"
EVENT_WISH_AVAILABLE: Final = "mediahub_wish_available"
EVENT_WISH_ENDED: Final = "mediahub_wish_ended"
# A request (the wish of someone who does not administer MediaHub) waits, then is decided.
EVENT_REQUEST_MADE: Final = "mediahub_request_made"
EVENT_REQUEST_APPROVED: Final = "mediahub_request_approved"
EVENT_REQUEST_DECLINED: Final = "mediahub_request_declined"
# Where Home Assistant serves posters (views.py): a path on Home Assistant, without Plex's token.
POSTERS_URL: Final = "/api/mediahub/posters/{entry_id}"
