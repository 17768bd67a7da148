"""Property-based tests (Hypothesis): the maindata merge, Prowlarr parsing and de-duplication,
the path map."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
import itertools
from pathlib import PurePosixPath
from typing import Any

from hypothesis import example, given, strategies as st

from custom_components.mediahub.hub.clients.maindata import (
    SERVER_FIELDS,
    TORRENT_FIELDS,
    MaindataModel,
)
from custom_components.mediahub.hub.errors import ServiceUnavailableError
from custom_components.mediahub.hub.library.pathmap import PathMap
from custom_components.mediahub.hub.models import Indexer
from custom_components.mediahub.hub.releases.search import SearchService, parse_release
from tests.support.strategies import any_json

HASHES = [f"{i:040x}" for i in range(6)]
FIELD_VALUES: dict[str, Any] = {
    "name": st.text(max_size=20),
    "state": st.sampled_from(
        ["downloading", "stalledDL", "stoppedDL", "pausedUP", "uploading", "error", "metaDL"]
    ),
    "progress": st.floats(0, 1),
    "size": st.integers(0, 10**12),
    "downloaded": st.integers(0, 10**12),
    "uploaded": st.integers(0, 10**12),
    "dlspeed": st.integers(0, 10**9),
    "upspeed": st.integers(0, 10**9),
    "eta": st.sampled_from([0, 60, 8640000]),
    "category": st.sampled_from(["", "movies", "tv"]),
    "tags": st.sampled_from(["", "mediahub", "mediahub, other"]),
    "save_path": st.sampled_from(["/downloads/complete/movies", "/downloads/complete/tv"]),
    "content_path": st.text(max_size=30),
    "root_path": st.text(max_size=30),
    "added_on": st.integers(0, 2**31),
    "completion_on": st.integers(-1, 2**31),
    "num_seeds": st.integers(0, 1000),
    "num_leechs": st.integers(0, 1000),
    "ratio": st.floats(0, 100),
    "amount_left": st.integers(0, 10**12),
    "last_activity": st.integers(0, 2**31),
}
torrent_state = st.fixed_dictionaries({f: FIELD_VALUES[f] for f in TORRENT_FIELDS})
snapshot = st.dictionaries(st.sampled_from(HASHES), torrent_state, max_size=len(HASHES))
server_state = st.fixed_dictionaries(
    {"dl_info_speed": st.integers(0, 10**9), "free_space_on_disk": st.integers(0, 10**13)}
)


def diff(
    old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]], rid: int
) -> dict[str, Any]:
    """What qBittorrent sends between two states: changed fields only, and removals."""
    torrents = {}
    for infohash, fields in new.items():
        before = old.get(infohash, {})
        changed = {k: v for k, v in fields.items() if before.get(k) != v}
        if changed:
            torrents[infohash] = changed
    update: dict[str, Any] = {"rid": rid, "torrents": torrents}
    removed = [h for h in old if h not in new]
    if removed:
        update["torrents_removed"] = removed
    return update


def model_view(model: MaindataModel) -> dict[str, dict[str, Any]]:
    return {h: {f: getattr(r, f) for f in TORRENT_FIELDS} for h, r in model.torrents.items()}


@given(
    states=st.lists(snapshot, min_size=1, max_size=8),
    servers=st.lists(server_state, min_size=1, max_size=8),
)
def test_any_sequence_of_partial_updates_equals_the_full_snapshot(
    states: list[dict[str, dict[str, Any]]], servers: list[dict[str, int]]
) -> None:
    incremental = MaindataModel()
    incremental.apply(
        {"rid": 1, "full_update": True, "torrents": states[0], "server_state": servers[0]}
    )
    for rid, (old, new) in enumerate(itertools.pairwise(states), start=2):
        incremental.apply(diff(old, new, rid))
    incremental.apply({"rid": 99, "server_state": servers[-1]})
    fresh = MaindataModel()
    fresh.apply(
        {"rid": 1, "full_update": True, "torrents": states[-1], "server_state": servers[-1]}
    )
    assert model_view(incremental) == model_view(fresh)
    assert {k: incremental.server[k] for k in servers[-1] if k in SERVER_FIELDS} == servers[-1]
    assert incremental.counts() == fresh.counts()


ANY_JSON = any_json(max_text=10)
release_like = st.fixed_dictionaries(
    {
        "guid": st.one_of(st.text(max_size=5), st.integers(), st.none()),
        "title": st.one_of(st.text(max_size=20), st.none()),
        "downloadUrl": st.one_of(st.just("http://prowlarr/1/download?apikey=k&link=x"), st.none()),
    },
    optional={
        "infoHash": st.one_of(st.sampled_from(["", "AB" * 20, "cd" * 20]), st.integers()),
        "size": ANY_JSON,
        "seeders": ANY_JSON,
        "ageHours": ANY_JSON,
        "categories": st.one_of(
            st.lists(st.fixed_dictionaries({"id": st.integers(-5, 200_000)}), max_size=3), ANY_JSON
        ),
        "publishDate": ANY_JSON,
    },
)
INDEXER = Indexer(
    id=1, name="Fuzz", enabled=True, protocol="torrent", privacy="public", failing=False
)


@given(item=st.one_of(release_like, st.dictionaries(st.text(max_size=8), ANY_JSON, max_size=6)))
# Found by a random run: a `categories` that is not a list crashed the parse.
@example(item={"guid": "", "title": "", "downloadUrl": "http://x/1", "categories": True})
def test_parsing_any_release_never_crashes(item: dict[str, Any]) -> None:
    parsed = parse_release(item, INDEXER)
    if parsed is not None:
        release, link, guid = parsed
        assert release.title == item["title"] and link and guid == item["guid"]
        assert isinstance(release.size, int)
        assert release.size >= 0
        assert release.category in (None, "movies", "tv", "music", "books")


class StaticIndexers:
    """Our own client's two methods, answering fixed lists (for property tests of the merge)."""

    def __init__(self, answers: dict[int, list[dict[str, Any]] | None]) -> None:
        self.answers = answers

    async def indexers(self) -> list[Indexer]:
        return [
            Indexer(
                id=i, name=f"I{i}", enabled=True, protocol="torrent", privacy=None, failing=False
            )
            for i in self.answers
        ]

    async def search_indexer(
        self, indexer_id: int, query: str, categories: Sequence[int], time_limit: float
    ) -> list[dict[str, Any]]:
        answer = self.answers[indexer_id]
        if answer is None:
            raise ServiceUnavailableError("Prowlarr", "HTTP 500")
        return answer


result = st.fixed_dictionaries(
    {
        "guid": st.sampled_from([f"g{i}" for i in range(5)]),
        "title": st.sampled_from(["A", "B", "C"]),
        "downloadUrl": st.just("http://p/1/download?apikey=k"),
        "infoHash": st.sampled_from(["", *(f"{i}" * 40 for i in range(4))]),
    }
)


@given(
    answers=st.dictionaries(
        st.integers(1, 4), st.one_of(st.none(), st.lists(result, max_size=6)), min_size=1
    )
)
def test_merged_results_have_no_duplicate_infohash_or_guid(
    answers: dict[int, list[dict[str, Any]] | None],
) -> None:
    service = SearchService(StaticIndexers(answers))  # type: ignore[arg-type]
    outcome = asyncio.run(service.search_all("x"))
    hashes = [r.infohash for r in outcome.releases if r.infohash]
    assert len(hashes) == len(set(hashes))
    ids = [r.id for r in outcome.releases]
    assert len(ids) == len(set(ids))
    every_guid = {item["guid"] for items in answers.values() if items for item in items}
    for release in outcome.releases:
        assert service.resolve(release.id)[1] == "http://p/1/download?apikey=k"
    assert len(outcome.releases) <= len(every_guid)
    assert {s.indexer_id for s in outcome.indexers} == set(answers)


segment = st.text(
    alphabet=st.characters(blacklist_characters="/\x00", blacklist_categories=["Cs"]),
    min_size=1,
    max_size=8,
)
absolute = st.lists(segment, min_size=1, max_size=5).map(lambda parts: "/" + "/".join(parts))


@given(
    pairs=st.lists(st.tuples(absolute, absolute), min_size=1, max_size=4),
    path=st.one_of(absolute, st.text(max_size=30)),
)
def test_the_path_map_only_ever_maps_inside_a_target(
    pairs: list[tuple[str, str]], path: str
) -> None:
    mapped = PathMap(pairs).to_plex(path)
    if mapped is None:
        return
    source = PurePosixPath(path)
    assert ".." not in source.parts
    matches = [
        (s, t) for s, t in pairs if source == PurePosixPath(s) or PurePosixPath(s) in source.parents
    ]
    assert matches
    longest = max(len(PurePosixPath(s).parts) for s, _ in matches)
    assert any(
        mapped == str(PurePosixPath(t) / source.relative_to(PurePosixPath(s)))
        for s, t in matches
        if len(PurePosixPath(s).parts) == longest
    )
