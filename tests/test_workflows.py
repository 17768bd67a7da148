"""The GitHub workflows cannot run here: what they are configured to do is read from their YAML,
and the release's own script (scripts/lib/release_notes.py) runs on a real git history."""

from __future__ import annotations

import importlib.util
from pathlib import Path
import subprocess
import sys
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / ".github" / "workflows"
NOTES = REPO / "scripts" / "lib" / "release_notes.py"


def workflow(name: str) -> dict[str, Any]:
    loaded = yaml.safe_load((WORKFLOWS / name).read_text())
    # YAML 1.1 reads the key `on` as True.
    loaded["on"] = loaded.pop(True, loaded.get("on"))
    return dict(loaded)


def steps(job: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A job's steps by the action they use (name@version dropped)."""
    return {s["uses"].split("@")[0]: s for s in job.get("steps", []) if "uses" in s}


def test_the_panel_image_is_built_for_amd64_and_arm64() -> None:
    image = workflow("image.yml")
    assert {"push", "pull_request", "workflow_call"} <= set(image["on"])
    [job] = image["jobs"].values()
    used = steps(job)
    assert {"docker/setup-qemu-action", "docker/setup-buildx-action"} <= set(used)
    build = used["docker/build-push-action"]["with"]
    assert build["file"] == "stack/Dockerfile" and build["context"] == "."
    assert set(build["platforms"].split(",")) == {"linux/amd64", "linux/arm64"}
    # Pushed only with a release's version, as the image compose and Kubernetes name.
    assert build["push"] == "${{ inputs.version != '' }}"
    assert build["tags"].startswith("ghcr.io/mediahub-dev/mediahub-panel:${{ inputs.version")
    assert used["docker/login-action"]["with"]["registry"] == "ghcr.io"
    names = list(used)
    assert names.index("docker/setup-qemu-action") < names.index("docker/build-push-action")


def test_a_release_validates_then_builds_the_zip_the_image_and_its_changelog() -> None:
    release = workflow("release.yml")
    assert release["on"] == {"release": {"types": ["published"]}}
    jobs = release["jobs"]
    validate = steps(jobs["validate"])
    assert validate["hacs/action"]["with"]["category"] == "integration"
    assert "home-assistant/actions/hassfest" in validate
    runs = " ".join(s.get("run", "") for s in jobs["validate"]["steps"])
    assert 'release_notes.py check "$TAG"' in runs
    for name in ("asset", "image", "changelog"):
        assert jobs[name]["needs"] == "validate", name
    asset = " ".join(s.get("run", "") for s in jobs["asset"]["steps"])
    assert "scripts/release" in asset and "gh release upload" in asset
    assert jobs["image"]["uses"] == "./.github/workflows/image.yml"
    assert jobs["image"]["with"]["version"] == "${{ needs.validate.outputs.version }}"
    changelog = jobs["changelog"]
    assert changelog["steps"][0]["with"]["fetch-depth"] == 0
    notes = changelog["steps"][-1]["run"]
    assert 'release_notes.py changelog "$TAG" > notes.md' in notes
    assert 'gh release edit "$TAG" --notes-file notes.md' in notes
    assert {"contents", "packages"} <= {
        k for k, v in release["permissions"].items() if v == "write"
    }


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(NOTES), *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_the_release_check_wants_the_tag_in_every_file_that_names_the_version() -> None:
    version = yaml.safe_load((REPO / "custom_components/mediahub/manifest.json").read_text())[
        "version"
    ]
    assert run("check", f"v{version}").returncode == 0
    refused = run("check", "v99.0.0")
    assert refused.returncode == 1
    assert "stack/compose.yaml" in refused.stderr and "kustomization.yaml" in refused.stderr


def test_the_changelog_entry_lists_the_commits_since_the_previous_tag(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    for message, tag in (
        ("First film grabbed", "v0.1.0"),
        ("Panel replicas", None),
        ("Cluster", "v0.2.0"),
    ):
        git("commit", "-q", "--allow-empty", "-m", message)
        if tag:
            git("tag", tag)
    spec = importlib.util.spec_from_file_location("release_notes", NOTES)
    assert spec is not None and spec.loader is not None
    release_notes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(release_notes)
    entry = release_notes.changelog("v0.2.0", tmp_path)
    lines = entry.splitlines()
    assert lines[0].startswith("## v0.2.0 (")
    assert lines[2] == "Changes since v0.1.0:"
    assert [line.rsplit(" (", 1)[0] for line in lines[4:] if line] == [
        "- Cluster",
        "- Panel replicas",
    ]
    first = release_notes.changelog("v0.1.0", tmp_path).splitlines()
    assert first[2] == "First release:" and first[4].startswith("- First film grabbed")
