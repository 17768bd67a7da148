"""qBittorrent client on `qbittorrent-api`, run in threads (it is blocking; never on the loop).

qbittorrent-api already spans 4.x and 5.x (stop/start vs pause/resume, `stopped` and `paused`
on add, the 5.2+ 204/401 login and `QBT_SID_<port>` cookie) and re-logs in once on a 403. On
top of it this adds: one re-login on a 401 too, errors as the engine's own, and a guard that
stops trying bad credentials before qBittorrent's ban (5 failures → one hour) kicks in.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
import hashlib
import logging
import time
from typing import Any, ClassVar, Final, Self

import qbittorrentapi

from ..errors import AuthenticationError, InvalidInputError, ServiceUnavailableError
from ..models import Bandwidth, SpeedSchedule

_LOGGER = logging.getLogger(__name__)

SERVICE: Final = "qBittorrent"
# After refused credentials, wait this long before trying them again: qBittorrent bans an
# address for an hour after 5 failures (WebUI\MaxAuthenticationFailCount).
AUTH_RETRY_AFTER: Final = 15 * 60


class LoginGuard:
    """Credentials a qBittorrent refused, remembered for AUTH_RETRY_AFTER, for every client
    of it in this process: the engine's, and each one a config or reauth form tests with. The
    same refused credentials are not sent again in that time (each refusal spends one of
    qBittorrent's failures before it bans this address); new ones are tried at once. Only a
    digest of the credentials is kept, in memory."""

    _refused: ClassVar[dict[str, dict[bytes, float]]] = {}  # WebUI URL → digest → refused at

    def __init__(self, url: str, username: str, password: str, clock: Callable[[], float]):
        self._url = url.rstrip("/")
        self._digest = hashlib.sha256(f"{username}\0{password}".encode()).digest()
        self._clock = clock

    def check(self) -> None:
        """Refuse here, without asking qBittorrent, credentials it refused not long ago."""
        refused = self._refused.get(self._url, {})
        at = refused.get(self._digest)
        if at is not None and self._clock() - at < AUTH_RETRY_AFTER:
            raise AuthenticationError(SERVICE, "the username or password was refused")
        refused.pop(self._digest, None)

    def refused(self) -> None:
        self._refused.setdefault(self._url, {})[self._digest] = self._clock()

    def forget(self) -> None:
        self._refused.get(self._url, {}).pop(self._digest, None)


class QbittorrentClient:
    """One login to one qBittorrent; every call goes through a worker thread, one at a time."""

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        *,
        timeout: float = 15,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = qbittorrentapi.Client(
            host=url,
            username=username,
            password=password,
            SIMPLE_RESPONSES=True,
            REQUESTS_ARGS={"timeout": timeout},
            DISABLE_LOGGING_DEBUG_OUTPUT=True,
            VERIFY_WEBUI_CERTIFICATE=True,
        )
        # One thread at a time: the sync cursor (rid) belongs to this one session.
        self._lock = asyncio.Lock()
        self._guard = LoginGuard(url, username, password, clock)
        self.version: str | None = None
        self.api_version: str | None = None

    # --- plumbing --------------------------------------------------------------------------

    async def _call[T](self, func: Callable[[], T]) -> T:
        self._guard.check()
        async with self._lock:
            return await asyncio.to_thread(self._guarded, func)

    def _guarded[T](self, func: Callable[[], T]) -> T:
        try:
            try:
                return func()
            except qbittorrentapi.Unauthorized401Error:
                # 5.2+ answers 401 to an expired session on some endpoints: log in once more.
                self._client.auth_log_in()
                return func()
        except qbittorrentapi.LoginFailed:
            self._guard.refused()
            raise AuthenticationError(SERVICE, "the username or password was refused") from None
        except qbittorrentapi.Forbidden403Error, qbittorrentapi.Unauthorized401Error:
            self._guard.refused()
            raise AuthenticationError(
                SERVICE, "access refused (wrong credentials, or this address is banned)"
            ) from None
        except qbittorrentapi.NotFound404Error:
            raise InvalidInputError(
                "unknown_download", "qBittorrent has no such download"
            ) from None
        except qbittorrentapi.HTTP4XXError as err:
            raise ServiceUnavailableError(SERVICE, f"HTTP {err.http_status_code}") from None
        except qbittorrentapi.APIConnectionError as err:
            raise ServiceUnavailableError(SERVICE, type(err).__name__) from None

    async def close(self) -> None:
        """Close the HTTP session's connections (a later call would open a new one)."""
        async with self._lock:
            # qbittorrent-api's way to drop its session without a logout request, which
            # would wait on a qBittorrent that is down.
            await asyncio.to_thread(self._client._trigger_session_initialization)  # noqa: SLF001

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    def reset_auth_guard(self) -> None:
        """Allow a login attempt with these credentials now."""
        self._guard.forget()

    # --- session ---------------------------------------------------------------------------

    async def login(self) -> str:
        """Log in and read the version: the connection test."""

        def login() -> tuple[str, str]:
            self._client.auth_log_in()
            return str(self._client.app_version()), str(self._client.app_web_api_version())

        version, self.api_version = await self._call(login)
        self.version = version
        return version

    async def maindata(self, rid: int) -> dict[str, Any]:
        """`sync/maindata?rid=N`: the full snapshot for 0 or a new session, else the changes."""

        def sync() -> dict[str, Any]:
            data = self._client.sync_maindata(rid=rid)
            return dict(data)

        return await self._call(sync)

    # --- torrents --------------------------------------------------------------------------

    async def add(
        self,
        *,
        torrent: bytes | None = None,
        magnet: str | None = None,
        category: str | None = None,
        infohash: str,
        tags: Sequence[str] = (),
        stopped: bool = False,
        stop_at_metadata: bool = False,
    ) -> bool:
        """Add a .torrent or magnet with MediaHub's tags; False if it was already there."""

        def add() -> bool:
            if self._has(infohash):
                return False
            try:
                answer = self._client.torrents_add(
                    urls=magnet,
                    torrent_files={f"{infohash}.torrent": torrent} if torrent else None,
                    category=category or None,
                    # Automatic management puts the download in its category's save path.
                    use_auto_torrent_management=bool(category),
                    tags=list(tags) or None,
                    is_stopped=stopped or None,
                    stop_condition="MetadataReceived" if stop_at_metadata else None,
                )
            except qbittorrentapi.Conflict409Error:
                return False  # 5.2+: already present
            except qbittorrentapi.UnsupportedMediaType415Error:
                raise InvalidInputError(
                    "invalid_torrent", "qBittorrent refused the torrent file"
                ) from None
            if isinstance(answer, str) and answer.strip() == "Fails.":
                # ≤5.1 says "Fails." for a duplicate as well as for a bad torrent.
                if self._has(infohash):
                    return False
                raise InvalidInputError("add_failed", "qBittorrent did not accept the torrent")
            return True

        return await self._call(add)

    def _has(self, infohash: str) -> bool:
        return bool(self._client.torrents_info(torrent_hashes=infohash))

    async def has(self, infohash: str) -> bool:
        return await self._call(lambda: self._has(infohash))

    async def stop(self, hashes: Sequence[str]) -> None:
        """Pause (4.x) / stop (5.x)."""
        await self._call(lambda: self._client.torrents_stop(torrent_hashes=list(hashes)))

    async def start(self, hashes: Sequence[str]) -> None:
        """Resume (4.x) / start (5.x)."""
        await self._call(lambda: self._client.torrents_start(torrent_hashes=list(hashes)))

    async def stop_all(self) -> None:
        await self._call(lambda: self._client.torrents_stop(torrent_hashes="all"))

    async def stopped(self) -> list[str]:
        """The hashes of the stopped (4.x: paused) torrents, as qBittorrent has them now."""
        found = await self._call(lambda: self._client.torrents_info(status_filter="stopped"))
        return [str(t["hash"]) for t in found]

    async def move_in_queue(self, hashes: Sequence[str], *, top: bool) -> None:
        """To the top or the bottom of qBittorrent's queue (refused while queueing is off)."""

        def move() -> None:
            try:
                if top:
                    self._client.torrents_top_priority(torrent_hashes=list(hashes))
                else:
                    self._client.torrents_bottom_priority(torrent_hashes=list(hashes))
            except qbittorrentapi.Conflict409Error:
                raise InvalidInputError(
                    "queueing_off", "qBittorrent's queue is off, so there is no order to change"
                ) from None

        await self._call(move)

    async def force_start(self, hashes: Sequence[str], *, enable: bool = True) -> None:
        """Start regardless of the queue (qBittorrent's "force start")."""
        await self._call(
            lambda: self._client.torrents_set_force_start(
                enable=enable, torrent_hashes=list(hashes)
            )
        )

    # --- bandwidth -------------------------------------------------------------------------

    async def bandwidth(self) -> Bandwidth:
        """The global limits, normal and alternative, the mode in force and the schedule."""

        def read() -> Bandwidth:
            prefs: dict[str, Any] = dict(self._client.app_preferences())
            alt = bool(int(self._client.transfer_speed_limits_mode()))
            return bandwidth_of(prefs, alt_speed=alt)

        return await self._call(read)

    async def set_preferences(self, changes: Mapping[str, Any]) -> None:
        """`app/setPreferences` with these keys (qBittorrent's own names)."""
        await self._call(lambda: self._client.app_set_preferences(dict(changes)))

    async def set_alt_speed(self, *, enabled: bool) -> None:
        """Alternative speed limits on or off."""
        await self._call(
            lambda: self._client.transfer_set_speed_limits_mode(intended_state=enabled)
        )

    async def delete(self, hashes: Sequence[str], *, delete_files: bool) -> None:
        await self._call(
            lambda: self._client.torrents_delete(
                delete_files=delete_files, torrent_hashes=list(hashes)
            )
        )

    async def tags_of(self, infohash: str) -> str | None:
        """A torrent's `tags` field as qBittorrent has it now; None when it has no such
        torrent."""

        def read() -> str | None:
            found = self._client.torrents_info(torrent_hashes=infohash)
            return str(found[0].get("tags", "")) if found else None

        return await self._call(read)

    async def tagged(self, prefix: str) -> dict[str, tuple[str, str]]:
        """Torrents with a tag starting with `prefix`, as qBittorrent has them now:
        hash → (name, tags)."""

        def read() -> dict[str, tuple[str, str]]:
            found = {}
            for torrent in self._client.torrents_info():
                tags = str(torrent.get("tags", ""))
                if prefix in tags:
                    found[str(torrent["hash"])] = (str(torrent.get("name", "")), tags)
            return found

        return await self._call(read)

    async def files(self, infohash: str) -> list[tuple[int, str, int]]:
        """A torrent's files as (index, name, size), in qBittorrent's order."""

        def read() -> list[tuple[int, str, int]]:
            listed: list[dict[str, Any]] = [dict(f) for f in self._client.torrents_files(infohash)]
            return [
                (int(f.get("index", i)), str(f.get("name", "")), int(f.get("size", 0)))
                for i, f in enumerate(listed)
            ]

        return await self._call(read)

    async def skip_files(self, infohash: str, indexes: Sequence[int]) -> None:
        """Set files to "do not download" (priority 0)."""
        await self._call(
            lambda: self._client.torrents_file_priority(
                torrent_hash=infohash, file_ids=list(indexes), priority=0
            )
        )

    async def rename_file(self, infohash: str, old: str, new: str) -> None:
        """Move one file inside a torrent (paths relative to its save path; folders in `new`
        are made). qBittorrent moves what is on disk and keeps seeding from the new path."""

        def rename() -> None:
            try:
                self._client.torrents_rename_file(torrent_hash=infohash, old_path=old, new_path=new)
            except qbittorrentapi.Conflict409Error:
                raise InvalidInputError(
                    "rename_refused",
                    f"qBittorrent would not rename {old} to {new}",
                    values={"old": old, "new": new},
                ) from None

        await self._call(rename)

    async def remove_tags(self, hashes: Sequence[str], tags: Sequence[str]) -> None:
        await self._call(
            lambda: self._client.torrents_remove_tags(tags=list(tags), torrent_hashes=list(hashes))
        )

    async def add_tags(self, hashes: Sequence[str], tags: Sequence[str]) -> None:
        await self._call(
            lambda: self._client.torrents_add_tags(tags=list(tags), torrent_hashes=list(hashes))
        )

    async def create_category(self, name: str) -> bool:
        """Create an empty category; False when it exists already (qBittorrent's 409), which
        makes this the compare-and-set that claims are built on."""

        def create() -> bool:
            try:
                self._client.torrents_create_category(name=name, save_path="")
            except qbittorrentapi.Conflict409Error:
                return False
            return True

        return await self._call(create)

    async def category_paths(self) -> dict[str, str]:
        """Every category's save path, by name."""

        def read() -> dict[str, str]:
            found: dict[str, Any] = dict(self._client.torrents_categories())
            return {
                name: str(value.get("savePath") or "")
                for name, value in found.items()
                if isinstance(value, dict)
            }

        return await self._call(read)

    async def category_names(self) -> list[str]:
        return list(await self.category_paths())

    async def remove_categories(self, names: Sequence[str]) -> None:
        await self._call(lambda: self._client.torrents_remove_categories(categories=list(names)))

    async def ensure_categories(self, categories: Mapping[str, str]) -> None:
        """Create each category with its save path, or correct the path of an existing one."""

        def ensure() -> None:
            existing: dict[str, Any] = dict(self._client.torrents_categories())
            for name, save_path in categories.items():
                current = existing.get(name)
                if not isinstance(current, dict):
                    try:
                        self._client.torrents_create_category(name=name, save_path=save_path)
                    except qbittorrentapi.Conflict409Error:
                        self._client.torrents_edit_category(name=name, save_path=save_path)
                elif (current.get("savePath") or "").rstrip("/") != save_path.rstrip("/"):
                    self._client.torrents_edit_category(name=name, save_path=save_path)

        await self._call(ensure)

    async def export_dir(self) -> str | None:
        """Where qBittorrent copies each added .torrent, if anywhere."""
        prefs: dict[str, Any] = await self._call(lambda: dict(self._client.app_preferences()))
        if "torrent_files_backup_dir" in prefs:  # WebAPI 2.16+
            enabled = prefs.get("torrent_files_backup_enabled")
            return str(prefs["torrent_files_backup_dir"]) if enabled else None
        return str(prefs.get("export_dir") or "") or None

    async def set_export_dir(self, path: str) -> None:
        """Have qBittorrent copy every added .torrent to `path` as well."""

        def apply() -> None:
            prefs = self._client.app_preferences()
            if "torrent_files_backup_dir" in prefs:  # WebAPI 2.16 replaced export_dir
                changes = {"torrent_files_backup_enabled": True, "torrent_files_backup_dir": path}
            else:
                changes = {"export_dir": path}
            self._client.app_set_preferences(changes)

        await self._call(apply)


def bandwidth_of(prefs: Mapping[str, Any], *, alt_speed: bool) -> Bandwidth:
    """Bandwidth from `app/preferences` (limits in bytes/s; qBittorrent's -1 and 0 both: none)."""

    def limit(key: str) -> int:
        return max(0, int(prefs.get(key) or 0))

    return Bandwidth(
        alt_speed=alt_speed,
        download_limit=limit("dl_limit"),
        upload_limit=limit("up_limit"),
        alt_download_limit=limit("alt_dl_limit"),
        alt_upload_limit=limit("alt_up_limit"),
        schedule=SpeedSchedule(
            enabled=bool(prefs.get("scheduler_enabled", False)),
            from_hour=int(prefs.get("schedule_from_hour", 8)),
            from_minute=int(prefs.get("schedule_from_min", 0)),
            to_hour=int(prefs.get("schedule_to_hour", 20)),
            to_minute=int(prefs.get("schedule_to_min", 0)),
            days=int(prefs.get("scheduler_days", 0)),
        ),
    )
