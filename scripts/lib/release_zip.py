"""The HACS release asset: custom_components/mediahub as one zip, built front end included.

HACS (`zip_release` in hacs.json) extracts the asset into custom_components/mediahub/, so
the integration's files sit at the zip's root. A git install would lack the sidebar panel
and card: their module is a build output, kept out of git. The LAN sidecar
(sidecar/, with its UI) is left out: Home Assistant never runs it, the docker image has its own.

    python3 scripts/lib/release_zip.py OUT.zip [INTEGRATION_DIR]
"""

from __future__ import annotations

from pathlib import Path
import re
import sys
import zipfile

REPO = Path(__file__).resolve().parents[2]
INTEGRATION = REPO / "custom_components" / "mediahub"
# What Home Assistant loads for the panel and the card (see panel.py), and its compressed
# siblings, which its static view serves to browsers that accept them.
REQUIRED = ("manifest.json", "frontend/mediahub.js", "frontend/mediahub.js.br")
SIDECAR = "sidecar/"
# The app's hashed chunks, which the loader imports when a card or the panel is first shown.
CHUNK = re.compile(r"chunks/[\w.-]+\.js")


def loaded_chunks(integration: Path) -> list[str]:
    """The chunks the loader names, as paths inside the integration (each with its .br)."""
    loader = (integration / "frontend" / "mediahub.js").read_text()
    return sorted(
        name
        for chunk in set(CHUNK.findall(loader))
        for name in (f"frontend/{chunk}", f"frontend/{chunk}.br")
    )


class ReleaseError(Exception):
    """The integration cannot be released as it is."""


def release_files(integration: Path) -> list[Path]:
    """The files of the asset, relative to the integration's folder, in a stable order."""
    missing = [name for name in REQUIRED if not (integration / name).is_file()]
    if not missing:
        missing = [
            name for name in loaded_chunks(integration) if not (integration / name).is_file()
        ]
    if missing:
        raise ReleaseError(
            f"{', '.join(missing)} missing in {integration}: run `npm run build` in frontend/"
        )
    return [
        relative
        for relative in sorted(p.relative_to(integration) for p in integration.rglob("*"))
        if (integration / relative).is_file()
        and "__pycache__" not in relative.parts
        and not relative.as_posix().startswith(SIDECAR)
    ]


def build(out: Path, integration: Path = INTEGRATION) -> list[Path]:
    files = release_files(integration)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative in files:
            archive.write(integration / relative, relative.as_posix())
    return files


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    integration = Path(argv[2]) if len(argv) == 3 else INTEGRATION
    try:
        files = build(Path(argv[1]), integration)
    except ReleaseError as err:
        print(f"release: {err}", file=sys.stderr)
        return 1
    print(f"release: {argv[1]}, {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
