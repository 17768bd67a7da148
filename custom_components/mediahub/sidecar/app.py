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
import json
import logging
from pathlib import Path
import re
import time
from typing import Any, Final

import aiohttp
from aiohttp import hdrs, web
from aiohttp.typedefs import Handler
import probatio as vol

from hub import (
    MAX_TORRENT_BYTES,
    NEWZNAB_BY_CATEGORY,
    OPERATIONS,
    PLAIN,
    Access,
    Call,
    EngineEvent,
    Feed,
    InvalidInputError,
    MediaHub,
    MediaHubError,
    Operation,
    Origin,
    RateLimiter,
    Refresh,
    Route,
    ServiceStatus,
    Settings,
    VpnStatus,
    __version__,
    outcome,
    panel_placeholders,
    placeholders,
    problem_of,
    search_messages,
    vpn_json,
)

from . import first_frame
from .security import (
    MAX_BODY,
    TORRENT_UPLOAD,
    HostAllowlist,
    content_security_policy,
    error_response,
    security_middleware,
)
from .signin import (
    SIGN_IN_KEY,
    SignIn,
    add_routes as add_sign_in_routes,
    person_of,
    session_middleware,
)
from .sse import Broker, Opening, accepts_gzip, encode, open_stream
from .state import StartingState, StateEncoder

_LOGGER = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
FIRST_FRAME_JSON: Final = STATIC / "first-frame.json"  # the frontend build's words for the server
IDLE_POLL: Final = 15.0
VPN_POLL: Final = 30.0
IMMUTABLE: Final = "public, max-age=31536000, immutable"
# Every copy of a page or asset depends on Accept-Encoding, the plain one too (caches must not
# hand it to a browser that could have had brotli).
VARY: Final = {"Vary": "Accept-Encoding"}
COMPRESS_FROM: Final = 1024  # bytes; below this, compressing costs more than it saves

PANEL: web.AppKey[Panel] = web.AppKey("panel")
# The frontend's words and number formats for the server-written first frame (None: the UI
# was built without them).
FIRST_FRAME_WORDS: web.AppKey[first_frame.Catalogs | None] = web.AppKey("first_frame_words")
STYLE_HASHES: web.AppKey[list[str]] = web.AppKey("style_hashes")  # the page's inline <style>s
# Routes of the table whose handlers are written here: their data comes apart from a body by
# hand (a release, a magnet or a URL; a .torrent file).
HAND_WRITTEN: Final = frozenset({"/api/downloads", TORRENT_UPLOAD})


# --- JSON shapes (what the browser sees: no secret, no Prowlarr link) --------------------------


POSTERS: Final = "/api/posters"  # where the panel serves posters (see `poster`)


def error_for(err: MediaHubError) -> web.Response:
    """The engine's errors as HTTP, in words a person understands (the panel's side of
    `hub.errors`' table)."""
    row = outcome(err)
    values = err.values if isinstance(err, InvalidInputError) else None
    return error_response(
        row.http_status,
        row.code,
        row.panel_message.format(**panel_placeholders(err)),
        values,
        placeholders=placeholders(err),
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
        self.wish_watcher: asyncio.Task[None] | None = None  # the wishes' watch cycles
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
            idle = self.settings.poll_interval if self.broker.clients else IDLE_POLL
            # Sooner while a download is about to complete: "ready to watch" waits on no tick
            # (but never while qBittorrent is away: its old word promises nothing).
            interval = idle if self.feed.qbittorrent_problem else self.engine.poll_interval(idle)
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
        return error_response(
            400,
            "unknown_category",
            f"Unknown category {category!r}.",
            placeholders={"category": category, "choices": ", ".join(NEWZNAB_BY_CATEGORY)},
        )
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
    """A search result, a magnet link or a .torrent URL: each its own operation."""
    body = await _json_body(request)
    for key, name in (
        ("release_id", "grab"),
        ("magnet", "add_magnet"),
        ("torrent_url", "add_torrent_url"),
    ):
        if isinstance(body.get(key), str):
            data = {key: body[key]}
            if category := body.get("category"):
                data["category"] = category
            op = OPERATIONS[name]
            return await _run(request, op, op.routes[0], data, created=True)
    return error_response(
        400, "missing_release", "Send a release_id from a search, a magnet link, or a torrent_url."
    )


async def upload_torrent(request: web.Request) -> web.Response:
    """A .torrent file sent as the body (`?category=`), up to the size a torrent may have."""
    data = await _body_up_to(request, MAX_TORRENT_BYTES)
    if data is None:
        return error_response(
            413, "torrent_too_large", f"A .torrent file is at most {MAX_TORRENT_BYTES >> 20} MB."
        )
    op = OPERATIONS["add_torrent_file"]
    category = request.query.get("category")
    fields = {"category": category} if category else {}
    return await _run(request, op, op.routes[0], fields, upload=data, created=True)


async def _body_up_to(request: web.Request, cap: int) -> bytes | None:
    """The request's body, or None as soon as it is over `cap` bytes."""
    chunks, size = [], 0
    async for chunk in request.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > cap:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _route_handler(op: Operation, route: Route) -> Handler:
    """The route's handler: the data from its path, query and body, then the operation. A
    route whose `body` is "" takes the JSON body as the data itself (what the path, the query
    and the route fix win over it)."""

    async def handle(request: web.Request) -> web.StreamResponse:
        data: dict[str, Any] = {name: request.match_info[name] for name in route.params}
        for name, parse in route.query.items():
            if name in request.query:
                data[name] = parse(request.query[name])
        if route.body:
            data[route.body] = await _json_body(request)
        elif route.body == "":
            data = {**await _json_body(request), **data}
        return await _run(request, op, route, {**data, **route.fixed})

    handle.__name__ = op.name
    return handle


async def _run(
    request: web.Request,
    op: Operation,
    route: Route,
    fields: dict[str, Any],
    *,
    upload: bytes | None = None,
    created: bool = False,
) -> web.Response:
    """One operation of the table, answered as HTTP: its answer (or `{"ok": true}`) with the
    route's status; a download `created` but queued while qBittorrent is away is 202, with a
    message."""
    panel = _panel(request)
    person = person_of(request)  # None: the panel signs no one in, and trusts whoever reaches it
    if person is not None and not person.admin and op.access is Access.ADMIN:
        return error_response(403, "admin_only", "Only a Home Assistant administrator can do that.")
    try:
        data = op.schema(PLAIN)(fields)
    except vol.Invalid as err:
        return error_response(400, "invalid_input", f"That is not valid: {err}.")
    call = Call(
        engine=panel.engine,
        feed=panel.feed,
        data=data,
        origin=Origin.PANEL,
        upload=upload,
        user=person.name if person else None,
        user_id=person.user_id if person else None,
        admin=person.admin if person else True,
    )
    try:
        answer = await op.run(call)
    except MediaHubError as err:
        return error_for(err)
    if op.refresh is not Refresh.NONE and op.changes(data):
        panel.wake()
    if answer is None:
        return web.json_response({"ok": True}, status=route.status)
    if created and answer["queued"]:
        answer["message"] = (
            "qBittorrent is not reachable — your download is queued and will start when it is back."
        )
        return web.json_response(answer, status=202)
    return web.json_response(answer, status=route.status)


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
    """The page; on the downloads tab (`/downloads`), with its first frame written in (see
    first_frame.py). The other tabs' paths get the page as it was built (the app reads the tab
    from the path)."""
    page = STATIC / "index.html"
    if not page.is_file():
        return web.Response(
            text="The panel UI is not built: run `npm run build` in frontend/.", status=503
        )
    if request.path == "/downloads":
        written = await _with_first_frame(request, page)
        if written is not None:
            html, styles = written
            inline: list[str] = request.app[STYLE_HASHES]
            policy = content_security_policy(inline, [_sha256(style) for style in styles])
            # The state of this moment, and maybe a person's: never kept by a cache.
            response = web.Response(
                text=html,
                content_type="text/html",
                headers={"Cache-Control": "no-store", "Content-Security-Policy": policy},
            )
            response.enable_compression()
            return response
    return web.FileResponse(page, headers={"Cache-Control": "no-cache", **VARY})


async def _with_first_frame(request: web.Request, page: Path) -> tuple[str, list[str]] | None:
    """index.html with the downloads tab's first frame and its style attributes' values (which
    the page's CSP lets through by hash), or None when the page must come as
    built: the build has no words for the server, nobody is signed in (no download reaches a
    browser before its person has), or the state holds what only the browser can write."""
    catalogs = request.app[FIRST_FRAME_WORDS]
    if catalogs is None:  # not built yet when the panel started: looked for again
        catalogs = request.app[FIRST_FRAME_WORDS] = first_frame.Catalogs.read(FIRST_FRAME_JSON)
        if catalogs is None:
            return None
    sign_in = request.app[SIGN_IN_KEY]
    person = await sign_in.person(request) if sign_in is not None else None
    if sign_in is not None and person is None:
        return None
    session: dict[str, Any] = {
        "sign_in": sign_in is not None,
        "user": {"name": person.name, "admin": person.admin} if person else None,
    }
    language = first_frame.pick_language(request.headers.get(hdrs.ACCEPT_LANGUAGE))
    viewer = first_frame.Viewer(
        admin=person.admin if person else True,
        signed_in=person is not None,
        phone=bool(first_frame.PHONE.search(request.headers.get(hdrs.USER_AGENT, ""))),
    )
    head = _panel(request).starting_state().head.plain
    try:
        markup = first_frame.render(json.loads(head), catalogs.languages[language], viewer)
    except first_frame.CannotRenderError as err:
        _LOGGER.debug("The first frame is the browser's to write (%s)", err)
        return None
    except Exception:
        # The page must never fail for want of its first frame: the browser draws it then.
        _LOGGER.exception("Could not write the downloads page's first frame")
        return None
    html = await asyncio.to_thread(page.read_text)
    data = first_frame.frame_data(language, session, head)
    page_html = first_frame.page_with_frame(html, markup, language, data)
    return page_html, first_frame.style_attributes(markup)


# --- the application --------------------------------------------------------------------------


def create_app(settings: Settings) -> web.Application:
    """The panel for these settings; its engine, poller and session live with the app."""
    sign_in = (
        SignIn(settings.home_assistant_url, settings.state_path, settings.panel_url)
        if settings.home_assistant_url
        else None
    )
    style_hashes = inline_style_hashes(STATIC / "index.html")
    app = web.Application(
        middlewares=[
            security_middleware(
                HostAllowlist.of(settings.allowed_hosts), content_security_policy(style_hashes)
            ),
            session_middleware(sign_in),
            compress_json,
        ],
        client_max_size=MAX_BODY,
    )

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        async with aiohttp.ClientSession() as session:
            if sign_in is not None:
                await sign_in.start(session)
            panel = Panel(settings, session)
            app[PANEL] = panel
            poller = asyncio.create_task(panel.run(), name="mediahub-poller")
            panel.engine.plexwatch.on_change = panel.wake
            panel.watcher = asyncio.create_task(
                panel.engine.watch_plex(session), name="mediahub-plex-websocket"
            )
            panel.wish_watcher = asyncio.create_task(
                panel.engine.watch_wishes(), name="mediahub-wishes"
            )
            yield
            for task in (poller, panel.watcher, panel.wish_watcher):
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
            for task in (panel.watcher, panel.wish_watcher):
                if task is not None:
                    task.cancel()

    app[FIRST_FRAME_WORDS] = first_frame.Catalogs.read(FIRST_FRAME_JSON)
    app[STYLE_HASHES] = style_hashes
    app.cleanup_ctx.append(lifecycle)
    app.on_shutdown.append(end_streams)
    app.router.add_get("/health", health)
    add_sign_in_routes(app, sign_in)
    app.router.add_get("/api/search", search)
    app.router.add_get("/api/downloads", list_downloads)
    app.router.add_post("/api/downloads", add_download)
    app.router.add_post(TORRENT_UPLOAD, upload_torrent)
    for op in OPERATIONS.values():
        for route in op.routes:
            if route.path in HAND_WRITTEN:
                continue
            if route.method == "GET":
                app.router.add_get(route.path, _route_handler(op, route))
            else:
                app.router.add_route(route.method, route.path, _route_handler(op, route))
    app.router.add_get(r"/api/posters/{key:\d{1,12}}", poster)
    app.router.add_get("/api/events", events)
    app.router.add_get("/api/vpn", vpn)
    app.router.add_get("/", index)
    for tab in ("downloads", "wishes", "libraries", "settings"):  # App.tsx's tabs, as paths
        app.router.add_get(f"/{tab}", index)
    app.router.add_get("/assets/{name}", asset)
    for name in ("manifest.webmanifest", "icon.svg", "icon-192.png", "icon-512.png"):
        if (STATIC / name).is_file():
            app.router.add_get(f"/{name}", _file(STATIC / name))
    return app


def inline_style_hashes(page: Path) -> list[str]:
    """sha256 (base64) of each <style> the built page inlines (its critical CSS, so the first
    paint waits for no stylesheet request): the CSP allows exactly these."""
    html = page.read_text() if page.is_file() else ""
    return [_sha256(css) for css in re.findall(r"<style>(.*?)</style>", html, re.DOTALL)]


def _sha256(text: str) -> str:
    """A CSP source's hash (base64 of the sha256)."""
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


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
