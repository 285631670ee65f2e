"""Enumerations that several features share (so none of them imports another for it)."""

from __future__ import annotations

import enum


class WorkMode(enum.StrEnum):
    """How an interaction happened: the distinction the whole product is about."""

    IN_PERSON = "in_person"
    ONLINE = "online"

    @property
    def label(self) -> str:
        return "In person" if self is WorkMode.IN_PERSON else "Online"
