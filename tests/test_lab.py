"""The lab's Home Assistant has what it loads: every integration it sets up can be imported.

The lab runs `hass --skip-pip`, so a requirement missing from requirements_test.txt is a
broken integration in a person's lab (a missing PyTurboJPEG once broke `camera`, then
`ai_task`, then every action description, and the UI stayed on "Loading…").
"""

from __future__ import annotations

from importlib import metadata
import json
from pathlib import Path
import re

from homeassistant import bootstrap
from homeassistant.const import BASE_PLATFORMS

from tests.lab import HA_CONFIGURATION, HA_INTEGRATIONS, HA_ONBOARDING_INTEGRATIONS

COMPONENTS = Path(bootstrap.__file__).parent / "components"


def integrations_the_lab_loads() -> set[str]:
    """Home Assistant's default set, the lab's own, what onboarding adds, and all their
    dependencies."""
    wanted = (
        set(bootstrap.DEFAULT_INTEGRATIONS)
        | set(BASE_PLATFORMS)
        | set(HA_INTEGRATIONS)
        | set(HA_ONBOARDING_INTEGRATIONS)
    )
    loaded: set[str] = set()
    while wanted:
        domain = wanted.pop()
        manifest = COMPONENTS / domain / "manifest.json"
        if domain in loaded or not manifest.exists():
            continue
        loaded.add(domain)
        wanted |= set(json.loads(manifest.read_text()).get("dependencies", []))
    return loaded


def test_the_lab_configures_the_integrations_it_declares() -> None:
    for domain in HA_INTEGRATIONS:
        assert re.search(rf"^{domain}:", HA_CONFIGURATION, re.MULTILINE), domain


def test_every_requirement_is_installed_as_pinned() -> None:
    problems = []
    for domain in sorted(integrations_the_lab_loads()):
        manifest = json.loads((COMPONENTS / domain / "manifest.json").read_text())
        for requirement in manifest.get("requirements", []):
            name, _, version = requirement.partition("==")
            try:
                installed = metadata.version(name)
            except metadata.PackageNotFoundError:
                problems.append(f"{domain} needs {requirement}: missing")
                continue
            if version and installed != version:
                problems.append(f"{domain} pins {requirement}: {installed} is installed")
    assert problems == [], "add these to requirements_test.txt"
