"""The browser tests use the panel tests' sidecar."""

from tests.panel.conftest import sidecar

__all__ = ["sidecar"]
