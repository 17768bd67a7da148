"""Any input to the panel's API: a clear error or success, never a 500, nothing leaked."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
import json
from pathlib import Path
import threading
from urllib.parse import quote

from aiohttp import web
from hypothesis import given, settings, strategies as st
import pytest
import requests

from custom_components.mediahub.sidecar.app import create_app
from tests.hub.conftest import rig_settings
from tests.simulators.plex import PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator
from tests.support.qbittorrent import QbtInstance, free_port
from tests.support.strategies import any_json


@pytest.fixture
def threaded_stack(
    qbittorrent5: QbtInstance, tmp_path: Path
) -> Iterator[tuple[str, ProwlarrSimulator]]:
    """Simulators and the sidecar on their own event loop, for synchronous Hypothesis tests."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    state: dict[str, object] = {}

    async def start() -> None:
        prowlarr, plex = ProwlarrSimulator(), PlexSimulator()
        await prowlarr.start()
        await plex.start()
        runner = web.AppRunner(
            create_app(rig_settings(qbittorrent5, prowlarr, plex, tmp_path)), handle_signals=False
        )
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        state.update(url=f"http://127.0.0.1:{port}", prowlarr=prowlarr, plex=plex, runner=runner)

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(30)
    yield str(state["url"]), state["prowlarr"]  # type: ignore[misc]

    async def stop() -> None:
        await state["runner"].cleanup()  # type: ignore[attr-defined]
        await state["prowlarr"].stop()  # type: ignore[attr-defined]
        await state["plex"].stop()  # type: ignore[attr-defined]

    asyncio.run_coroutine_threadsafe(stop(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


JSON = any_json(max_text=40, max_leaves=12)
BODIES = st.one_of(
    JSON,
    st.fixed_dictionaries({"release_id": st.text(max_size=40)}, optional={"category": JSON}),
    st.fixed_dictionaries(
        {
            "magnet": st.one_of(
                st.text(max_size=60), st.just("magnet:?xt=urn:btih:").map(lambda p: p + "0" * 40)
            )
        }
    ),
)
FUZZ = settings(max_examples=60)  # deadline and health checks: the profile in tests/conftest.py


@FUZZ
@given(body=BODIES)
def test_any_download_body(threaded_stack: tuple[str, ProwlarrSimulator], body: object) -> None:
    url, prowlarr = threaded_stack
    response = requests.post(
        f"{url}/api/downloads",
        data=json.dumps(body),
        headers={"Origin": url, "X-MediaHub": "1", "Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code in (200, 201, 202, 400, 404), response.text
    if response.status_code >= 400:
        assert response.json()["error"]["message"]
    assert prowlarr.api_key not in response.text


@FUZZ
@given(
    infohash=st.text(max_size=50),
    action=st.sampled_from(["pause", "resume", "redownload"]),
    query=st.text(max_size=80),
    category=st.one_of(st.just(""), st.text(max_size=10)),
)
def test_any_control_path_and_search_query(
    threaded_stack: tuple[str, ProwlarrSimulator],
    infohash: str,
    action: str,
    query: str,
    category: str,
) -> None:
    url, prowlarr = threaded_stack
    headers = {"Origin": url, "X-MediaHub": "1"}
    target = quote(infohash, safe="")
    for response in (
        requests.post(
            f"{url}/api/downloads/{target}/{action}", json={}, headers=headers, timeout=30
        ),
        requests.delete(
            f"{url}/api/downloads/{target}?delete_files={quote(category)}",
            headers=headers,
            timeout=30,
        ),
        requests.post(f"{url}/api/libraries/{target}/scan", json={}, headers=headers, timeout=30),
        requests.get(f"{url}/api/search", params={"q": query, "category": category}, timeout=30),
    ):
        assert response.status_code < 500, (
            response.request.method,
            response.request.url,
            response.text,
        )
        assert prowlarr.api_key not in response.text
