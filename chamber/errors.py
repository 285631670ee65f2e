"""Error pages in the site's layout: no tracebacks, SQL or settings ever reach the body."""

from __future__ import annotations

import logging
import uuid

from flask import Flask, g, jsonify, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from chamber.audit.services import record_audit
from chamber.extensions import db, login_manager

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Please go back and try again."),
    403: ("Not allowed", "You do not have access to this page."),
    404: ("Not found", "There is nothing here. The page may have moved or never existed."),
    405: ("Not allowed", "This page cannot be used that way."),
    413: ("Too large", "What you sent is larger than this site accepts."),
    429: ("Too many attempts", "Please wait a minute before trying again."),
    500: ("Something went wrong", "We could not complete your request. Nothing was saved."),
    503: ("Unavailable", "The site is briefly unavailable. Please try again shortly."),
}


def _render(code: int, detail: str = "", incident: str = ""):
    title, message = MESSAGES.get(code, ("Error", "Something went wrong."))
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=title, incident=incident or None), code
    return (
        render_template(
            "errors.html", code=code, title=title, message=detail or message, incident=incident
        ),
        code,
    )


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _render(400, "The form expired or was sent from elsewhere. Please try again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 403:
            _audit_refusal()
        return _render(error.code or 500)

    @app.errorhandler(InternalServerError)
    @app.errorhandler(Exception)
    def server_error(error):
        original = getattr(error, "original_exception", None) or error
        if isinstance(original, HTTPException) and not isinstance(original, InternalServerError):
            return http_error(original)
        incident = uuid.uuid4().hex[:12]
        log.error("incident %s on %s %s", incident, request.method, request.path, exc_info=original)
        try:
            db.session.rollback()
            return _render(500, incident=incident)
        except SQLAlchemyError:
            # The database is down (SECURITY row 23): the layout must not need it. Reloading
            # the signed-in member failed, so the page is drawn as for a visitor.
            log.warning("incident %s: database unavailable for the error page", incident)
            db.session.remove()
            g._login_user = login_manager.anonymous_user()
            return _render(500, incident=incident)


def _audit_refusal() -> None:
    """Refused access by a signed-in member is worth an audit row (probing, stale links)."""
    if not current_user.is_authenticated:
        return
    try:
        db.session.rollback()
        record_audit(current_user, "access.refused", summary=f"{request.method} {request.path}")
        db.session.commit()
    except Exception:  # the refusal page must render even if the audit write fails
        log.exception("could not record refused access")
        db.session.rollback()
