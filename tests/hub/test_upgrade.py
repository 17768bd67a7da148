"""Upgrading what Plex holds (issue 29, docs/wishes.md): an item in Plex below its profile's
cutoff (by default 1080p WEB-DL) is replaced by a better release when one appears, and the old
copy is removed, through Plex, only once Plex lists the new one.

The real stack: a real qBittorrent downloads the better release from a seeding one (no tracker
or DHT on loopback: it downloads nothing until it is given the seeder as a peer), organized the
way Plex names a movie; Prowlarr and Plex are the simulators. Plex's simulated scanner reads
files only once the test says where Plex's media is on this machine (`PlexSimulator.media`), so
a download can be complete and scanned while Plex does not list it yet, as with a slow Plex.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
import re
from typing import Any

import aiohttp
import pytest

from custom_components.mediahub.hub.config import DEFAULT_ORGANIZED
from custom_components.mediahub.hub.errors import InvalidInputError
from custom_components.mediahub.hub.events import WishAvailable, WishEnded, WishGrabbed, WishMade
from custom_components.mediahub.hub.lifecycle.tags import ORGANIZED, wish_marks
from custom_components.mediahub.hub.models import Stage
from custom_components.mediahub.hub.wishes.book import WishRequest
from custom_components.mediahub.hub.wishes.model import Happened, Wish, WishKind, WishState
from tests.simulators.plex import SimItem
from tests.simulators.prowlarr import SimRelease
from tests.support.qbittorrent import QbtInstance, SeededTorrent, connect_to_seeder

from .conftest import PLEX_ROOT, Rig, RigFactory
from .test_in_plex import watching_plex

MOVIES = 2040
MOVIES_SECTION = "1"
# What Plex holds: an old 720p BluRay rip, in the folder its release left it in.
OLD_RELEASE = "Sintel.2010.720p.BluRay.x264-AMIABLE"
OLD_FILE = f"{PLEX_ROOT}/movies/{OLD_RELEASE}/{OLD_RELEASE}.mkv"
OLD_BYTES = b"the old 720p copy"
# Out on the indexers: two 720p releases, no better than a 720p BluRay, and then the upgrade.
NOT_BETTER = ("Sintel.2010.720p.BluRay.x264-SPARKS", "Sintel.2010.720p.WEB-DL.DD5.1.H.264-FGT")
BETTER = "Sintel.2010.1080p.WEB-DL.DDP5.1.H.264-NTb"
# Where the better one lands: organized the way Plex names a movie.
NEW_FILE = f"{PLEX_ROOT}/movies/Sintel (2010)/Sintel (2010).mkv"
DELETE = re.compile(r"/library/metadata/(\d+)/media/(\d+)(?:\?|$)")


def publish(rig: Rig, title: str, *, days_ago: float, **kw: Any) -> None:
    """An indexer publishes a movie release (`days_ago` before now)."""
    published = datetime.now(UTC) - timedelta(days=days_ago)
    rig.prowlarr.indexer("The Pirate Bay").releases.append(
        SimRelease(title, category=MOVIES, published=published, **kw)
    )


def deletions(rig: Rig) -> list[tuple[str, str]]:
    """Every media deletion Plex was asked for: (item key, media id)."""
    return [(m[1], m[2]) for p in rig.plex.requests if (m := DELETE.match(p))]


def wish_grabs(rig: Rig) -> dict[str, list[tuple[int, str]]]:
    """Every torrent in qBittorrent grabbed for a wish: name → its (wish, item) marks."""
    found = {}
    for torrent in rig.qbittorrent.torrents():
        marks = wish_marks(t.strip() for t in str(torrent["tags"]).split(","))
        if marks:
            found[str(torrent["name"])] = marks
    return found


def stage(rig: Rig, infohash: str) -> Stage | None:
    return rig.engine.downloads.pipeline.stage(infohash)


def local(rig: Rig, plex_path: str) -> Path:
    """Where a file Plex lists is on this machine."""
    return rig.media / Path(plex_path).relative_to(PLEX_ROOT)


def happened(wish: Wish, what: Happened) -> list[str | None]:
    """The releases (or, without one, the reasons) of what the wish's history records."""
    return [h.release or h.reason for h in wish.history if h.what is what]


async def plex_scans_its_library(rig: Rig) -> None:
    """Plex can read the files now, and scans the movies section on its own (its scheduled
    scan)."""
    rig.plex.media(PLEX_ROOT, rig.media)
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{rig.plex.url}/library/sections/{MOVIES_SECTION}/refresh",
            headers={"X-Plex-Token": rig.plex.token},
        ) as response,
    ):
        assert response.status == 200


@pytest.fixture
async def rig(make_rig: RigFactory, qbittorrent5: QbtInstance) -> Rig:
    made = await make_rig(qbittorrent5, organize=DEFAULT_ORGANIZED)
    await made.poll()
    return made


@dataclass
class Upgrade:
    """Sintel in Plex below the cutoff, an upgrade wished for it, the better release seeded
    (not published yet)."""

    rig: Rig
    item: SimItem
    old_file: str
    old_media: str  # the old copy's Media id
    wish: Wish
    torrent: SeededTorrent
    not_better: tuple[str, ...]  # the releases out before the better one

    async def stored(self) -> Wish:
        return await self.rig.engine.wishes.get(self.wish.id)


async def wished(
    rig: Rig,
    seeded: Callable[..., SeededTorrent],
    *,
    old_file: str = OLD_FILE,
    current: str = "720p BluRay",
    not_better: tuple[str, ...] = NOT_BETTER,
) -> Upgrade:
    """Plex holds Sintel at 720p (its file on disk), the `not_better` releases are out, and Ada
    wishes for an upgrade."""
    torrent = await asyncio.to_thread(seeded, BETTER, 3 * 1024 * 1024, folder=True)
    item = rig.plex.add_item(
        "movie", "Sintel", MOVIES_SECTION, year=2010, resolution="720", file=old_file
    )
    [old_media] = item.media
    local(rig, old_file).parent.mkdir(parents=True)
    local(rig, old_file).write_bytes(OLD_BYTES)
    for title in not_better:
        publish(rig, title, days_ago=400)
    await rig.engine.plexwatch.load()
    assert rig.engine.library.get(item.key) is not None

    made = await rig.engine.wishes.make(
        WishRequest("Sintel", kind=WishKind.UPGRADE, year=2010), "Ada"
    )
    wish = made.wish
    assert not made.joined
    assert (wish.kind, wish.title, wish.year, wish.category, wish.state) == (
        WishKind.UPGRADE, "Sintel", 2010, "movies", WishState.WANTED
    )  # fmt: skip
    assert (wish.plex_key, wish.current) == (item.key, current)
    assert [e.wish.id for e in rig.of_type(WishMade)] == [wish.id]
    return Upgrade(rig, item, old_file, old_media.id, wish, torrent, not_better)


async def grabbed(up: Upgrade) -> None:
    """Nothing better is out: nothing is grabbed. The better release is published: the next
    cycle grabs it, for the wish, and it waits for its peer."""
    rig = up.rig
    report = await rig.engine.watch.cycle()
    assert report.ran and report.searches == 1
    assert report.releases >= len(up.not_better)  # found, and judged no upgrade
    assert report.grabbed == ()
    assert wish_grabs(rig) == {}

    publish(
        rig, BETTER, days_ago=0.1, size=2 * 1024**3,  # listed: a plausible 1080p film
        torrent=up.torrent.torrent_bytes, infohash=up.torrent.infohash,
    )  # fmt: skip
    report = await rig.engine.watch.cycle()
    assert report.grabbed == (BETTER,)
    # qBittorrent lists an added torrent on its own time.
    await rig.poll_until(
        lambda: wish_grabs(rig) == {BETTER: [(up.wish.id, "movie")]}, what="the grab in qBittorrent"
    )
    wish = await up.stored()
    assert wish.state is WishState.GRABBED
    assert wish.grabbed_items == {"movie": up.torrent.infohash}
    assert [(e.wish.id, e.item) for e in rig.of_type(WishGrabbed)] == [(up.wish.id, "movie")]
    # Organized before it has any data (it has no peer yet), as a grab usually is.
    await rig.poll_until(
        lambda: (
            stage(rig, up.torrent.infohash) is Stage.DOWNLOADING
            and ORGANIZED in rig.engine.downloads.snapshot().downloads[up.torrent.infohash].tags
        ),
        what="the grab to be organized while it downloads",
    )


async def downloaded(up: Upgrade, qbt: QbtInstance) -> None:
    """The seeder is given as a peer: the download completes and Plex is asked to scan it."""
    await asyncio.to_thread(connect_to_seeder, qbt, up.torrent)
    await up.rig.poll_until(
        lambda: stage(up.rig, up.torrent.infohash) in (Stage.SCAN_SENT, Stage.AVAILABLE),
        timeout=120,
        what="the download to complete and be scanned",
    )


async def listed(up: Upgrade) -> None:
    """Plex scans its library and lists the new file as a second copy of the same movie."""
    rig = up.rig
    await plex_scans_its_library(rig)
    await rig.poll_until(
        lambda: stage(rig, up.torrent.infohash) is Stage.AVAILABLE,
        timeout=120,
        what="Plex to list the new copy",
    )
    assert rig.plex.items[up.item.key].files == [up.old_file, NEW_FILE]
    view = rig.engine.downloads.snapshot().downloads[up.torrent.infohash]
    assert f"mediahub:in-plex:{up.item.key}" in view.tags


async def test_an_upgrade_replaces_the_old_copy_once_the_new_one_is_in_plex(
    rig: Rig, qbittorrent5: QbtInstance, seeded: Callable[..., SeededTorrent]
) -> None:
    async with watching_plex(rig):
        await rig.poll_until(lambda: rig.engine.plexwatch.connected, what="the websocket")
        up = await wished(rig, seeded)
        # The same upgrade asked again is the same wish.
        again = await rig.engine.wishes.make(
            WishRequest("sintel", kind=WishKind.UPGRADE, year=2010), "panel"
        )
        assert again.joined and again.wish.id == up.wish.id
        await grabbed(up)

        # Downloading: a cycle keeps the old copy and grabs nothing more.
        assert (await rig.engine.watch.cycle()).grabbed == ()
        assert stage(rig, up.torrent.infohash) is Stage.DOWNLOADING
        assert deletions(rig) == []
        assert (await up.stored()).state is WishState.GRABBED

        # Complete and scanned, but Plex does not list it yet: the old copy is still kept.
        await downloaded(up, qbittorrent5)
        assert rig.plex.refreshes[0].path == f"{PLEX_ROOT}/movies/Sintel (2010)"
        assert local(rig, NEW_FILE).is_file()
        await rig.poll()
        assert stage(rig, up.torrent.infohash) is Stage.SCAN_SENT
        assert (await rig.engine.watch.cycle()).grabbed == ()
        assert deletions(rig) == []
        assert rig.plex.items[up.item.key].files == [OLD_FILE]
        assert local(rig, OLD_FILE).read_bytes() == OLD_BYTES
        wish = await up.stored()
        assert wish.state is WishState.GRABBED
        assert happened(wish, Happened.AVAILABLE) == []
        assert rig.of_type(WishAvailable) == []

        # Plex lists the new copy: still nothing removed until a watch cycle runs.
        await listed(up)
        assert deletions(rig) == []

        # The next cycle announces the new copy and removes the old one through Plex.
        assert (await rig.engine.watch.cycle()).grabbed == ()
        assert deletions(rig) == [(up.item.key, up.old_media)]
        assert rig.plex.deleted == [OLD_FILE]
        assert rig.plex.items[up.item.key].files == [NEW_FILE]
        assert not local(rig, OLD_FILE).exists()
        assert local(rig, NEW_FILE).stat().st_size == len(up.torrent.payload)
        wish = await up.stored()
        assert wish.state is WishState.DONE
        assert happened(wish, Happened.AVAILABLE) == [BETTER]
        [replaced] = [h for h in wish.history if h.what is Happened.REPLACED]
        assert (replaced.release, replaced.reason) == (BETTER, OLD_FILE)
        assert happened(wish, Happened.REFUSED) == []
        [available] = rig.of_type(WishAvailable)
        assert (available.wish.id, available.item, available.plex_key) == (
            up.wish.id, "movie", up.item.key
        )  # fmt: skip
        assert [(e.wish.id, e.reason) for e in rig.of_type(WishEnded)] == [(up.wish.id, "upgraded")]

        # Over: later cycles neither grab nor delete again; only the better one was fetched.
        assert (await rig.engine.watch.cycle()).grabbed == ()
        assert deletions(rig) == [(up.item.key, up.old_media)]
        assert (await up.stored()).state is WishState.DONE
        assert len(rig.of_type(WishEnded)) == 1
        assert wish_grabs(rig) == {BETTER: [(up.wish.id, "movie")]}
        assert len(rig.prowlarr.downloads()) == 1


async def test_with_media_deletion_off_the_old_copy_stays_and_the_wish_says_why(
    rig: Rig, qbittorrent5: QbtInstance, seeded: Callable[..., SeededTorrent]
) -> None:
    rig.plex.allow_media_deletion = False  # Plex's "Allow media deletion" is off
    async with watching_plex(rig):
        await rig.poll_until(lambda: rig.engine.plexwatch.connected, what="the websocket")
        up = await wished(rig, seeded)
        await grabbed(up)
        await downloaded(up, qbittorrent5)
        await listed(up)

        await rig.engine.watch.cycle()
        # Asked, refused by Plex: both copies stay, in Plex and on disk.
        assert deletions(rig) == [(up.item.key, up.old_media)]
        assert rig.plex.deleted == []
        assert rig.plex.items[up.item.key].files == [OLD_FILE, NEW_FILE]
        assert local(rig, OLD_FILE).read_bytes() == OLD_BYTES
        wish = await up.stored()
        assert happened(wish, Happened.AVAILABLE) == [BETTER]
        assert happened(wish, Happened.REPLACED) == []
        [refused] = [h for h in wish.history if h.what is Happened.REFUSED]
        assert refused.release == BETTER
        assert (refused.reason or "").startswith("old copy kept: ")
        assert wish.state is WishState.GRABBED  # not over: the old copy is still there
        assert rig.of_type(WishEnded) == []
        assert len(rig.of_type(WishAvailable)) == 1


async def test_an_item_at_its_cutoff_is_not_upgraded(rig: Rig) -> None:
    """At or above the cutoff (1080p WEB-DL by default): refused, saying so; nothing is
    wished, nothing grabbed."""
    at_cutoff_file = (
        f"{PLEX_ROOT}/movies/Tears of Steel (2012)/Tears of Steel (2012) - 1080p WEB-DL.mkv"
    )
    at_cutoff = rig.plex.add_item(
        "movie", "Tears of Steel", MOVIES_SECTION, year=2012, resolution="1080",
        file=at_cutoff_file,
    )  # fmt: skip
    above = rig.plex.add_item(
        "movie", "Cosmos Laundromat", MOVIES_SECTION, year=2015, resolution="4k",
        file=f"{PLEX_ROOT}/movies/Cosmos Laundromat (2015)/Cosmos Laundromat (2015).mkv",
    )  # fmt: skip
    publish(rig, "Tears.of.Steel.2012.2160p.BluRay.REMUX.HEVC-FGT", days_ago=1)
    publish(rig, "Cosmos.Laundromat.2015.2160p.BluRay.REMUX.HEVC-FGT", days_ago=1)
    await rig.engine.plexwatch.load()

    with pytest.raises(InvalidInputError) as err:
        await rig.engine.wishes.make(
            WishRequest("Tears of Steel", kind=WishKind.UPGRADE, year=2012), "Ada"
        )
    assert err.value.code == "at_cutoff"
    assert err.value.values == {
        "title": "Tears of Steel (2012)", "quality": "1080p WEB-DL", "cutoff": "1080p WEB-DL"
    }  # fmt: skip
    with pytest.raises(InvalidInputError) as err:
        await rig.engine.wishes.make(
            WishRequest("Cosmos Laundromat", kind=WishKind.UPGRADE, plex_key=above.key), "Ada"
        )
    assert (err.value.code, err.value.values["quality"]) == ("at_cutoff", "2160p")
    # What Plex does not hold cannot be upgraded either.
    with pytest.raises(InvalidInputError) as err:
        await rig.engine.wishes.make(
            WishRequest("Elephants Dream", kind=WishKind.UPGRADE, year=2006), "Ada"
        )
    assert err.value.code == "not_in_plex"

    # Nothing changed: no wish kept or announced, nothing grabbed by a cycle, nothing deleted.
    assert rig.prowlarr.custom_filters == {}
    assert await rig.engine.wishes.all() == ()
    assert rig.of_type(WishMade) == []
    report = await rig.engine.watch.cycle()
    assert (report.ran, report.grabbed) == (True, ())
    assert await asyncio.to_thread(rig.qbittorrent.torrents) == []
    assert deletions(rig) == []
    assert rig.plex.items[at_cutoff.key].files == [at_cutoff_file]


# --- an old copy named as Plex names it, a refusal, a copy whose name says no source ----------


@pytest.mark.parametrize(
    "old_name",
    [
        pytest.param(
            "Sintel (2010) - 720p.mkv",
            id="beside",
        ),
        pytest.param(
            "Sintel (2010).mkv",
            id="same-name",
        ),
    ],
)
async def test_an_old_copy_in_plexs_own_layout_is_kept_until_the_new_one_is_listed(
    rig: Rig, qbittorrent5: QbtInstance, seeded: Callable[..., SeededTorrent], old_name: str
) -> None:
    """The old copy named the way Plex (and MediaHub's organizer) names a movie, in the folder
    the new one is organized into: it must survive until Plex lists the new copy, which here
    it does not (its scanner cannot read the files yet)."""
    old_file = f"{PLEX_ROOT}/movies/Sintel (2010)/{old_name}"
    async with watching_plex(rig):
        await rig.poll_until(lambda: rig.engine.plexwatch.connected, what="the websocket")
        up = await wished(rig, seeded, old_file=old_file, current="720p", not_better=())
        await grabbed(up)
        await downloaded(up, qbittorrent5)
        await rig.poll()
        old = local(rig, old_file)
        assert old.read_bytes() == OLD_BYTES  # not overwritten by the download
        await rig.engine.watch.cycle()
        assert deletions(rig) == []
        assert old.is_file() and old.read_bytes() == OLD_BYTES
        item = rig.plex.items.get(up.item.key)
        assert item is not None and old_file in item.files


async def test_the_old_copy_goes_once_plex_allows_media_deletion(
    rig: Rig, qbittorrent5: QbtInstance, seeded: Callable[..., SeededTorrent]
) -> None:
    rig.plex.allow_media_deletion = False
    async with watching_plex(rig):
        await rig.poll_until(lambda: rig.engine.plexwatch.connected, what="the websocket")
        up = await wished(rig, seeded)
        await grabbed(up)
        await downloaded(up, qbittorrent5)
        await listed(up)
        await rig.engine.watch.cycle()
        assert rig.plex.deleted == []

        rig.plex.allow_media_deletion = True  # the household turns it on, as the wish said
        await rig.engine.watch.cycle()
        assert rig.plex.deleted == [OLD_FILE]
        assert (await up.stored()).state is WishState.DONE


async def test_a_release_of_the_same_resolution_is_no_upgrade_of_a_plex_named_copy(
    rig: Rig,
) -> None:
    rig.plex.add_item(
        "movie", "Sintel", MOVIES_SECTION, year=2010, resolution="720",
        file=f"{PLEX_ROOT}/movies/Sintel (2010)/Sintel (2010).mkv",
    )  # fmt: skip
    for title in NOT_BETTER:
        publish(rig, title, days_ago=400)
    await rig.engine.plexwatch.load()
    made = await rig.engine.wishes.make(
        WishRequest("Sintel", kind=WishKind.UPGRADE, year=2010), "Ada"
    )
    assert made.wish.current == "720p"
    assert (await rig.engine.watch.cycle()).grabbed == ()
