"""The server's first frame is React's first render: sidecar/first_frame.py's markup, for
states the panel meets, against react-dom/server's renderToString of the same app tree
(mount.tsx's `appTree`) from the same state, language and session (frontend/src/
firstFrame.test.tsx, run by Vitest on Node). And the page that carries it: its language from
Accept-Language, nothing for a browser nobody signed in on, the CSP's hash still right."""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import replace
import json
import os
from pathlib import Path
import shutil
import subprocess
from typing import Any

import pytest

from custom_components.mediahub.hub.models import (
    AuditState,
    Download,
    DownloadStatus,
    Hold,
    Origin,
    Stage,
    Stall,
    TransferAudit,
)
from custom_components.mediahub.sidecar import first_frame
from custom_components.mediahub.sidecar.app import STATIC
from custom_components.mediahub.sidecar.state import StateEncoder
from tests.panel.conftest import Sidecar, serve, sidecar_settings
from tests.simulators.plex import PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator
from tests.support.qbittorrent import QbtInstance, add_stopped_torrents, free_port
from tests.support.wait import until

REPO = Path(__file__).resolve().parents[2]
WORDS = STATIC / "first-frame.json"

pytestmark = pytest.mark.skipif(
    not WORDS.is_file(), reason="the UI is not built (scripts/test builds it)"
)


def download(number: int, **changes: Any) -> Download:
    base = Download(
        hash=f"{number:040x}",
        name=f"Some.Film.{number}.2008.1080p.BluRay.x264",
        state="downloading",
        status=DownloadStatus.DOWNLOADING,
        progress=0.4321,
        size=2_147_483_648 + number * 7_919,
        downloaded=0,
        download_speed=3_145_728,
        upload_speed=0,
        eta=3_725,
        category="movies",
        tags=(),
        save_path="/downloads",
        content_path="/downloads/x",
        added_on=1_700_000_000 + number,
        completed_on=None,
        seeds=3,
        peers=1,
        ratio=0.0,
        from_mediahub=True,
    )
    return replace(base, **changes)


def one_of_each() -> list[Download]:
    """A download in every status and stage the list shows, with what a card can say."""
    return [
        download(1),
        download(2, status=DownloadStatus.METADATA, progress=0.0, eta=None, size=0),
        download(3, status=DownloadStatus.STALLED, stalled=Stall(metadata=False, minutes=42)),
        download(4, status=DownloadStatus.CHECKING, download_speed=0, eta=59),
        download(5, status=DownloadStatus.QUEUED, eta=90_000, grabbed_by=Origin.VOICE),
        download(6, status=DownloadStatus.ERRORED, progress=1e-7, category="weird"),
        download(7, status=DownloadStatus.STOPPED, held=Hold.DISK, progress=0.999),
        download(8, status=DownloadStatus.SEEDING, progress=1.0, stage=Stage.AVAILABLE),
        download(9, status=DownloadStatus.STOPPED, progress=1.0, stage=Stage.COMPLETED),
        download(10, status=DownloadStatus.SEEDING, progress=1.0, stage=Stage.SCAN_SENT),
        download(11, status=DownloadStatus.MOVING, size=1_048_575, category=""),
        download(12, vpn_audit=TransferAudit(AuditState.VERIFIED, verified_bytes=5)),
        download(13, vpn_audit=TransferAudit(AuditState.GAP, unwatched_bytes=5)),
        download(14, status=DownloadStatus.UNKNOWN, size=1_000_000_000_000_000),
    ]


TRANSFER = {
    "download_speed": 5_452_595,
    "upload_speed": 0,
    "alltime_download": 0,
    "alltime_upload": 0,
    "free_space": 1_099_511_627_776,
    "connection_status": "connected",
    "external_ipv4": None,
    "dht_nodes": 0,
    "alt_speed": False,
    "download_limit": 0,
    "upload_limit": 1_048_576,
    "queueing": True,
}


def rest(**changes: Any) -> dict[str, Any]:
    """The state's other parts, as the feed sends them (hub/feed.py `state`)."""
    return {
        "transfer": TRANSFER,
        "outbox": 0,
        "qbittorrent": {"available": True, "problem": None, "version": "5.1.2"},
        "vpn": None,
        "holds": {"held": []},
        "ready": [],
        "bandwidth": None,
        "categories": ["movies", "tv"],
        **changes,
    }


READY = {
    "hash": "f" * 40,
    "name": "Big.Buck.Bunny.2008",
    "key": "101",
    "type": "movie",
    "title": "Big Buck Bunny",
    "label": "Big Buck Bunny (2008)",
    "year": 2008,
    "show": None,
    "season": None,
    "episode": None,
    "library": "Movies",
    "resolution": "1080p",
    "poster": "/api/posters/101",
    "play": {"web": "https://app.plex.tv/desktop#!/x", "app": "plex://play/?x"},
}
ADMIN = first_frame.Viewer(admin=True, signed_in=False, phone=False)
NO_SIGN_IN = {"sign_in": False, "user": None}


def cases() -> list[tuple[str, str, dict[str, Any], bytes, first_frame.Viewer]]:
    """(name, language, session, head JSON, viewer) for each state compared."""
    many = {d.hash: d for d in (download(n) for n in range(2_000))}
    each = {d.hash: d for d in one_of_each()}
    long_name = download(
        1, name='A <very> long & "quoted" name\'s ' + "Ünïcødé.Wörds." * 30 + "</script>"
    )
    made: list[tuple[str, str, dict[str, Any], dict[str, Download], dict[str, Any], Any]] = [
        ("empty", "en", NO_SIGN_IN, {}, rest(transfer=None), ADMIN),
        ("every state", "en", NO_SIGN_IN, each, rest(), ADMIN),
        ("2,000 windowed", "en", NO_SIGN_IN, many, rest(), ADMIN),
        ("a long name", "en", NO_SIGN_IN, {long_name.hash: long_name}, rest(), ADMIN),
        ("German", "de", NO_SIGN_IN, each, rest(), ADMIN),
        ("French", "fr", NO_SIGN_IN, each, rest(), ADMIN),
        ("Spanish, 2,000", "es", NO_SIGN_IN, many, rest(), ADMIN),
        ("Dutch", "nl", NO_SIGN_IN, each, rest(), ADMIN),
        (
            "banners, slow mode, ready to watch",
            "de",
            NO_SIGN_IN,
            each,
            rest(
                vpn={"state": "down", "connected": False, "through_vpn": False},
                holds={"held": ["disk", "vpn"]},
                qbittorrent={"available": False, "problem": None, "version": None},
                outbox=2,
                bandwidth={"alt_speed": True},
                transfer={**TRANSFER, "alt_speed": True, "free_space": None},
                ready=[READY, {**READY, "hash": "e" * 40, "library": None}],
            ),
            ADMIN,
        ),
        (
            "a signed-in user, not an administrator",
            "en",
            {"sign_in": True, "user": {"name": "Kim", "admin": False}},
            each,
            rest(),
            first_frame.Viewer(admin=False, signed_in=True, phone=False),
        ),
    ]
    encoded = []
    for name, language, session, downloads, others, viewer in made:
        state = StateEncoder().encode("r1", downloads, others)
        encoded.append((name, language, session, state.head.plain, viewer))
    return encoded


def test_the_servers_first_frame_is_reacts_first_render(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("no Node.js here (the rootfs installs it)")
    catalogs = first_frame.Catalogs.read(WORDS)
    assert catalogs is not None
    ours, written = {}, []
    for name, language, session, head, viewer in cases():
        ours[name] = first_frame.render(json.loads(head), catalogs.languages[language], viewer)
        data = first_frame.frame_data(language, session, head)
        written.append({"name": name, "data": json.loads(data)})
    (tmp_path / "cases.json").write_text(json.dumps(written))
    run = subprocess.run(
        [node, "node_modules/vitest/vitest.mjs", "run", "src/firstFrame.test.tsx"],
        cwd=REPO / "frontend",
        env={
            **os.environ,
            "MEDIAHUB_FIRST_FRAME_CASES": str(tmp_path / "cases.json"),
            "MEDIAHUB_FIRST_FRAME_OUT": str(tmp_path / "react.json"),
        },
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    react = json.loads((tmp_path / "react.json").read_text())
    for name, markup in ours.items():
        assert markup == react[name], f"{name}: the server's frame is not React's"
    # What a person sees in each, not only that both agree.
    assert ours["2,000 windowed"].count('class="card download"') == 14  # 1200 px of rows + 6
    assert 'aria-setsize="2000"' in ours["2,000 windowed"]
    assert "Nothing here yet" in ours["empty"]
    assert "&lt;very&gt;" in ours["a long name"] and "<very>" not in ours["a long name"]
    assert "Hinzufügen" in ours["German"] and "Rest 1h 2 Min." in ours["German"]
    assert "Pause" not in ours["a signed-in user, not an administrator"]


def test_states_the_server_cannot_write_leave_the_frame_to_the_browser() -> None:
    """A time (the browser's time zone) or a list of names (Intl.ListFormat): no frame."""
    catalogs = first_frame.Catalogs.read(WORDS)
    assert catalogs is not None
    timed = download(1, vpn_audit=TransferAudit(AuditState.UNPROTECTED, unprotected_at=1.7e9))
    missing = download(2, progress=1.0, stage=Stage.NOT_IN_PLEX)
    for made in (timed, missing):
        head = StateEncoder().encode("r", {made.hash: made}, rest()).head.plain
        with pytest.raises(first_frame.CannotRenderError):
            first_frame.render(json.loads(head), catalogs.languages["en"], ADMIN)


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("de-AT,de;q=0.9,en;q=0.8", "de"),
        ("en-GB;q=0.5, fr-CA", "fr"),
        ("ja, nl-BE;q=0.3", "nl"),
        ("ja", "en"),
        (None, "en"),
        ("es;q=0, de;q=0.1", "de"),
    ],
)
def test_the_language_is_the_browsers_first_the_panel_speaks(
    header: str | None, language: str
) -> None:
    assert first_frame.pick_language(header) == language


async def test_the_downloads_page_comes_with_its_list(
    sidecar: Sidecar, qbittorrent5: QbtInstance
) -> None:
    await asyncio.to_thread(add_stopped_torrents, qbittorrent5, 30)

    async def listed() -> bool:
        _, state = await sidecar.get("/api/downloads?head")
        return bool(state["total"] >= 30)

    await until(listed, "the sidecar to have read qBittorrent's torrents")
    async with sidecar.http.get(
        sidecar.url + "/downloads", headers={"Accept-Language": "fr-FR,fr;q=0.9"}
    ) as response:
        assert response.status == 200
        assert response.headers["Cache-Control"] == "no-store"
        csp = response.headers["Content-Security-Policy"]
        page = await response.text()
    assert '<html lang="fr">' in page
    assert page.count('class="card download"') == 14  # 1200 px of rows (8) and 6 of overscan
    assert "Téléchargements" in page
    assert "/api/downloads?head" not in page  # the page carries the head: no second fetch
    assert 'type="application/json" id="mediahub-first-frame"' in page
    assert "script-src 'self';" in csp  # no inline script: the state block is not one
    # The other tabs' paths are the page as built (the app picks the tab from the path).
    async with sidecar.http.get(sidecar.url + "/wishes") as response:
        assert response.status == 200
        assert 'class="card download"' not in await response.text()


async def test_with_sign_in_on_nobody_signed_in_gets_no_download(
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    tmp_path: Path,
) -> None:
    """Secrets and state never reach a browser before its person has signed in: the page comes
    as built, with no row, no state block and no name."""
    await asyncio.to_thread(add_stopped_torrents, qbittorrent5, 3)
    settings = dataclasses.replace(
        sidecar_settings(qbittorrent5, prowlarr_sim, plex_sim, tmp_path),
        home_assistant_url=f"http://127.0.0.1:{free_port()}",  # nothing listens: no one signs in
    )
    async with serve(settings) as sidecar:

        async def polled() -> bool:
            return sidecar.panel.feed.polled and bool(
                sidecar.panel.engine.downloads.snapshot().downloads
            )

        await until(polled, "the sidecar to have read qBittorrent's torrents")
        async with sidecar.http.get(sidecar.url + "/downloads") as response:
            assert response.status == 200
            page = await response.text()
    assert 'class="card download"' not in page
    assert "mediahub-first-frame" not in page
    assert "Bench Torrent" not in page
    assert '<div class="app"><header class="top"><h1>MediaHub</h1></header></div>' in page
