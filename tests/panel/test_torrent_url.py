"""The panel's add-download API: a magnet is a magnet, a .torrent URL is named as one, and a URL
into this machine is refused before anything is fetched."""

from __future__ import annotations

import hashlib

import pytest

from tests.hub.test_urlfetch import Target, target
from tests.panel.conftest import Sidecar
from tests.simulators.prowlarr import ProwlarrSimulator

__all__ = ["target"]


@pytest.mark.qbittorrent
async def test_the_panel_splits_magnets_from_urls_and_refuses_internal_ones(
    sidecar: Sidecar, target: Target, prowlarr_sim: ProwlarrSimulator
) -> None:
    status, body = await sidecar.post("/api/downloads", {"magnet": f"{target.url}/x.torrent"})
    assert (status, body["error"]["code"]) == (400, "invalid_magnet")
    for url in (f"{target.url}/x.torrent", f"http://localhost:{target.port}/x.torrent"):
        status, body = await sidecar.post("/api/downloads", {"torrent_url": url})
        assert (status, body["error"]["code"]) == (400, "url_not_allowed")
        assert "d4:info" not in str(body)
    assert target.requests == []
    # A real .torrent link on the configured Prowlarr (its download proxy) still works.
    indexer = next(iter(prowlarr_sim.indexers.values()))
    release = indexer.releases[0]
    link = hashlib.sha256(f"{indexer.id}:{release.guid}".encode()).hexdigest()
    url = f"{prowlarr_sim.url}/{indexer.id}/download?apikey={prowlarr_sim.api_key}&link={link}"
    status, body = await sidecar.post("/api/downloads", {"torrent_url": url})
    assert (status, body["name"]) == (201, release.title), body
