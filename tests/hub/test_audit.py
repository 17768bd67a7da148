"""The VPN audit: verified only on evidence. Its rules on recorded polls, then real downloads
from a real seeder: one under a confirmed VPN, one without it, one while MediaHub was off."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from custom_components.mediahub.hub.clients.maindata import TorrentRecord
from custom_components.mediahub.hub.controls.audit import VpnAudit
from custom_components.mediahub.hub.models import AuditState
from tests.simulators.gluetun import GluetunSimulator
from tests.support.qbittorrent import QbtInstance, SeededTorrent, connect_to_seeder
from tests.support.wait import until

from .conftest import RigFactory

H = "a" * 40
SIZE = 4 * 1024 * 1024


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def moved(total: int) -> dict[str, TorrentRecord]:
    record = TorrentRecord()
    record.downloaded, record.uploaded, record.added_on = total, 0, 999_000
    return {H: record}


async def test_bytes_are_judged_by_the_polls_around_them(tmp_path: Path) -> None:
    clock = Clock()
    audit = VpnAudit(tmp_path, wall_clock=clock)
    await audit.load()

    async def poll(total: int, *, confirmed: bool = True, after: float = 10) -> AuditState:
        clock.now += after
        await audit.observe(moved(total), [H], [], confirmed=confirmed, full=False)
        return audit.verdict(H).state

    # Bytes first counted just after a start may have moved before it (qBittorrent counts a
    # moment late): the first interval vouches for nothing, the next ones do.
    assert await poll(0) is AuditState.NOTHING_YET
    assert not audit.vouching()
    assert await poll(0) is AuditState.NOTHING_YET
    assert audit.vouching()
    assert await poll(100) is AuditState.VERIFIED
    # The VPN fails: bytes next to that poll are unprotected, and stay on the record.
    assert await poll(150, confirmed=False) is AuditState.UNPROTECTED
    first_bad = clock.now
    assert await poll(150) is AuditState.UNPROTECTED
    # Counted in the first interval after the VPN is back: they may have moved before it was.
    assert await poll(400) is AuditState.UNPROTECTED
    assert await poll(500) is AuditState.UNPROTECTED
    verdict = audit.verdict(H)
    assert (verdict.verified_bytes, verdict.unprotected_bytes) == (200, 300)
    assert verdict.unprotected_at == first_bad

    # Polls too far apart vouch for nothing: a gap, never verified.
    fresh = VpnAudit(tmp_path / "other", wall_clock=clock)
    await fresh.load()
    clock.now += 1
    await fresh.observe(moved(0), [H], [], confirmed=True, full=True)
    last_watched = clock.now
    clock.now += 600
    await fresh.observe(moved(500), [H], [], confirmed=True, full=False)
    gap = fresh.verdict(H)
    assert gap.state is AuditState.GAP
    assert (gap.unwatched_bytes, gap.unwatched_from, gap.unwatched_to) == (
        500,
        last_watched,
        clock.now,
    )


async def test_the_audit_survives_a_restart_and_counts_the_time_away_as_a_gap(
    tmp_path: Path,
) -> None:
    clock = Clock()
    audit = VpnAudit(tmp_path, wall_clock=clock)
    await audit.load()
    for total in (0, 0, 10, 20):
        clock.now += 10
        await audit.observe(moved(total), [H], [], confirmed=True, full=False)
    assert audit.verdict(H).state is AuditState.VERIFIED
    await audit.save()
    stopped_at = clock.now

    clock.now += 5  # back quickly, but MediaHub was not watching: bytes moved meanwhile
    again = VpnAudit(tmp_path, wall_clock=clock)
    await again.load()
    await again.observe(moved(25), [H], [], confirmed=True, full=True)
    verdict = again.verdict(H)
    assert verdict.state is AuditState.GAP
    assert (verdict.verified_bytes, verdict.unwatched_bytes) == (20, 5)
    assert verdict.unwatched_from == stopped_at
    # Removed while MediaHub was away: a full update forgets its ledger.
    clock.now += 10
    await again.observe({}, [], [], confirmed=True, full=True)
    assert again.verdict(H).state is AuditState.NOTHING_YET

    # A torrent first seen with bytes already moved: a gap from when it was added.
    fresh = VpnAudit(tmp_path / "new", wall_clock=clock)
    await fresh.load()
    await fresh.observe(moved(7), [H], [], confirmed=True, full=True)
    assert fresh.verdict(H).unwatched_from == 999_000

    # Unreadable evidence is a gap too, not a clean slate.
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "vpn_audit.json").write_text("{not json")
    broken = VpnAudit(tmp_path / "broken", wall_clock=clock)
    await broken.load()
    await broken.observe(moved(9), [H], [], confirmed=True, full=True)
    assert broken.verdict(H).state is AuditState.GAP


async def test_real_downloads_are_verified_unprotected_or_a_gap_as_they_happened(
    make_rig: RigFactory,
    qbittorrent5: QbtInstance,
    gluetun_sim: GluetunSimulator,
    seeded: Callable[..., SeededTorrent],
) -> None:
    qbittorrent = qbittorrent5
    vpn = {"gluetun_url": gluetun_sim.url, "gluetun_api_key": gluetun_sim.api_key}
    rig = await make_rig(qbittorrent, vpn_guard=False, **vpn)
    downloads = rig.engine.downloads

    def audit_of(torrent: SeededTorrent) -> AuditState | None:
        shown = downloads.snapshot().downloads.get(torrent.infohash)
        return shown.vpn_audit.state if shown and shown.vpn_audit else None

    audit = rig.engine.audit
    assert audit is not None

    async def download(torrent: SeededTorrent, *, vouched: bool) -> None:
        await downloads.add_torrent_file(torrent.torrent_bytes, "movies")
        await rig.engine.poll()  # seen before a byte moves
        if vouched:  # watched, the VPN confirmed, for longer than qBittorrent counts late
            await rig.poll_until(audit.vouching, what="the audit to vouch")
        await asyncio.to_thread(connect_to_seeder, qbittorrent, torrent)
        # qBittorrent counts a torrent's bytes a moment after its progress shows them.
        await rig.poll_until(
            lambda: downloads.model.torrents[torrent.infohash].transferred >= SIZE,
            what=f"{torrent.name}'s bytes counted",
        )

    protected = await asyncio.to_thread(seeded, "Protected.2020.mkv", SIZE)
    await download(protected, vouched=True)
    assert audit_of(protected) is AuditState.VERIFIED

    gluetun_sim.status = "stopped"  # the guard is off: the transfer goes ahead, on the record
    exposed = await asyncio.to_thread(seeded, "Exposed.2020.mkv", SIZE)
    await download(exposed, vouched=False)
    assert audit_of(exposed) is AuditState.UNPROTECTED
    shown = downloads.snapshot().downloads[exposed.infohash].vpn_audit
    assert shown is not None and shown.unprotected_at is not None
    gluetun_sim.status = "running"

    # MediaHub stops; a download runs meanwhile; MediaHub starts again.
    unwatched = await asyncio.to_thread(seeded, "Unwatched.2020.mkv", SIZE)
    await downloads.add_torrent_file(unwatched.torrent_bytes, "movies")
    await rig.engine.poll()
    await rig.engine.close()
    await asyncio.to_thread(connect_to_seeder, qbittorrent, unwatched)

    def unwatched_downloaded() -> bool:
        [info] = qbittorrent.api(
            "GET", "torrents/info", params={"hashes": unwatched.infohash}
        ).json()
        return bool(info["downloaded"] >= SIZE)

    await until(lambda: asyncio.to_thread(unwatched_downloaded), "the unwatched download")
    restarted = await make_rig(qbittorrent, vpn_guard=False, **vpn)
    await restarted.engine.poll()
    again = restarted.engine.downloads.snapshot().downloads
    assert again[unwatched.infohash].vpn_audit is not None
    assert again[unwatched.infohash].vpn_audit.state is AuditState.GAP  # type: ignore[union-attr]
    assert again[protected.infohash].vpn_audit.state is AuditState.VERIFIED  # type: ignore[union-attr]
