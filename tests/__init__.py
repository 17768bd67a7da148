"""MediaHub's tests, the lab and the bench."""

import sys

from custom_components.mediahub import hub

# The sidecar is a host beside the engine: it imports the engine's face as the top-level `hub`
# (how it runs, `python -m sidecar`). In a test or bench process that face is the integration's
# own, so the sidecar and the tests share one engine: one MediaHubError, one Settings.
sys.modules.setdefault("hub", hub)
