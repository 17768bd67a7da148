"""Posters of what Plex lists, served by Home Assistant itself: the `mediahub_available` event
and the ready-to-watch sensor name a path here, so Plex's token never leaves Home Assistant."""

from __future__ import annotations

from http import HTTPStatus
import re
from typing import Final

from aiohttp import web
from homeassistant.config_entries import ConfigEntryState
from homeassistant.helpers.http import HomeAssistantView

from .const import DOMAIN, POSTERS_URL
from .hub import MediaHubError

_KEY: Final = re.compile(r"\d{1,12}")


class PosterView(HomeAssistantView):
    """GET /api/mediahub/posters/<entry_id>/<key>: a signed-in user (or the Companion app)."""

    url = POSTERS_URL + "/{key}"
    name = "api:mediahub:poster"
    requires_auth = True

    async def get(self, request: web.Request, entry_id: str, key: str) -> web.Response:
        hass = request.app["hass"]
        entry = hass.config_entries.async_get_entry(entry_id)
        if (
            entry is None
            or entry.domain != DOMAIN
            or entry.state is not ConfigEntryState.LOADED
            or not _KEY.fullmatch(key)
        ):
            return web.Response(status=HTTPStatus.NOT_FOUND)
        try:
            found = await entry.runtime_data.engine.poster(key)
        except MediaHubError:
            found = None
        if found is None:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        data, kind = found
        return web.Response(
            body=data, content_type=kind, headers={"Cache-Control": "private, max-age=86400"}
        )
