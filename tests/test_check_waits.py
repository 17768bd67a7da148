"""The lint that keeps one way to wait (scripts/lib/check_waits.py) finds what it is for."""

from __future__ import annotations

import importlib.util
from pathlib import Path
import textwrap

_SPEC = importlib.util.spec_from_file_location(
    "check_waits", Path(__file__).parents[1] / "scripts" / "lib" / "check_waits.py"
)
assert _SPEC is not None and _SPEC.loader is not None
check_waits = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(check_waits)


def found(source: str) -> list[str]:
    return list(check_waits.problems(Path("tests/x.py"), textwrap.dedent(source)))


def test_a_count_of_ticks_or_sleeps_is_refused() -> None:
    assert found(
        """
        async def t(hass, freezer):
            for _ in range(tries):
                if ready():
                    break
                await tick(hass, freezer, 3)
        """
    )
    assert found(
        """
        def t():
            for _ in range(tries):
                time.sleep(0.05)
        """
    )


def test_a_count_of_polls_until_something_holds_is_refused() -> None:
    assert found(
        """
        async def t(sidecar):
            for _ in range(tries):
                await sidecar.poll_once()
                if await torrents():
                    break
        """
    )


def test_a_home_made_deadline_or_sleeping_while_is_refused() -> None:
    assert found(
        """
        async def t():
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                pass
        """
    )
    assert found(
        """
        async def t():
            while not ready():
                await asyncio.sleep(0.1)
        """
    )


def test_repeated_polls_that_must_change_nothing_and_the_helper_pass() -> None:
    assert not found(
        """
        async def t(engine):
            for _ in range(polls):  # more polls change nothing
                await engine.poll()
            await until(ready, "ready", between=engine.poll)
        """
    )
    helper = Path("tests/support/wait.py")
    assert not list(check_waits.problems(helper, helper.read_text()))
