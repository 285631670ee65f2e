"""The dashboard's "Shifts that need you": upcoming shifts of my committees' active projects that
still have a free slot and that I have not signed up for, with how many slots are free (a
slot is taken by every sign-up that was not cancelled)."""

from __future__ import annotations

from datetime import timedelta

from chamber.projects.models import ProjectStatus, ShiftSignup, SignupStatus


def _open_shifts(page: str) -> str:
    """The list under "Shifts that need you" (empty when the heading is not there)."""
    listed = page.split("Shifts that need you", 1)[1] if "Shifts that need you" in page else ""
    return listed.split("</ul>", 1)[0]


def test_dashboard_lists_only_shifts_with_free_slots_for_me(
    make_member, make_committee, make_project, make_shift, login, client, db
):
    me, others = make_member(), [make_member() for _ in range(3)]
    committee = make_committee(members=[me])
    elsewhere = make_committee()
    project = make_project(committee, name="Harbour Clean-up")
    free = make_shift(project, title="Morning litter pick", slots=3)
    full = make_shift(project, title="Boat crew", slots=2)
    mine = make_shift(project, title="Tea tent", slots=5)
    past = make_shift(project, title="Last week's sweep", starts_in=timedelta(days=-7))
    make_shift(make_project(elsewhere, name="Other committee"), title="Not my committee")
    make_shift(
        make_project(committee, name="Paused", status=ProjectStatus.PROPOSED), title="Proposed"
    )
    for shift, status, member in [
        (free, SignupStatus.SIGNED_UP, others[0]),
        (free, SignupStatus.CANCELLED, others[1]),
        (full, SignupStatus.SIGNED_UP, others[0]),
        (full, SignupStatus.NO_SHOW, others[1]),
        (mine, SignupStatus.SIGNED_UP, me),
        (past, SignupStatus.SIGNED_UP, others[2]),
    ]:
        db.session.add(ShiftSignup(shift_id=shift.id, member_id=member.id, status=status))
    db.session.commit()

    login(me)
    page = client.get("/dashboard").get_data(as_text=True)
    listed = _open_shifts(page)

    assert "Morning litter pick" in listed
    assert "2 free" in listed  # one signed up; the cancelled one holds no slot
    for absent in ("Boat crew", "Tea tent", "Last week's sweep", "Not my committee", "Proposed"):
        assert absent not in listed
    assert "Tea tent" in page  # under "My shifts"
