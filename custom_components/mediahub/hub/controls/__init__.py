"""What the household controls and what guards it: bandwidth, the VPN and disk guards, the VPN
audit, how often a client may search."""
