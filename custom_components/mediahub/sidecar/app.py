"""The panel's aiohttp application: the built UI, `/health`, the JSON API and two SSE streams.

One poll of qBittorrent feeds every open panel: the poller runs every `poll_interval` while a
panel is open and every `IDLE_POLL` seconds when none is (completions and Plex scans still
happen), and it wakes at once after an action.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
import contextlib
import hashlib
import logging
from pathlib import Path
import re
import time
from typing import Any, Final

import aiohttp
from aiohttp import hdrs, web
from aiohttp.typedefs import Handler

from hub import (
    MAX_TORRENT_BYTES,
    NEWZNAB_BY_CATEGORY,
    EngineEvent,
    Feed,
    GrabResult,
    InvalidInputError,
    MediaHub,
    MediaHubError,
    Origin,
    RateLimiter,
    ServiceStatus,
    Settings,
    VpnStatus,
    __version__,
    library_json,
    outcome,
    panel_placeholders,
    problem_of,
    profiles_json,
    search_messages,
    vpn_json,
)

from .security import (
    MAX_BODY,
    TORRENT_UPLOAD,
    HostAllowlist,
    content_security_policy,
    error_response,
    security_middleware,
)
from .sse import Broker, Opening, accepts_gzip, encode, open_stream
from .state import StartingState, StateEncoder

_LOGGER = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
IDLE_POLL: Final = 15.0
VPN_POLL: Final = 30.0
IMMUTABLE: Final = "public, max-age=31536000, immutable"
# Every copy of a page or asset depends on Accept-Encoding, the plain one too (caches must not
# hand it to a browser that could have had brotli).
VARY: Final = {"Vary": "Accept-Encoding"}
COMPRESS_FROM: Final = 1024  # bytes; below this, compressing costs more than it saves

PANEL: web.AppKey[Panel] = web.AppKey("panel")


# --- JSON shapes (what the browser sees: no secret, no Prowlarr link) --------------------------


POSTERS: Final = "/api/posters"  # where the panel serves posters (see `poster`)


def error_for(err: MediaHubError) -> web.Response:
    """The engine's errors as HTTP, in words a person understands (the panel's side of
    `hub.errors`' table)."""
    row = outcome(err)
    values = err.values if isinstance(err, InvalidInputError) else None
    return error_response(
        row.http_status, row.code, row.panel_message.format(**panel_placeholders(err)), values
    )


class Panel:
    """The engine plus what the sidecar adds: the poller, the feed's SSE broker, and the state
    a new panel starts from."""

    def __init__(self, settings: Settings, session: aiohttp.ClientSession) -> None:
        self.settings = settings
        self.engine = MediaHub(settings, session)
        self.broker = Broker(on_clients_changed=self._clients_changed)
        self.feed = Feed(self.engine, self.broker.publish, posters=POSTERS)
        self.search_limiter = RateLimiter()
        self.watcher: asyncio.Task[None] | None = None  # listening to Plex's websocket
        self._wake = asyncio.Event()
        self._vpn_checked = 0.0
        self._vpn_due = False
        # What a new panel starts from, rebuilt only when what it shows has changed. The
        # revision names that state; this process's start time keeps a restarted sidecar's
        # revisions from matching an older one's.
        self._epoch = f"{time.time_ns():x}"
        self._starting: StartingState | None = None
        self._encoder = StateEncoder()
        self.engine.subscribe(self._log_service)

    # --- polling ---------------------------------------------------------------------------

    def _clients_changed(self, count: int) -> None:
        if count:
            self._wake.set()

    def wake(self, *, vpn: bool = False) -> None:
        """Poll now (after an action, or when a panel connects); with `vpn`, ask gluetun too."""
        self._vpn_due = self._vpn_due or vpn
        self._wake.set()

    async def run(self) -> None:
        await self.engine.start()
        while True:
            await self.poll_once()
            interval = self.settings.poll_interval if self.broker.clients else IDLE_POLL
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval)
            self._wake.clear()

    async def poll_once(self) -> None:
        problem = None
        try:
            await self.engine.poll()
        except MediaHubError as err:
            problem = problem_of(err)
            _LOGGER.debug("Poll failed: %s", err)
        if problem == "auth_failed" and self.feed.qbittorrent_problem != problem:
            _LOGGER.error("qBittorrent refused MediaHub's username or password")
        self.feed.after_poll(problem)
        if self.engine.gluetun is not None and problem is None:
            self.feed.show_vpn(self.engine.vpn)  # the poll asked gluetun (for the guard)
        elif self._vpn_due or (
            self.broker.clients and time.monotonic() - self._vpn_checked > VPN_POLL
        ):
            self._vpn_due = False
            await self.refresh_vpn()

    async def refresh_vpn(self) -> VpnStatus | None:
        self._vpn_checked = time.monotonic()
        try:
            status = await self.engine.vpn_status()
        except MediaHubError:
            status = None
        self.feed.show_vpn(status)
        return status

    def _log_service(self, event: EngineEvent) -> None:
        if isinstance(event, ServiceStatus):
            _LOGGER.info(
                "%s is %s",
                event.service,
                "back" if event.available else f"not reachable ({event.reason})",
            )

    @property
    def revision(self) -> str:
        """Names the state a panel starts from: equal revisions, equal states."""
        outbox = len(self.engine.downloads.outbox)
        return f"{self._epoch}.{self.feed.revision}.{outbox}.{self.engine.qbittorrent.version}"

    def starting_state(self) -> StartingState:
        """The panel's whole state now, with its revision (GET /api/downloads)."""
        revision = self.revision
        if self._starting is None or self._starting.revision != revision:
            snapshot = self.engine.downloads.snapshot() if self.feed.polled else None
            self._starting = self._encoder.encode(
                revision, snapshot.downloads if snapshot else {}, self.feed.state()
            )
        return self._starting

    def opening(self, since: str | None) -> Opening | bytes:
        """The event a new stream starts with: the snapshot, or only `current` when the panel
        already holds this revision (it fetched the state just before)."""
        starting = self.starting_state()
        if since == starting.revision:
            return encode("current", {"revision": starting.revision})
        return starting.opening


def _panel(request: web.Request) -> Panel:
    return request.app[PANEL]


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(
            text='{"error":{"code":"invalid_json","message":"The body is not valid JSON."}}',
            content_type="application/json",
        ) from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(
            text='{"error":{"code":"invalid_json","message":"Send a JSON object."}}',
            content_type="application/json",
        )
    return body


# --- handlers ------------------------------------------------------------------------------------


async def health(request: web.Request) -> web.Response:
    panel = _panel(request)

    async def reachable(check: Any) -> bool:
        try:
            async with asyncio.timeout(3):
                await check
        except MediaHubError, TimeoutError:
            return False
        return True

    prowlarr, plex = await asyncio.gather(
        reachable(panel.engine.prowlarr.version()), reachable(panel.engine.plex.identity())
    )
    return web.json_response(
        {
            "status": "ok",
            "version": __version__,
            "services": {
                "qbittorrent": {
                    "available": bool(panel.feed.qbittorrent_available),
                    "problem": panel.feed.qbittorrent_problem,
                    "version": panel.engine.qbittorrent.version,
                },
                "prowlarr": {"available": prowlarr},
                "plex": {"available": plex},
                "vpn": {"state": str(panel.feed.vpn.state) if panel.feed.vpn else "unknown"},
            },
            "queued_grabs": len(panel.engine.downloads.outbox),
        }
    )


async def search(request: web.Request) -> web.StreamResponse:
    panel = _panel(request)
    query = request.query.get("q", "").strip()
    category = request.query.get("category", "")
    if not query:
        return error_response(400, "empty_query", "Type something to search for.")
    if category and category not in NEWZNAB_BY_CATEGORY:
        return error_response(400, "unknown_category", f"Unknown category {category!r}.")
    if not panel.search_limiter.allow(request.remote or "?"):
        return error_response(429, "rate_limited", "Too many searches; wait a few seconds.")
    categories = [NEWZNAB_BY_CATEGORY[category]] if category else []
    messages = search_messages(panel.engine, query, categories)
    try:
        first = await anext(messages, None)
    except MediaHubError as err:
        return error_for(err)
    stream = await open_stream(request)
    try:
        message = first
        while message is not None:
            await stream.send(encode(*message))
            message = await anext(messages, None)
    except ConnectionResetError:
        pass  # the user started another search
    finally:
        await messages.aclose()
    return stream.response


async def list_downloads(request: web.Request) -> web.Response:
    """The panel's whole state; with `?head`, only the head of its list (see state.py)."""
    state = _panel(request).starting_state()
    body = state.head if "head" in request.query else state.whole
    if accepts_gzip(request):
        return web.Response(
            body=body.gzipped,
            content_type="application/json",
            headers={"Content-Encoding": "gzip", **VARY},
        )
    return web.Response(body=body.plain, content_type="application/json", headers=VARY)


async def add_download(request: web.Request) -> web.Response:
    panel = _panel(request)
    body = await _json_body(request)
    category = body.get("category") or None
    try:
        if isinstance(body.get("release_id"), str):
            result = await panel.engine.downloads.grab(
                body["release_id"], category, origin=Origin.PANEL
            )
        elif isinstance(body.get("magnet"), str):
            result = await panel.engine.downloads.add_magnet(
                body["magnet"], category, origin=Origin.PANEL
            )
        elif isinstance(body.get("torrent_url"), str):
            result = await panel.engine.downloads.add_torrent_url(
                body["torrent_url"], category, origin=Origin.PANEL
            )
        else:
            return error_response(
                400,
                "missing_release",
                "Send a release_id from a search, a magnet link, or a torrent_url.",
            )
    except MediaHubError as err:
        return error_for(err)
    return _created(panel, result)


def _created(panel: Panel, result: GrabResult) -> web.Response:
    panel.wake()
    data = result.as_json()
    if result.queued:
        data["message"] = (
            "qBittorrent is not reachable — your download is queued and will start when it is back."
        )
        return web.json_response(data, status=202)
    return web.json_response(data, status=201)


async def upload_torrent(request: web.Request) -> web.Response:
    """A .torrent file sent as the body (`?category=`), up to the size a torrent may have."""
    panel = _panel(request)
    data = await _body_up_to(request, MAX_TORRENT_BYTES)
    if data is None:
        return error_response(
            413, "torrent_too_large", f"A .torrent file is at most {MAX_TORRENT_BYTES >> 20} MB."
        )
    try:
        result = await panel.engine.downloads.add_torrent_file(
            data, request.query.get("category") or None, origin=Origin.PANEL
        )
    except MediaHubError as err:
        return error_for(err)
    return _created(panel, result)


async def _body_up_to(request: web.Request, cap: int) -> bytes | None:
    """The request's body, or None as soon as it is over `cap` bytes."""
    chunks, size = [], 0
    async for chunk in request.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > cap:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def control(request: web.Request) -> web.Response:
    panel = _panel(request)
    infohash = request.match_info["hash"]
    action = request.match_info.get("action", "delete")
    downloads = panel.engine.downloads
    try:
        match action:
            case "pause":
                await downloads.pause(infohash)
            case "resume":
                await downloads.resume(infohash)
            case "force_start":
                await downloads.force_start(infohash)
            case "top" | "bottom":
                await downloads.move_in_queue(infohash, top=action == "top")
            case "redownload":
                result = await downloads.redownload(infohash, origin=Origin.PANEL)
                panel.wake()
                return web.json_response(result.as_json(), status=201)
            case "delete":
                delete_files = request.query.get("delete_files", "false").lower() in (
                    "1",
                    "true",
                    "yes",
                )
                await downloads.remove(infohash, delete_files=delete_files)
            case _:
                return error_response(404, "unknown_action", "No such action.")
    except MediaHubError as err:
        return error_for(err)
    panel.wake()
    return web.json_response({"ok": True})


async def all_downloads(request: web.Request) -> web.Response:
    """Pause or resume every download."""
    panel = _panel(request)
    try:
        if request.match_info["action"] == "pause_all":
            await panel.engine.downloads.pause_all()
        else:
            await panel.engine.downloads.resume_all()
    except MediaHubError as err:
        return error_for(err)
    panel.wake()
    return web.json_response({"ok": True})


async def bandwidth(request: web.Request) -> web.Response:
    """qBittorrent's limits and schedule (GET), or changes to them (POST; bytes/s)."""
    panel = _panel(request)
    control = panel.engine.bandwidth
    try:
        if request.method == "POST":
            current = await control.change(await _json_body(request))
            panel.wake()
        else:
            current = await control.read()
    except MediaHubError as err:
        return error_for(err)
    return web.json_response({"bandwidth": current.as_json()})


async def profiles(request: web.Request) -> web.Response:
    return web.json_response(await profiles_json(_panel(request).engine))


async def save_profile(request: web.Request) -> web.Response:
    """Store a category's profile (POST) or put its default back (DELETE)."""
    store = _panel(request).engine.profiles
    category = request.match_info["category"]
    try:
        if request.method == "DELETE":
            profile = await store.reset(category)
        else:
            profile = await store.save(category, await _json_body(request))
    except MediaHubError as err:
        return error_for(err)
    return web.json_response({"profile": profile.as_json()})


async def libraries(request: web.Request) -> web.Response:
    panel = _panel(request)
    try:
        found = await panel.engine.plex.libraries()
    except MediaHubError as err:
        return error_for(err)
    return web.json_response({"libraries": [library_json(lib, panel.feed.scans) for lib in found]})


async def poster(request: web.Request) -> web.Response:
    """The poster of an item Plex lists (a ready download's): fetched by MediaHub with Plex's
    token, capped and cached; only keys of MediaHub's library index are served."""
    try:
        found = await _panel(request).engine.poster(request.match_info["key"])
    except MediaHubError:
        found = None
    if found is None:
        raise web.HTTPNotFound
    data, kind = found
    return web.Response(
        body=data, content_type=kind, headers={"Cache-Control": "private, max-age=86400"}
    )


async def scan_library(request: web.Request) -> web.Response:
    panel = _panel(request)
    try:
        await panel.engine.downloads.scan_library(request.match_info["key"])
    except MediaHubError as err:
        return error_for(err)
    return web.json_response({"ok": True}, status=202)


async def events(request: web.Request) -> web.StreamResponse:
    panel = _panel(request)
    # The snapshot goes out at once; an unknown VPN state follows as its own event, so a slow
    # gluetun never holds up the list.
    panel.wake(vpn=panel.feed.vpn is None)
    return await panel.broker.serve(request, panel.opening(request.query.get("since")))


async def vpn(request: web.Request) -> web.Response:
    status = await _panel(request).refresh_vpn()
    return web.json_response(vpn_json(status) if status else {"state": "unknown"})


async def index(request: web.Request) -> web.StreamResponse:
    page = STATIC / "index.html"
    if not page.is_file():
        return web.Response(
            text="The panel UI is not built: run `npm run build` in frontend/.", status=503
        )
    return web.FileResponse(page, headers={"Cache-Control": "no-cache", **VARY})


# --- the application --------------------------------------------------------------------------


def create_app(settings: Settings) -> web.Application:
    """The panel for these settings; its engine, poller and session live with the app."""
    app = web.Application(
        middlewares=[
            security_middleware(
                HostAllowlist.of(settings.allowed_hosts),
                content_security_policy(inline_style_hashes(STATIC / "index.html")),
            ),
            compress_json,
        ],
        client_max_size=MAX_BODY,
    )

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        async with aiohttp.ClientSession() as session:
            panel = Panel(settings, session)
            app[PANEL] = panel
            poller = asyncio.create_task(panel.run(), name="mediahub-poller")
            panel.engine.plexwatch.on_change = panel.wake
            panel.watcher = asyncio.create_task(
                panel.engine.watch_plex(session), name="mediahub-plex-websocket"
            )
            yield
            for task in (poller, panel.watcher):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await panel.engine.close()

    async def end_streams(app: web.Application) -> None:
        # Open event streams, and the websocket to Plex, would otherwise hold the shutdown for
        # its whole timeout.
        if PANEL in app:
            panel = app[PANEL]
            panel.broker.close_all()
            panel.engine.plexwatch.close()
            if panel.watcher is not None:
                panel.watcher.cancel()

    app.cleanup_ctx.append(lifecycle)
    app.on_shutdown.append(end_streams)
    app.router.add_get("/health", health)
    app.router.add_get("/api/search", search)
    app.router.add_get("/api/downloads", list_downloads)
    app.router.add_post("/api/downloads", add_download)
    app.router.add_post(TORRENT_UPLOAD, upload_torrent)
    app.router.add_post("/api/downloads/{action:pause_all|resume_all}", all_downloads)
    app.router.add_post(
        "/api/downloads/{hash}/{action:pause|resume|redownload|force_start|top|bottom}", control
    )
    app.router.add_get("/api/bandwidth", bandwidth)
    app.router.add_post("/api/bandwidth", bandwidth)
    app.router.add_delete("/api/downloads/{hash}", control)
    app.router.add_get("/api/profiles", profiles)
    app.router.add_post("/api/profiles/{category}", save_profile)
    app.router.add_delete("/api/profiles/{category}", save_profile)
    app.router.add_get("/api/libraries", libraries)
    app.router.add_get(r"/api/posters/{key:\d{1,12}}", poster)
    app.router.add_post("/api/libraries/{key}/scan", scan_library)
    app.router.add_get("/api/events", events)
    app.router.add_get("/api/vpn", vpn)
    app.router.add_get("/", index)
    app.router.add_get("/assets/{name}", asset)
    for name in ("manifest.webmanifest", "icon.svg", "icon-192.png", "icon-512.png"):
        if (STATIC / name).is_file():
            app.router.add_get(f"/{name}", _file(STATIC / name))
    return app


def inline_style_hashes(page: Path) -> list[str]:
    """sha256 (base64) of each <style> the built page inlines (its critical CSS, so the first
    paint waits for no stylesheet request): the CSP allows exactly these."""
    html = page.read_text() if page.is_file() else ""
    return [
        base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
        for css in re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    ]


def _file(path: Path) -> Any:
    async def serve(request: web.Request) -> web.FileResponse:
        return web.FileResponse(path, headers={"Cache-Control": "public, max-age=86400"})

    return serve


async def asset(request: web.Request) -> web.FileResponse:
    """A built asset. Its name carries a hash of its content, so browsers may keep it for a
    year; FileResponse sends the build's `.br` or `.gz` beside it when the browser takes it."""
    name = request.match_info["name"]
    path = STATIC / "assets" / name
    if name.startswith(".") or name.endswith((".br", ".gz")) or not path.is_file():
        raise web.HTTPNotFound
    return web.FileResponse(path, headers={"Cache-Control": IMMUTABLE, **VARY})


@web.middleware
async def compress_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    """JSON answers go out compressed when the browser accepts it (a downloads list of a few
    hundred torrents shrinks about tenfold); event streams compress themselves (see sse)."""
    response = await handler(request)
    if (
        isinstance(response, web.Response)
        and response.content_type == "application/json"
        and isinstance(response.body, bytes)
        and len(response.body) >= COMPRESS_FROM
        and hdrs.CONTENT_ENCODING not in response.headers  # compressed once, in advance
    ):
        response.enable_compression()
    return response


def run(settings: Settings) -> None:
    """Serve the panel on every interface at the configured port until interrupted."""
    web.run_app(create_app(settings), port=settings.port, print=None, access_log=None)
