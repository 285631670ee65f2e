"""iCalendar feeds (RFC 5545) of meetings and shifts, built with the `icalendar` package."""

from __future__ import annotations

from datetime import UTC

from flask import current_app, url_for
from icalendar import Calendar, Event

from chamber.db import utcnow


def _utc(value):
    return value.replace(tzinfo=UTC)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Chamber//Committee work//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _event(uid: str, summary: str, starts_at, ends_at, location: str, description: str, url: str):
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", _utc(utcnow()))
    event.add("dtstart", _utc(starts_at))
    event.add("dtend", _utc(ends_at))
    event.add("summary", summary)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    event.add("url", url)
    return event


def _meeting_event(meeting, host: str, base: str) -> Event:
    where = meeting.committee.name if meeting.committee else "Chamber event"
    return _event(
        f"meeting-{meeting.id}@{host}",
        f"{meeting.title} ({where}, {meeting.mode.label.lower()})",
        meeting.starts_at,
        meeting.ends_at,
        meeting.place,
        meeting.agenda,
        base + url_for("meetings.show", meeting_id=meeting.id),
    )


def build_meeting(meeting) -> bytes:
    """One meeting as a calendar file (same UID as in the feeds, so it is not doubled)."""
    base = current_app.config["CHAMBER_BASE_URL"]
    calendar = _calendar(meeting.title)
    calendar.add("method", "PUBLISH")
    calendar.add_component(_meeting_event(meeting, base.split("://", 1)[-1], base))
    return calendar.to_ical()


def build_feed(name: str, meetings, shifts) -> bytes:
    """One calendar of meetings (with their mode) and volunteer shifts."""
    host = current_app.config["CHAMBER_BASE_URL"].split("://", 1)[-1]
    base = current_app.config["CHAMBER_BASE_URL"]
    calendar = _calendar(name)
    for meeting in meetings:
        calendar.add_component(_meeting_event(meeting, host, base))
    for shift in shifts:
        calendar.add_component(
            _event(
                f"shift-{shift.id}@{host}",
                f"Shift: {shift.title} ({shift.project.name}, {shift.mode.label.lower()})",
                shift.starts_at,
                shift.ends_at,
                shift.place,
                f"{shift.project.committee.name} · {shift.project.name}",
                base + url_for("projects.show", project_id=shift.project_id),
            )
        )
    return calendar.to_ical()
