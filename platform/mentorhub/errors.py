"""Errors raised by services. Views turn them into 4xx answers (see web.py)."""
from __future__ import annotations


class ServiceError(Exception):
    """A rule was broken; the message is safe to show to the user."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(ServiceError):
    status = 400


class PermissionDenied(ServiceError):
    status = 403

    def __init__(self, message: str = "You are not allowed to do that.", field: str | None = None):
        super().__init__(message, field)


class NotFound(ServiceError):
    status = 404

    def __init__(self, message: str = "Not found.", field: str | None = None):
        super().__init__(message, field)


class Conflict(ServiceError):
    status = 409
