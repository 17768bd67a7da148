"""A gluetun HTTP control server simulator (test code): `/v1/vpn/status`, `/v1/publicip/ip`.

Shapes from gluetun's source as recorded in ../shared/reference/services-and-stack.md §4.3:
`{"status": "running"}` and `{"public_ip": ..., "country": ..., ...}` with empty fields
omitted; every route needs the `X-API-Key` role (401 otherwise), as in gluetun :latest.
"""

from __future__ import annotations

import secrets
from typing import Any

from aiohttp import web

from tests.simulators.base import SimulatorServer


class GluetunSimulator(SimulatorServer):
    def __init__(self) -> None:
        self.api_key = secrets.token_urlsafe(16)
        super().__init__()
        self.status = "running"
        self.public_ip = "185.65.134.82"
        self.country = "Netherlands"

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._auth])
        app.router.add_get("/v1/vpn/status", self._vpn_status)
        app.router.add_get("/v1/publicip/ip", self._public_ip)
        return app

    @web.middleware
    async def _auth(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not secrets.compare_digest(request.headers.get("X-API-Key", ""), self.api_key):
            return web.Response(status=401, text="Unauthorized\n")
        response: web.StreamResponse = await handler(request)
        return response

    async def _vpn_status(self, request: web.Request) -> web.Response:
        return web.json_response({"status": self.status})

    async def _public_ip(self, request: web.Request) -> web.Response:
        data = {
            "public_ip": self.public_ip,
            "country": self.country,
            "region": "",
            "city": "Amsterdam",
        }
        return web.json_response({k: v for k, v in data.items() if v})
