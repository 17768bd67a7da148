"""What `mypy --strict` cannot prove of hub/wire.py's encoders (it proves each builds exactly its
TypedDict): that a string of an enum's values is one of them, that a nested message carries no
more keys than its own (a wider TypedDict passes for a narrower one), that keys a message may
omit are omitted when they say nothing, and that a quality profile's stored format is its
message."""

from __future__ import annotations

from collections.abc import Callable
import enum
import types
import typing
from typing import Any, Literal, NotRequired, Union

import pytest

from custom_components.mediahub.hub import wire
from custom_components.mediahub.hub.library.index import InPlex
from custom_components.mediahub.hub.library.marks import Marks
from custom_components.mediahub.hub.library.ready import ReadyItem
from custom_components.mediahub.hub.models import (
    AuditState,
    Bandwidth,
    Download,
    DownloadStatus,
    GrabResult,
    Hold,
    IndexerSearchStatus,
    IndexerState,
    LibraryItem,
    Origin,
    Release,
    Stage,
    Stall,
    TransferAudit,
    TransferState,
    VpnState,
    VpnStatus,
)
from custom_components.mediahub.hub.releases.best import BestGrab
from custom_components.mediahub.hub.releases.parse import parse_title
from custom_components.mediahub.hub.releases.profile import QualityProfile, default_profile
from custom_components.mediahub.hub.releases.score import assess


def keys(message: Any) -> tuple[set[str], set[str]]:
    """A message's keys: those always sent, and those it may omit."""
    hints = typing.get_type_hints(message, include_extras=True)
    optional = {k for k, h in hints.items() if typing.get_origin(h) is NotRequired}
    return set(hints) - optional, optional


def _object(message: Any, value: Any, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: not an object"]
    required, optional = keys(message)
    found = [f"{where}.{k}: missing" for k in required - value.keys()]
    found += [f"{where}.{k}: not in {message.__name__}" for k in value.keys() - required - optional]
    hints = typing.get_type_hints(message, include_extras=True)
    for key in value.keys() & hints.keys():
        hint = hints[key]
        hint = typing.get_args(hint)[0] if typing.get_origin(hint) is NotRequired else hint
        found += mismatches(hint, value[key], f"{where}.{key}")
    return found


def _annotated(args: tuple[Any, ...], value: Any, where: str) -> list[str]:
    kinds = [m for m in args[1:] if isinstance(m, type) and issubclass(m, enum.Enum)]
    if kinds and value not in {member.value for member in kinds[0]}:
        return [f"{where}: {value!r} is not a {kinds[0].__name__}"]
    return mismatches(args[0], value, where)


def _union(args: tuple[Any, ...], value: Any, where: str) -> list[str]:
    tries = [mismatches(a, value, where) for a in args if a is not type(None) or value is None]
    return [] if any(not t for t in tries) else tries[0]


def _list(args: tuple[Any, ...], value: Any, where: str) -> list[str]:
    if not isinstance(value, list):
        return [f"{where}: not a list"]
    return [m for i, v in enumerate(value) for m in mismatches(args[0], v, f"{where}[{i}]")]


def _dict(args: tuple[Any, ...], value: Any, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: not an object"]
    return [m for k, v in value.items() for m in mismatches(args[1], v, f"{where}[{k}]")]


def _literal(args: tuple[Any, ...], value: Any, where: str) -> list[str]:
    return [] if value in args else [f"{where}: {value!r} not in {args}"]


_BY_ORIGIN: dict[Any, Callable[[tuple[Any, ...], Any, str], list[str]]] = {
    typing.Annotated: _annotated,
    Union: _union,
    types.UnionType: _union,
    Literal: _literal,
    list: _list,
    dict: _dict,
}
_PLAIN: dict[Any, tuple[type, ...]] = {
    None: (type(None),),
    type(None): (type(None),),
    float: (int, float),
    int: (int,),
    str: (str,),
    bool: (bool,),
}


def mismatches(hint: Any, value: Any, where: str) -> list[str]:
    """Where `value` is not what `hint` (a wire.py type) says, as a list of paths."""
    if typing.is_typeddict(hint):
        return _object(hint, value, where)
    if (check := _BY_ORIGIN.get(typing.get_origin(hint))) is not None:
        return check(typing.get_args(hint), value, where)
    if hint is Any or isinstance(value, _PLAIN[hint]):
        return []
    return [f"{where}: {value!r} is not a {hint}"]


RELEASE = Release(
    "r1", "The.Matrix.1999.1080p.BluRay.x264-GRP", 10 * 1024**3, 5, 1, "TPB", 1, 2000, "movies",
    1.5, None, "torrent", "a" * 40, ("imdb://tt0133093",),
)  # fmt: skip
EPISODE = Release(
    "r2", "Severance.S01.2160p.WEB-DL.DV.H.265-X", 50 * 1024**3, None, None, "X", 2, None, None,
    0.0, None, "torrent",
)  # fmt: skip
ITEM = LibraryItem("7", "episode", "Good News", "1", 2022, "Severance", 1, 2, "2160p", thumb="/t")
AUDIT = TransferAudit(AuditState.GAP, 1, 2, 3.0, 4, 5.0, 6.0)


def download(**changes: Any) -> Download:
    plain: dict[str, Any] = {
        "hash": "h", "name": "n", "state": "stalledDL", "status": DownloadStatus.STALLED,
        "progress": 0.5, "size": 100, "downloaded": 50, "download_speed": 10, "upload_speed": 2,
        "eta": None, "category": "movies", "tags": ("a",), "save_path": "/s",
        "content_path": "/c", "added_on": 1, "completed_on": None, "seeds": 3, "peers": 4,
        "ratio": 0.5, "from_mediahub": True,
    }  # fmt: skip
    return Download(**(plain | changes))


EVERYTHING = download(
    stage=Stage.AVAILABLE,
    grabbed_by=Origin.VOICE,
    stalled=Stall(metadata=True, minutes=12),
    held=Hold.VPN,
    vpn_audit=AUDIT,
    plex_key="7",
)


def messages() -> list[tuple[Any, Any]]:
    """(its type, a message) for each encoder, with every enum-valued field filled in."""
    judged = [assess(r, parse_title(r.title), QualityProfile()) for r in (RELEASE, EPISODE)]
    marks = [Marks(), Marks(InPlex(ITEM, "2160p"), 0.4)]
    grab = GrabResult("h", "n", "movies", queued=False, origin=Origin.PANEL)
    return [
        *[
            (wire.IndexerStatus, wire.indexer_status_json(IndexerSearchStatus(1, "T", s)))
            for s in IndexerState
        ],
        *[(wire.SearchResult, wire.search_result_json(a, m)) for a in judged for m in marks],
        *[(wire.Assessed, wire.assessed_json(a, m)) for a in judged for m in marks],
        *[(wire.BestGrab, wire.best_grab_json(BestGrab(a, grab))) for a in judged],
        (wire.GrabResult, wire.grab_result_json(GrabResult("h", "n", None, queued=True))),
        *[(wire.Download, wire.download_json(d)) for d in (download(), EVERYTHING)],
        *[
            (wire.Download, wire.download_json(download(vpn_audit=TransferAudit(s))))
            for s in AuditState
        ],
        *[(wire.DownloadRecord, wire.download_record_json(d)) for d in (download(), EVERYTHING)],
        (wire.Transfer, wire.transfer_json(TransferState())),
        (wire.Bandwidth, wire.bandwidth_json(Bandwidth())),
        *[(wire.Vpn, wire.vpn_json(VpnStatus(s, qbittorrent_ip="1.2.3.4"))) for s in VpnState],
        (wire.Holds, wire.holds_json(frozenset(Hold))),
        (wire.ReadyItem, wire.ready_item_json(ReadyItem("h", "n", ITEM, "TV", 5, "m"), "/p")),
        *[(wire.QualityProfile, wire.profile_json(default_profile(c))) for c in ("tv", "books")],
    ]


@pytest.mark.parametrize(("message", "data"), messages())
def test_each_message_is_what_its_type_says(message: Any, data: Any) -> None:
    assert mismatches(message, data, message.__name__) == []


def test_the_check_finds_what_mypy_lets_through() -> None:
    """(The check itself: an extra key in a nested message, a value no enum has.)"""
    record = wire.download_record_json(EVERYTHING)
    wrong = {**record, "stage": "lost", "stalled": {"metadata": True, "minutes": 1, "x": 1}}
    assert sorted(mismatches(wire.DownloadRecord, wrong, "r")) == [
        "r.stage: 'lost' is not a Stage",
        "r.stalled.x: not in StallRecord",
    ]


def test_a_grab_best_release_carries_no_marks() -> None:
    """mypy lets a SearchResult pass for the Judged it holds; what was sent had no marks."""
    choice = assess(RELEASE, parse_title(RELEASE.title), QualityProfile())
    best = wire.best_grab_json(BestGrab(choice, GrabResult("h", "n", None, queued=False)))
    assert "in_plex" not in best["release"] and "downloading" not in best["release"]


def test_a_download_omits_what_says_nothing() -> None:
    required, optional = keys(wire.Download)
    plain = wire.download_json(download(vpn_audit=TransferAudit(AuditState.NOTHING_YET)))
    assert plain.keys() == required
    shown = wire.download_json(EVERYTHING)
    assert shown.keys() == required | optional
    assert shown["stalled"] == {
        "code": "no_metadata",
        "minutes": 12,
        "text": str(EVERYTHING.stalled),
    }
    assert shown["vpn"] == {"state": "gap", "since": 5.0, "until": 6.0}
    verified = wire.download_json(download(vpn_audit=TransferAudit(AuditState.VERIFIED)))
    assert verified["vpn"] == {"state": "verified"}
    unprotected = wire.download_json(download(vpn_audit=TransferAudit(AuditState.UNPROTECTED)))
    assert unprotected["vpn"] == {"state": "unprotected", "since": None}


@pytest.mark.parametrize(
    "profile",
    [
        QualityProfile(),
        default_profile("tv"),
        default_profile("music"),
        QualityProfile(required_words=("PROPER",), preferred_languages=("fr", "pt-BR")),
    ],
)
def test_a_profiles_stored_format_is_its_message(profile: QualityProfile) -> None:
    assert profile.as_json() == wire.profile_json(profile)
