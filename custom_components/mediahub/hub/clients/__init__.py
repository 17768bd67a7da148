"""One client per service: Prowlarr, qBittorrent (and MediaHub's model of its record), Plex,
gluetun, and a pasted .torrent URL."""
