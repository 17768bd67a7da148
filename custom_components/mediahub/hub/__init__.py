"""MediaHub's engine: Prowlarr, qBittorrent, Plex and gluetun clients and the download pipeline.

Home Assistant and the LAN panel both drive it. Nothing under this package imports
`homeassistant`, and imports are relative, so it also runs as a top-level package
(`PYTHONPATH=custom_components/mediahub python -m hub.panel`).
"""

__version__ = "0.1.0"
