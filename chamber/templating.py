"""Jinja filters and globals: local times, money, the permission predicates."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, has_request_context, request
from flask_login import current_user

from chamber import authz
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


def format_money(cents: int | None) -> str:
    """Integer cents as dollars with thousands separators: 123456 -> $1,234.56."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(int(cents)), 100)
    return f"{sign}${dollars:,}.{rest:02d}"


def format_hours(value) -> str:
    if value is None:
        return "0"
    number = float(value)
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def url_with(**changes) -> str:
    """The current URL with some query arguments replaced (for pagination and filters)."""
    from flask import url_for

    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        args.pop(key, None)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        datetime=format_datetime,
        date=format_date,
        money=format_money,
        hours=format_hours,
    )
    app.jinja_env.globals.update(authz=authz, url_with=url_with)

    @app.context_processor
    def chamber_context():
        unread = 0
        # Also rendered for e-mails sent from CLI jobs and threads, where no one is signed in.
        if has_request_context() and current_user.is_authenticated:
            from chamber.notifications.queries import unread_count

            unread = unread_count(current_user)
        return {"chamber_name": app.config["CHAMBER_NAME"], "unread_notifications": unread}
