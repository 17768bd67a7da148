"""Each service client on its own: Plex, gluetun (VPN), qBittorrent extras, re-download."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from custom_components.mediahub.hub.clients.gluetun import GluetunClient
from custom_components.mediahub.hub.clients.plex import PlexClient
from custom_components.mediahub.hub.errors import (
    AuthenticationError,
    InvalidInputError,
)
from custom_components.mediahub.hub.events import DownloadAdded
from custom_components.mediahub.hub.models import VpnState
from tests.simulators.gluetun import GluetunSimulator
from tests.simulators.plex import PlexSimulator, Refresh
from tests.support.qbittorrent import QbtInstance
from tests.support.wait import until

from .conftest import RigFactory


async def test_plex_identity_libraries_recently_added_and_scans(plex_sim: PlexSimulator) -> None:
    plex = PlexClient(plex_sim.url, plex_sim.token)
    info = await plex.identity()
    assert (info.name, info.machine_identifier) == ("Home Plex", plex_sim.machine_identifier)
    libraries = await plex.libraries()
    assert [(lib.key, lib.title, lib.type, lib.locations) for lib in libraries] == [
        ("1", "Movies", "movie", ("/storage/movies",)),
        ("2", "TV Shows", "show", ("/storage/tvshows",)),
        ("3", "Music", "artist", ("/storage/music",)),
    ]
    plex_sim.add_section("4", "Kids", "movie", "/storage/kids")  # libraries are read fresh
    assert [lib.key for lib in await plex.libraries()] == ["1", "2", "3", "4"]
    recent = await plex.recently_added()
    assert recent[0].title == "TV Show"
    await plex.scan("2", "/storage/tvshows/TV Show")
    await plex.scan_all()
    assert plex_sim.refreshes == [
        Refresh("2", "/storage/tvshows/TV Show", False),
        Refresh("all", None, False),
    ]
    with pytest.raises(InvalidInputError):
        await plex.scan("42")
    with pytest.raises(AuthenticationError):
        await PlexClient(plex_sim.url, "wrong").identity()


async def test_plex_deletes_one_copy_of_an_item_and_keeps_the_other(
    plex_sim: PlexSimulator, tmp_path: Path
) -> None:
    """The upgrade's last step: Plex lists the new copy under the same item, and the old copy
    (its Media, and its file) is deleted through Plex."""
    plex_sim.set_locations("1", "/data/movies")
    plex_sim.media("/data", tmp_path)
    folder = tmp_path / "movies" / "Arrival (2016)"
    folder.mkdir(parents=True)
    old, new = folder / "Arrival (2016) - 720p.mkv", folder / "Arrival (2016) - 1080p.mkv"
    plex = PlexClient(plex_sim.url, plex_sim.token)
    try:
        for listed, file in enumerate((old, new), start=1):  # the old copy, then the upgrade
            file.write_bytes(b"\0" * 1024)
            await plex.scan("1", "/data/movies/Arrival (2016)")
            await until(
                lambda n=listed: len(plex_sim.files()) == n, "the copy listed", interval=0.05
            )
        [key] = plex_sim.items
        item = await plex.item(key)
        assert item is not None and item.resolution == "720p"  # the first copy's
        assert sorted(item.files) == sorted(
            f"/data/movies/Arrival (2016)/{f.name}" for f in (old, new)
        )
        old_file = f"/data/movies/Arrival (2016)/{old.name}"

        plex_sim.allow_media_deletion = False  # Plex refuses: the old copy stays
        with pytest.raises(InvalidInputError) as refused:
            await plex.delete_media(key, [old_file])
        assert refused.value.code == "media_deletion_refused"
        assert old.exists()
        plex_sim.allow_media_deletion = True

        assert await plex.delete_media(key, [old_file]) == [old_file]
        assert not old.exists() and new.exists()
        item = await plex.item(key)
        assert item is not None
        assert (item.files, item.resolution) == (
            (f"/data/movies/Arrival (2016)/{new.name}",),
            "1080p",
        )
        assert await plex.delete_media(key, [old_file]) == []  # nothing left to delete
        # The only copy left is never deleted: nothing else would be in Plex.
        assert await plex.delete_media(key, [f"/data/movies/Arrival (2016)/{new.name}"]) is None
        assert new.exists()
        assert await plex.delete_media("999999", [old_file]) == []  # an item Plex dropped
        assert plex_sim.deleted == [old_file]
    finally:
        await plex.close()


@pytest.mark.parametrize(
    ("tunnel", "qbittorrent_ip", "state", "through_vpn"),
    [
        ("running", "185.65.134.82", VpnState.CONNECTED, True),
        ("running", "203.0.113.7", VpnState.LEAKING, False),
        ("running", None, VpnState.CONNECTED, None),
        ("stopped", "203.0.113.7", VpnState.DOWN, None),
    ],
)
async def test_vpn_state_compares_gluetun_with_qbittorrent(
    gluetun_sim: GluetunSimulator,
    tunnel: str,
    qbittorrent_ip: str | None,
    state: VpnState,
    through_vpn: bool | None,
) -> None:
    gluetun_sim.status = tunnel
    async with aiohttp.ClientSession() as session:
        status = await GluetunClient(session, gluetun_sim.url, gluetun_sim.api_key).status(
            qbittorrent_ip
        )
        assert (status.state, status.through_vpn) == (state, through_vpn)
        if tunnel == "running":
            assert (status.public_ip, status.country) == ("185.65.134.82", "Netherlands")
        with pytest.raises(AuthenticationError):
            await GluetunClient(session, gluetun_sim.url, "wrong-key").status(qbittorrent_ip)


async def test_remove_then_redownload_from_the_stored_torrent(
    qbittorrent: QbtInstance, make_rig: RigFactory
) -> None:
    rig = await make_rig(qbittorrent)
    release = (await rig.engine.search.search_all("S05E02")).releases[0]
    grab = await rig.engine.downloads.grab(release.id, category="tv")
    await rig.poll_until(lambda: grab.hash in rig.engine.downloads.model.torrents)
    await rig.engine.downloads.remove(grab.hash, delete_files=True)
    await rig.poll_until(lambda: grab.hash not in rig.engine.downloads.model.torrents)
    assert qbittorrent.torrents() == []
    again = await rig.engine.downloads.redownload(grab.hash)
    assert (again.hash, again.category, again.queued) == (grab.hash, "tv", False)
    [torrent] = await asyncio.to_thread(qbittorrent.torrents)
    assert (torrent["hash"], torrent["category"]) == (grab.hash, "tv")
    # One "added" per life of the download: the first, and the re-download.
    await rig.poll_until(lambda: len(rig.of_type(DownloadAdded)) == 2, what="the second added")
    assert [e.grab.hash for e in rig.of_type(DownloadAdded)] == [grab.hash, grab.hash]
    with pytest.raises(InvalidInputError) as err:
        await rig.engine.downloads.redownload(grab.hash)
    assert err.value.code == "already_downloading"


async def test_categories_are_created_with_save_paths_in_the_media_volume(
    qbittorrent: QbtInstance, make_rig: RigFactory
) -> None:
    rig = await make_rig(qbittorrent)
    await rig.engine.downloads.refresh()
    categories = (await asyncio.to_thread(qbittorrent.api, "GET", "torrents/categories")).json()
    assert {name: c["savePath"].rstrip("/") for name, c in categories.items()} == {
        name: str(rig.media / name) for name in ("movies", "tv", "music", "books")
    }
    export = rig.settings.torrents_path / "export"
    await rig.engine.qbittorrent.set_export_dir(str(export))
    assert (await rig.engine.qbittorrent.export_dir() or "").rstrip("/") == str(export)
    # qBittorrent answers a free space of 0 until it has measured the disk (4.5 takes a moment
    # on a loaded machine), which the engine reads as unknown: known, it is the disk's.
    await rig.poll_until(
        lambda: rig.engine.downloads.transfer().free_space is not None, what="the free space"
    )
    transfer = rig.engine.downloads.transfer()
    assert transfer.connection_status in ("connected", "firewalled", "disconnected")
    assert transfer.free_space is not None and transfer.free_space > 0
