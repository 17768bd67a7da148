"""The config entry's diagnostics: what support needs, and no secret, host, address or path
that would tell where the home is."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.mediahub.const import CONF_CATEGORIES, CONF_PATH_MAP, CONF_USERS_CAN_GRAB
from custom_components.mediahub.stack import SPECS

from .conftest import DUNE, LIBRARIES, PLEX, SNAPSHOT, VPN


async def test_diagnostics_hold_no_secret(
    hass: HomeAssistant,
    fast_entry: MockConfigEntry,
    fixture_engine: None,
    hass_client: ClientSessionGenerator,
    snapshot: SnapshotAssertion,
) -> None:
    # Options that say where things are on this home's disks, too.
    hass.config_entries.async_update_entry(
        fast_entry,
        options={
            CONF_PATH_MAP: "/srv/private-media=/plex-data",
            CONF_CATEGORIES: "movies=/srv/private-media/movies,tv=/srv/private-media/tv",
            CONF_USERS_CAN_GRAB: True,
        },
    )
    assert await hass.config_entries.async_setup(fast_entry.entry_id)
    await hass.async_block_till_done()

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, fast_entry)
    assert diagnostics == snapshot
    text = json.dumps(diagnostics)
    secrets = [fast_entry.data[f] for spec in SPECS.values() for f in spec.credentials]
    hosts = [fast_entry.data[spec.url_field] for spec in SPECS.values()]
    where = [
        "private-media",
        "plex-data",
        PLEX.machine_identifier,
        SNAPSHOT.transfer.external_ipv4,
        VPN.public_ip,
        DUNE.save_path,
        *(location for library in LIBRARIES for location in library.locations),
    ]
    for secret in [*secrets, *hosts, *where]:
        assert secret and secret not in text, secret
    # What is there: versions, counts and health.
    assert diagnostics["qbittorrent"]["version"] == SNAPSHOT.version
    assert diagnostics["qbittorrent"]["stages"] == {"downloading": 1}
    assert diagnostics["last_update_success"] == {
        "qbittorrent": True,
        "prowlarr": True,
        "plex": True,
    }
