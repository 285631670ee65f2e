"""Issue 7 defect 4: an edit whose row changed after it was read (someone else saved between
the form's version check and the write) is told "changed by someone else", never a 500, with
what was typed kept and nothing of it saved."""

from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa
from flask_sqlalchemy.session import Session

from chamber.committees.models import Committee


@contextmanager
def _row_moves_on_during_flush(committee_id: int):
    """As the request's session flushes its edit of the committee, another save moves the
    row on once (what a concurrent request does on PostgreSQL between our read and write)."""
    done = []

    def bump(session, _context, _instances):
        if not done and any(isinstance(obj, Committee) for obj in session.dirty):
            done.append(True)
            session.execute(
                sa.update(Committee)
                .where(Committee.id == committee_id)
                .values(mission="Their change", version_id=Committee.version_id + 1)
                .execution_options(synchronize_session=False)
            )

    sa.event.listen(Session, "before_flush", bump)
    try:
        yield done
    finally:
        sa.event.remove(Session, "before_flush", bump)


def test_committee_edit_that_lost_a_race_is_told_not_a_500(
    db, make_member, make_committee, login, post, client
):
    staff = make_member(is_staff=True)
    committee = make_committee(name="Events", slug="events", mission="Old")
    login(staff)
    page = "/staff/committees/events/edit"
    with _row_moves_on_during_flush(committee.id) as moved:
        response = post(
        page,
            {
                "name": "Events",
                "slug": "events",
                "mission": "My change",
                "description": "",
                "version_id": str(committee.version_id),
            },
            form_page=page,
        )
    assert moved
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "changed by someone else" in html
    assert 'value="My change"' in html  # what was typed is kept
    db.session.expire_all()
    assert db.session.get(Committee, committee.id).mission != "My change"  # nothing half-saved
