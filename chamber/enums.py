"""Enumerations that several features share (so none of them imports another for it)."""

from __future__ import annotations

import enum


class LabelledEnum(enum.StrEnum):
    """A stored value with the words people read: "volunteer_hours" reads "Volunteer hours";
    a subclass names the exceptions in `__labels__` (a dunder, so not a member)."""

    __labels__: dict[str, str] = {}

    @property
    def label(self) -> str:
        words = type(self).__labels__.get(self.value)
        return words or self.value.replace("_", " ").capitalize()


class WorkMode(LabelledEnum):
    """How an interaction happened: the distinction the whole product is about."""

    IN_PERSON = "in_person"
    ONLINE = "online"
