"""Errors the engine raises, and the one table of how each reaches a person.

Each error says plainly what went wrong and carries no secret. Every one has `service` (which
part of the stack, when one is to blame), `reason` (why, in words) and `code` (the key its
translation and the panel's error code share). Home Assistant (`errors.py` of the
integration) and the sidecar (`sidecar/app.py`) both turn an error into their own shape from
`outcome()`, so the two can't drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final


class MediaHubError(Exception):
    """Base of every error the engine raises on purpose."""

    code: str = "unknown"

    def __init__(self, message: str, *, service: str | None = None, reason: str = "") -> None:
        super().__init__(message)
        self.service = service
        self.reason = reason or message


class SettingsError(MediaHubError):
    """A setting is missing or has a bad value."""

    code = "invalid_setting"

    def __init__(self, setting: str, reason: str) -> None:
        super().__init__(f"{setting}: {reason}", reason=reason)
        self.setting = setting


class ServiceUnavailableError(MediaHubError):
    """A service (Prowlarr, qBittorrent, Plex, gluetun) cannot be reached or failed."""

    code = "service_unavailable"
    service: str

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service} is not reachable: {reason}", service=service, reason=reason)


class ServiceTimeoutError(ServiceUnavailableError):
    """A service did not answer within the time allowed."""

    def __init__(self, service: str) -> None:
        super().__init__(service, "timed out")


class AuthenticationError(MediaHubError):
    """A service refused the credentials MediaHub holds for it."""

    code = "auth_failed"
    service: str

    def __init__(self, service: str, reason: str = "the credentials were refused") -> None:
        super().__init__(f"{service}: {reason}", service=service, reason=reason)


class InvalidInputError(MediaHubError):
    """The caller asked for something that cannot be done (unknown id, bad magnet, ...)."""

    def __init__(self, code: str, message: str, *, values: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.values = dict(values or {})  # what its translation fills in, besides the message


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """How one error reaches a person, wherever they are."""

    code: str  # the translation key in Home Assistant, the error code in the panel
    http_status: int
    callers_mistake: bool  # the request was wrong (not the stack): HA's ServiceValidationError
    panel_message: str  # the panel's words; {service} and {reason} are filled in


# The table, most specific first. InvalidInputError's own code names its translation; the
# panel answers 404 for what does not exist, 409 for what the current state refuses (it is
# already there, enough is wished, an ended wish) and 400 for the rest.
_UNAVAILABLE: Final = Outcome(
    code="service_unavailable",
    http_status=503,
    callers_mistake=False,
    panel_message="{service} is not reachable right now.",
)
_OUTCOMES: Final[dict[type[MediaHubError], Outcome]] = {
    AuthenticationError: Outcome(
        code="auth_failed",
        http_status=502,
        callers_mistake=False,
        panel_message="{service} refused MediaHub's credentials: check its settings.",
    ),
    ServiceUnavailableError: _UNAVAILABLE,
    SettingsError: Outcome(
        code="invalid_setting", http_status=400, callers_mistake=True, panel_message="{reason}"
    ),
    MediaHubError: _UNAVAILABLE,
}
_NOT_FOUND: Final = ("unknown_", "no_stored", "not_in_plex")
_CONFLICT: Final = ("already_", "too_many_", "at_cutoff", "wish_ended")


def outcome(err: MediaHubError) -> Outcome:
    """How `err` is shown: its row of the table."""
    if isinstance(err, InvalidInputError):
        if err.code.startswith(_NOT_FOUND):
            status = 404
        elif err.code.startswith(_CONFLICT):
            status = 409
        else:
            status = 400
        return Outcome(
            code=err.code, http_status=status, callers_mistake=True, panel_message="{message}"
        )
    return next(row for kind, row in _OUTCOMES.items() if isinstance(err, kind))


def placeholders(err: MediaHubError) -> dict[str, str]:
    """What a translated message fills in: values only (a name, a path, a number), never the
    engine's own English words, which stay in the logs and the panel's messages."""
    if isinstance(err, InvalidInputError):
        return {"service": err.service or "MediaHub", **err.values}
    if isinstance(err, SettingsError):
        return {"service": "MediaHub", "setting": err.setting}
    # A service's own words for its failure: an HTTP status, an exception's name, a timeout.
    return {"service": err.service or "MediaHub", "reason": err.reason}


def panel_placeholders(err: MediaHubError) -> dict[str, str]:
    """What the panel's messages (`Outcome.panel_message`, in English) fill in."""
    return {**placeholders(err), "reason": err.reason, "message": str(err)}
