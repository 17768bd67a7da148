"""The owner's Plex watchlist: read from the plex.tv simulator, made into wishes on a real
engine (real qBittorrent, the Prowlarr and Plex simulators)."""

from __future__ import annotations

from collections.abc import AsyncIterator
import logging

import aiohttp
import pytest

from custom_components.mediahub.hub.clients.plextv import PlexWatchlist, WatchlistItem
from custom_components.mediahub.hub.errors import (
    AuthenticationError,
    MediaHubError,
    ServiceUnavailableError,
)
from custom_components.mediahub.hub.wishes.book import WishRequest
from custom_components.mediahub.hub.wishes.model import WishKind, WishState
from custom_components.mediahub.hub.wishes.watchlist import WatchlistSync
from tests.simulators.plextv import PlexTvSimulator
from tests.simulators.prowlarr import SimRelease
from tests.support.qbittorrent import QbtInstance

from .conftest import RigFactory


@pytest.fixture
async def plextv_sim() -> AsyncIterator[PlexTvSimulator]:
    sim = PlexTvSimulator()
    await sim.start()
    yield sim
    await sim.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as http:
        yield http


async def test_every_page_is_read_with_the_token_in_a_header_only(
    plextv_sim: PlexTvSimulator, session: aiohttp.ClientSession
) -> None:
    keys = []
    for n in range(230):  # three pages of 100
        if n % 2:
            keys.append(plextv_sim.add("show", f"Show {n}", 2000 + n % 20))
        else:
            keys.append(plextv_sim.add("movie", f"Film {n}", 1990 + n % 30, guids=[f"tmdb://{n}"]))
    plextv_sim.add("movie", "Undated", None)
    items = await PlexWatchlist(session, plextv_sim.url + "/", plextv_sim.token).items()
    assert [i.key for i in items[:-1]] == keys
    assert items[0] == WatchlistItem(keys[0], "Film 0", 1990, "movie", ("tmdb://0",))
    assert items[1] == WatchlistItem(keys[1], "Show 1", 2001, "show")
    assert (items[-1].title, items[-1].year) == ("Undated", None)
    assert [r.headers["X-Plex-Container-Start"] for r in plextv_sim.requests] == ["0", "100", "200"]
    for request in plextv_sim.requests:
        assert request.headers["X-Plex-Token"] == plextv_sim.token
        assert request.headers["Accept"] == "application/json"
        assert plextv_sim.token not in request.path_qs
        assert request.path_qs.startswith("/library/sections/watchlist/all?")


async def test_an_empty_watchlist_is_one_request(
    plextv_sim: PlexTvSimulator, session: aiohttp.ClientSession
) -> None:
    assert await PlexWatchlist(session, plextv_sim.url, plextv_sim.token).items() == []
    assert len(plextv_sim.requests) == 1


async def test_errors_are_the_engines_and_never_show_the_token(
    plextv_sim: PlexTvSimulator, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "wrong-token-" + plextv_sim.token
    errors: list[MediaHubError] = []
    with pytest.raises(AuthenticationError) as refused:
        await PlexWatchlist(session, plextv_sim.url, wrong).items()
    errors.append(refused.value)
    plextv_sim.available = False
    with pytest.raises(ServiceUnavailableError) as away:
        await PlexWatchlist(session, plextv_sim.url, plextv_sim.token).items()
    errors.append(away.value)
    await plextv_sim.stop()
    with pytest.raises(ServiceUnavailableError) as gone:
        await PlexWatchlist(session, plextv_sim.url, plextv_sim.token).items()
    errors.append(gone.value)
    for error in errors:
        assert error.service == "plex.tv"
        assert plextv_sim.token not in str(error) and plextv_sim.token not in error.reason
    assert plextv_sim.token not in caplog.text


async def test_the_watchlist_becomes_wishes_once(
    qbittorrent5: QbtInstance,
    make_rig: RigFactory,
    plextv_sim: PlexTvSimulator,
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    rig = await make_rig(qbittorrent5)
    rig.prowlarr.add_indexer(
        "Films",
        releases=[
            SimRelease("Severance.S02E03.1080p.WEB.h264-GRP", category=5040),
            SimRelease("Arrival.2016.1080p.BluRay.x264-GRP", category=2040),
            SimRelease("Sintel.2010.1080p.WEB-DL.x264-GRP", category=2040),
        ],
    )
    rig.plex.add_item("movie", "Arrival", "1", year=2016)  # Plex has it: not wished
    await rig.poll_until(lambda: rig.engine.library.loaded, what="the library index")
    wishes = rig.engine.wishes
    # Someone wished for Sintel already: the watchlist's Sintel joins that wish.
    asked = await wishes.make(WishRequest("Sintel", year=2010, kind=WishKind.WANT), "panel")
    show = plextv_sim.add("show", "Severance", 2022)
    movie = plextv_sim.add("movie", "Dune: Part Two", 2024)
    in_plex = plextv_sim.add("movie", "Arrival", 2016)
    joined = plextv_sim.add("movie", "Sintel", 2010)

    sync = WatchlistSync(PlexWatchlist(session, plextv_sim.url, plextv_sim.token), wishes)
    caplog.set_level(logging.DEBUG, logger="custom_components.mediahub.hub.wishes.watchlist")
    assert await sync.sync() == 2
    made = {w.source_key: w for w in await wishes.all() if w.asked_by == "watchlist"}
    assert set(made) == {show, movie}
    assert (made[show].kind, made[show].category, made[show].title) == (
        WishKind.FOLLOW, "tv", "Severance"
    )  # fmt: skip
    # Following starts after what is out now: the show's search found S02E03.
    assert made[show].after == (2, 3)
    assert (made[movie].kind, made[movie].category, made[movie].year) == (
        WishKind.WANT, "movies", 2024
    )  # fmt: skip
    assert [w.id for w in await wishes.all() if w.title == "Sintel"] == [asked.wish.id]
    assert "Not wished from the watchlist: Arrival" in caplog.text  # refused, at debug

    # Again: nothing new, and nothing already wished, joined or refused is searched again.
    searches = len(rig.prowlarr.searches())
    assert await sync.sync() == 0
    assert len(rig.prowlarr.searches()) == searches
    # A wish from the watchlist that was ended stays ended while the item stays listed.
    await wishes.end(made[movie], "panel")
    assert await sync.sync() == 0
    assert [w.state for w in await wishes.all() if w.source_key == movie] == [WishState.DONE]
    # What the owner adds next is wished at the next sync; a refused item, after a day.
    added = plextv_sim.add("show", "The Bear", 2022)
    assert await sync.sync() == 1
    assert [w.kind for w in await wishes.all() if w.source_key == added] == [WishKind.FOLLOW]
    assert in_plex not in {w.source_key for w in await wishes.all()}
    assert joined not in {w.source_key for w in await wishes.all()}
    later = WatchlistSync(
        PlexWatchlist(session, plextv_sim.url, plextv_sim.token), wishes, retry_after=0
    )
    searches = len(rig.prowlarr.searches())
    assert await later.sync() == 0  # Arrival is refused again, Sintel joins again
    assert len(rig.prowlarr.searches()) > searches


async def test_a_sync_with_plex_tv_away_raises_and_makes_nothing(
    qbittorrent5: QbtInstance,
    make_rig: RigFactory,
    plextv_sim: PlexTvSimulator,
    session: aiohttp.ClientSession,
) -> None:
    rig = await make_rig(qbittorrent5)
    plextv_sim.add("movie", "Dune: Part Two", 2024)
    plextv_sim.available = False
    sync = WatchlistSync(
        PlexWatchlist(session, plextv_sim.url, plextv_sim.token), rig.engine.wishes
    )
    with pytest.raises(ServiceUnavailableError):
        await sync.sync()
    assert await rig.engine.wishes.all() == ()
    plextv_sim.available = True
    assert await sync.sync() == 1


async def test_the_engine_reads_the_watchlist_when_it_watches(
    qbittorrent5: QbtInstance,
    make_rig: RigFactory,
    plextv_sim: PlexTvSimulator,
) -> None:
    """With the watchlist option on, each watch cycle first makes wishes of the watchlist;
    with plex.tv away, the cycle still watches the wishes already made."""
    rig = await make_rig(qbittorrent5, plex_watchlist=True, plex_discover_url=plextv_sim.url)
    plextv_sim.token = rig.settings.plex_token  # one Plex account: the server's token
    rig.prowlarr.add_indexer(
        "Films", releases=[SimRelease("Sintel.2010.1080p.WEB-DL.x264-GRP", category=2040)]
    )
    await rig.poll_until(lambda: rig.engine.library.loaded, what="the library index")
    wishes = rig.engine.wishes
    asked = await wishes.make(
        WishRequest("Cosmos Laundromat", WishKind.WANT, "movies", 2015), "panel"
    )
    plextv_sim.available = False
    report = await rig.engine.watch.cycle()
    assert report.ran
    assert [w.id for w in await wishes.all()] == [asked.wish.id]
    plextv_sim.available = True
    key = plextv_sim.add("movie", "Sintel", 2010)
    assert (await rig.engine.watch.cycle()).ran
    made = [w for w in await wishes.all() if w.source_key == key]
    assert [(w.title, w.asked_by) for w in made] == [("Sintel", "watchlist")]
    assert made[0].state in (WishState.GRABBED, WishState.WANTED)
    assert any(r.headers["X-Plex-Token"] == rig.settings.plex_token for r in plextv_sim.requests)


async def test_without_the_option_plex_tv_is_never_asked(
    qbittorrent5: QbtInstance,
    make_rig: RigFactory,
    plextv_sim: PlexTvSimulator,
) -> None:
    rig = await make_rig(qbittorrent5, plex_discover_url=plextv_sim.url)
    plextv_sim.token = rig.settings.plex_token
    plextv_sim.add("movie", "Sintel", 2010)
    assert (await rig.engine.watch.cycle()).ran
    assert plextv_sim.requests == []
    assert await rig.engine.wishes.all() == ()
