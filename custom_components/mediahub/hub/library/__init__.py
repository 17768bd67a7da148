"""What Plex holds: MediaHub's index of it, kept fresh from Plex's websocket, and what follows
from it (a search result's marks, ready to watch, qBittorrent's paths in Plex's terms)."""
