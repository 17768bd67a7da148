"""A release's checks and notes, run by .github/workflows/release.yml:

release_notes.py check vX.Y.Z       the tag is the version manifest.json, stack/compose.yaml and
                                    deploy/kubernetes name (the panel image a release pushes)
release_notes.py changelog vX.Y.Z   the changelog entry: the commits since the previous tag
"""

from __future__ import annotations

import json
from pathlib import Path
import re
import subprocess
import sys

ROOT = Path(__file__).resolve().parents[2]
PANEL_IMAGE = "ghcr.io/mediahub-dev/mediahub-panel"


def versions(root: Path = ROOT) -> dict[str, str]:
    """Where the release's version is written, and what each says."""
    manifest = json.loads((root / "custom_components/mediahub/manifest.json").read_text())
    compose = (root / "stack/compose.yaml").read_text()
    kustomization = (root / "deploy/kubernetes/base/kustomization.yaml").read_text()
    in_compose = re.search(rf"image: {re.escape(PANEL_IMAGE)}:(\S+)", compose)
    in_kubernetes = re.search(rf"- name: {re.escape(PANEL_IMAGE)}\n\s+newTag: (\S+)", kustomization)
    return {
        "custom_components/mediahub/manifest.json": str(manifest["version"]),
        "stack/compose.yaml": in_compose[1] if in_compose else "",
        "deploy/kubernetes/base/kustomization.yaml": in_kubernetes[1] if in_kubernetes else "",
    }


def check(tag: str, root: Path = ROOT) -> list[str]:
    """What disagrees with the tag (empty: the release may go on)."""
    wanted = tag.removeprefix("v")
    return [
        f"{where} says {found!r}, the tag {tag}"
        for where, found in versions(root).items()
        if found != wanted
    ]


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def changelog(tag: str, repo: Path = ROOT) -> str:
    """`## vX.Y.Z (date)` and a line per commit since the tag before it (all, for the first)."""
    previous = subprocess.run(
        ["git", "-C", str(repo), "describe", "--tags", "--abbrev=0", f"{tag}^"],
        capture_output=True,
        text=True,
        check=False,
    )
    span = f"{previous.stdout.strip()}..{tag}" if previous.returncode == 0 else tag
    date = _git(repo, "log", "-1", "--format=%cs", tag).strip()
    lines = _git(repo, "log", "--no-merges", "--format=- %s (%h)", span).splitlines()
    since = (
        f"Changes since {previous.stdout.strip()}" if previous.returncode == 0 else "First release"
    )
    return "\n".join([f"## {tag} ({date})", "", f"{since}:", "", *lines, ""])


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in ("check", "changelog"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[1] == "check":
        problems = check(argv[2])
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    sys.stdout.write(changelog(argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
