"""The home stack's services, each described once: what the config flow asks for and tests,
what its device shows, what reauth asks again, and what diagnostics hide."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from homeassistant.core import HomeAssistant

from .connection import test_gluetun, test_plex, test_prowlarr, test_qbittorrent
from .const import (
    CONF_GLUETUN_API_KEY,
    CONF_GLUETUN_URL,
    CONF_PLEX_TOKEN,
    CONF_PLEX_URL,
    CONF_PROWLARR_API_KEY,
    CONF_PROWLARR_URL,
    CONF_QBITTORRENT_PASSWORD,
    CONF_QBITTORRENT_URL,
    CONF_QBITTORRENT_USERNAME,
)

type Tester = Callable[[HomeAssistant, Mapping[str, Any]], Awaitable[str]]


class Service(StrEnum):
    """The services of the stack, in the order the config flow asks for them."""

    PROWLARR = "prowlarr"
    QBITTORRENT = "qbittorrent"
    PLEX = "plex"
    GLUETUN = "gluetun"


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceSpec:
    """Everything the integration knows about one service."""

    service: Service
    name: str  # as people write it
    manufacturer: str
    model: str
    device_key: str  # the device identifier's suffix (unchanged since the first release)
    url_field: str
    credentials: tuple[str, ...]  # what reauth asks for again
    secrets: tuple[str, ...]  # the credentials typed as passwords
    blamed_field: str  # the field a refused credential is shown on
    test: Tester  # the connection test: a version or identifier, or the engine's error
    optional: bool = False
    has_web_ui: bool = True
    web_app: str | None = None  # where its web UI is, when not at its URL

    def configured(self, data: Mapping[str, Any]) -> bool:
        return bool(data.get(self.url_field)) or not self.optional

    def configuration_url(self, data: Mapping[str, Any]) -> str | None:
        if not self.has_web_ui:
            return None
        return self.web_app or data.get(self.url_field)


SPECS: Final[Mapping[Service, ServiceSpec]] = {
    spec.service: spec
    for spec in (
        ServiceSpec(
            service=Service.PROWLARR,
            name="Prowlarr",
            manufacturer="Servarr",
            model="Prowlarr",
            device_key="prowlarr",
            url_field=CONF_PROWLARR_URL,
            credentials=(CONF_PROWLARR_API_KEY,),
            secrets=(CONF_PROWLARR_API_KEY,),
            blamed_field=CONF_PROWLARR_API_KEY,
            test=test_prowlarr,
        ),
        ServiceSpec(
            service=Service.QBITTORRENT,
            name="qBittorrent",
            manufacturer="qBittorrent project",
            model="qBittorrent",
            device_key="qbittorrent",
            url_field=CONF_QBITTORRENT_URL,
            credentials=(CONF_QBITTORRENT_USERNAME, CONF_QBITTORRENT_PASSWORD),
            secrets=(CONF_QBITTORRENT_PASSWORD,),
            blamed_field=CONF_QBITTORRENT_PASSWORD,
            test=test_qbittorrent,
        ),
        ServiceSpec(
            service=Service.PLEX,
            name="Plex",
            manufacturer="Plex Inc.",
            model="Plex Media Server",
            device_key="plex",
            url_field=CONF_PLEX_URL,
            credentials=(CONF_PLEX_TOKEN,),
            secrets=(CONF_PLEX_TOKEN,),
            blamed_field=CONF_PLEX_TOKEN,
            test=test_plex,
            web_app="https://app.plex.tv/desktop",
        ),
        ServiceSpec(
            service=Service.GLUETUN,
            name="gluetun",
            manufacturer="gluetun",
            model="VPN (gluetun)",
            device_key="vpn",
            url_field=CONF_GLUETUN_URL,
            credentials=(CONF_GLUETUN_API_KEY,),
            secrets=(CONF_GLUETUN_API_KEY,),
            blamed_field=CONF_GLUETUN_API_KEY,
            test=test_gluetun,
            optional=True,
            has_web_ui=False,  # its control server only answers the API
        ),
    )
}

# Handed to the reauth flow by the coordinator whose service refused its credentials.
REAUTH_SERVICE: Final = "reauth_service"
