"""Wishes on the real stack: a followed show, a wanted movie, each grabbed once and the best by
its profile, the wish list shared through Prowlarr (docs/wishes.md).

The indexers publish new releases over a simulated week: each "day" a release is added to the
Prowlarr simulator with its publish date, and a watch cycle runs (what the interval does).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from custom_components.mediahub.hub.errors import InvalidInputError
from custom_components.mediahub.hub.events import WishGrabbed, WishMade
from custom_components.mediahub.hub.library.marks import AlreadyInPlexError
from custom_components.mediahub.hub.lifecycle.tags import wish_marks
from custom_components.mediahub.hub.models import Origin
from custom_components.mediahub.hub.releases.pick import AmbiguousTitleError
from custom_components.mediahub.hub.wishes.book import WishRequest
from custom_components.mediahub.hub.wishes.model import Happened, WishKind, WishState
from custom_components.mediahub.hub.wishes.store import FILTER_TYPE
from tests.simulators.prowlarr import SimRelease
from tests.support.qbittorrent import QbtInstance

from .conftest import PLEX_ROOT, Rig, RigFactory

TV = 5040
MOVIES = 2040


def publish(rig: Rig, title: str, *, category: int = TV, days_ago: float = 0, **kw: Any) -> None:
    """An indexer publishes a release (`days_ago` before now)."""
    published = datetime.now(UTC) - timedelta(days=days_ago)
    rig.prowlarr.indexer("The Pirate Bay").releases.append(
        SimRelease(title, category=category, published=published, **kw)
    )


def wish_grabs(rig: Rig) -> dict[str, list[tuple[int, str]]]:
    """Every torrent in qBittorrent grabbed for a wish: name → its (wish, item) marks."""
    found = {}
    for torrent in rig.qbittorrent.torrents():
        marks = wish_marks(t.strip() for t in str(torrent["tags"]).split(","))
        if marks:
            found[str(torrent["name"])] = marks
    return found


@pytest.fixture
async def rig(make_rig: RigFactory, qbittorrent5: QbtInstance) -> Rig:
    made = await make_rig(qbittorrent5)
    await made.poll()
    return made


async def test_a_followed_show_gets_each_new_episode_once_and_the_best(rig: Rig) -> None:
    """Three new episodes over a week: three grabs, each once, each the best release by the tv
    profile (1080p WEB-DL over 720p HDTV and a 2160p CAM); an episode Plex has is not grabbed;
    the season pack that follows brings nothing Plex or a grab already has, so it is left."""
    for episode in (1, 2, 3):
        publish(rig, f"Lumen.Hollow.S01E0{episode}.1080p.WEB-DL.x264-NTb", days_ago=30 - episode)
    made = await rig.engine.wishes.make(WishRequest("lumen hollow"), "Ada")
    wish = made.wish
    assert (wish.kind, wish.title, wish.category, wish.after) == (
        WishKind.FOLLOW, "Lumen Hollow", "tv", (1, 3)
    )  # fmt: skip
    assert wish.asked_by == "Ada"
    # The list lives in Prowlarr: one custom filter of MediaHub's type per wish.
    assert [f["type"] for f in rig.prowlarr.custom_filters.values()] == [FILTER_TYPE]

    report = await rig.engine.watch.cycle()
    assert report.ran and report.grabbed == ()  # what was out before the wish is not wanted

    # Day 1: episode 4 in three releases.
    publish(rig, "Lumen.Hollow.S01E04.720p.HDTV.x264-KILLERS", days_ago=6)
    publish(rig, "Lumen.Hollow.S01E04.2160p.CAM.x265-NOGRP", days_ago=6)
    publish(rig, "Lumen.Hollow.S01E04.1080p.WEB-DL.DDP5.1.H.264-NTb", days_ago=6)
    assert (await rig.engine.watch.cycle()).grabbed == (
        "Lumen.Hollow.S01E04.1080p.WEB-DL.DDP5.1.H.264-NTb",
    )
    assert (await rig.engine.watch.cycle()).grabbed == ()  # the next cycle: not again

    # Day 3: Plex already has episode 5 (recorded elsewhere); day 4: episode 6.
    rig.plex.add_item(
        "episode", "Chapter Five", "2", show="Lumen Hollow", season=1, episode=5,
        file=f"{PLEX_ROOT}/tv/Lumen Hollow/Season 01/Lumen Hollow - S01E05.mkv",
    )  # fmt: skip
    await rig.engine.plexwatch.load()  # as Plex's websocket would have it told
    assert rig.engine.library.episode("Lumen Hollow", 1, 5) is not None
    publish(rig, "Lumen.Hollow.S01E05.1080p.WEB-DL.x264-NTb", days_ago=4)
    publish(rig, "Lumen.Hollow.S01E06.1080p.WEB-DL.x264-NTb", days_ago=3)
    assert (await rig.engine.watch.cycle()).grabbed == (
        "Lumen.Hollow.S01E06.1080p.WEB-DL.x264-NTb",
    )

    # Day 6: episode 7; day 7: the season is out, and so is its pack.
    publish(rig, "Lumen.Hollow.S01E07.720p.WEB-DL.x264-NTb", days_ago=1)
    publish(rig, "Lumen.Hollow.S01.1080p.WEB-DL.x264-NTb", days_ago=0.5)
    assert (await rig.engine.watch.cycle()).grabbed == ("Lumen.Hollow.S01E07.720p.WEB-DL.x264-NTb",)
    assert (await rig.engine.watch.cycle()).grabbed == ()

    grabs = wish_grabs(rig)
    assert sorted(item for marks in grabs.values() for _id, item in marks) == [
        "S01E04", "S01E06", "S01E07",
    ]  # fmt: skip
    assert len(grabs) == 3
    assert [e.item for e in rig.of_type(WishGrabbed)] == ["S01E04", "S01E06", "S01E07"]
    # The wish's history says what was grabbed, and it is still followed.
    stored = await rig.engine.wishes.get(wish.id)
    assert stored.state is WishState.WANTED
    assert sorted(stored.grabbed_items) == ["S01E04", "S01E06", "S01E07"]


async def test_a_season_pack_wins_when_nothing_of_its_season_is_held(rig: Rig) -> None:
    """Following with backfill: a whole season nobody has comes as its pack, not as episodes."""
    publish(rig, "Copper.Tide.S02E01.1080p.WEB-DL.x264-NTb", days_ago=9)
    publish(rig, "Copper.Tide.S02E02.1080p.WEB-DL.x264-NTb", days_ago=8)
    publish(rig, "Copper.Tide.S02.1080p.WEB-DL.x264-NTb", days_ago=7)
    made = await rig.engine.wishes.make(
        WishRequest("Copper Tide", kind=WishKind.FOLLOW, backfill=True), "panel"
    )
    assert made.wish.backfill
    report = await rig.engine.watch.cycle()
    assert report.grabbed == ("Copper.Tide.S02.1080p.WEB-DL.x264-NTb",)
    assert list(wish_grabs(rig).values()) == [[(made.wish.id, "S02")]]


async def test_a_wanted_movie_found_only_by_the_backoff_search_and_never_a_cam(
    rig: Rig,
) -> None:
    """The movie is older than the indexers' newest page: only the direct search finds it. A CAM
    is refused (and the history says why); the search backs off (hourly in the first week);
    when an acceptable release exists, it is grabbed once and the wish is grabbed."""
    publish(rig, "Quiet.Harbor.2019.HDCAM.x264-NOGRP", category=MOVIES, days_ago=400)
    for n in range(120):  # the newest page of movies is full of other films
        publish(
            rig, f"Other.Film.{n:03d}.2024.720p.WEB-DL.x264-GRP", category=MOVIES, days_ago=n / 100
        )
    made = await rig.engine.wishes.make(WishRequest("Quiet Harbor"), "voice")
    wish = made.wish
    assert (wish.kind, wish.title, wish.year, wish.category) == (
        WishKind.WANT, "Quiet Harbor", 2019, "movies"
    )  # fmt: skip

    clock = FakeClock()
    rig.engine.watch._clock = clock
    report = await rig.engine.watch.cycle()
    assert (report.searches, report.grabbed) == (1, ())
    stored = await rig.engine.wishes.get(wish.id)
    refused = [h for h in stored.history if h.what is Happened.REFUSED]
    assert [h.release for h in refused] == ["Quiet.Harbor.2019.HDCAM.x264-NOGRP"]
    assert "CAM" in (refused[0].reason or "")
    # Kept with its codes (read back from Prowlarr), so a panel says it in its own language.
    assert [(r.code, dict(r.values)) for r in refused[0].reasons] == [
        ("blocked_source", {"source": "CAM"})
    ]
    assert stored.search_due == pytest.approx(clock() + 3600)

    publish(rig, "Quiet.Harbor.2019.1080p.BluRay.x264-AMIABLE", category=MOVIES, days_ago=380)
    searched = len(rig.prowlarr.searches())
    assert (await rig.engine.watch.cycle()).searches == 0  # not due yet
    assert [r for r in rig.prowlarr.searches()[searched:] if dict(r.query).get("query")] == []

    clock.advance(3601)
    report = await rig.engine.watch.cycle()
    assert report.grabbed == ("Quiet.Harbor.2019.1080p.BluRay.x264-AMIABLE",)
    assert (await rig.engine.watch.cycle()).grabbed == ()
    assert list(wish_grabs(rig).values()) == [[(wish.id, "movie")]]
    assert (await rig.engine.wishes.get(wish.id)).state is WishState.GRABBED


async def test_what_cannot_be_wished_is_said_and_changes_nothing(rig: Rig) -> None:
    rig.plex.add_item("movie", "Tin Lantern", "1", year=2016)
    await rig.engine.plexwatch.load()
    with pytest.raises(AlreadyInPlexError):
        await rig.engine.wishes.make(WishRequest("Tin Lantern 2016"), "panel")
    publish(rig, "Ember.Road.1999.1080p.BluRay.x264-GRP", category=MOVIES, days_ago=90)
    publish(rig, "Ember.Road.2021.1080p.WEB-DL.x264-GRP", category=MOVIES, days_ago=90)
    with pytest.raises(AmbiguousTitleError) as asked:
        await rig.engine.wishes.make(WishRequest("Ember Road"), "panel")
    assert asked.value.choices == ("Ember Road (1999)", "Ember Road (2021)")
    with pytest.raises(InvalidInputError) as err:
        await rig.engine.wishes.make(
            WishRequest("Tin Lantern", kind=WishKind.FOLLOW, category="movies"), "panel"
        )
    assert err.value.code == "invalid_wish"
    assert rig.prowlarr.custom_filters == {}

    made = await rig.engine.wishes.make(WishRequest("Ember Road 2021"), "panel")
    again = await rig.engine.wishes.make(WishRequest("ember road", year=2021), "Bob")
    assert again.joined and again.wish.id == made.wish.id
    assert [e.joined for e in rig.of_type(WishMade)] == [False, True]
    ended = await rig.engine.wishes.end(await rig.engine.wishes.find("Ember Road"), "panel")
    assert ended.state is WishState.DONE
    assert (await rig.engine.wishes.get(made.wish.id)).state is WishState.DONE
    assert len(rig.prowlarr.custom_filters) == 1  # in the history


async def test_a_wish_made_by_one_process_is_seen_by_another(
    make_rig: RigFactory, qbittorrent5: QbtInstance, tmp_path: Any
) -> None:
    """Home Assistant and a sidecar share only the stack: a wish one makes, the other lists,
    and the other ends."""
    first = await make_rig(qbittorrent5)
    second = await make_rig(qbittorrent5, state_dir=str(tmp_path / "b" / "state"))
    made = await first.engine.wishes.make(WishRequest("Nobody Knows This Yet 2031"), "Ada")
    assert [w.id for w in await second.engine.wishes.all()] == [made.wish.id]
    await second.engine.wishes.end(made.wish, "Bob")
    assert (await first.engine.wishes.get(made.wish.id)).state is WishState.DONE
    assert Origin.WISH.value == "wish"


async def test_a_wish_ended_while_a_cycle_runs_stays_ended(rig: Rig) -> None:
    """The watch claim keeps other watchers out, not people: ending a wish in the middle of a
    cycle that then rewrites it is kept."""
    publish(rig, "Paper.Comet.2020.720p.BluRay.x264-GRP", category=MOVIES, days_ago=200)
    made = await rig.engine.wishes.make(WishRequest("Paper Comet"), "Ada")
    search = rig.engine.watch._search
    newest = search.newest

    async def ended_meanwhile(*args: Any, **kwargs: Any) -> Any:
        await rig.engine.wishes.end(made.wish, "Bob")
        return await newest(*args, **kwargs)

    search.newest = ended_meanwhile  # type: ignore[method-assign]
    await rig.engine.watch.cycle()
    stored = await rig.engine.wishes.get(made.wish.id)
    assert stored.state is WishState.DONE
    assert [h.reason for h in stored.history if h.what is Happened.ENDED] == ["Bob"]


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC).timestamp()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
