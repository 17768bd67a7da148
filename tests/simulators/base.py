"""What every simulator shares: an aiohttp app served on 127.0.0.1 until stopped."""

from __future__ import annotations

from aiohttp import web

from tests.support.qbittorrent import free_port


class SimulatorServer:
    """Subclasses build their app in `app()`; `start()` serves it on `port`."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def app(self) -> web.Application:
        raise NotImplementedError

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app(), handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
