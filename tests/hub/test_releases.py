"""Release intelligence: the parser on a corpus of real-world-style names, the profile's rules
and reasons, the pick, and the file-list guard."""

from __future__ import annotations

import base64
from collections import Counter
import json
from pathlib import Path
from typing import Any

import aiohttp
from hypothesis import given, settings, strategies as st
import pytest

from custom_components.mediahub.hub.clients.prowlarr import ProwlarrClient
from custom_components.mediahub.hub.clients.qbittorrent import QbittorrentClient
from custom_components.mediahub.hub.errors import InvalidInputError
from custom_components.mediahub.hub.models import Release
from custom_components.mediahub.hub.releases.files import TorrentFile, judge
from custom_components.mediahub.hub.releases.parse import Pack, Quality, Source, parse_title
from custom_components.mediahub.hub.releases.pick import (
    AmbiguousTitleError,
    NoAcceptableReleaseError,
    pick,
    wanted,
)
from custom_components.mediahub.hub.releases.profile import (
    GB,
    QualityProfile,
    checked,
    default_profile,
)
from custom_components.mediahub.hub.releases.profiles import (
    FILTER_TYPE,
    LEGACY_PREFIX,
    ProfileStore,
)
from custom_components.mediahub.hub.releases.score import assess, ranked
from custom_components.mediahub.hub.wire import judged_json, quality_json
from tests.simulators.prowlarr import ProwlarrSimulator
from tests.support.qbittorrent import QbtInstance

CORPUS = Path(__file__).parent / "data" / "releases.yaml"
FIELDS = (
    "title", "kind", "year", "seasons", "episodes", "pack", "resolution", "source",
    "video_codec", "hdr", "group", "languages", "edition", "proper",
)  # fmt: skip
# The share of the corpus each field must be right on (the closing note reports the figures).
FLOOR = 0.95


def corpus() -> list[dict[str, Any]]:
    entries = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.startswith("- "):
            entries.append(json.loads(line[2:]))
    return entries


def release(
    title: str, *, size_gb: float = 2.0, seeders: int | None = 50, category: str = "movies"
) -> Release:
    return Release(
        id=f"id-{title}",
        title=title,
        size=int(size_gb * GB),
        seeders=seeders,
        leechers=0,
        indexer="test",
        indexer_id=1,
        category_id=2000 if category == "movies" else 5000,
        category=category,
        age_hours=1.0,
        published=None,
        protocol="torrent",
    )


def judged(title: str, **kwargs: Any) -> Any:
    item = release(title, **kwargs)
    return assess(item, parse_title(title), default_profile(item.category))


def test_corpus_is_large_and_varied() -> None:
    entries = corpus()
    assert len(entries) >= 300
    kinds = Counter(
        "pack"
        if e.get("pack")
        else "multi"
        if len(e.get("episodes", [])) > 1
        else e.get("kind", "movie")
        for e in entries
    )
    assert kinds["movie"] >= 150 and kinds["episode"] >= 80
    assert kinds["multi"] >= 10 and kinds["pack"] >= 25
    sources = Counter(e.get("source") for e in entries)
    assert sources["CAM"] >= 8 and sources["Remux"] >= 8 and sources["TS"] >= 4
    assert sum(1 for e in entries if e.get("languages")) >= 40
    assert sum(1 for e in entries if e["name"].startswith("[")) >= 12  # fansub anime


def test_parse_accuracy_per_field() -> None:
    """Each field is right on at least 95 % of the corpus."""
    entries = corpus()
    default = quality_json(Quality(title=""))
    right = Counter()
    misses: dict[str, list[str]] = {f: [] for f in FIELDS}
    for entry in entries:
        parsed = quality_json(parse_title(entry["name"]))
        for field in FIELDS:
            expected = entry.get(field, default[field])
            if parsed[field] == expected:
                right[field] += 1
            else:
                misses[field].append(f"{entry['name']}: {parsed[field]!r} != {expected!r}")
    accuracy = {f: right[f] / len(entries) for f in FIELDS}
    low = {f: (round(a, 3), misses[f][:3]) for f, a in accuracy.items() if a < FLOOR}
    assert not low, low


def test_fakes_are_refused_by_name() -> None:
    fakes = [
        e["name"]
        for e in corpus()
        if e["name"].lower().rsplit(".", 1)[-1]
        in {"exe", "scr", "lnk", "js", "vbs", "msi", "bat", "ps1", "apk", "cmd"}
    ]
    assert len(fakes) >= 12
    for name in fakes:
        verdict = judged(name)
        assert not verdict.passes
        assert verdict.reasons[0].code == "executable", name


def test_reasons_read_as_a_person_says_them() -> None:
    cam = judged("Dune.Part.Two.2024.1080p.HDCAM.x264-AOC")
    assert [r.text for r in cam.reasons] == ["CAM"]
    remux = judged(
        "Oppenheimer.2023.2160p.UHD.BluRay.REMUX.HDR.HEVC.TrueHD.7.1.Atmos-FGT", size_gb=58
    )
    assert [r.text for r in remux.reasons] == ["too big: 58.0 GB > 20.0 GB"]
    few = judged("The.Matrix.1999.1080p.BluRay.x264-AMIABLE", seeders=2)
    assert [r.text for r in few.reasons] == ["2 seeders < 3"]
    sd = judged("The.Simpsons.S01E01-E03.480p.DVDRip.x264-NOGRP", category="tv", size_gb=1)
    assert [r.code for r in sd.reasons] == ["resolution"]


def test_defaults_a_household_never_touches() -> None:
    movies, tv = default_profile("movies"), default_profile("tv")
    assert movies.preferred_resolution == tv.preferred_resolution == "1080p"
    assert movies.allowed_resolutions == ("2160p", "1080p", "720p")
    assert set(movies.blocked_sources) == {
        Source.CAM,
        Source.TELESYNC,
        Source.TELECINE,
        Source.SCREENER,
    }
    assert (movies.max_size_gb, tv.max_size_gb, movies.min_seeders) == (20.0, 4.0, 3)
    # An episode over 4 GB fails; a season pack is judged per episode.
    assert not judged("Severance.S02E03.1080p.WEB.H264-GGEZ", category="tv", size_gb=5).passes
    assert judged("Severance.S02.1080p.WEB.H264-GGEZ", category="tv", size_gb=30).passes


def test_the_preferred_release_scores_highest() -> None:
    names = {
        "The.Matrix.1999.1080p.BluRay.x264-AMIABLE": 40,
        "The.Matrix.1999.720p.BRRip.x264.AAC-ETRG": 900,
        "The.Matrix.1999.2160p.UHD.BluRay.x265.10bit.HDR-SWTYBLZ": 40,
        "The.Matrix.1999.CAM.x264-NOGRP": 5000,
    }
    assessments = [judged(n, seeders=s) for n, s in names.items()]
    order = [a.release.title for a in ranked(assessments)]
    assert order[0] == "The.Matrix.1999.1080p.BluRay.x264-AMIABLE"
    assert order[-1] == "The.Matrix.1999.CAM.x264-NOGRP"  # failing goes last, whatever its swarm


def test_pick_explains_asks_and_prefers_packs() -> None:
    cam = judged("Dune.Part.Two.2024.CAM.x264-NOGRP")
    with pytest.raises(NoAcceptableReleaseError, match="CAM") as refused:
        pick([cam], wanted("Dune Part Two"))
    # Translated by its rule, with values only.
    assert refused.value.code == "no_acceptable_release_blocked_source"
    assert refused.value.values == {
        "query": "Dune Part Two",
        "release": "Dune.Part.Two.2024.CAM.x264-NOGRP",
        "source": "CAM",
    }
    with pytest.raises(NoAcceptableReleaseError) as nothing:
        pick([], wanted("Arrival"))
    assert (nothing.value.code, nothing.value.values) == ("nothing_found", {"query": "Arrival"})
    two = [
        judged("Dune.1984.1080p.BluRay.x264-AMIABLE"),
        judged("Dune.2021.1080p.WEB-DL.H.264-EVO"),
    ]
    with pytest.raises(AmbiguousTitleError) as asked:
        pick(two, wanted("Dune"))
    assert asked.value.choices == ("Dune (2021)", "Dune (1984)") or set(asked.value.choices) == {
        "Dune (2021)",
        "Dune (1984)",
    }
    assert pick(two, wanted("Dune 1984")).quality.year == 1984
    tv = [
        judged("Severance.S02E03.1080p.WEB.H264-GGEZ", category="tv", seeders=900, size_gb=2),
        judged("Severance.S02.1080p.WEB.H264-GGEZ", category="tv", seeders=20, size_gb=30),
        judged("Severance.S01.1080p.WEB.H264-GGEZ", category="tv", seeders=2000, size_gb=30),
    ]
    chosen = pick(tv, wanted("Severance", season=2))
    assert chosen.quality.pack is Pack.SEASON and chosen.quality.seasons == (2,)
    assert chosen.summary == "Severance, season 2, 1080p WEB-DL, 30.0 GB, 20 seeders"


def test_a_bad_profile_field_is_named_and_changes_nothing(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="min_seeders"):
        checked(QualityProfile(), {"min_seeders": -1})
    with pytest.raises(InvalidInputError, match="resolution"):
        checked(QualityProfile(), {"allowed_resolutions": ["4k"]})
    with pytest.raises(InvalidInputError, match="bogus: not a valid option"):
        checked(QualityProfile(), {"bogus": 1})


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=1024), st.integers(min_value=0, max_value=10**6), st.integers(0, 2**40))
def test_no_title_crashes_and_the_score_is_deterministic(
    title: str, seeders: int, size: int
) -> None:
    item = Release(
        id="x", title=title, size=size, seeders=seeders, leechers=None, indexer="i",
        indexer_id=1, category_id=None, category=None, age_hours=0.0, published=None,
        protocol="torrent",
    )  # fmt: skip
    first = assess(item, parse_title(title), QualityProfile())
    parse_title.cache_clear()
    again = assess(item, parse_title(title), QualityProfile())
    assert first == again
    assert isinstance(first.score, int)
    judged_json(first)


def files(*names_and_sizes: tuple[str, int]) -> list[TorrentFile]:
    return [TorrentFile(i, n, s) for i, (n, s) in enumerate(names_and_sizes)]


@pytest.mark.parametrize(
    ("listing", "refused", "offender"),
    [
        ((("Movie.2024.1080p/movie.mkv.exe", 900_000_000),), "executable", "movie.mkv.exe"),
        (
            (("Movie/Movie.mkv", 10_000_000), ("Movie/setup.exe", 500_000)),
            "executable",
            "setup.exe",
        ),
        ((("Movie/Movie.mp4.lnk", 2_000),), "executable", "Movie.mp4.lnk"),
        ((("Movie/readme.txt", 100), ("Movie/poster.jpg", 100_000)), "no_video", None),
        ((("Movie/movie.rar", 10**9), ("Movie/movie.r00", 10**9)), "archives_only", "movie.rar"),
        ((("Movie/Movie.mkv", 10**9), ("Movie/Password.txt", 100)), "password", "Password.txt"),
    ],
)
def test_the_guard_refuses_dangerous_or_useless_content(
    listing: tuple[tuple[str, int], ...], refused: str, offender: str | None
) -> None:
    verdict = judge(files(*listing), video_expected=True)
    assert (verdict.refused, verdict.offender) == (refused, offender)


def test_the_guard_skips_junk_and_keeps_subtitles() -> None:
    listing = files(
        ("Movie.2024/Movie.2024.1080p.mkv", 8 * 10**9),
        ("Movie.2024/Movie.2024.1080p.sample.mkv", 50 * 10**6),
        ("Movie.2024/Sample/movie-sample.mkv", 40 * 10**6),
        ("Movie.2024/Movie.2024.nfo", 4_000),
        ("Movie.2024/RARBG.txt", 30),
        ("Movie.2024/Visit.url", 100),
        ("Movie.2024/Screens/shot1.png", 900_000),
        ("Movie.2024/Featurettes/Making.Of.mkv", 900 * 10**6),
        ("Movie.2024/Subs/English.srt", 90_000),
    )
    verdict = judge(listing, video_expected=True)
    assert verdict.refused is None
    assert verdict.skip == (1, 2, 3, 4, 5, 6, 7)
    # Music and books carry no video, and may be a single archive-free folder of files.
    assert (
        judge(
            files(("Album/01.flac", 10**7), ("Album/cover.jpg", 10**5)), video_expected=False
        ).refused
        is None
    )


@pytest.mark.parametrize(
    ("query", "title", "year", "season", "episode"),
    [
        ("Dune 2021", "Dune", 2021, None, None),
        ("Blade Runner 2049", "Blade Runner", 2049, None, None),  # and 'said' keeps the title
        ("1917", "1917", None, None, None),
        ("Severance S02", "Severance", None, 2, None),
        ("severance season 2", "severance", None, 2, None),
        ("The Bear S03E05", "The Bear", None, 3, 5),
        ("Doctor Who (2005)", "Doctor Who", 2005, None, None),
    ],
)
def test_a_query_is_read_plainly(
    query: str, title: str, year: int | None, season: int | None, episode: int | None
) -> None:
    want = wanted(query)
    assert (want.title, want.year, want.season, want.episode) == (title, year, season, episode)


def test_a_number_in_the_title_is_not_taken_for_a_year() -> None:
    releases = [
        judged("Blade.Runner.2049.2017.1080p.BluRay.x264-SPARKS"),
        judged("Blade.Runner.1982.The.Final.Cut.1080p.BluRay.x264-HDEX"),
    ]
    assert pick(releases, wanted("blade runner 2049")).quality.title == "Blade Runner 2049"


async def test_profiles_are_kept_in_prowlarr_and_shared(
    qbittorrent: QbtInstance, prowlarr_sim: ProwlarrSimulator
) -> None:
    """Two MediaHubs on one stack (qBittorrent 4.5 and 5.3): what one saves, the other uses.
    A profile an earlier version kept in qBittorrent moves to Prowlarr, and its category goes."""
    legacy = base64.urlsafe_b64encode(json.dumps({"min_seeders": 7}).encode()).decode()
    qbittorrent.api(
        "POST",
        "torrents/createCategory",
        data={"category": f"{LEGACY_PREFIX}tv", "savePath": legacy},
    )
    async with aiohttp.ClientSession() as session:
        prowlarr = ProwlarrClient(session, prowlarr_sim.url, prowlarr_sim.api_key)
        panel, home_assistant = (
            QbittorrentClient(qbittorrent.url, qbittorrent.username, qbittorrent.password)
            for _ in range(2)
        )
        try:
            panel_store = ProfileStore(prowlarr, panel)
            ha_store = ProfileStore(prowlarr, home_assistant)
            assert (await ha_store.get("movies")) == default_profile("movies")
            assert (await ha_store.get("tv")).min_seeders == 7  # moved
            assert f"{LEGACY_PREFIX}tv" not in await panel.category_names()
            saved = await panel_store.save(
                "movies", {"min_seeders": 10, "blocked_groups": ["YIFY"]}
            )
            assert (await ha_store.get("movies")) == saved
            assert saved.min_seeders == 10 and saved.max_size_gb == 20.0
            with pytest.raises(InvalidInputError, match="max_size_gb"):
                await ha_store.save("movies", {"max_size_gb": "lots"})
            with pytest.raises(InvalidInputError):
                await ha_store.save("games", {})
            assert (await panel_store.get("movies")) == saved  # the refused saves changed nothing
            # Kept in Prowlarr, one custom filter a category, and nothing in qBittorrent.
            kept = {f["label"]: f for f in prowlarr_sim.custom_filters.values()}
            assert sorted(kept) == ["movies", "tv"]
            assert {f["type"] for f in kept.values()} == {FILTER_TYPE}
            assert not [c for c in await panel.category_names() if "profile" in c]
            assert not any(qbittorrent.save_path.iterdir())
            await ha_store.reset("movies")
            assert (await panel_store.get("movies")) == default_profile("movies")
            # A profile another version wrote, that this one cannot read: the default.
            await prowlarr.create_custom_filter(
                {"type": FILTER_TYPE, "label": "music", "filters": [{"min_seeders": -5}]}
            )
            assert (await ha_store.get("music")) == default_profile("music")
            assert (await ha_store.get(None)) == default_profile(None)
            # Prowlarr away: the last known profiles still rank a search.
            await panel_store.save("tv", {"max_size_gb": 6})
            prowlarr_sim.available = False
            assert (await panel_store.get("tv")).max_size_gb == 6.0
        finally:
            await panel.close()
            await home_assistant.close()


def test_every_rule_of_a_profile_reads_plainly_and_preferences_score() -> None:
    # (KORSUB would be refused by any profile that refuses theatre copies: burned-in subtitles.)
    title = "Amelie.2001.FRENCH.HYBRID.1080p.BluRay.HDR.x265-YIFY"
    picky = QualityProfile(
        preferred_codecs=("HEVC",),
        prefer_hdr=True,
        preferred_languages=("fr",),
        blocked_groups=("yify",),
        blocked_words=("HYBRID",),
        required_words=("PROPER",),
    )
    item = release(title)
    judged_picky = assess(item, parse_title(title), picky)
    assert [r.text for r in judged_picky.reasons] == [
        "group YIFY",
        "contains HYBRID",
        "lacks PROPER",
    ]
    plain = assess(item, parse_title(title), QualityProfile())
    assert plain.passes
    assert judged_picky.score - plain.score == 100 + 80 + 200  # codec, HDR, language
    episode = judged("Severance.S02E03.1080p.WEB.H264-GGEZ", category="tv", seeders=900)
    assert episode.summary == "Severance, S02E03, 1080p WEB-DL, 2.0 GB, 900 seeders"
