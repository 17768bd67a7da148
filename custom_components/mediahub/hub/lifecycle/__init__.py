"""A download's life: from the grab and the outbox, through the stages recorded in
qBittorrent's tags, to confirmed in Plex."""
