"""How soon a host polls again: a download about to complete is polled for more often, so its
completion (then its scan and its confirmation) is seen within a fraction of a second."""

from __future__ import annotations

from pathlib import Path
import time

import aiohttp

from custom_components.mediahub.hub.config import Settings
from custom_components.mediahub.hub.engine import FINISHING_POLL, FINISHING_WINDOW, MediaHub
from custom_components.mediahub.hub.lifecycle.pipeline import StageDetails
from custom_components.mediahub.hub.models import Stage

HASH = "a" * 40


def _engine(session: aiohttp.ClientSession, root: Path) -> MediaHub:
    settings = Settings.from_mapping(
        {
            "prowlarr_url": "http://127.0.0.1:1",
            "prowlarr_api_key": "k",
            "qbittorrent_url": "http://127.0.0.1:1",
            "plex_url": "http://127.0.0.1:1",
            "plex_token": "t",
            "categories": {"movies": str(root / "movies")},
            "state_dir": str(root / "state"),
            "torrents_dir": str(root / "torrents"),
        }
    )
    return MediaHub(settings, session)


def _downloading(engine: MediaHub, **fields: object) -> None:
    """qBittorrent's word on one torrent MediaHub grabbed, as a poll merges it."""
    torrent: dict[str, object] = {
        "name": "Arrival.2016.1080p",
        "category": "movies",
        "tags": "mediahub",
    }
    torrent |= fields
    engine.lifecycle.model.apply({"rid": 1, "full_update": True, "torrents": {HASH: torrent}})
    details = StageDetails(HASH, "Arrival.2016.1080p", "movies", None)
    engine.lifecycle.pipeline.observe(HASH, Stage.DOWNLOADING, lambda: details)


async def test_a_download_about_to_complete_is_polled_for_sooner(tmp_path: Path) -> None:
    async with aiohttp.ClientSession() as session:
        engine = _engine(session, tmp_path)
        assert engine.poll_interval(1.0) == 1.0  # nothing downloading

        # A minute from its end: the host's own pace.
        _downloading(engine, progress=0.5, amount_left=60_000_000, dlspeed=1_000_000)
        assert engine.poll_interval(1.0) == 1.0
        # Half a minute away, for a host polling every minute: the next poll when it is due.
        _downloading(engine, progress=0.9, amount_left=30_000_000, dlspeed=1_000_000)
        assert 25 < engine.poll_interval(60.0) < 30
        # Within a poll (or qBittorrent's own refresh) of its end: a quarter second.
        _downloading(engine, progress=0.99, amount_left=1_500_000, dlspeed=1_000_000)
        assert engine.poll_interval(1.0) == FINISHING_POLL
        # Done in qBittorrent, its files not final yet: still.
        done = int(time.time())
        _downloading(
            engine, progress=1, amount_left=0, dlspeed=0, state="moving", completion_on=done
        )
        assert engine.poll_interval(1.0) == FINISHING_POLL
        # Done long ago and its files never final (a move that fails, a claim held elsewhere):
        # the host's own pace, not four polls a second for ever.
        _downloading(engine, progress=1, state="moving", completion_on=done - FINISHING_WINDOW - 1)
        assert engine.poll_interval(1.0) == 1.0
        # Stalled (no speed): nothing to expect sooner.
        _downloading(engine, progress=0.99, amount_left=1_500_000, dlspeed=0)
        assert engine.poll_interval(1.0) == 1.0
        await engine.close()
