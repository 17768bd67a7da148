"""The panel's sign-in with Home Assistant accounts (`MEDIAHUB_HOME_ASSISTANT_URL`).

Home Assistant is the authorization server (its IndieAuth-style OAuth2: `/auth/authorize`,
`/auth/token`, `/auth/revoke`), the panel a client whose `client_id` is its own address; no
password of MediaHub's exists. The flow:

1. `GET /auth/sign-in`: a fresh `state` and PKCE verifier (S256), kept here and bound to the
   browser by a short-lived HttpOnly cookie; the browser goes to Home Assistant's authorize page.
2. The person signs in there; Home Assistant sends the browser back to `GET /auth/callback` with
   a code and the state. The state must be the one this browser was given (login CSRF).
3. The code (with the verifier) becomes tokens at Home Assistant's token endpoint, and the access
   token says who the person is (`auth/current_user` over Home Assistant's websocket).
4. A session: a random id in an HttpOnly cookie (SameSite=Lax: Home Assistant's redirect back is
   a top-level GET; Secure over https). The refresh token stays on the server, in
   `<state_dir>/sessions.json` (mode 0600, keyed by a hash of the session id), never in a log,
   an answer or the browser.

Every `/api/` request but `/api/session` needs a session; a session asks Home Assistant again
who its person is once its access token has expired (so an account disabled, demoted or signed
out in Home Assistant's profile page loses the panel). Signing out revokes the refresh token.
The server only ever talks to the configured Home Assistant address.
"""

from __future__ import annotations

import asyncio
import base64
from dataclasses import asdict, dataclass
import hashlib
import json
import logging
import os
from pathlib import Path
import secrets
import time
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

import aiohttp
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from .security import error_response

_LOGGER = logging.getLogger(__name__)

SESSION_COOKIE: Final = "mediahub_session"
STATE_COOKIE: Final = "mediahub_sign_in"
SIGN_IN: Final = "/auth/sign-in"
CALLBACK: Final = "/auth/callback"
SESSION_PATH: Final = "/api/session"
SIGN_OUT: Final = "/api/session/sign-out"
SESSION_DAYS: Final = 30  # a session unused this long is forgotten
PENDING_SECONDS: Final = 600  # a sign-in not back from Home Assistant by then is forgotten
PENDING_MAX: Final = 256  # sign-ins under way at once (a flood only pushes out the oldest)
HA_TIMEOUT: Final = aiohttp.ClientTimeout(total=15)


@dataclass(frozen=True, slots=True)
class Person:
    """Who a signed-in request is from, as Home Assistant says."""

    user_id: str
    name: str
    admin: bool


@dataclass(slots=True)
class Session:
    person: Person
    refresh_token: str
    client_id: str
    checked_until: float  # wall-clock seconds: when to ask Home Assistant again
    last_used: float


@dataclass(frozen=True, slots=True)
class Pending:
    verifier: str
    client_id: str
    started: float


class SignInError(Exception):
    """A sign-in that did not work: `code` is what the panel shows (`?sign_in=<code>`)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


class SignIn:
    """The sessions of one panel, and its talk with Home Assistant."""

    def __init__(self, home_assistant: str, state_dir: Path, panel_url: str | None = None) -> None:
        self.home_assistant = home_assistant.rstrip("/")
        self.panel_url = panel_url.rstrip("/") if panel_url else None
        self._file = state_dir / "sessions.json"
        self._sessions: dict[str, Session] = {}  # by the digest of the session id
        self._pending: dict[str, Pending] = {}  # by state
        self._locks: dict[str, asyncio.Lock] = {}
        self._http: aiohttp.ClientSession | None = None

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self, http: aiohttp.ClientSession) -> None:
        self._http = http
        self._sessions = await asyncio.to_thread(self._load)

    def _load(self) -> dict[str, Session]:
        try:
            raw = json.loads(self._file.read_text())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as err:
            _LOGGER.warning("The panel's sessions are unreadable (%s): all sign in again", err)
            return {}
        sessions = {}
        for key, item in raw.get("sessions", {}).items():
            try:
                sessions[key] = Session(
                    person=Person(**item["person"]),
                    refresh_token=item["refresh_token"],
                    client_id=item["client_id"],
                    checked_until=0.0,  # who they are is asked again after a restart
                    last_used=float(item["last_used"]),
                )
            except KeyError, TypeError, ValueError:
                continue
        return sessions

    async def _save(self) -> None:
        data = {
            "sessions": {
                key: {
                    "person": asdict(s.person),
                    "refresh_token": s.refresh_token,
                    "client_id": s.client_id,
                    "last_used": s.last_used,
                }
                for key, s in self._sessions.items()
            }
        }
        await asyncio.to_thread(self._write, json.dumps(data))

    def _write(self, text: str) -> None:
        """Atomically, readable by this user only (it holds Home Assistant refresh tokens)."""
        self._file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._file.with_name(f".{self._file.name}.{os.getpid()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(text)
        os.chmod(temporary, 0o600)
        temporary.replace(self._file)

    # --- addresses -------------------------------------------------------------------------

    def client_id(self, request: web.Request) -> str:
        """The panel's address as the browser reaches it (its Host is on the allowlist)."""
        return f"{self.panel_url or f'{request.scheme}://{request.host}'}/"

    @staticmethod
    def _secure(client_id: str) -> bool:
        return urlsplit(client_id).scheme == "https"

    # --- the flow --------------------------------------------------------------------------

    async def start_sign_in(self, request: web.Request) -> web.StreamResponse:
        now = time.time()
        self._pending = {
            state: p for state, p in self._pending.items() if now - p.started < PENDING_SECONDS
        }
        while len(self._pending) >= PENDING_MAX:
            del self._pending[next(iter(self._pending))]
        state = secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(48)
        client_id = self.client_id(request)
        self._pending[state] = Pending(verifier, client_id, now)
        query = urlencode(
            {
                "response_type": "code",
                "client_id": client_id,
                "redirect_uri": client_id.rstrip("/") + CALLBACK,
                "state": state,
                "code_challenge": _challenge(verifier),
                "code_challenge_method": "S256",
            }
        )
        response = _redirect(f"{self.home_assistant}/auth/authorize?{query}", 302)
        response.set_cookie(
            STATE_COOKIE,
            state,
            max_age=PENDING_SECONDS,
            path="/auth/",
            httponly=True,
            samesite="Lax",
            secure=self._secure(client_id),
        )
        return response

    async def callback(self, request: web.Request) -> web.StreamResponse:
        try:
            session_id, session = await self._finish(request)
        except SignInError as err:
            response = _redirect(f"/?sign_in={err.code}")
            response.del_cookie(STATE_COOKIE, path="/auth/")
            return response
        self._sessions[_digest(session_id)] = session
        await self._save()
        _LOGGER.info("%s signed in to the panel", session.person.name)
        response = _redirect("/")
        response.del_cookie(STATE_COOKIE, path="/auth/")
        response.set_cookie(
            SESSION_COOKIE,
            session_id,
            max_age=SESSION_DAYS * 86400,
            path="/",
            httponly=True,
            samesite="Lax",
            secure=self._secure(session.client_id),
        )
        return response

    async def _finish(self, request: web.Request) -> tuple[str, Session]:
        """The session Home Assistant's answer makes, if it answers the sign-in this browser
        started (its state, in its cookie) in time, at the same address."""
        state = request.query.get("state", "")
        cookie = request.cookies.get(STATE_COOKIE, "")
        pending = self._pending.pop(state, None) if state else None
        if (
            pending is None
            or not secrets.compare_digest(state, cookie)
            or time.time() - pending.started > PENDING_SECONDS
            or pending.client_id != self.client_id(request)
        ):
            raise SignInError("expired")
        if "code" not in request.query:
            raise SignInError("refused")  # the person cancelled, or Home Assistant said no
        return await self._new_session(request.query["code"], pending)

    async def _new_session(self, code: str, pending: Pending) -> tuple[str, Session]:
        tokens = await self._token(
            {
                "grant_type": "authorization_code",
                "code": code,
                "client_id": pending.client_id,
                "code_verifier": pending.verifier,
            }
        )
        refresh = tokens.get("refresh_token")
        if not isinstance(refresh, str):
            raise SignInError("failed")
        person = await self._current_user(tokens)
        now = time.time()
        session = Session(
            person=person,
            refresh_token=refresh,
            client_id=pending.client_id,
            checked_until=now + _lifetime(tokens),
            last_used=now,
        )
        return secrets.token_urlsafe(32), session

    async def _token(self, form: dict[str, str]) -> dict[str, Any]:
        """Home Assistant's token endpoint; its refusal is `refused`, its absence `unreachable`."""
        assert self._http is not None
        try:
            async with self._http.post(
                f"{self.home_assistant}/auth/token", data=form, timeout=HA_TIMEOUT
            ) as response:
                if response.status in (400, 401, 403):
                    raise SignInError("refused")
                response.raise_for_status()
                body = await response.json()
        except (aiohttp.ClientError, TimeoutError, ValueError) as err:
            _LOGGER.warning("Home Assistant's token endpoint failed: %s", type(err).__name__)
            raise SignInError("unreachable") from None
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise SignInError("failed")
        return body

    async def _current_user(self, tokens: dict[str, Any]) -> Person:
        """Who the access token is for, from Home Assistant's websocket API."""
        assert self._http is not None
        url = f"{self.home_assistant}/api/websocket"
        try:
            async with (
                asyncio.timeout(HA_TIMEOUT.total),
                self._http.ws_connect(url) as ws,
            ):
                await ws.receive_json()  # auth_required
                await ws.send_json({"type": "auth", "access_token": tokens["access_token"]})
                if (await ws.receive_json()).get("type") != "auth_ok":
                    raise SignInError("refused")
                await ws.send_json({"id": 1, "type": "auth/current_user"})
                reply = await ws.receive_json()
        except (aiohttp.ClientError, TimeoutError, ValueError, TypeError) as err:
            _LOGGER.warning("Home Assistant's websocket did not answer: %s", type(err).__name__)
            raise SignInError("unreachable") from None
        user = reply.get("result") if reply.get("success") else None
        if not isinstance(user, dict) or not isinstance(user.get("id"), str):
            raise SignInError("failed")
        return Person(
            user_id=user["id"], name=str(user.get("name") or ""), admin=bool(user.get("is_admin"))
        )

    # --- sessions --------------------------------------------------------------------------

    async def person(self, request: web.Request) -> Person | None:
        """The person of the request's session; Home Assistant is asked again once the last
        answer's access token has expired. None: no session (or it ended)."""
        session_id = request.cookies.get(SESSION_COOKIE)
        if not session_id:
            return None
        key = _digest(session_id)
        session = self._sessions.get(key)
        now = time.time()
        if session is None:
            return None
        if now - session.last_used > SESSION_DAYS * 86400:
            del self._sessions[key]
            await self._save()
            return None
        if now >= session.checked_until:
            async with self._locks.setdefault(key, asyncio.Lock()):
                if key not in self._sessions:
                    return None
                if time.time() >= session.checked_until:
                    await self._check(key, session)
            self._locks.pop(key, None)
            if key not in self._sessions:
                return None
        if now - session.last_used > 3600:  # kept to the hour: no write per request
            session.last_used = now
            await self._save()
        return session.person

    async def _check(self, key: str, session: Session) -> None:
        """Ask Home Assistant who the session's person is now (a new access token from the
        refresh token). Refused: the session ends. Unreachable: it stays as it was, and is
        asked again at the next request a minute later."""
        try:
            tokens = await self._token(
                {
                    "grant_type": "refresh_token",
                    "refresh_token": session.refresh_token,
                    "client_id": session.client_id,
                }
            )
            person = await self._current_user(tokens)
        except SignInError as err:
            if err.code == "unreachable":
                session.checked_until = time.time() + 60
                return
            _LOGGER.info("Home Assistant ended %s's panel session", session.person.name)
            del self._sessions[key]
            await self._save()
            return
        changed = person != session.person
        session.person = person
        session.checked_until = time.time() + _lifetime(tokens)
        if changed:
            await self._save()

    async def sign_out(self, request: web.Request) -> web.Response:
        session_id = request.cookies.get(SESSION_COOKIE)
        session = self._sessions.pop(_digest(session_id), None) if session_id else None
        if session is not None:
            await self._save()
            await self._revoke(session.refresh_token)
            _LOGGER.info("%s signed out of the panel", session.person.name)
        response = web.json_response({"ok": True})
        response.del_cookie(SESSION_COOKIE, path="/")
        return response

    async def _revoke(self, refresh_token: str) -> None:
        assert self._http is not None
        try:
            async with self._http.post(
                f"{self.home_assistant}/auth/revoke",
                data={"token": refresh_token},
                timeout=HA_TIMEOUT,
            ) as response:
                response.raise_for_status()
        except (aiohttp.ClientError, TimeoutError) as err:
            # The session is gone here either way; Home Assistant keeps the token until the
            # person removes it in their profile (its list of refresh tokens names the panel).
            _LOGGER.warning("Home Assistant did not revoke a signed-out session's token: %s", err)


def _redirect(location: str, status: int = 303) -> web.Response:
    return web.Response(status=status, headers={"Location": location, "Cache-Control": "no-store"})


def _lifetime(tokens: dict[str, Any]) -> float:
    """How long Home Assistant's answer stands: its access token's lifetime (30 minutes)."""
    expires = tokens.get("expires_in")
    return float(expires) if isinstance(expires, (int, float)) and expires > 0 else 1800.0


SIGN_IN_KEY: web.AppKey[SignIn | None] = web.AppKey("sign_in")
PERSON: Final = "mediahub_person"  # the request's key for its Person


def person_of(request: web.Request) -> Person | None:
    """The signed-in person of a request (None when the panel has no sign-in)."""
    found = request.get(PERSON)
    return found if isinstance(found, Person) else None


def session_middleware(sign_in: SignIn | None) -> Middleware:
    """With sign-in on, every `/api/` request but the session's own needs a signed-in person
    (then `person_of` names them); without it, every request passes as before."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if sign_in is None or not request.path.startswith("/api/") or request.path == SESSION_PATH:
            return await handler(request)
        found = await sign_in.person(request)
        if found is None:
            return error_response(401, "sign_in_required", "Sign in with Home Assistant first.")
        request[PERSON] = found
        return await handler(request)

    return middleware


def add_routes(app: web.Application, sign_in: SignIn | None) -> None:
    """The session's routes (the sign-in's only when it is on)."""
    app[SIGN_IN_KEY] = sign_in
    app.router.add_get(SESSION_PATH, session_info)
    if sign_in is not None:
        app.router.add_get(SIGN_IN, sign_in.start_sign_in)
        app.router.add_get(CALLBACK, sign_in.callback)
        app.router.add_post(SIGN_OUT, sign_in.sign_out)


async def session_info(request: web.Request) -> web.Response:
    """`GET /api/session`: whether the panel signs people in, and who this browser is."""
    sign_in = request.app[SIGN_IN_KEY]
    if sign_in is None:
        return web.json_response({"sign_in": False, "user": None})
    found = await sign_in.person(request)
    user = {"name": found.name, "admin": found.admin} if found else None
    return web.json_response({"sign_in": True, "user": user})
