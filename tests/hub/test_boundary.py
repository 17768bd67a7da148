"""The engine stays free of Home Assistant, runs as a top-level package, and its hosts (the Home
Assistant layer and the sidecar) import only its face."""

from __future__ import annotations

import ast
import os
from pathlib import Path
import subprocess
import sys

INTEGRATION = Path(__file__).resolve().parents[2] / "custom_components" / "mediahub"
HUB = INTEGRATION / "hub"
SIDECAR = INTEGRATION / "sidecar"


def test_no_module_under_hub_imports_homeassistant_or_uses_absolute_imports() -> None:
    offenders = []
    for path in HUB.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(HUB)}: {n}"
                for n in names
                if n.split(".")[0] in ("homeassistant", "custom_components", "hub")
            ]
    assert offenders == []


def engine_import_graph() -> dict[str, set[str]]:
    """Each engine module → the engine modules it imports (type-checking imports too)."""

    def name(path: Path) -> str:
        parts = path.relative_to(HUB.parent).with_suffix("").parts
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    modules = {name(p): p for p in HUB.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = ".".join([*package[: len(package) - node.level + 1], *[node.module or ""]])
                base = base.rstrip(".")
                for alias in node.names:
                    imported.add(
                        f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    )
        graph[module] = {m for m in imported if m in modules and m != module}
    graph["hub"] = set()  # the face imports everything, and nothing in the engine imports it
    return graph


def test_the_engine_has_no_import_cycle() -> None:
    graph = engine_import_graph()
    cycles: list[list[str]] = []
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycles.append(path[path.index(module) :])
            return
        if module in done:
            return
        for imported in sorted(graph[module]):
            visit(imported, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    assert cycles == []


def engine_modules_imported(path: Path) -> set[str]:
    """Which engine modules a host's file imports (`hub` is the face; `hub.x` a module)."""
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            host_level = 1 if path.parent == INTEGRATION else 0
            if node.level == host_level and node.module.split(".")[0] == "hub":
                imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported |= {a.name for a in node.names if a.name.split(".")[0] == "hub"}
    return imported


def test_the_hosts_import_the_engine_by_its_face_alone() -> None:
    hosts = [*INTEGRATION.glob("*.py"), *SIDECAR.glob("*.py")]
    reached = {
        f"{path.relative_to(INTEGRATION)}: {module}"
        for path in hosts
        for module in engine_modules_imported(path)
        if module != "hub"
    }
    assert reached == set()
    # (and they do reach the engine, through the face)
    assert {m for path in hosts for m in engine_modules_imported(path)} == {"hub"}


def test_the_fast_tier_fakes_the_engine_by_its_face_alone() -> None:
    """The fast tier's stand-in engine is written against what the hosts see, not internals."""
    fast = INTEGRATION.parents[1] / "tests" / "components" / "mediahub" / "fast"
    reached = {
        f"{path.name}: {node.module}"
        for path in fast.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("custom_components.mediahub.hub.")
    }
    assert reached == set()


def run_top_level(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    # A minimal environment (coverage's own variables kept, so the child is measured too).
    coverage = {k: v for k, v in os.environ.items() if k.startswith("COVERAGE")}
    environ = {"PATH": os.environ["PATH"], "PYTHONPATH": str(HUB.parent), **coverage, **(env or {})}
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
        check=False,
    )


def test_engine_imports_as_top_level_package_without_homeassistant() -> None:
    probe = "import sys, hub, hub.config, sidecar.app; print('homeassistant' in sys.modules)"
    result = run_top_level("-c", probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_sidecar_reports_a_bad_setting_by_its_variable_name() -> None:
    result = run_top_level("-m", "sidecar", env={"MEDIAHUB_PROWLARR_URL": "not a url"})
    assert result.returncode == 2
    assert "MEDIAHUB_PROWLARR_URL" in result.stderr
