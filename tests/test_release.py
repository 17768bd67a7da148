"""The HACS release asset is an integration Home Assistant can load, with its panel built.

HACS extracts the zip named in hacs.json into custom_components/mediahub/; a git checkout
lacks the built module, so the asset is what gives HACS users the sidebar panel and card.
"""

from __future__ import annotations

import json
from pathlib import Path
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

REPO = Path(__file__).resolve().parents[1]
RELEASE_ZIP = REPO / "scripts" / "lib" / "release_zip.py"
INTEGRATION = REPO / "custom_components" / "mediahub"
LANGUAGES = ("en", "de", "fr", "es", "nl")


def release(out: Path, integration: Path = INTEGRATION) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RELEASE_ZIP), str(out), str(integration)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture(autouse=True)
def _built() -> None:
    if not (INTEGRATION / "frontend" / "mediahub.js").is_file():
        pytest.fail("the front end is not built: scripts/test builds it before pytest")


def test_the_asset_hacs_installs_loads_with_its_panel(tmp_path: Path) -> None:
    hacs = json.loads((REPO / "hacs.json").read_text())
    assert hacs["zip_release"] is True
    asset = tmp_path / hacs["filename"]
    assert release(asset).returncode == 0
    workflow = (REPO / ".github" / "workflows" / "release.yml").read_text()
    assert "scripts/release" in workflow and f"dist/{hacs['filename']}" in workflow

    installed = tmp_path / "config" / "custom_components" / "mediahub"
    with zipfile.ZipFile(asset) as archive:
        names = set(archive.namelist())
        archive.extractall(installed)
    assert {"manifest.json", "__init__.py", "frontend/mediahub.js"} <= names
    # The app the loader imports on first use travels with it, compressed as HA serves it.
    loader = (INTEGRATION / "frontend" / "mediahub.js").read_text()
    chunks = {f"frontend/{c}" for c in re.findall(r"chunks/[\w.-]+\.js", loader)}
    assert chunks and chunks | {f"{c}.br" for c in chunks} <= names
    assert {f"translations/{language}.json" for language in LANGUAGES} <= names
    assert not [n for n in names if "__pycache__" in n or n.startswith("sidecar/")]

    # Every module imports from where HACS put it, and the panel finds its module there.
    modules = sorted(
        "custom_components.mediahub." + ".".join(p.with_suffix("").parts)
        for p in (q.relative_to(installed) for q in installed.rglob("*.py"))
        if p.name != "__init__.py" and not p.parts[-1].startswith("__")
    )
    check = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "from custom_components.mediahub import panel\n"
        "print(panel.FRONTEND / panel.MODULE, (panel.FRONTEND / panel.MODULE).is_file())\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", check],
        cwd=tmp_path / "config",
        env={"PYTHONPATH": str(tmp_path / "config"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.split() == [str(installed / "frontend" / "mediahub.js"), "True"]
    assert len(modules) > 40


def test_no_asset_without_the_built_panel(tmp_path: Path) -> None:
    unbuilt = tmp_path / "mediahub"
    shutil.copytree(INTEGRATION, unbuilt, ignore=shutil.ignore_patterns("frontend", "static"))
    result = release(tmp_path / "mediahub.zip", unbuilt)
    assert result.returncode == 1
    assert "frontend/mediahub.js" in result.stderr and "npm run build" in result.stderr
    assert not (tmp_path / "mediahub.zip").exists()
