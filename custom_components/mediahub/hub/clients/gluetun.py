"""VPN status from gluetun's control server, checked against qBittorrent's external address.

gluetun says whether its tunnel runs (`/v1/vpn/status`) and which public address it has
(`/v1/publicip/ip`); qBittorrent says which address its peers see
(`server_state.last_external_address_v4`). Tunnel down → "down"; both addresses known and
different → "leaking" (torrent traffic is not going through the VPN).
"""

from __future__ import annotations

from typing import Any, Final

import aiohttp

from ..errors import AuthenticationError, ServiceUnavailableError
from ..models import VpnState, VpnStatus

SERVICE: Final = "gluetun"


class GluetunClient:
    """gluetun's HTTP control server, authenticated with `X-API-Key`."""

    def __init__(
        self, session: aiohttp.ClientSession, url: str, api_key: str, *, timeout: float = 10
    ) -> None:
        self._session = session
        self._url = url.rstrip("/")
        self._headers = {"X-API-Key": api_key} if api_key else {}
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def _get(self, path: str) -> dict[str, Any]:
        try:
            async with self._session.get(
                self._url + path, headers=self._headers, timeout=self._timeout
            ) as response:
                if response.status == 401:
                    raise AuthenticationError(SERVICE, "the control server refused the API key")
                if response.status != 200:
                    raise ServiceUnavailableError(SERVICE, f"HTTP {response.status}")
                data = await response.json(content_type=None)
        except aiohttp.ClientError as err:
            raise ServiceUnavailableError(SERVICE, type(err).__name__) from None
        except TimeoutError:
            raise ServiceUnavailableError(SERVICE, "timed out") from None
        except ValueError:
            raise ServiceUnavailableError(SERVICE, "the answer was not valid JSON") from None
        if not isinstance(data, dict):
            raise ServiceUnavailableError(SERVICE, "unexpected answer")
        return data

    async def status(self, qbittorrent_ip: str | None) -> VpnStatus:
        """The tunnel's state and public address compared with qBittorrent's."""
        tunnel = str((await self._get("/v1/vpn/status")).get("status", "unknown"))
        if tunnel != "running":
            return VpnStatus(VpnState.DOWN, tunnel=tunnel, qbittorrent_ip=qbittorrent_ip)
        public = await self._get("/v1/publicip/ip")
        public_ip = public.get("public_ip") or None
        state = (
            VpnState.LEAKING
            if public_ip and qbittorrent_ip and public_ip != qbittorrent_ip
            else VpnState.CONNECTED
        )
        return VpnStatus(
            state,
            tunnel=tunnel,
            public_ip=public_ip,
            country=public.get("country") or None,
            qbittorrent_ip=qbittorrent_ip,
        )
