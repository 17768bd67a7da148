"""What the engine's objects send is what hub/wire.py (and so the generated TypeScript and
docs/api.md) says they send."""

from __future__ import annotations

from dataclasses import asdict
import typing
from typing import Any, NotRequired

from custom_components.mediahub.hub import wire
from custom_components.mediahub.hub.models import (
    Bandwidth,
    GrabResult,
    IndexerSearchStatus,
    IndexerState,
    Origin,
    Release,
    TransferState,
)
from custom_components.mediahub.hub.releases.profile import QualityProfile


def keys(message: Any) -> tuple[set[str], set[str]]:
    """A message's keys: those always sent, and those that may be absent."""
    hints = typing.get_type_hints(message, include_extras=True)
    optional = {k for k, h in hints.items() if typing.get_origin(h) is NotRequired}
    return set(hints) - optional, optional


def sends(message: Any, data: dict[str, Any]) -> bool:
    required, optional = keys(message)
    return required <= set(data) <= required | optional


def test_the_engines_answers_have_the_written_shapes() -> None:
    release = Release("r1", "Dune", 10, 5, 1, "TPB", 1, 2000, "movies", 1.0, None, "torrent")
    assert sends(wire.Release, release.as_json())
    status = IndexerSearchStatus(1, "TPB", IndexerState.OK, 3, 120)
    assert sends(wire.IndexerStatus, status.as_json())
    assert sends(
        wire.GrabResult, GrabResult("a" * 40, "Dune", "movies", False, Origin.PANEL).as_json()
    )
    assert sends(wire.Bandwidth, Bandwidth().as_json())
    assert sends(wire.Transfer, asdict(TransferState()))
    assert sends(wire.QualityProfile, QualityProfile().as_json())
