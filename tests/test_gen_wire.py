"""The generated wire types and docs/api.md (scripts/lib/gen_wire.py): a stale file fails the
lint, and what is generated says what the Python defines."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_SPEC = importlib.util.spec_from_file_location(
    "gen_wire", Path(__file__).parents[1] / "scripts" / "lib" / "gen_wire.py"
)
assert _SPEC is not None and _SPEC.loader is not None
gen_wire = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(gen_wire)


def test_the_checked_in_files_are_what_the_python_generates() -> None:
    assert gen_wire.stale(gen_wire.outputs()) == []


def test_a_stale_or_missing_file_is_found(tmp_path: Path) -> None:
    expected = gen_wire.outputs()
    copies = {tmp_path / path.name: text for path, text in expected.items()}
    for path, text in copies.items():
        path.write_text(text)
    assert gen_wire.stale(copies) == []
    stale, missing = list(copies)
    stale.write_text(copies[stale].replace("hash", "hashes", 1))
    missing.unlink()
    assert gen_wire.stale(copies) == [stale, missing]


def test_check_mode_fails_on_a_stale_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ts, doc = tmp_path / "wire.generated.ts", tmp_path / "api.md"
    monkeypatch.setattr(gen_wire, "REPO", tmp_path)
    monkeypatch.setattr(gen_wire, "TS_FILE", ts)
    monkeypatch.setattr(gen_wire, "DOC_FILE", doc)
    monkeypatch.setattr("sys.argv", ["gen_wire.py"])
    assert gen_wire.main() == 0
    monkeypatch.setattr("sys.argv", ["gen_wire.py", "--check"])
    assert gen_wire.main() == 0
    ts.write_text(ts.read_text() + "// edited by hand\n")
    assert gen_wire.main() == 1
    assert "wire.generated.ts is stale" in capsys.readouterr().err


def test_every_operation_and_event_is_documented() -> None:
    api = gen_wire.markdown()
    for name in gen_wire.commands.OPERATIONS:
        assert f"### `{name}`" in api
    for events in gen_wire.wire.EVENT_MAPS.values():
        for event in events:
            assert f"| `{event}` |" in api
    ts = gen_wire.typescript()
    assert "export interface Download {" in ts
    assert "export interface FeedEvents {" in ts
