"""Any data for any MediaHub action: the schema accepts it or says clearly why not."""

from __future__ import annotations

from hypothesis import given, strategies as st
import probatio as vol
import pytest

from custom_components.mediahub import services
from tests.support.strategies import any_json

SCHEMAS = {
    "search": services.SEARCH_SCHEMA,
    "grab": services.GRAB_SCHEMA,
    "add_torrent": services.ADD_TORRENT_SCHEMA,
    "pause": services.HASH_SCHEMA,
    "remove": services.REMOVE_SCHEMA,
    "list_downloads": services.LIST_SCHEMA,
    "scan_library": services.SCAN_SCHEMA,
}
VALUES = any_json(max_leaves=8)
KEYS = st.sampled_from(
    [
        "config_entry_id",
        "query",
        "category",
        "limit",
        "release_id",
        "source",
        "hash",
        "delete_files",
        "library",
        "path",
        "status",
        "other",
    ]
)


@pytest.mark.parametrize("action", sorted(SCHEMAS))
@given(data=st.dictionaries(KEYS, VALUES, max_size=6))
def test_any_action_data_is_accepted_or_refused_with_a_reason(
    action: str, data: dict[str, object]
) -> None:
    try:
        validated = SCHEMAS[action](data)
    except vol.Invalid as err:
        reason = str(err)
    else:
        reason = "accepted"
        assert isinstance(validated["config_entry_id"], str)
    assert reason
