"""The compose stack: docker-compose accepts it, and it keeps the promises the engine relies on."""

from __future__ import annotations

import json
from pathlib import Path
import shutil
import subprocess
import sys
from typing import Any

import pytest

from custom_components.mediahub.hub.config import DEFAULT_CATEGORIES, DEFAULT_PATH_MAP, Settings

ROOT = Path(__file__).resolve().parents[2]
STACK = ROOT / "stack"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """The stack as docker-compose resolves it with .env.example."""
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.skip("docker-compose is not installed here")
    result = subprocess.run(
        [
            binary,
            "--env-file",
            str(STACK / ".env.example"),
            "-f",
            str(STACK / "compose.yaml"),
            "config",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def mounts(service: dict[str, Any]) -> dict[str, str]:
    """container path → host path."""
    return {v["target"]: v["source"] for v in service.get("volumes", []) if v["type"] == "bind"}


def test_qbittorrent_lives_in_gluetuns_network_and_only_gluetun_publishes_its_webui(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    qbittorrent = services["qbittorrent"]
    assert qbittorrent["network_mode"] == "service:gluetun"
    assert "ports" not in qbittorrent and "networks" not in qbittorrent
    assert qbittorrent["depends_on"]["gluetun"] == {
        "condition": "service_healthy",
        "required": True,
        "restart": True,
    }
    gluetun_ports = {(p["target"], p["published"]) for p in services["gluetun"]["ports"]}
    assert (8080, "8080") in gluetun_ports
    assert all(
        p["target"] != 8080
        for name, s in services.items()
        if name != "gluetun"
        for p in s.get("ports", [])
    )
    assert services["gluetun"]["cap_add"] == ["NET_ADMIN"]
    assert "FIREWALL_OUTBOUND_SUBNETS" in services["gluetun"]["environment"]
    assert (
        '"auth":"apikey"'
        in services["gluetun"]["environment"]["HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE"]
    )


def test_every_service_has_a_health_check_restarts_and_lan_only_ports(
    compose: dict[str, Any],
) -> None:
    for name, service in compose["services"].items():
        assert service["healthcheck"]["test"], name
        assert service["restart"] == "unless-stopped", name
        for port in service.get("ports", []):
            assert port.get("host_ip") not in (None, "", "0.0.0.0", "::"), (name, port)
            assert port["host_ip"] == "192.168.1.10"
    for name in ("qbittorrent", "prowlarr", "plex"):
        environment = compose["services"][name]["environment"]
        assert {"PUID", "PGID", "TZ"} <= set(environment), name


def test_start_order_follows_the_seed(compose: dict[str, Any]) -> None:
    depends = compose["services"]["mediahub"]["depends_on"]
    assert depends["prowlarr"]["condition"] == "service_healthy"
    assert depends["qbittorrent"]["condition"] == "service_healthy"
    assert depends["plex"]["condition"] == "service_started"
    assert "depends_on" not in compose["services"]["prowlarr"]


def test_the_volumes_agree_with_the_engines_path_map(compose: dict[str, Any]) -> None:
    services = compose["services"]
    qbittorrent, plex, mediahub = (mounts(services[n]) for n in ("qbittorrent", "plex", "mediahub"))
    [(qbittorrent_prefix, plex_prefix)] = DEFAULT_PATH_MAP
    # The same host folder (the media volume) is /downloads/complete for qBittorrent, /data for Plex.
    assert qbittorrent[qbittorrent_prefix] == plex[plex_prefix]
    assert qbittorrent[qbittorrent_prefix].endswith("/data/media")
    assert qbittorrent["/downloads"].endswith("/data/downloads")
    assert mediahub["/data/torrents"].endswith("/data/torrents")
    settings = Settings.from_env(services["mediahub"]["environment"])
    assert settings.path_map == DEFAULT_PATH_MAP
    assert dict(settings.categories) == DEFAULT_CATEGORIES
    assert all(path.startswith(qbittorrent_prefix + "/") for path in settings.categories.values())
    assert settings.torrents_dir == "/data/torrents"
    assert settings.qbittorrent_url == "http://gluetun:8080"


def test_the_dockerfile_builds_the_ui_and_installs_the_sidecar_as_the_lab_does() -> None:
    dockerfile = (STACK / "Dockerfile").read_text()
    assert "RUN npm ci" in dockerfile and "RUN npm run build" in dockerfile
    assert "pip install --no-cache-dir -r requirements.txt" in dockerfile
    assert "USER mediahub" in dockerfile and 'CMD ["python", "-m", "sidecar"]' in dockerfile
    assert "COPY custom_components/mediahub/hub /app/hub" in dockerfile
    assert "COPY custom_components/mediahub/sidecar /app/sidecar" in dockerfile
    setup = (ROOT / "scripts" / "setup").read_text()
    assert "npm ci" in setup and "-r requirements.txt" in setup
    assert "npm run --silent build" in (ROOT / "scripts" / "test").read_text()


def test_the_sidecar_runs_on_requirements_txt_alone(tmp_path: Path) -> None:
    """What the image's Python stage installs is enough for `python -m sidecar`."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = subprocess.run(
        [
            str(venv / "bin" / "pip"),
            "install",
            "-q",
            "--disable-pip-version-check",
            "-r",
            str(ROOT / "requirements.txt"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert pip.returncode == 0, pip.stderr
    probe = "import importlib.util, sidecar.app; print(importlib.util.find_spec('homeassistant') is None)"
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-c", probe],
        env={"PYTHONPATH": str(ROOT / "custom_components" / "mediahub"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
