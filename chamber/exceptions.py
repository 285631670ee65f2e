"""Domain errors that services raise and views turn into a message next to a field."""

from __future__ import annotations


class ChamberError(Exception):
    """A rule of the chamber refused the change; `field` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(ChamberError):
    """The actor may not make this change."""


class Conflict(ChamberError):
    """The change clashes with the current state (already decided, full, duplicate)."""


class StaleEdit(Conflict):
    """Someone else changed the record since the form was opened."""

    def __init__(
        self,
        message: str = "This was changed by someone else while you were "
        "editing. Their change is kept; review it and edit again.",
    ):
        super().__init__(message)


class AlreadySubmitted(Conflict):
    """This rendered form was saved before (a double click, a resent POST): nothing new is
    saved and the member is sent to what the first post made (`url`)."""

    def __init__(self, url: str | None, message: str = "That was already saved; here it is."):
        super().__init__(message)
        self.url = url
