"""Plex's names for a release's files (releases/naming.py): Plex's own naming rules."""

from __future__ import annotations

import pytest

from custom_components.mediahub.hub.releases.files import TorrentFile
from custom_components.mediahub.hub.releases.naming import clean, layout

MB = 1024 * 1024


def renamed(
    release: str, files: dict[str, int], *, episodes: bool = False, taken: bool = False
) -> dict[str, str] | None:
    plan = layout(
        release,
        [TorrentFile(i, name, size) for i, (name, size) in enumerate(files.items())],
        episodes=episodes,
        taken=lambda _path: taken,
    )
    return None if plan is None else {r.old: r.new for r in plan.renames}


def test_a_movie_goes_into_its_titled_folder_with_its_subtitles_beside_it() -> None:
    root = "The.Matrix.1999.1080p.BluRay.x264-GRP"
    assert renamed(
        root,
        {
            f"{root}/{root}.mkv": 900 * MB,
            f"{root}/Subs/English.srt": 1,
            f"{root}/Subs/English.forced.srt": 1,
            f"{root}/Subs/2_French.srt": 1,
            f"{root}/Sample/sample.mkv": 5 * MB,
            f"{root}/{root}.nfo": 1,
        },
    ) == {
        f"{root}/{root}.mkv": "The Matrix (1999)/The Matrix (1999).mkv",
        f"{root}/Subs/English.srt": "The Matrix (1999)/The Matrix (1999).en.srt",
        f"{root}/Subs/English.forced.srt": "The Matrix (1999)/The Matrix (1999).en.forced.srt",
        f"{root}/Subs/2_French.srt": "The Matrix (1999)/The Matrix (1999).fr.srt",
        # Junk keeps its name, under the new folder, so the torrent keeps one root.
        f"{root}/Sample/sample.mkv": "The Matrix (1999)/Sample/sample.mkv",
        f"{root}/{root}.nfo": f"The Matrix (1999)/{root}.nfo",
    }


def test_a_single_file_movie_gets_a_folder() -> None:
    assert renamed("Sintel.2010.1080p.WEB-DL", {"Sintel.2010.1080p.WEB-DL.mp4": MB}) == {
        "Sintel.2010.1080p.WEB-DL.mp4": "Sintel (2010)/Sintel (2010).mp4"
    }


def test_a_second_version_of_a_movie_gets_its_quality_as_a_suffix() -> None:
    assert renamed("Sintel.2010.2160p.BluRay", {"s.mkv": MB}, taken=True) == {
        "s.mkv": "Sintel (2010)/Sintel (2010) - 2160p BluRay.mkv"
    }


def test_editions_and_parts_follow_plex() -> None:
    assert renamed("Aliens.1986.Directors.Cut.1080p", {"a.mkv": MB}) == {
        "a.mkv": "Aliens (1986)/Aliens (1986) {edition-Director's Cut}.mkv"
    }
    assert renamed("Gone.With.The.Wind.1939", {"G/cd1.avi": MB, "G/cd2.avi": MB}) == {
        "G/cd1.avi": "Gone With The Wind (1939)/Gone With The Wind (1939) - pt1.avi",
        "G/cd2.avi": "Gone With The Wind (1939)/Gone With The Wind (1939) - pt2.avi",
    }


def test_an_episode_a_double_episode_a_season_pack_and_a_special() -> None:
    assert renamed("Severance.S01E02.1080p.WEB", {"x.mkv": MB}, episodes=True) == {
        "x.mkv": "Severance/Season 01/Severance - s01e02.mkv"
    }
    pack = "Severance.2022.S02.1080p.WEB"
    assert renamed(
        pack,
        {
            f"{pack}/Severance.S02E01.mkv": MB,
            f"{pack}/Severance.S02E02E03.mkv": MB,
            f"{pack}/Severance.S02E01.eng.srt": 1,
        },
        episodes=True,
    ) == {
        f"{pack}/Severance.S02E01.mkv": "Severance (2022)/Season 02/Severance (2022) - s02e01.mkv",
        f"{pack}/Severance.S02E02E03.mkv": (
            "Severance (2022)/Season 02/Severance (2022) - s02e02-e03.mkv"
        ),
        f"{pack}/Severance.S02E01.eng.srt": (
            "Severance (2022)/Season 02/Severance (2022) - s02e01.en.srt"
        ),
    }
    assert renamed("Doctor.Who.2005.S00E01.Special", {"d.mkv": MB}, episodes=True) == {
        "d.mkv": "Doctor Who (2005)/Season 00/Doctor Who (2005) - s00e01.mkv"
    }


def test_a_name_that_says_too_little_is_left_as_it_is() -> None:
    assert renamed("Some.Show.Without.Numbers", {"x.mkv": MB}, episodes=True) is None
    assert renamed("Only.Text", {"readme.txt": 10}) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mission: Impossible", "Mission - Impossible"),
        ('What? "Why" <Now>|*', "What Why Now"),
        ("Ends with dots...", "Ends with dots"),
        ("CON", "CON_"),
        ("", "Unknown"),
        ("x" * 400, "x" * 180),
    ],
)
def test_names_are_safe_for_plex_and_smb_shares(text: str, expected: str) -> None:
    assert clean(text) == expected


def test_two_subtitles_of_one_language_and_one_for_no_episode_keep_apart() -> None:
    pack = "Severance.S01.1080p.WEB"
    assert renamed(
        pack,
        {
            f"{pack}/Severance.S01E01.mkv": MB,
            f"{pack}/Severance.S01E02.mkv": MB,
            f"{pack}/Severance.S01E01.en.srt": 1,
            f"{pack}/Subs/Severance.S01E01.English.srt": 1,
            f"{pack}/Severance.S01E09.en.srt": 1,  # no video holds episode 9
        },
        episodes=True,
    ) == {
        f"{pack}/Severance.S01E01.mkv": "Severance/Season 01/Severance - s01e01.mkv",
        f"{pack}/Severance.S01E02.mkv": "Severance/Season 01/Severance - s01e02.mkv",
        f"{pack}/Severance.S01E01.en.srt": "Severance/Season 01/Severance - s01e01.en.srt",
        f"{pack}/Subs/Severance.S01E01.English.srt": (
            "Severance/Season 01/Severance - s01e01.en.2.srt"
        ),
        f"{pack}/Severance.S01E09.en.srt": "Severance/Severance.S01E09.en.srt",
    }
