"""The library index, the ready list and the poster cache, on their own (no Plex)."""

from __future__ import annotations

import logging

import pytest

from custom_components.mediahub.hub.library.index import LibraryIndex, folded, rank
from custom_components.mediahub.hub.library.ready import (
    MAX_POSTER_BYTES,
    POSTER_CACHE_BYTES,
    PosterCache,
    play_links,
    ready_items,
)
from custom_components.mediahub.hub.models import Download, DownloadStatus, LibraryItem
from custom_components.mediahub.hub.wire import ready_item_json


def movie(key: str, title: str, year: int | None, resolution: str = "1080p") -> LibraryItem:
    return LibraryItem(
        key, "movie", title, "1", year=year, resolution=resolution,
        files=(f"/data/movies/{title} ({year})/{title} ({year}).mkv",),
        guids=(f"imdb://tt{int(key):07d}",), thumb=f"/library/metadata/{key}/thumb/1",
    )  # fmt: skip


def episode(key: str, show: str, season: int, number: int) -> LibraryItem:
    return LibraryItem(
        key, "episode", f"Episode {number}", "2", show=show, season=season, episode=number,
        files=(f"/data/tv/{show}/Season {season:02d}/{show} - s{season:02d}e{number:02d}.mkv",),
    )  # fmt: skip


def test_lookups_follow_additions_replacements_and_removals() -> None:
    index = LibraryIndex()
    index.add(movie("1", "The Matrix", 1999, "720p"))
    index.add(movie("2", "The Matrix", 1999, "2160p"))  # a second copy: the best is shown
    index.add(episode("3", "Severance", 1, 1))
    index.add(episode("4", "Severance", 1, 2))
    found = index.movie("the.matrix", 1999)
    assert found is not None and (found.item.key, found.resolution) == ("2", "2160p")
    assert index.movie("The Matrix", 2000) is not None  # a year off by one is the same film
    assert index.movie("The Matrix", None) is not None  # no year: any year
    assert index.movie("Unknown", None, ("imdb://tt0000001",)) is not None  # by id alone
    assert {i.key for i in index.season("severance", 1)} == {"3", "4"}
    assert index.holding("/data/tv/Severance/Season 01") is not None
    assert index.holding("/data/tv/Severance/Season 0") is None  # whole components only
    index.add(movie("2", "The Matrix", 1999, "1080p"))  # replaced under its key
    found = index.movie("The Matrix", 1999)
    assert found is not None and found.resolution == "1080p"
    index.remove("2")
    index.remove("2")  # gone already: nothing happens
    index.remove("1")
    assert index.movie("The Matrix", 1999) is None
    assert index.movie("The Matrix", None) is None  # gone from the title-only look-up too
    assert index.holding("/data/movies/The Matrix (1999)") is None
    assert len(index) == 2 and index.size_in_bytes() > 0
    assert folded("Léon: The Professional") == folded("léon the professional")
    assert rank("2160p") > rank("1080p") > rank(None) == 0


def test_the_ready_list_is_newest_first_without_what_plex_dropped() -> None:
    items = {"1": movie("1", "Arrival", 2016), "2": movie("2", "Sicario", 2015)}

    def download(hash_: str, key: str | None, completed: int) -> Download:
        return Download(
            hash_ * 40, f"download {hash_}", "uploading", DownloadStatus.SEEDING, 1.0, 1, 1,
            0, 0, None, "movies", (), "/m", "/m/x", 1, completed, 0, 0, 1.0, True,
            plex_key=key,
        )  # fmt: skip

    downloads = [download("a", "1", 10), download("b", "2", 20), download("c", "9", 30)]
    ready = ready_items(downloads, items.get, {"1": "Movies"}.get, None, limit=5)
    assert [r.item.title for r in ready] == ["Sicario", "Arrival"]  # "9" is not in Plex now
    shown = ready_item_json(ready[0], "/api/posters")
    assert shown["play"] == {"web": None, "app": None}  # no machine id read yet: no links
    assert shown["poster"] == "/api/posters/2" and shown["library"] == "Movies"
    assert ready_items(downloads, items.get, lambda _k: None, "m", limit=1)[0].item.key == "2"
    assert (
        play_links("m", "7")["app"]
        == "plex://preplay/?metadataKey=%2Flibrary%2Fmetadata%2F7&server=m"
    )


async def test_posters_are_capped_cached_and_the_least_used_go_first() -> None:
    asked: list[str] = []

    async def read(thumb: str, limit: int) -> tuple[bytes, str] | None:
        asked.append(thumb)
        assert limit == MAX_POSTER_BYTES
        if thumb == "missing":
            return None
        return b"x" * (POSTER_CACHE_BYTES // 3), "image/jpeg"

    cache = PosterCache(read)
    assert await cache.get("missing") is None
    for thumb in ("a", "b", "a", "c", "d"):
        assert await cache.get(thumb) is not None
    assert asked == ["missing", "a", "b", "c", "d"]  # "a" the second time from the cache
    assert await cache.get("b") is not None  # pushed out by "d" (the least used): read again
    assert asked[-1] == "b"


def test_marks_match_episodes_one_by_one_and_never_a_pack() -> None:
    from custom_components.mediahub.hub.library.marks import in_plex  # noqa: PLC0415
    from custom_components.mediahub.hub.models import Release  # noqa: PLC0415
    from custom_components.mediahub.hub.releases.parse import parse_title  # noqa: PLC0415
    from custom_components.mediahub.hub.releases.profile import QualityProfile  # noqa: PLC0415
    from custom_components.mediahub.hub.releases.score import assess  # noqa: PLC0415

    index = LibraryIndex()
    index.add(episode("3", "Severance", 1, 1))
    index.add(episode("4", "Severance", 1, 2))

    def found(title: str) -> str | None:
        release = Release(title, title, 1, 1, 1, "x", 1, 5000, "tv", 1.0, None, "torrent")
        plex = in_plex(index, assess(release, parse_title(title), QualityProfile()))
        return plex.item.key if plex else None

    assert found("Severance.S01E01E02.1080p.WEB") == "3"  # both episodes there
    assert found("Severance.S01E02E03.1080p.WEB") is None  # episode 3 is not
    assert found("Severance.S01.1080p.WEB") is None  # a pack: Plex may lack some


def test_plexwebsocket_log_lines_keep_their_numbers_and_lose_the_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """plexwebsocket logs aiohttp's errors, URL and token included: the token is cut out, and
    the line still reads (its %d is given a number, as plexwebsocket passes it)."""
    import custom_components.mediahub.hub.library.plexwatch  # noqa: F401, PLC0415 - installs the filter

    logger = logging.getLogger("plexwebsocket")
    with caplog.at_level(logging.ERROR, logger="plexwebsocket"):
        logger.error(
            "Websocket connection failed, retrying in %ds: %s",
            15.0,
            "Cannot connect to http://plex:32400/:/websockets/notifications?X-Plex-Token=s3cr3tT0k3n",
        )
    [line] = caplog.messages
    assert line.startswith("Websocket connection failed, retrying in 15s: Cannot connect")
    assert "s3cr3tT0k3n" not in line
