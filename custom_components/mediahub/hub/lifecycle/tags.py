"""The record MediaHub keeps in qBittorrent: every tag and category name it writes, defined once.

qBittorrent is the record every MediaHub process shares (docs/pipeline.md). What MediaHub knows
of a download beyond qBittorrent's own fields is a tag on the torrent; a claim on a step is an
empty category. Each name is spelled here, with the functions that write and read it:

- `mediahub`: MediaHub grabbed it, so its steps are MediaHub's (added with the grab);
- `mediahub:via:<origin>`: who grabbed it: panel, action, automation, voice (with the grab);
- `mediahub:guard`: its file list waits for the file guard (with the grab; `guard` removes it);
- `mediahub:organized`: its files were renamed for Plex (`organize`);
- `mediahub:scan-sent`, `mediahub:no-library`: the scan step is done, how (`scan`);
- `mediahub:in-plex:<key>`, `mediahub:not-in-plex`: Plex lists it as the item <key>, or had not
  in the time allowed (`confirm`);
- `mediahub:held:<vpn|disk>`: a guard stopped it (`controls/holds.py`);
- `mediahub:wish:<id>:<item>`: grabbed for the wish <id>, as what it covers (`movie`, `S02`,
  `S02E05`): the proof a wish's grab happened, whichever process made it (`wishes/watch.py`);
- the category `mediahub-claim-<step>-<hash>-<generation>`: a process holds that step (`claims`);
  the wishes' watch cycle is a claim too, on a fixed key (`WATCH_KEY`).

(The quality profiles and the wishes are not a download's record: they live in Prowlarr,
`releases/profiles.py` and `wishes/store.py`.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
import re
from typing import Final

from ..clients.maindata import split_tags
from ..models import Hold, Origin, Stage

GRABBED: Final = "mediahub"  # a torrent MediaHub grabbed
VIA_PREFIX: Final = "mediahub:via:"  # + who grabbed it
GUARD: Final = "mediahub:guard"  # waiting for the file-list guard
ORGANIZED: Final = "mediahub:organized"
SCAN_SENT: Final = "mediahub:scan-sent"
NO_LIBRARY: Final = "mediahub:no-library"
IN_PLEX_PREFIX: Final = "mediahub:in-plex:"  # + Plex's key of the item
NOT_IN_PLEX: Final = "mediahub:not-in-plex"
HELD_PREFIX: Final = "mediahub:held:"  # + the guard's reason (a Hold)
CLAIM_PREFIX: Final = "mediahub-claim-"  # a category, not a tag
WISH_PREFIX: Final = "mediahub:wish:"  # + the wish's id, ":", what the grab covers

# The marks that end the scan step, by the stage each records.
SCAN_MARKS: Final = {Stage.SCAN_SENT: SCAN_SENT, Stage.NO_LIBRARY: NO_LIBRARY}
SCANNED: Final = frozenset(SCAN_MARKS)  # the stages past the scan step


# --- a grab ---------------------------------------------------------------------------------


def grab_tags(origin: Origin) -> list[str]:
    """The tags a grab is added with: MediaHub's mark and who made it."""
    return [GRABBED, VIA_PREFIX + origin]


def grabbed(tags: Iterable[str]) -> bool:
    return GRABBED in tags


def origin_of(tags: Iterable[str]) -> Origin | None:
    for tag in tags:
        if tag.startswith(VIA_PREFIX):
            try:
                return Origin(tag[len(VIA_PREFIX) :])
            except ValueError:
                return None
    return None


def is_managed(tags: Iterable[str], category: str, adopted: Iterable[str]) -> bool:
    """Grabbed by MediaHub, or in a category the user opted in: the steps after completion
    are MediaHub's to do. Anything else is shown, never touched."""
    return GRABBED in tags or category in adopted


def wish_tag(wish_id: int, item: str) -> str:
    """The mark of a grab made for a wish, covering `item` (wishes.model.item_key)."""
    return f"{WISH_PREFIX}{wish_id}:{item}"


def wish_marks(tags: Iterable[str]) -> list[tuple[int, str]]:
    """The (wish id, item) pairs a torrent was grabbed for."""
    found = []
    for tag in tags:
        if tag.startswith(WISH_PREFIX):
            wish_id, _, item = tag[len(WISH_PREFIX) :].partition(":")
            if wish_id.isdigit() and item:
                found.append((int(wish_id), item))
    return found


# --- the stage a download's marks record ----------------------------------------------------


def in_plex(key: str) -> str:
    """The mark of a download Plex lists as the item `key`."""
    return IN_PLEX_PREFIX + key


def plex_key_of(tags: Iterable[str]) -> str | None:
    """The Plex item a download was confirmed as (its `mediahub:in-plex:` tag)."""
    return next((t[len(IN_PLEX_PREFIX) :] for t in tags if t.startswith(IN_PLEX_PREFIX)), None)


def recorded_stage(tags: Iterable[str], *, complete: bool) -> Stage:
    """A download's stage as qBittorrent records it (its marks, then its progress)."""
    present = set(tags)
    if plex_key_of(present) is not None:
        return Stage.AVAILABLE
    if NOT_IN_PLEX in present:
        return Stage.NOT_IN_PLEX
    for stage, mark in SCAN_MARKS.items():
        if mark in present:
            return stage
    return Stage.COMPLETED if complete else Stage.DOWNLOADING


# --- the guards' holds ----------------------------------------------------------------------


def held_tag(hold: Hold) -> str:
    return HELD_PREFIX + hold


def hold_of(tags: Iterable[str]) -> Hold | None:
    """The guard that stopped it, if one did (the VPN's first: it stops more)."""
    present = set(tags)
    return next((hold for hold in Hold if HELD_PREFIX + hold in present), None)


# --- claims ---------------------------------------------------------------------------------


class ClaimStep(StrEnum):
    """The steps done once, by the process that holds their claim (see claims.py)."""

    GUARD = "guard"
    ORGANIZE = "organize"
    SCAN = "scan"
    WATCH = "watch"  # the wishes' watch cycle (on WATCH_KEY, not a torrent)


WATCH_KEY: Final = "0" * 40  # the watch claim's key: no torrent has it

_CLAIM: Final = re.compile(r"^mediahub-claim-([a-z]+)-([0-9a-f]{40})-(\d+)$")


@dataclass(frozen=True, slots=True)
class Claim:
    """A claim category, read: a step other versions may name differently stays a string."""

    step: str
    infohash: str
    generation: int

    @property
    def category(self) -> str:
        return claim_category(self.step, self.infohash, self.generation)


def claim_category(step: str, infohash: str, generation: int) -> str:
    return f"{CLAIM_PREFIX}{step}-{infohash}-{generation}"


def parse_claim(category: str) -> Claim | None:
    match = _CLAIM.match(category)
    return Claim(match[1], match[2], int(match[3])) if match else None


# --- this process's copy of a torrent's tags ------------------------------------------------


def with_tag(tags: str, tag: str) -> str:
    """qBittorrent's `tags` field once `tag` is added: what the model shows until the next
    poll says so."""
    return tags if tag in split_tags(tags) else f"{tags}, {tag}" if tags else tag


def without_tag(tags: str, tag: str) -> str:
    return ", ".join(t for t in split_tags(tags) if t != tag)
