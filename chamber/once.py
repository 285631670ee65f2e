"""Doing a thing once: one saved row per rendered form, one decision per record.

Both hold under concurrent requests on SQLite and PostgreSQL, because they rest on the
database (a primary key, a conditional UPDATE), not on a check in Python that a racing
request could pass at the same moment.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField
from wtforms.validators import ValidationError

from chamber import pagecache
from chamber.db import Base, utcnow
from chamber.exceptions import AlreadySubmitted, Conflict
from chamber.extensions import db

T = TypeVar("T")


class FormSubmission(Base):
    """A rendered create form that was saved: its one-time token, who sent it, and where
    what it created can be seen."""

    __tablename__ = "form_submissions"

    token: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id", ondelete="CASCADE"))
    result_url: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def new_form_token() -> str:
    """A fresh one-time token for a create form being rendered (a page carrying one is never
    kept: two tabs need two tokens)."""
    pagecache.not_keepable()
    return str(uuid.uuid4())


def _token_format(form, field) -> None:
    try:
        uuid.UUID(field.data or "")
    except ValueError as exc:
        raise ValidationError("This form has expired. Please reload the page.") from exc


def FormTokenField() -> HiddenField:  # noqa: N802 - reads as a field class in a form body
    """The hidden one-time token every create form carries (SECURITY row 20)."""
    return HiddenField(validators=[_token_format], default=new_form_token)


def _already(actor_id: int, token: str) -> AlreadySubmitted | Conflict | None:
    submission = db.session.get(FormSubmission, token, populate_existing=True)
    if submission is None:
        return None
    if submission.member_id != actor_id:
        return Conflict("This form has expired. Please reload the page.")
    return AlreadySubmitted(submission.result_url or None)


def submit_once(actor, token: str, create: Callable[[], T], url_of: Callable[[T], str]) -> T:
    """Run `create` once per form token. A second post of the same rendered form (a double
    click, a racing request) raises AlreadySubmitted with the address of the first result."""
    if (refusal := _already(actor.id, token)) is not None:
        raise refusal
    submission = FormSubmission(token=token, member_id=actor.id)
    try:
        # A savepoint: when a concurrent post of the same form won the race, the primary key
        # refuses this row and only the savepoint is undone.
        with db.session.begin_nested():
            db.session.add(submission)
            db.session.flush()
    except IntegrityError:
        if (refusal := _already(actor.id, token)) is not None:
            raise refusal from None
        raise
    result = create()
    db.session.flush()
    submission.result_url = url_of(result)[:300]
    return result


def change_once(statement, conflict: str) -> None:
    """Run a conditional UPDATE or DELETE (its WHERE states the state it changes from) and
    refuse with `conflict` unless it changed exactly one row: of two concurrent decisions on
    one record, exactly one applies and the other is told."""
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(conflict)


def update_once(row, while_status, conflict: str, /, **values) -> None:
    """Set `values` on `row` only while its `status` is still `while_status` (a decision, an
    edit of what waits for one), then read it back; refused with `conflict` when it moved on
    meanwhile (`change_once`)."""
    model = type(row)
    change_once(
        sa.update(model).where(model.id == row.id, model.status == while_status).values(**values),
        conflict,
    )
    db.session.refresh(row)


def delete_once(row, while_status, conflict: str) -> None:
    """Delete `row` only while its `status` is still `while_status` (taking back what waits
    for a decision); refused with `conflict` when it moved on meanwhile."""
    model = type(row)
    change_once(sa.delete(model).where(model.id == row.id, model.status == while_status), conflict)
    db.session.expunge(row)
