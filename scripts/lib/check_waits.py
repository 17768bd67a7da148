"""Lint: the tests wait for real processes one way only (tests/support/wait.py).

Fails on a loop bounded by a count of tries that waits (`for _ in range(N)` whose body
sleeps or ticks a clock, or awaits and breaks out once something holds), and on a home-made
polling loop (a `while` that sleeps, or reads a clock for its own deadline). Both were how
the suite raced real processes on a loaded machine.
Usage: python scripts/lib/check_waits.py [paths...]
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
import sys

HELPER = Path("tests/support/wait.py")
# The bench's loops count samples of a measurement; they are not waits for a test to pass.
NOT_TESTS = frozenset({"bench.py", "bench_browser.py"})
WAITING_CALLS = frozenset({"sleep", "tick", "async_fire_time_changed"})
CLOCK_CALLS = frozenset({"monotonic", "time", "perf_counter", "clock_gettime"})


def _name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _waits(loop: ast.For | ast.AsyncFor) -> bool:
    """Its body sleeps or ticks a clock, or awaits something and leaves once it holds (a
    poll retried a number of times until the state is right)."""
    body = list(ast.walk(ast.Module(body=loop.body, type_ignores=[])))
    if any(isinstance(node, ast.Call) and _name(node) in WAITING_CALLS for node in body):
        return True
    awaits = any(isinstance(node, ast.Await) for node in body)
    leaves = any(isinstance(node, ast.Break | ast.Return) for node in body)
    return awaits and leaves


def _polls(loop: ast.While) -> bool:
    """It sleeps between looks, or reads a clock for its own deadline."""
    for node in ast.walk(loop):
        if isinstance(node, ast.Call) and _name(node) in CLOCK_CALLS | {"sleep"}:
            return True
        if isinstance(node, ast.Name) and node.id == "deadline":
            return True
    return False


def problems(path: Path, source: str) -> Iterator[str]:
    tree = ast.parse(source, filename=str(path))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.For | ast.AsyncFor)
            and isinstance(node.iter, ast.Call)
            and _name(node.iter) == "range"
            and _waits(node)
        ):
            yield (
                f"{path}:{node.lineno}: a wait bounded by a count of tries; "
                "use tests.support.wait.until (bounded in seconds)"
            )
        if isinstance(node, ast.While) and path != HELPER and _polls(node):
            yield (
                f"{path}:{node.lineno}: a home-made polling loop; "
                "use tests.support.wait.until or until_blocking"
            )


def main(argv: list[str]) -> int:
    roots = [Path(a) for a in argv] or [Path("tests")]
    files = sorted(
        p
        for root in roots
        for p in ([root] if root.is_file() else root.rglob("*.py"))
        if p.name not in NOT_TESTS
    )
    found = [line for path in files for line in problems(path, path.read_text())]
    for line in found:
        print(line)
    if found:
        print(f"check_waits: {len(found)} wait(s) to rewrite", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
