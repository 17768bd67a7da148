"""Repair issues, raised and cleared outside the coordinators' fetches.

- The VPN's (down, leaking) follow each VPN update.
- "Downloads held back" (the VPN and disk guards) follows each downloads update.
- "Grabs waiting too long" follows the outbox itself: after every downloads update, and every
  minute, so that an outage that lasts is noticed while the polls keep failing (Home Assistant
  calls no listener on a failure that follows a failure).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from .const import DOMAIN, OUTBOX_STUCK_AFTER
from .coordinator import MediaHubConfigEntry, VpnCoordinator
from .hub import Hold, Stage, VpnState, gigabytes

OUTBOX_CHECK_EVERY: Final = timedelta(minutes=1)
_VPN_ISSUES: Final = ((VpnState.DOWN, "vpn_down"), (VpnState.LEAKING, "vpn_leaking"))


@callback
def async_setup_repairs(hass: HomeAssistant, entry: MediaHubConfigEntry) -> None:
    """Watch what the repair issues are about, for as long as the entry is loaded."""
    runtime = entry.runtime_data
    outbox = _OutboxWatch(hass, entry)
    entry.async_on_unload(runtime.downloads.async_add_listener(outbox.check))
    entry.async_on_unload(runtime.downloads.async_add_listener(lambda: _hold_issues(hass, entry)))
    entry.async_on_unload(
        runtime.downloads.async_add_listener(lambda: _not_in_plex_issue(hass, entry))
    )
    entry.async_on_unload(async_track_time_interval(hass, outbox.check, OUTBOX_CHECK_EVERY))
    if (vpn := runtime.vpn) is not None:
        entry.async_on_unload(vpn.async_add_listener(lambda: _vpn_issues(hass, entry, vpn)))


class _OutboxWatch:
    """Raises the issue once grabs have been waiting OUTBOX_STUCK_AFTER, clears it when none
    wait."""

    def __init__(self, hass: HomeAssistant, entry: MediaHubConfigEntry) -> None:
        self._hass = hass
        self._entry = entry
        self._since: datetime | None = None  # when grabs were first seen waiting

    @callback
    def check(self, _now: datetime | None = None) -> None:
        waiting = len(self._entry.runtime_data.engine.downloads.outbox)
        if not waiting:
            self._since = None
            _issue(self._hass, self._entry, "outbox_stuck", raised=False, placeholders={})
            return
        now = dt_util.utcnow()
        self._since = self._since or now
        if now - self._since >= OUTBOX_STUCK_AFTER:
            _issue(
                self._hass,
                self._entry,
                "outbox_stuck",
                raised=True,
                placeholders={"count": str(waiting)},
            )


def _vpn_issues(hass: HomeAssistant, entry: MediaHubConfigEntry, vpn: VpnCoordinator) -> None:
    if not vpn.last_update_success or vpn.data is None:
        return  # gluetun not answering is its entities going unavailable, not a repair
    for state, key in _VPN_ISSUES:
        _issue(
            hass,
            entry,
            key,
            raised=vpn.data.state is state,
            placeholders={"tunnel": vpn.data.tunnel or "unknown"},
        )


def _hold_issues(hass: HomeAssistant, entry: MediaHubConfigEntry) -> None:
    """An issue per guard holding downloads back, cleared when it lets go."""
    downloads = entry.runtime_data.downloads
    if not downloads.last_update_success or downloads.data is None:
        return
    free = downloads.data.transfer.free_space
    for hold in Hold:
        _issue(
            hass,
            entry,
            f"downloads_held_{hold}",
            raised=hold in downloads.data.holds,
            placeholders={
                "free": gigabytes(free or 0),
                "min_free": gigabytes(entry.runtime_data.engine.guards.min_free),
            },
        )


def _issue(
    hass: HomeAssistant,
    entry: MediaHubConfigEntry,
    key: str,
    *,
    raised: bool,
    placeholders: dict[str, str],
) -> None:
    """Raise this entry's issue `key` (an error, with its translation), or clear it."""
    issue_id = f"{key}_{entry.entry_id}"
    if not raised:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key=key,
        translation_placeholders=placeholders,
    )


def _not_in_plex_issue(hass: HomeAssistant, entry: MediaHubConfigEntry) -> None:
    """One issue while Plex has not listed scanned downloads in the time allowed."""
    downloads = entry.runtime_data.downloads
    if not downloads.last_update_success or downloads.data is None:
        return
    engine = entry.runtime_data.engine
    missing = sorted(
        (d for d in downloads.data.downloads.values() if d.stage is Stage.NOT_IN_PLEX),
        key=lambda d: d.name,
    )
    first = missing[0] if missing else None
    folder = first.content_path if first else ""  # its folder, or its one file
    _issue(
        hass,
        entry,
        "downloads_not_in_plex",
        raised=bool(missing),
        placeholders={
            "names": ", ".join(d.name for d in missing),
            "folder": folder,
            "plex_path": (engine.path_map.to_plex(folder) or "none") if first else "",
        },
    )
