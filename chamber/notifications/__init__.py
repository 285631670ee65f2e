"""In-app notifications and each member's e-mail choices."""

from __future__ import annotations

from flask import Flask, g, has_request_context
from flask_login import current_user

from chamber.notifications.queries import unread_count


def init_app(app: Flask) -> None:
    """Every page's header shows the signed-in member's unread count, read once a request
    (a page that already read it, such as the dashboard, leaves it in `g.unread_notifications`)."""

    @app.context_processor
    def unread_notifications():
        # Also rendered for e-mails sent from CLI jobs and threads, where no one is signed in.
        if has_request_context() and current_user.is_authenticated:
            if "unread_notifications" not in g:
                g.unread_notifications = unread_count(current_user)
            return {"unread_notifications": g.unread_notifications}
        return {"unread_notifications": 0}
