"""Fixtures every part of the suite uses: real qBittorrent, a seeder, the simulators.

pytest-homeassistant-custom-component blocks sockets for every test; tests that do not use
Home Assistant get them back here (and talk to 127.0.0.1 only). Home Assistant tests that
need real services ask for `socket_enabled` themselves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping
import os
from pathlib import Path

from hypothesis import HealthCheck, settings
import pytest
import pytest_socket

from .simulators.gluetun import GluetunSimulator
from .simulators.plex import PlexSimulator
from .simulators.prowlarr import ProwlarrSimulator
from .support.qbittorrent import (
    QbtBinary,
    QbtInstance,
    SeededTorrent,
    available_binaries,
    launch,
    seed,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"

# Property tests on a slow, loaded 2-core machine: no wall-clock limits (the first draw alone
# can take seconds while Hypothesis builds its Unicode tables), and in CI the same examples on
# every run, so a failure there is reproduced by running the suite again.
_UNHURRIED = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    "print_blob": True,
}
settings.register_profile("ci", derandomize=True, database=None, **_UNHURRIED)
settings.register_profile("dev", **_UNHURRIED)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)
_BINARIES = {binary.major: binary for binary in available_binaries()}


@pytest.fixture(autouse=True)
def _sockets_for_engine_tests(request: pytest.FixtureRequest) -> None:
    if "hass" not in request.fixturenames:
        pytest_socket.enable_socket()


def _binary(major: int) -> QbtBinary:
    if major not in _BINARIES:
        pytest.skip(f"qbittorrent-nox {major}.x is not installed here")
    return _BINARIES[major]


@pytest.fixture(params=[5, 4], ids=["qbt5", "qbt4"])
def qbittorrent(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[QbtInstance]:
    """A real qbittorrent-nox on 127.0.0.1, once per installed major version (5.3 and 4.5)."""
    instance = launch(_binary(request.param), tmp_path / "qbittorrent")
    yield instance
    instance.stop()


@pytest.fixture
def qbittorrent5(tmp_path: Path) -> Iterator[QbtInstance]:
    """qBittorrent 5.x alone, for tests whose subject is not version compatibility."""
    instance = launch(_binary(5), tmp_path / "qbittorrent")
    yield instance
    instance.stop()


@pytest.fixture
def qbittorrent5_that_bans(tmp_path: Path) -> Iterator[QbtInstance]:
    """qBittorrent 5.x with its own default ban: 5 refused logins, then an hour banned."""
    instance = launch(_binary(5), tmp_path / "qbittorrent-bans", max_auth_fail=5)
    yield instance
    instance.stop()


@pytest.fixture
def seeder(tmp_path: Path) -> Iterator[QbtInstance]:
    """A second qBittorrent (5.x) that seeds what `seeded` makes."""
    instance = launch(_binary(5), tmp_path / "seeder")
    yield instance
    instance.stop()


@pytest.fixture
def seeded(seeder: QbtInstance) -> Callable[..., SeededTorrent]:
    """seeded(name, size) → a real torrent of random bytes that the seeder serves."""

    def make(
        name: str = "Big.Buck.Bunny.2008.1080p.mkv",
        size: int = 4 * 1024 * 1024,
        *,
        folder: bool = False,
        files: Mapping[str, int] | None = None,
    ) -> SeededTorrent:
        return seed(seeder, name, size, folder=folder, files=files)

    return make


@pytest.fixture
async def prowlarr_sim() -> AsyncIterator[ProwlarrSimulator]:
    """The Prowlarr simulator on 127.0.0.1 with three healthy indexers."""
    simulator = ProwlarrSimulator()
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def plex_sim() -> AsyncIterator[PlexSimulator]:
    """The Plex simulator on 127.0.0.1 with the fixture's sections."""
    simulator = PlexSimulator()
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def gluetun_sim() -> AsyncIterator[GluetunSimulator]:
    """gluetun's control server simulator, tunnel running."""
    simulator = GluetunSimulator()
    await simulator.start()
    yield simulator
    await simulator.stop()
