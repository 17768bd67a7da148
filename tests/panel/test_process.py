"""The sidecar as it runs in the stack: `python -m sidecar`, configured by environment."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
import subprocess
import sys

import requests

from tests.hub.conftest import rig_settings
from tests.simulators.plex import PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator
from tests.support.qbittorrent import QbtInstance, free_port
from tests.support.wait import WaitTimeoutError, until

HUB_PARENT = Path(__file__).resolve().parents[2] / "custom_components" / "mediahub"


async def test_python_m_hub_panel_serves_the_ui_and_health(
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    tmp_path: Path,
) -> None:
    settings = rig_settings(qbittorrent5, prowlarr_sim, plex_sim, tmp_path)
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(HUB_PARENT),
        "MEDIAHUB_PROWLARR_URL": settings.prowlarr_url,
        "MEDIAHUB_PROWLARR_API_KEY": settings.prowlarr_api_key,
        "MEDIAHUB_QBITTORRENT_URL": settings.qbittorrent_url,
        "MEDIAHUB_QBITTORRENT_USERNAME": settings.qbittorrent_username,
        "MEDIAHUB_QBITTORRENT_PASSWORD": settings.qbittorrent_password,
        "MEDIAHUB_PLEX_URL": settings.plex_url,
        "MEDIAHUB_PLEX_TOKEN": settings.plex_token,
        "MEDIAHUB_STATE_DIR": settings.state_dir,
        "MEDIAHUB_TORRENTS_DIR": settings.torrents_dir,
        "MEDIAHUB_PORT": str(port),
    }
    log = (tmp_path / "panel.log").open("w")
    process = subprocess.Popen(  # noqa: ASYNC220 - starting it is instant
        [sys.executable, "-m", "sidecar"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        url = f"http://127.0.0.1:{port}"

        async def answers() -> bool:
            try:
                await asyncio_get(f"{url}/health")
            except requests.ConnectionError:
                return False
            return True

        try:
            await until(answers, "the sidecar to answer on /health")
        except WaitTimeoutError as timed_out:
            log_text = (tmp_path / "panel.log").read_text()
            raise AssertionError(f"{timed_out}\n{log_text}") from None
        health = await asyncio_get(f"{url}/health")
        assert health.status_code == 200
        assert health.json()["services"]["prowlarr"]["available"] is True
        page = await asyncio_get(url)
        assert page.status_code == 200
        assert '<div id="root">' in page.text
        assert "Content-Security-Policy" in page.headers
    finally:
        process.terminate()
        # Waited for in a thread: the simulators share this loop, and the sidecar's last calls
        # to them (plexapi's, in threads it joins on exit) must be answered, as real ones are.
        assert await asyncio.to_thread(process.wait, 60) == 0  # a clean shutdown on SIGTERM
    log.close()
    text = (tmp_path / "panel.log").read_text()
    for secret in (settings.prowlarr_api_key, settings.plex_token, settings.qbittorrent_password):
        assert secret not in text


async def asyncio_get(url: str) -> requests.Response:
    return await asyncio.to_thread(requests.get, url, timeout=10)
