"""The engine's errors as Home Assistant's, translated: the HA side of `hub.errors`' table."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import DOMAIN
from .hub import MediaHubError, outcome, placeholders


def home_assistant_error(err: MediaHubError) -> HomeAssistantError:
    """The caller's mistake as a validation error, the stack's trouble as an error."""
    row = outcome(err)
    kind = ServiceValidationError if row.callers_mistake else HomeAssistantError
    return kind(
        translation_domain=DOMAIN,
        translation_key=row.code,
        translation_placeholders=placeholders(err),
    )


@asynccontextmanager
async def engine_errors() -> AsyncIterator[None]:
    """Raise what the engine raises inside as Home Assistant's error."""
    try:
        yield
    except MediaHubError as err:
        raise home_assistant_error(err) from err
