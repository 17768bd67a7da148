"""Real qbittorrent-nox processes for tests: started on 127.0.0.1, stopped afterwards.

`QbtBinary` is one installed version (5.3 from the rootfs, 4.5 from the host), and
`QbtInstance` one running process with its WebUI URL and credentials. Seeding helpers make a
real torrent of random bytes and serve it from a second instance over loopback TCP.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
import hashlib
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess

import requests
import torf

from tests.support.wait import WaitTimeoutError, until_blocking

USERNAME = "admin"
PASSWORD = "mediahub-test-pass"


@dataclass(frozen=True)
class QbtBinary:
    """An installed qbittorrent-nox: how to run it and which version it is."""

    label: str  # "5.3" or "4.5"
    command: tuple[str, ...]

    @property
    def major(self) -> int:
        return int(self.label.split(".", 1)[0])


def available_binaries() -> list[QbtBinary]:
    """The versions installed here: the rootfs's (5.x) and the host's (4.x) when present."""
    found = []
    for command in (("qbittorrent-nox",), (os.environ.get("MEDIAHUB_QBT4_BIN", ""),)):
        if not command[0] or not shutil.which(command[0]):
            continue
        try:
            out = subprocess.run(
                [*command, "--version"], capture_output=True, text=True, timeout=30, check=True
            ).stdout
        except subprocess.SubprocessError, OSError:
            continue
        version = out.strip().split()[-1].lstrip("v")  # "qBittorrent v5.3.0"
        found.append(QbtBinary(label=".".join(version.split(".")[:2]), command=command))
    return found


def free_port() -> int:
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """Distinct free ports (the sockets are held together, so no port is handed out twice)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def pbkdf2_password(password: str) -> str:
    """qBittorrent's `WebUI\\Password_PBKDF2` value for a password."""
    salt = os.urandom(16)
    key = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, 100_000, dklen=64)
    return f"@ByteArray({base64.b64encode(salt).decode()}:{base64.b64encode(key).decode()})"


def write_config(
    profile: Path, *, webui_port: int, bt_port: int, save_path: Path, max_auth_fail: int = 1000
) -> None:
    """qBittorrent.conf for a quiet loopback-only instance with a known password."""
    config_dir = profile / "qBittorrent" / "config"
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "qBittorrent.conf").write_text(
        f"""[LegalNotice]
Accepted=true

[BitTorrent]
Session\\BTProtocol=TCP
Session\\Port={bt_port}
Session\\Interface=lo
Session\\InterfaceName=lo
Session\\InterfaceAddress=127.0.0.1
Session\\DefaultSavePath={save_path}
Session\\TempPathEnabled=false
Session\\DHTEnabled=false
Session\\LSDEnabled=false
Session\\PeXEnabled=false
Session\\QueueingSystemEnabled=false
Session\\AnonymousModeEnabled=false
Session\\AddExtensionToIncompleteFiles=false

[Network]
PortForwardingEnabled=false

[Preferences]
Connection\\PortRangeMin={bt_port}
Connection\\UPnP=false
Downloads\\SavePath={save_path}
General\\Locale=en
WebUI\\Address=127.0.0.1
WebUI\\Port={webui_port}
WebUI\\Username={USERNAME}
WebUI\\Password_PBKDF2="{pbkdf2_password(PASSWORD)}"
WebUI\\LocalHostAuth=true
WebUI\\MaxAuthenticationFailCount={max_auth_fail}
WebUI\\SessionTimeout=3600
"""
    )


@dataclass
class QbtInstance:
    """One running qbittorrent-nox."""

    binary: QbtBinary
    profile: Path
    save_path: Path
    webui_port: int
    bt_port: int
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    username: str = USERNAME
    password: str = PASSWORD

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.webui_port}"

    @property
    def version(self) -> str:
        return self.binary.label

    def start(self, timeout: float = 60) -> None:
        """Start the process and wait until its WebUI accepts our login."""
        with (self.profile / "stdout.log").open("ab") as log:  # the process keeps its own
            self.process = subprocess.Popen(
                [
                    *self.binary.command,
                    f"--profile={self.profile}",
                    f"--webui-port={self.webui_port}",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        process = self.process

        def answering() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"qbittorrent-nox exited: {self.log_tail()}")
            try:
                self.session().close()
            except requests.RequestException, RuntimeError:
                return False
            return True

        try:
            until_blocking(answering, "qbittorrent-nox to answer", timeout=timeout, interval=0.1)
        except WaitTimeoutError as late:
            raise RuntimeError(
                f"qbittorrent-nox did not answer in {timeout}s: {self.log_tail()}"
            ) from late

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        """Stop the process (SIGKILL simulates a crash); waits until it is gone."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout)

    def restart(self) -> None:
        self.stop()
        self.start()

    def log_tail(self) -> str:
        path = self.profile / "stdout.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def session(self) -> requests.Session:
        """A logged-in plain HTTP session, for tests that check qBittorrent's own view."""
        http = requests.Session()
        try:
            response = http.post(
                f"{self.url}/api/v2/auth/login",
                data={"username": self.username, "password": self.password},
                timeout=5,
            )
        except requests.RequestException:
            http.close()
            raise
        if response.status_code not in (200, 204) or response.text.strip() == "Fails.":
            http.close()
            raise RuntimeError(f"login failed: {response.status_code} {response.text!r}")
        return http

    def api(self, method: str, path: str, **kwargs: object) -> requests.Response:
        with self.session() as http:
            response = http.request(method, f"{self.url}/api/v2/{path}", timeout=15, **kwargs)  # type: ignore[arg-type]
        response.raise_for_status()
        return response

    def torrents(self) -> list[dict[str, object]]:
        return list(self.api("GET", "torrents/info").json())


def launch(
    binary: QbtBinary, root: Path, webui_port: int | None = None, max_auth_fail: int = 1000
) -> QbtInstance:
    """Configure and start an instance whose files live under `root`.

    Free ports can be taken by someone else between the look-up and qBittorrent's bind; then
    it starts again on other ports (unless the WebUI port was asked for).
    """
    for attempt in range(3):
        webui, bt = free_ports(2)
        instance = QbtInstance(
            binary=binary,
            profile=root / "profile",
            save_path=root / "downloads",
            webui_port=webui_port or webui,
            bt_port=bt,
        )
        instance.save_path.mkdir(parents=True, exist_ok=True)
        write_config(
            instance.profile,
            webui_port=instance.webui_port,
            bt_port=instance.bt_port,
            save_path=instance.save_path,
            max_auth_fail=max_auth_fail,
        )
        try:
            instance.start()
        except RuntimeError:
            instance.stop()
            if (
                webui_port is not None
                or attempt == 2
                or "Unable to bind" not in instance.log_tail()
            ):
                raise
            continue
        return instance
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class SeededTorrent:
    """A torrent whose data a seeder instance serves on loopback."""

    name: str
    infohash: str
    torrent_bytes: bytes
    payload: bytes
    seeder_port: int

    @property
    def peer(self) -> str:
        return f"127.0.0.1:{self.seeder_port}"


def make_torrent(
    directory: Path,
    name: str,
    size: int,
    *,
    folder: bool = False,
    trackers: Sequence[str] = (),
    files: Mapping[str, int] | None = None,
) -> tuple[bytes, bytes, str]:
    """A real torrent of random bytes: (torrent bytes, payload, infohash).

    With `folder`, the torrent is a directory `name` holding `<name>.mkv` (how most releases
    look); with `files`, a directory `name` holding those paths with those sizes (the payload
    is then their bytes in that order); otherwise a single file `name`. `trackers` are its
    announce URLs.
    """
    payload = os.urandom(size)
    directory.mkdir(parents=True, exist_ok=True)
    if files is not None:
        parts = []
        for path, length in files.items():
            target = directory / name / path
            target.parent.mkdir(parents=True, exist_ok=True)
            data = os.urandom(length)
            target.write_bytes(data)
            parts.append(data)
        payload = b"".join(parts)
    elif folder:
        (directory / name).mkdir(exist_ok=True)
        (directory / name / f"{name}.mkv").write_bytes(payload)
    else:
        (directory / name).write_bytes(payload)
    torrent = torf.Torrent(
        path=directory / name, trackers=list(trackers), private=False, created_by="mediahub tests"
    )
    torrent.generate()
    return bytes(torrent.dump()), payload, str(torrent.infohash)


def seed(
    seeder: QbtInstance,
    name: str,
    size: int,
    *,
    folder: bool = False,
    trackers: Sequence[str] = (),
    files: Mapping[str, int] | None = None,
) -> SeededTorrent:
    """Make a torrent of `size` random bytes (or of `files`) and have `seeder` seed it until
    the test ends."""
    torrent_bytes, payload, infohash = make_torrent(
        seeder.save_path, name, size, folder=folder, trackers=trackers, files=files
    )
    seeder.api(
        "POST",
        "torrents/add",
        files={"torrents": (f"{name}.torrent", torrent_bytes, "application/x-bittorrent")},
        data={"savepath": str(seeder.save_path)},
    )

    def checked() -> bool:
        info = seeder.api("GET", "torrents/info", params={"hashes": infohash}).json()
        return (
            bool(info)
            and info[0]["progress"] == 1
            and info[0]["state"] not in ("checkingUP", "checkingResumeData")
        )

    until_blocking(checked, f"the seeder to finish checking {name}", interval=0.1)
    return SeededTorrent(name, infohash, torrent_bytes, payload, seeder.bt_port)


def add_stopped_torrents(qbt: QbtInstance, count: int, first: int = 0) -> list[str]:
    """Add `count` real (tiny) torrents numbered from `first`, stopped, in batches of 200;
    returns their hashes once qBittorrent lists them all. A big library, cheaply."""
    # Imported here: the simulators import this module for free_port.
    from tests.simulators.prowlarr import tiny_torrent  # noqa: PLC0415

    session = qbt.session()
    hashes = []
    for start in range(first, first + count, 200):
        files = []
        for n in range(start, min(start + 200, first + count)):
            data, infohash = tiny_torrent(f"Bench Torrent {n:05d} 1080p WEB-DL x264")
            files.append(("torrents", (f"{n}.torrent", data, "application/x-bittorrent")))
            hashes.append(infohash)
        session.post(
            f"{qbt.url}/api/v2/torrents/add",
            files=files,
            data={"stopped": "true", "paused": "true", "savepath": str(qbt.save_path)},
            timeout=120,
        ).raise_for_status()
    until_blocking(
        lambda: (
            len(session.get(f"{qbt.url}/api/v2/torrents/info", timeout=60).json()) >= first + count
        ),
        f"{first + count} torrents in qBittorrent",
        timeout=120,
        interval=1,
    )
    return hashes


# qBittorrent's states of a torrent it is still checking: a peer given, or a recheck asked,
# then may be dropped (a download stuck at 0 % for good on a loaded machine).
CHECKING = frozenset({"checkingDL", "checkingUP", "checkingResumeData", "allocating", "moving"})


def checked_in(qbt: QbtInstance, infohash: str) -> bool:
    """qBittorrent lists the torrent and is not checking it (a magnet still fetching its
    metadata counts: it needs its peers for that)."""
    info = qbt.api("GET", "torrents/info", params={"hashes": infohash}).json()
    return bool(info) and str(info[0]["state"]) not in CHECKING


def connect_to_seeder(leecher: QbtInstance, torrent: SeededTorrent) -> None:
    """Point the leecher at the seeder (no tracker or DHT on loopback), once it has the
    torrent checked in."""
    until_blocking(
        lambda: checked_in(leecher, torrent.infohash),
        f"the leecher to check {torrent.name} in before its peer is given",
    )
    leecher.api(
        "POST", "torrents/addPeers", data={"hashes": torrent.infohash, "peers": torrent.peer}
    )


def hours_away_from_now() -> tuple[int, int]:
    """A slow-mode schedule window (from hour, to hour) far from the present hour, and not
    across midnight: inside its window qBittorrent's scheduler switches slow mode by itself,
    which a test toggling it would race (one at 20:50 with a window of 18:30-23:00 did)."""
    return (3, 5) if datetime.now(UTC).astimezone().hour >= 12 else (15, 17)
