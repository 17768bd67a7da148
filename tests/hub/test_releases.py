"""Release intelligence: the parser on a corpus of real-world-style names, the profile's rules
and reasons, the pick, and the file-list guard."""

from __future__ import annotations

import base64
from collections import Counter
from enum import StrEnum
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
from custom_components.mediahub.hub.releases.parse import (
    THEATRE_SOURCES,
    Pack,
    Quality,
    Source,
    parse_title,
)
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
from custom_components.mediahub.hub.wire import judged_json
from tests.bench_parsers import agrees, corpus as load_corpus, expected, is_fake
from tests.simulators.prowlarr import ProwlarrSimulator
from tests.support.qbittorrent import QbtInstance

# The parse is measured on every field against this share of the corpus (tests/hub/data: hand-checked,
# hand-written tricky, and generated names; docs/releases.md, "Parse"). Fields Quality's users
# decide on most need 97 %.
FLOORS = {
    "title": 0.97, "seasons": 0.97, "episodes": 0.97, "resolution": 0.97, "source": 0.97,
    "group": 0.95, "languages": 0.95, "kind": 0.95, "year": 0.95, "pack": 0.95, "anime": 0.95,
}  # fmt: skip
# Only the hand-checked names state these (the generator does not write them).
HAND_FLOORS = {"video_codec": 0.95, "hdr": 0.95, "edition": 0.95, "proper": 0.95}
THEATRE_SPELLINGS = (
    "CAM", "CAMRip", "CAM-Rip", "HDCAM", "HD-CAM", "HQCAM", "HQ-CAM", "NEWCAM", "LineCAM",
    "WORKPRINT", "TS", "TSRip", "TS-Rip", "HDTS", "HD-TS", "HQ-TS", "TELESYNC", "TeleSynch",
    "Tele-Sync", "PDVD", "PreDVD", "PreDVDRip", "TC", "HDTC", "HD-TC", "TELECINE", "SCR",
    "SCREENER", "DVDSCR", "DVDSCREENER", "DVD-SCR", "BDSCR", "WEBSCR", "HDSCR",
)  # fmt: skip


def corpus() -> list[dict[str, Any]]:
    return load_corpus()


def as_read(quality: Quality, field: str) -> Any:
    value = getattr(quality, field)
    return str(value) if isinstance(value, StrEnum) else value


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
    assert len(entries) >= 1000
    kinds = Counter(
        "pack"
        if e.get("pack")
        else "multi"
        if len(e.get("episodes", [])) > 1
        else e.get("kind", "movie")
        for e in entries
    )
    assert kinds["movie"] >= 500 and kinds["episode"] >= 200
    assert kinds["multi"] >= 40 and kinds["pack"] >= 60
    sources = Counter(e.get("source") for e in entries)
    assert all(sources[s] >= 30 for s in ("CAM", "TS", "TC", "SCR", "Remux", "DVD", "HDTV"))
    languages = Counter(tag for e in entries for tag in e.get("languages", []))
    assert len(languages) >= 25 and all(languages[t] >= 3 for t in ("pt-BR", "es-419", "da", "tr"))
    assert sum(1 for e in entries if e.get("anime")) >= 120  # fansub anime
    assert len({e["name"] for e in entries}) == len(entries)


def test_parse_accuracy_per_field(record_property: Any) -> None:
    """Each field is right on its share of the corpus; the figures are printed and recorded."""
    entries = [e for e in corpus() if not is_fake(e["name"])]
    hand = [e for e in entries if e["file"] == "releases.yaml"]
    figures: dict[str, float] = {}
    low: dict[str, Any] = {}
    for floors, measured in ((FLOORS, entries), (HAND_FLOORS, hand)):
        for field, floor in floors.items():
            missed = [
                f"{e['name']}: {as_read(q, field)!r} != {expected(e, field)!r}"
                for e in measured
                if not agrees(
                    field, as_read(q := parse_title(e["name"]), field), expected(e, field)
                )
            ]
            figures[field] = round(1 - len(missed) / len(measured), 4)
            if figures[field] < floor:
                low[field] = (figures[field], missed[:5])
    print(f"parse accuracy over {len(entries)} names: {figures}")
    record_property("parse_accuracy", json.dumps(figures))
    assert not low, low


def test_every_theatre_spelling_reads_as_a_theatre_copy() -> None:
    layouts = (
        "Lanterns.Over.Kyoto.2025.{}.x264-RUSTLE",
        "Lanterns Over Kyoto 2025 1080p {} x264 AAC-BOREAL",
        "Lanterns.Over.Kyoto.2025.720p.{}.XviD-NOGRP [TGx]",
        "Lanterns Over Kyoto (2025) [{}] [Hindi]",
    )
    for spelling in THEATRE_SPELLINGS:
        for layout in layouts:
            name = layout.format(spelling)
            assert parse_title(name).source in THEATRE_SOURCES, name
    # A film called "Cam" is not a camera copy.
    assert parse_title("Cam.2018.1080p.NF.WEB-DL.DDP5.1.x264-NTG").source is Source.WEB_DL


def test_anime_numbering_groups_and_languages_read_as_people_mean_them() -> None:
    year_then_absolute = parse_title("[Lumen] Koori no Shiro (2014) - 017 (115) [1080p].mkv")
    assert (year_then_absolute.year, year_then_absolute.seasons) == (2014, ())
    assert year_then_absolute.episodes == (17,) and year_then_absolute.anime
    assert parse_title("[Lumen] Hikari no Machi - 100 - Last Train [1080p]").episodes == (100,)
    assert parse_title("[Lumen] 86 - 01 [1080p].mkv").title == "86"
    assert parse_title("[Lumen] Hikari - 01 ~ 10 [720p]").episodes == tuple(range(1, 11))
    assert parse_title("[Lumen] Hikari - 07v2 [1080p]").episodes == (7,)
    assert not parse_title("Hikari.S01E07.1080p.WEB.H264-NTb").anime
    groups = {
        "Pale.Harbor.2024.1080p.WEB-DL.DDP5.1.H.264-EVO-Rakuv": "EVO",
        "Pale.Harbor.S01E04.1080p.WEB.H264-NTb-GEROV": "NTb",
        "Pale.Harbor.S01E05.720p.WEB.x265-MeGusta-Pre": "MeGusta",
        "Pale.Harbor.S01E09.HDTV.x264-2HD [eztv]": "2HD",
        "Pale Harbor (2024) (1080p BluRay x265 HEVC 10bit AAC 5.1 Tigole QxR)": "QxR",
        "Pale.Harbor.2024.2160p.UHD.BluRay.x265.10bit.HDR.DTS-X.MA.5.1": None,
    }
    assert {name: parse_title(name).group for name in groups} == groups
    languages = {
        "O Sertão 2021 1080p WEB-DL Dublado": ("pt-BR",),
        "La Frontera (2020) 1080p Latino WEB-DL": ("es-419",),
        "La Frontera (2020) [BluRay 1080p][Castellano]": ("es",),
        "Fjordlys.2023.DANISH.1080p.WEB-DL.H.264-TWA": ("da",),
        "Kara.Deniz.2022.TURKISH.1080p.WEBRip.x264-NOVA": ("tr",),
        "Jade.Mountain.2020.CHINESE.1080p.BluRay.x264-WiKi": ("zh",),
    }
    assert {name: parse_title(name).languages for name in languages} == languages


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
