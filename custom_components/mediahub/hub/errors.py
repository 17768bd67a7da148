"""Errors the engine raises. Each says plainly what went wrong and carries no secret."""

from __future__ import annotations


class MediaHubError(Exception):
    """Base of every error the engine raises on purpose."""


class SettingsError(MediaHubError):
    """A setting is missing or has a bad value."""

    def __init__(self, setting: str, reason: str) -> None:
        super().__init__(f"{setting}: {reason}")
        self.setting = setting
        self.reason = reason


class ServiceUnavailableError(MediaHubError):
    """A service (Prowlarr, qBittorrent, Plex, gluetun) cannot be reached or failed."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service} is not reachable: {reason}")
        self.service = service
        self.reason = reason


class ServiceTimeoutError(ServiceUnavailableError):
    """A service did not answer within the time allowed."""

    def __init__(self, service: str) -> None:
        super().__init__(service, "timed out")


class AuthenticationError(MediaHubError):
    """A service refused the credentials MediaHub holds for it."""

    def __init__(self, service: str, reason: str = "the credentials were refused") -> None:
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason


class InvalidInputError(MediaHubError):
    """The caller asked for something that cannot be done (unknown id, bad magnet, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
