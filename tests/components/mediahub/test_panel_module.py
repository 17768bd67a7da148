"""What every Home Assistant page pays for MediaHub: the loader `frontend/mediahub.js`, which
`frontend.add_extra_js_url` adds to each page (panel.py). It stays small, carries no React, and
imports the app only as chunks beside it, which never import the loader back (a chunk asking for
`../mediahub.js` would fetch a second copy under a URL without its version)."""

from __future__ import annotations

from pathlib import Path
import re

import pytest

FRONTEND = Path(__file__).resolve().parents[3] / "custom_components" / "mediahub" / "frontend"
LOADER = FRONTEND / "mediahub.js"
LOADER_BUDGET = 5 * 1024  # bytes brotli, issue 33
# What React's code says of itself, minified or not: its element tag and its DOM renderer.
REACT_MARKS = ("react.transitional.element", "react.element", "createRoot", "__reactContainer")

pytestmark = pytest.mark.skipif(not LOADER.is_file(), reason="not built: npm run build")


def _dynamic_imports(source: str) -> list[str]:
    return re.findall(r"import\(\s*[`'\"]([^`'\"]+)[`'\"]\s*\)", source)


def _static_imports(source: str) -> list[str]:
    return re.findall(
        r"(?:^|[;}\s])(?:import|export)\s*(?:[^'\"`();]*?from\s*)?[`'\"]([^`'\"]+)[`'\"]", source
    )


def test_every_page_pays_a_few_kilobytes_without_react() -> None:
    source = LOADER.read_text()
    sent = LOADER.with_name("mediahub.js.br").read_bytes()
    assert 0 < len(sent) < len(source.encode())  # the sibling HA sends to a browser that accepts br
    assert len(sent) <= LOADER_BUDGET, f"{len(sent)} bytes brotli"
    assert not [mark for mark in REACT_MARKS if mark in source]
    assert _static_imports(source) == []  # nothing else on every page
    chunks = _dynamic_imports(source)
    assert len(chunks) == 3, chunks  # the panel's app, the card's, the card's editor
    for chunk in chunks:
        assert re.fullmatch(r"\./chunks/[\w-]+-[\w-]{8}\.js", chunk), chunk  # named by its hash
        assert (FRONTEND / chunk).is_file(), chunk


def test_the_app_arrives_as_chunks_that_never_load_the_loader_again() -> None:
    chunks = sorted((FRONTEND / "chunks").glob("*.js"))
    react = [c.name for c in chunks if any(mark in c.read_text() for mark in REACT_MARKS)]
    assert react, "React is in a chunk"
    for chunk in chunks:
        source = chunk.read_text()
        for imported in _static_imports(source) + _dynamic_imports(source):
            assert imported.startswith("./"), (chunk.name, imported)  # only its siblings
            assert (chunk.parent / imported).is_file(), (chunk.name, imported)
        assert chunk.with_name(chunk.name + ".br").is_file(), chunk.name
