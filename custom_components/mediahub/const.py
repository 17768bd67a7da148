"""Constants of the MediaHub integration."""

from typing import Final

DOMAIN: Final = "mediahub"
