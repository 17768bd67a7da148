"""The panel's defences as a LAN app (../shared/reference/panel-ux-and-security.md §2.8); who is
signed in, when the panel signs people in with Home Assistant, is signin.py's.

- Host allowlist on every request: IP literals, localhost and the configured names. A DNS
  rebinding page reaches us with its own name in Host, so it is refused.
- State changes (POST/PUT/PATCH/DELETE) must come from the panel itself: `Sec-Fetch-Site:
  same-origin` when sent, an `Origin` (else `Referer`) equal to the Host, the custom header
  `X-MediaHub: 1`, and a JSON body. No CORS headers, ever; OPTIONS is refused.
- Strict headers on every response: a CSP without inline script, `frame-ancestors 'none'`,
  nosniff, no referrer, same-origin opener and resource policies, `no-store` on the API.
- A small token bucket per client address for searches (indexers ban for over-querying).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
import ipaddress
import logging
from typing import Final
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Middleware

_LOGGER = logging.getLogger(__name__)

STATE_CHANGING: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_HEADER: Final = "X-MediaHub"
MAX_BODY: Final = 16 * 1024
JSON_ONLY: Final = frozenset({"application/json"})
# The one change that is not JSON: a .torrent file, sent as itself (its size is capped there).
TORRENT_UPLOAD: Final = "/api/downloads/torrent"
BODY_TYPES: Final = {TORRENT_UPLOAD: frozenset({"application/x-bittorrent"})}


def content_security_policy(
    style_hashes: Iterable[str] = (), attribute_hashes: Iterable[str] = ()
) -> str:
    """No inline script, ever; inline styles only those whose hash the page was built with,
    and style attributes only those whose hash a page written by the server names (its first
    frame's list, sized by `style` as React sizes it: `'unsafe-hashes'` lets exactly these
    through)."""
    attributes = [f"'sha256-{h}'" for h in attribute_hashes]
    unsafe_hashes = ["'unsafe-hashes'"] if attributes else []
    styles = " ".join(
        ["'self'", *(f"'sha256-{h}'" for h in style_hashes), *unsafe_hashes, *attributes]
    )
    return (
        f"default-src 'self'; script-src 'self'; style-src {styles}; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; manifest-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


SECURITY_HEADERS: Final = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def error_response(
    status: int,
    code: str,
    message: str,
    values: Mapping[str, str] | None = None,
    *,
    placeholders: Mapping[str, str] | None = None,
) -> web.Response:
    """The panel's error shape (hub/wire.py `ErrorBody`): the panel shows its own text for
    `code` with `placeholders` filled in (`message`, English, is for a code it does not know);
    `values` are what the message names (the existing download of a duplicate, say), for the UI
    to act on."""
    error: dict[str, object] = {"code": code, "message": message}
    if placeholders:
        error["placeholders"] = dict(placeholders)
    if values:
        error["values"] = dict(values)
    return web.json_response({"error": error}, status=status)


def _hostname(host: str) -> str:
    """`name:port`, `[v6]:port` or `name` → the name, lower case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass
class HostAllowlist:
    """Which Host names the panel answers to."""

    names: frozenset[str]

    @classmethod
    def of(cls, configured: Iterable[str]) -> HostAllowlist:
        return cls(frozenset({"localhost", *(n.lower() for n in configured)}))

    def allows(self, host: str | None) -> bool:
        if not host:
            return False
        name = _hostname(host)
        return _is_ip(name) or name in self.names


def _same_origin(request: web.Request, allowlist: HostAllowlist) -> bool:
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source or source == "null":
        return False
    origin = urlsplit(source)
    return (
        bool(origin.netloc)
        and origin.netloc.lower() == request.host.lower()
        and allowlist.allows(origin.netloc)
    )


def security_middleware(allowlist: HostAllowlist, csp: str | None = None) -> Middleware:
    """Refuse what the panel must not do, and add the security headers to what it does."""
    headers = {"Content-Security-Policy": csp or content_security_policy(), **SECURITY_HEADERS}

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await _check(request, handler)
        # A page the server wrote names its own style attributes' hashes in its policy.
        response.headers.setdefault("Content-Security-Policy", headers["Content-Security-Policy"])
        response.headers.update(SECURITY_HEADERS)
        if request.path.startswith("/api/") or request.path == "/health":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    async def _check(request: web.Request, handler: Handler) -> web.StreamResponse:  # noqa: PLR0911
        if not allowlist.allows(request.headers.get("Host")):
            _LOGGER.warning("Refused a request for unknown host %r", request.headers.get("Host"))
            return error_response(
                421, "unknown_host", "This panel does not answer to that host name."
            )
        if request.method == "OPTIONS":
            return error_response(403, "cors_refused", "Cross-origin requests are not allowed.")
        if request.method in STATE_CHANGING:
            if not _same_origin(request, allowlist):
                return error_response(
                    403, "cross_origin", "Changes must come from the panel itself."
                )
            if request.headers.get(CSRF_HEADER) != "1":
                return error_response(
                    403, "missing_header", f"Changes need the {CSRF_HEADER} header."
                )
            if request.method != "DELETE" and request.content_type not in BODY_TYPES.get(
                request.path, JSON_ONLY
            ):
                return error_response(
                    415, "json_required", "Send JSON (Content-Type: application/json)."
                )
        try:
            return await handler(request)
        except web.HTTPRequestEntityTooLarge:
            return error_response(413, "too_large", "The request is too large.")

    return middleware
