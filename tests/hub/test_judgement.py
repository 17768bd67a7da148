"""Release judgement a household can trust: unknown is not good, no theatre copy in any spelling,
no spam, no size that cannot be what the name says. Names written here, in the styles of public
indexer listings."""

from __future__ import annotations

import pytest

from custom_components.mediahub.hub.models import Release
from custom_components.mediahub.hub.releases.parse import Source, parse_title
from custom_components.mediahub.hub.releases.pick import NoAcceptableReleaseError, pick, wanted
from custom_components.mediahub.hub.releases.profile import GB, default_profile
from custom_components.mediahub.hub.releases.score import (
    UNKNOWN_SOURCE_COST,
    Assessment,
    assess,
    ranked,
)
from custom_components.mediahub.hub.wire import verdict_json

MB = 1024**2


def release(
    title: str, *, size: int = 2 * GB, seeders: int = 50, category: str = "movies"
) -> Release:
    return Release(
        id=f"id-{title}",
        title=title,
        size=size,
        seeders=seeders,
        leechers=0,
        indexer="test",
        indexer_id=1,
        category_id={"movies": 2000, "tv": 5000, "music": 3000, "books": 7000}[category],
        category=category,
        age_hours=1.0,
        published=None,
        protocol="torrent",
    )


def judged(title: str, **kwargs: object) -> Assessment:
    item = release(title, **kwargs)  # type: ignore[arg-type]
    return assess(item, parse_title(title), default_profile(item.category))


def codes(assessment: Assessment) -> list[str]:
    return [r.code for r in assessment.reasons]


# --- unknown is not good -------------------------------------------------------------------------


def test_a_release_whose_source_cannot_be_read_ranks_below_every_known_source() -> None:
    unknown = judged("Arrival.2016.2160p.HDR.x265-NOSRC", seeders=5000)
    known = [
        judged("Arrival.2016.720p.HDTV.x264-SLOW", seeders=3),
        judged("Arrival.2016.1080p.WEBRip.x264-RARBG", seeders=40),
        judged("Arrival.2016.1080p.BluRay.x264-SPARKS", seeders=300),
    ]
    assert unknown.passes and unknown.unknown_source
    assert all(k.passes and not k.unknown_source for k in known)
    order = ranked([unknown, *known])
    assert order[-1] is unknown  # 5,000 seeders and 2160p HDR do not lift it above a 720p HDTV
    assert pick([unknown, *known], wanted("Arrival")) is not unknown
    # Still found when it is all there is: unknown ranks last, it is not refused.
    assert pick([unknown], wanted("Arrival")) is unknown
    # The panel says so.
    assert verdict_json(unknown)["unknown_source"] is True
    assert verdict_json(known[0])["unknown_source"] is False


def test_the_cost_of_an_unknown_source_outweighs_anything_a_release_earns() -> None:
    best_possible = judged(
        "Arrival.2016.1080p.BluRay.REMUX.HEVC.HDR.PROPER-FGT", size=30 * GB, seeders=10**6
    )
    worst_known = judged("Arrival.2016.DVDRip.XviD-OLD", size=700 * MB, seeders=3)
    assert best_possible.score < UNKNOWN_SOURCE_COST
    assert worst_known.score >= 0


@pytest.mark.parametrize("category", ["music", "books"])
def test_music_and_books_have_no_picture_and_no_source_to_miss(category: str) -> None:
    album = judged("Daft.Punk-Random.Access.Memories-2013-FLAC", category=category, size=400 * MB)
    assert album.passes and not album.unknown_source


# --- theatre copies, in every spelling ----------------------------------------------------------

# Every theatre and pre-release spelling known here, and the source it is.
THEATRE_SPELLINGS = {
    "CAM": Source.CAM,
    "HDCAM": Source.CAM,
    "HQCAM": Source.CAM,
    "NEWCAM": Source.CAM,
    "CAMRip": Source.CAM,
    "CAM-Rip": Source.CAM,
    "CAM.Rip": Source.CAM,
    "HD-CAM": Source.CAM,
    "HD.CAM": Source.CAM,
    "HQ-CAM": Source.CAM,
    "HDCAMRip": Source.CAM,
    "WORKPRINT": Source.CAM,
    "TS": Source.TELESYNC,
    "HDTS": Source.TELESYNC,
    "HD-TS": Source.TELESYNC,
    "HQTS": Source.TELESYNC,
    "TSRip": Source.TELESYNC,
    "TS-Rip": Source.TELESYNC,
    "HDTSRip": Source.TELESYNC,
    "TeleSync": Source.TELESYNC,
    "TELESYNC": Source.TELESYNC,
    "Tele-Sync": Source.TELESYNC,
    "TeleSynch": Source.TELESYNC,
    "HD.TeleSync": Source.TELESYNC,
    "PDVD": Source.TELESYNC,
    "PDVDRip": Source.TELESYNC,
    "PreDVDRip": Source.TELESYNC,
    "Pre-DVDRip": Source.TELESYNC,
    "TC": Source.TELECINE,
    "HDTC": Source.TELECINE,
    "HD-TC": Source.TELECINE,
    "TCRip": Source.TELECINE,
    "TeleCine": Source.TELECINE,
    "Tele-Cine": Source.TELECINE,
    "SCR": Source.SCREENER,
    "SCREENER": Source.SCREENER,
    "DVDSCR": Source.SCREENER,
    "DVD-SCR": Source.SCREENER,
    "DVDSCREENER": Source.SCREENER,
    "DVD.Screener": Source.SCREENER,
    "BDSCR": Source.SCREENER,
    "BD-SCR": Source.SCREENER,
    "BRSCR": Source.SCREENER,
    "WEBSCR": Source.SCREENER,
    "WEB-SCR": Source.SCREENER,
    "WEBSCREENER": Source.SCREENER,
    "R5": Source.SCREENER,
}
# The shapes a name takes on indexers: scene dots, P2P spaces, brackets, a word at the end.
SHAPES = (
    "Glass.Orchard.2024.{w}.x264-NOGRP",
    "Glass.Orchard.2024.1080p.{w}.x264-NOGRP",
    "Glass Orchard 2024 {w} XviD",
    "Glass Orchard (2024) [{w}] [1080p]",
    "Glass_Orchard_2024_{w}_AAC",
    "Glass.Orchard.2024.720p.{w}.Line.Audio-GRP",
    "Glass Orchard {w}",
    "[GRP] Glass Orchard 2024 - {w} 720p",
)


@pytest.mark.parametrize("spelling", sorted(THEATRE_SPELLINGS))
def test_no_theatre_spelling_passes_the_default_profile_in_any_shape(spelling: str) -> None:
    for shape in SHAPES:
        name = shape.format(w=spelling)
        verdict = judged(name, size=1500 * MB, seeders=4000)
        assert not verdict.passes, name
        [theatre] = [r for r in verdict.reasons if r.code == "blocked_source"]
        assert theatre.values[0] == ("source", THEATRE_SPELLINGS[spelling]), name
        # Never ranked above an honest release, whatever its swarm.
        honest = judged("Glass.Orchard.2024.720p.WEB-DL.x264-GRP", seeders=3)
        assert ranked([verdict, honest])[0] is honest, name


@pytest.mark.parametrize(
    "name",
    [
        # Films whose titles hold a theatre word, named with their year first.
        "Cam.2018.1080p.NF.WEB-DL.DDP5.1.x264-NTG",
        "The.Cam.Girl.2019.1080p.WEB.H264-GRP",
        "Scream.2022.1080p.BluRay.x264-SPARKS",
        "Screamers.1995.720p.BluRay.x264-GRP",
        "The.Screener.2013.1080p.WEB-DL.x264-GRP",
        "TC.2014.1080p.BluRay.x264-GRP",
        "Tsotsi.2005.1080p.BluRay.x264-GRP",
        "Camera.Buff.1979.1080p.BluRay.x264-GRP",
        "Camille.Claudel.1988.1080p.BluRay.x264-GRP",
        "Cameraperson.2016.1080p.WEB-DL.x264-GRP",
        # Episodes: the episode's own title between its number and the picture.
        "Lumen.Hollow.S01E05.The.Cam.1080p.WEB.H264-GGEZ",
        "Lumen.Hollow.S02E01.TS.and.Me.720p.HDTV.x264-KILLERS",
        # Look-alikes inside words and honest technical tags.
        "Hatsune.Miku.Expo.2020.1080p.WEB-DL.AAC2.0.x264-GRP",
        "Glass.Orchard.2024.1080p.WEB-DL.DDP5.1.Atmos.H.264-CMRG",
        "Glass.Orchard.2024.1080p.HDTV.x264-HC3D",
    ],
)
def test_titles_that_look_like_theatre_words_still_pass(name: str) -> None:
    category = "tv" if ".S0" in name else "movies"
    verdict = judged(name, category=category)
    assert "blocked_source" not in codes(verdict), (name, verdict.reasons)
    assert "hardcoded_subs" not in codes(verdict), name


def test_hardcoded_subtitles_are_refused_with_their_own_reason() -> None:
    for name in (
        "Glass.Orchard.2024.1080p.HC.HDRip.x264-NOGRP",
        "Glass.Orchard.2024.720p.WEBRip.KORSUB.x264-NOGRP",
        "Glass Orchard 2024 HC WEB-DL 1080p",
    ):
        verdict = judged(name)
        assert codes(verdict) == ["hardcoded_subs"], name
    # A profile that lets theatre copies through lets these through too.
    allowing = default_profile("movies").merged({"blocked_sources": []})
    name = "Glass.Orchard.2024.1080p.HC.HDRip.x264-NOGRP"
    assert assess(release(name), parse_title(name), allowing).passes


def test_a_theatre_copy_refusal_names_its_rule() -> None:
    telesynch = judged("Glass.Orchard.2024.TeleSynch.x264-GRP")
    with pytest.raises(NoAcceptableReleaseError) as refused:
        pick([telesynch], wanted("Glass Orchard"))
    assert refused.value.code == "no_acceptable_release_blocked_source"
    assert refused.value.values["source"] == "TS"


# --- spam ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Oppenheimer 2023 1080p WEBRip Free Download Full Movie HD",
        "Oppenheimer.2023.Full.Movie.Watch.Online.1080p",
        "Oppenheimer (2023) Watch Free HD 1080p",
        "Download Free Oppenheimer 2023 720p WEB-DL",
        "Oppenheimer 2023 Film Complet 1080p WEB",
        "Oppenheimer 2023 Pelicula Completa 1080p WEB-DL",
        "Oppenheimer 2023 1080p WEBRip x264 - www.1TamilMV.com",
        "Oppenheimer.2023.1080p.WEBRip.x264-MovieSite.org",
        "[www.ExampleTorrents.net] Oppenheimer 2023 1080p BluRay",
        "Oppenheimer 2023 1080p HDRip [freemovies.xyz]",
    ],
)
def test_spam_shaped_titles_are_refused_with_their_own_reason(name: str) -> None:
    verdict = judged(name)
    assert "spam" in codes(verdict), (name, verdict.reasons)


@pytest.mark.parametrize(
    "name",
    [
        "Free.Guy.2021.1080p.BluRay.x264-GRP",
        "Free.Solo.2018.1080p.WEB-DL.x264-GRP",
        "The.Download.2023.1080p.WEB-DL.x264-GRP",
        "Full.Metal.Jacket.1987.1080p.BluRay.x264-AMIABLE",
        "Watchmen.2009.1080p.BluRay.x264-GRP",
        "Online.Dating.2021.1080p.WEB.x264-GRP",
        "Lost.In.Space.2018.S01E01.1080p.NF.WEB-DL.DDP5.1.x264-NTb",
        "Love.In.The.Time.Of.Cholera.2007.1080p.BluRay.x264-GRP",
        "The.Social.Network.2010.1080p.BluRay.x264-SPARKS",
        "Oppenheimer (2023) [1080p] [BluRay] [5.1] [YTS.MX]",
        "www.Torrenting.com - Oppenheimer.2023.1080p.WEB-DL.DDP5.1.H.264-NTb",
        "Mr.Robot.S01E01.1080p.BluRay.x264-ROVERS",
    ],
)
def test_honest_titles_with_look_alike_words_are_not_spam(name: str) -> None:
    category = "tv" if ".S0" in name else "movies"
    assert "spam" not in codes(judged(name, category=category)), name


# --- sizes that cannot be what the name says ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "category", "size", "refused"),
    [
        ("Glass.Orchard.2024.1080p.WEB-DL.x264-GRP", "movies", 6 * MB, True),  # a few MB
        ("Glass.Orchard.2024.1080p.WEB-DL.x264-GRP", "movies", 1400 * MB, False),
        ("Glass.Orchard.2024.1080p.WEB-DL.x265-GRP", "movies", 700 * MB, False),  # a small HEVC
        ("Glass.Orchard.2024.2160p.BluRay.REMUX.HEVC-FGT", "movies", 700 * MB, True),
        ("Glass.Orchard.2024.2160p.BluRay.REMUX.HEVC-FGT", "movies", 19 * GB, True),
        ("Glass.Orchard.2024.1080p.BluRay.REMUX.AVC-FGT", "movies", 18 * GB, False),
        ("Glass.Orchard.2024.2160p.WEB-DL.x265-GRP", "movies", 800 * MB, True),
        ("Glass.Orchard.2024.2160p.WEB-DL.x265-GRP", "movies", 6 * GB, False),
        ("Glass.Orchard.2024.DVDRip.XviD-GRP", "movies", 700 * MB, False),
        ("Lumen.Hollow.S01E01.1080p.WEB-DL.x264-NTb", "tv", 5 * MB, True),
        ("Lumen.Hollow.S01E01.720p.HDTV.x264-KILLERS", "tv", 200 * MB, False),
        ("Lumen.Hollow.S01E01.1080p.WEB.x265-MeGusta", "tv", 180 * MB, False),
        ("Lumen.Hollow.S01.1080p.WEB-DL.x264-NTb", "tv", 20 * MB, True),
        ("Lumen.Hollow.S01.1080p.WEB-DL.x264-NTb", "tv", 8 * GB, False),
        ("Glass.Orchard.2024.1080p.WEB-DL.x264-GRP", "movies", 0, False),  # the indexer gave none
    ],
)
def test_sizes_implausible_for_their_kind_resolution_and_source(
    name: str, category: str, size: int, refused: bool
) -> None:
    verdict = judged(name, category=category, size=size)
    assert ("too_small" in codes(verdict)) is refused, (name, verdict.reasons)


def test_a_size_refusal_says_what_it_was_judged_as() -> None:
    remux = judged("Glass.Orchard.2024.2160p.BluRay.REMUX.HEVC-FGT", size=700 * MB)
    [small] = [r for r in remux.reasons if r.code == "too_small"]
    assert small.text == "too small: 700 MB < 19.5 GB for a 2160p Remux"
    assert dict(small.values)["what"] == "2160p Remux"
    assert int(dict(small.values)["size_bytes"]) == 700 * MB


def test_the_floor_is_the_profiles_and_zero_turns_it_off() -> None:
    name = "Glass.Orchard.2024.1080p.WEB-DL.x264-GRP"
    item = release(name, size=100 * MB)
    movies = default_profile("movies")
    assert "too_small" in codes(assess(item, parse_title(name), movies))
    assert assess(item, parse_title(name), movies.merged({"min_size_mb": 0})).passes
    assert "too_small" in codes(
        assess(item, parse_title(name), movies.merged({"min_size_mb": 150}))
    )
    assert default_profile("music").min_size_mb == 0
