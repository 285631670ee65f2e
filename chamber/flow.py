"""One way through a request: act, commit once, flash, redirect — or roll back and say why.

Every view that changes data loads its object, checks a `can_*` predicate and validates its
form, then hands the service call to `finish()`. `finish()` owns the rest of the request, so
no view repeats it: the service runs, the transaction commits once, the member is told what
happened and is redirected (post/redirect/get). When the service refuses (a `ChamberError`),
nothing it wrote is kept and the refusal is shown next to its field (or flashed when there is
no form), with what was typed kept. A second post of a form already saved
(`AlreadySubmitted`) or an edit that lost a race with someone else's (`StaleDataError`) get
their plain message, never a 500.

Pages that only show the signed-in member their own things (`member_page`) say which template
and what goes in it; signing in and finding the member is done here once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import flash, redirect, render_template
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from chamber.exceptions import AlreadySubmitted, ChamberError, StaleEdit
from chamber.extensions import db
from chamber.once import submit_once

T = TypeVar("T")

Text = str | Callable[[Any], str]


def _text(value: Text, result: Any) -> str:
    return value(result) if callable(value) else value


def finish(
    act: Callable[[], T],
    *,
    success: Text | None,
    to: Text,
    form=None,
    category: str = "success",
    refused_to: Text | None = None,
    already: str | None = None,
) -> Response | None:
    """Run `act` (a service call) and end the request.

    On success: commit once, flash `success` (a string, or a function of what `act`
    returned), redirect to `to` (likewise). On a refusal: roll back; with a `form`, put the
    message by its field and return None so the view renders the form again (status 400);
    without one, flash the message and redirect to `refused_to` (default `to`). A form
    posted again after it was saved is told so (`already`, or a plain default).
    """
    try:
        result = act()
        db.session.commit()
    except AlreadySubmitted as submitted:
        db.session.rollback()
        flash(already or submitted.message, "info")
        return redirect(submitted.url or _text(refused_to or to, None))
    except StaleDataError:
        db.session.rollback()
        return _refuse(StaleEdit(), form, refused_to or to)
    except ChamberError as error:
        db.session.rollback()
        return _refuse(error, form, refused_to or to)
    if success:
        flash(_text(success, result), category)
    return redirect(_text(to, result))


def finish_create(
    form,
    create: Callable[[], T],
    *,
    success: Text,
    to: Callable[[T], str],
    already: str = "You had already sent this form; here is what it saved.",
) -> Response | None:
    """`finish()` for a create form: one row per rendered form (its `form_token`), so a
    double click or a resent POST saves nothing twice and lands on what the first made."""
    return finish(
        lambda: submit_once(current_user, form.form_token.data, create, to),
        success=success,
        to=to,
        form=form,
        already=already,
    )


def finish_valid(form, act: Callable[[], T], **options: Any) -> Response | None:
    """`finish()` (with the form) once `form` validates; None while it does not, so the view
    shows the form again (`form_page`)."""
    if not form.validate_on_submit():
        return None
    return finish(act, form=form, **options)


def finish_edit(form, record, act: Callable[[], T], **options: Any) -> Response | None:
    """`finish_valid()` for an edit form that carries the version it was read at
    (`version_id`): refused, the form comes back with the version `record` has now, so that
    saving it again is a deliberate choice over the other change. A form that does not
    validate keeps the version it was read at."""
    if not form.validate_on_submit():
        return None
    done = finish(act, form=form, **options)
    if done is None:
        form.version_id.data = record.version_id  # the next save is a deliberate one
    return done


def finish_create_valid(form, create: Callable[[], T], **options: Any) -> Response | None:
    """`finish_create()` once `form` validates; None while it does not."""
    if not form.validate_on_submit():
        return None
    return finish_create(form, create, **options)


def finish_buttons(
    form, act: Callable[[], T], *, invalid: str, to: Text, **options: Any
) -> Response | None:
    """`finish()` for a post of buttons with no page of its own: a post that does not
    validate flashes `invalid` and goes back to `to`, nothing done."""
    if not form.validate_on_submit():
        flash(invalid, "error")
        return redirect(_text(to, None))
    return finish(act, to=to, **options)


def form_page(template: str, form, **context: Any) -> tuple[str, int]:
    """A form's page: 200 when first shown, 400 when a post comes back to be corrected."""
    return render_template(template, form=form, **context), 400 if form.is_submitted() else 200


def member_page(template: str) -> Callable[[Callable[[Any], dict[str, Any]]], Callable[[], str]]:
    """A page of the signed-in member's own things: sign-in required; the view is given the
    member (the row itself, not the `current_user` proxy) and returns what `template` shows."""

    def decorate(view: Callable[[Any], dict[str, Any]]) -> Callable[[], str]:
        @login_required
        @wraps(view)
        def page() -> str:
            return render_template(template, **view(current_user._get_current_object()))

        return page

    return decorate


def _refuse(error: ChamberError, form, to: Text) -> Response | None:
    if form is not None:
        form.add_error(error)
        return None
    flash(error.message, "error")
    return redirect(_text(to, None))
