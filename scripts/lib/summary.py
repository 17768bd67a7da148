"""What a test run ran: each part with its counts and its time, then one closing line.

Reads .test-results/ as scripts/test and .ci/run leave it: `parts` (a line per part: name,
exit status, seconds), pytest's and Vitest's JUnit XML, and the lab check's output. The last
line is `N passed, N failed, N skipped` over pytest, Vitest and the lab check together.
Runs on the host's Python (3.11 here) as well as the environment's.
Usage: python3 scripts/lib/summary.py [.test-results]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
import re
import sys
from xml.etree import ElementTree as ET

LAB_LINE = re.compile(r"lab check: (\d+) of (\d+) steps worked")
COUNTED = {"pytest": "pytest.xml", "vitest": "vitest.xml"}


@dataclass
class Counts:
    passed: int = 0
    failed: int = 0
    skipped: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.passed + other.passed,
            self.failed + other.failed,
            self.skipped + other.skipped,
        )


def junit(path: Path) -> Counts | None:
    """The counts of a JUnit XML report (pytest's and Vitest's); None when there is none."""
    if not path.exists():
        return None
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = Counts()
    for suite in suites:
        tests = int(suite.get("tests", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        total += Counts(tests - failed - skipped, failed, skipped)
    return total


def lab(path: Path, status: int) -> Counts | None:
    """The lab check's steps, from its closing line; a lab that died before it is one failure."""
    if not path.exists():
        return None
    found = LAB_LINE.findall(path.read_text(errors="replace"))
    if not found:
        return Counts(failed=1)
    worked, steps = map(int, found[-1])
    return Counts(worked, steps - worked + (1 if status and worked == steps else 0))


def duration(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


def main(folder: Path) -> int:
    parts = []
    parts_file = folder / "parts"
    if parts_file.exists():
        for line in parts_file.read_text().splitlines():
            name, status, seconds = line.split()
            parts.append((name, int(status), int(seconds)))
    total = Counts()
    print(f"{'part':<10}{'passed':>8}{'failed':>8}{'skipped':>9}  {'time':>12}  status")
    for name, status, seconds in parts:
        if name in COUNTED:
            counts = junit(folder / COUNTED[name])
        elif name == "lab":
            counts = lab(folder / "lab.log", status)
        else:
            counts = None
        if counts is None and name in (*COUNTED, "lab"):
            counts = Counts(failed=1)  # it ran and left no report: it did not pass
        figures = f"{counts.passed:>8}{counts.failed:>8}{counts.skipped:>9}" if counts else " " * 25
        outcome = "ok" if status == 0 else f"exit {status}"
        print(f"{name:<10}{figures}  {duration(seconds):>12}  {outcome}")
        if counts:
            total += counts
    print(f"{'total':<10}{'':>25}  {duration(sum(s for _, _, s in parts)):>12}")
    print(f"{total.passed} passed, {total.failed} failed, {total.skipped} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ".test-results")))
