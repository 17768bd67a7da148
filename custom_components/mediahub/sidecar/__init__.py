"""The LAN panel: an aiohttp sidecar serving the UI and the JSON/SSE API on port 3000."""
