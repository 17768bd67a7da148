"""A magnet refused at a later poll (its files known once its metadata came) is announced with
its refusal's translation key and the file that decided it, for every kind of refusal: the
panel and Home Assistant say it in the user's language from these, not from English text.
qBittorrent here is a small stand-in (the real one is in test_guard.py)."""

from __future__ import annotations

from collections.abc import Sequence
import json
from pathlib import Path

import pytest

from custom_components.mediahub.hub.clients.maindata import TorrentRecord
from custom_components.mediahub.hub.events import EngineEvent, EventBus, ReleaseRefused
from custom_components.mediahub.hub.lifecycle.claims import Claims
from custom_components.mediahub.hub.lifecycle.guard import FileGuard
from custom_components.mediahub.hub.lifecycle.tags import GUARD, grab_tags
from custom_components.mediahub.hub.models import Origin

GB = 1024**3
HASH = "c0ffee" * 6 + "abcd"
TRANSLATIONS = Path(__file__).parents[2] / "custom_components/mediahub/translations"


class FilesOnlyQbittorrent:
    """What the guard asks of qBittorrent for one torrent: its files, a claim, a removal."""

    def __init__(self, files: Sequence[tuple[str, int]]) -> None:
        self._files = [(index, name, size) for index, (name, size) in enumerate(files)]
        self.deleted: list[str] = []
        self.started: list[str] = []

    async def files(self, infohash: str) -> list[tuple[int, str, int]]:
        return self._files

    async def create_category(self, name: str) -> bool:
        return True

    async def remove_categories(self, names: Sequence[str]) -> None:
        return None

    async def delete(self, hashes: Sequence[str], *, delete_files: bool) -> None:
        self.deleted.extend(hashes)

    async def skip_files(self, infohash: str, indexes: Sequence[int]) -> None:
        return None

    async def remove_tags(self, hashes: Sequence[str], tags: Sequence[str]) -> None:
        return None

    async def start(self, hashes: Sequence[str]) -> None:
        self.started.extend(hashes)


def waiting_magnet(name: str, size: int) -> TorrentRecord:
    """A magnet whose metadata came: stopped by qBittorrent, tagged for the guard."""
    record = TorrentRecord()
    record.merge(
        {
            "name": name,
            "state": "stoppedDL",
            "size": size,
            "category": "movies",
            "tags": ", ".join([*grab_tags(Origin.PANEL), GUARD]),
        }
    )
    return record


@pytest.mark.parametrize(
    ("files", "code", "offender"),
    [
        (
            [("Film/Film.2020.1080p.mkv", 4 * GB), ("Film/setup.exe", 2**20)],
            "release_refused",
            "setup.exe",
        ),
        (
            [("Film/Film.2020.1080p.rar", 2 * GB), ("Film/Film.2020.1080p.r00", 2 * GB)],
            "release_refused_archive",
            "Film.2020.1080p.rar",
        ),
        (
            [("Film/Film.2020.1080p.mkv", 4 * GB), ("Film/password.txt", 100)],
            "release_refused_password",
            "password.txt",
        ),
        (
            [("Film/Film.2020.1080p.pdf", 3 * GB), ("Film/Film.2020.1080p.mkv", GB)],
            "release_refused_not_video",
            "Film.2020.1080p.pdf",
        ),
        (
            [("Film/Film.2020.1080p.mkv\u202eexe.avi", 4 * GB)],
            "release_refused_deceptive",
            "Film.2020.1080p.mkv<U+202E>exe.avi",
        ),
        # Nothing to blame but the whole: the release itself is named.
        ([("Film/readme.txt", 100), ("Film/cover.jpg", 2000)], "release_refused_no_video", None),
    ],
)
async def test_a_magnet_refused_after_its_metadata_names_its_rule_and_file(
    files: list[tuple[str, int]], code: str, offender: str | None
) -> None:
    name = "Film.2020.1080p.WEB-DL.x264-GRP"
    qbittorrent = FilesOnlyQbittorrent(files)
    events = EventBus()
    seen: list[EngineEvent] = []
    events.subscribe(seen.append)
    guard = FileGuard(qbittorrent, Claims(qbittorrent), events)  # type: ignore[arg-type]
    verdict = await guard.run(HASH, waiting_magnet(name, sum(s for _, s in files)), list)
    assert verdict is not None and verdict.refused
    assert qbittorrent.deleted == [HASH] and not qbittorrent.started
    [refused] = [e for e in seen if isinstance(e, ReleaseRefused)]
    assert (refused.grab.hash, refused.grab.name, refused.grab.origin) == (
        HASH,
        name,
        Origin.PANEL,
    )
    assert (refused.code, refused.file) == (code, offender or name)
    assert refused.reason == verdict.text  # the English, for older consumers
    # Every language has a message for it, which names the file when one is to blame.
    for translations in sorted(TRANSLATIONS.glob("*.json")):
        message = json.loads(translations.read_text())["exceptions"][code]["message"]
        assert "{name}" in message, translations.name
        assert offender is None or "{file}" in message, translations.name
