"""LLM tools: MediaHub's intents offered to LLM agents (HA 2026.10 gives them only what an
integration's `llm.py` returns)."""

from __future__ import annotations

from homeassistant.components.llm import LLMTools
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import intent
from homeassistant.helpers.llm import LLM_API_ASSIST, IntentTool, LLMContext, Tool, ToolAnnotations

from .const import DOMAIN
from .intent import (
    INTENT_ANYWAY,
    INTENT_APPROVE,
    INTENT_COMING,
    INTENT_DECLINE,
    INTENT_DOWNLOAD,
    INTENT_FOLLOW,
    INTENT_SCAN,
    INTENT_STATUS,
    INTENT_UNWISH,
    INTENT_WAITING,
    INTENT_WANT,
)

# intent → (title, annotations)
LLM_INTENTS = {
    # Starts a download: changes the world outside Home Assistant.
    INTENT_DOWNLOAD: ("Download media", ToolAnnotations(idempotent=False, open_world=True)),
    INTENT_ANYWAY: (
        "Download anyway",
        ToolAnnotations(idempotent=False, open_world=True),
    ),
    INTENT_STATUS: ("Download status", ToolAnnotations(read_only=True, open_world=False)),
    INTENT_SCAN: ("Scan Plex library", ToolAnnotations(idempotent=True, open_world=False)),
    # Wishes are kept in Prowlarr and fulfilled from the indexers: the world outside.
    INTENT_FOLLOW: ("Follow a show", ToolAnnotations(idempotent=True, open_world=True)),
    INTENT_WANT: ("Want a movie", ToolAnnotations(idempotent=True, open_world=True)),
    INTENT_UNWISH: ("End a wish", ToolAnnotations(idempotent=True, open_world=False)),
    INTENT_COMING: ("Wishes", ToolAnnotations(read_only=True, open_world=False)),
    # Requests: decided by an administrator (the person the agent speaks for).
    INTENT_APPROVE: ("Approve a request", ToolAnnotations(idempotent=True, open_world=True)),
    INTENT_DECLINE: ("Decline a request", ToolAnnotations(idempotent=True, open_world=False)),
    INTENT_WAITING: ("Requests waiting", ToolAnnotations(read_only=True, open_world=False)),
}


@callback
def async_get_tools(hass: HomeAssistant, llm_context: LLMContext, api_id: str) -> LLMTools | None:
    """MediaHub's tools for the Assist API, while a MediaHub stack is loaded."""
    if api_id != LLM_API_ASSIST or not hass.config_entries.async_loaded_entries(DOMAIN):
        return None
    tools: list[Tool] = [
        IntentTool(
            f"{DOMAIN}__{handler.intent_type}",
            handler,
            title=LLM_INTENTS[handler.intent_type][0],
            integration=DOMAIN,
            annotations=LLM_INTENTS[handler.intent_type][1],
        )
        for handler in intent.async_get(hass)
        if handler.intent_type in LLM_INTENTS
    ]
    return LLMTools(tools=tools)
