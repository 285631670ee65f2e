"""Jinja filters and globals: local times, money, the permission predicates."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, request, url_for
from flask_login import current_user
from markupsafe import Markup

from chamber import authz
from chamber.formatting import format_hours, format_money
from chamber.localtime import to_local


def format_datetime(value: datetime | None, fmt: str = "%d %b %Y, %H:%M") -> str:
    if value is None:
        return ""
    return to_local(value).strftime(fmt)


def format_date(value: date | datetime | None, fmt: str = "%d %b %Y") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime(fmt)


def url_with(**changes) -> str:
    """The current URL with some query arguments replaced (for pagination and filters)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        args.pop(key, None)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def member_link(person, name: str | None = None, css_class: str = "") -> Markup:
    """A member's name linking to their profile, for every page that names a member (an
    object or a row with `id`/`member_id`, `full_name`/`name`, `is_active` when it may be
    false). One who is no longer a member reads "Ana Ruiz (no longer a member)", linked for
    staff only: members would find a 404 there."""
    if person is None:
        return Markup("")
    member_id = getattr(person, "member_id", None) or person.id
    name = name or getattr(person, "full_name", None) or getattr(person, "name", "")
    link = Markup('<a href="{}"{}>{}</a>').format(
        url_for("people.profile", member_id=member_id),
        Markup(' class="{}"').format(css_class) if css_class else "",
        name,
    )
    if getattr(person, "is_active", True):
        return link
    label = Markup(' <span class="muted">(no longer a member)</span>')
    return (link if authz.is_staff(current_user) else Markup("{}").format(name)) + label


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        datetime=format_datetime,
        date=format_date,
        money=format_money,
        hours=format_hours,
        member_link=member_link,
    )
    app.jinja_env.globals.update(authz=authz, url_with=url_with)

    @app.context_processor
    def chamber_context():
        return {"chamber_name": app.config["CHAMBER_NAME"]}
