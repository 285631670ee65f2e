"""Issue 8: staff move a staff person back to "no business" through the pages (only staff
may represent none); e-mail addresses are normalised in one place for sign-in and staff."""

from __future__ import annotations

import sqlalchemy as sa

from chamber.auth import attempts
from chamber.auth import services as auth_services
from chamber.extensions import db
from chamber.members import services as member_services
from chamber.members.models import Member
from tests.conftest import csrf_token


def _move(client, person, business_id: str):
    return client.post(
        f"/staff/members/{person.id}/move",
        data={"csrf_token": csrf_token(client, "/settings"), "business_id": business_id},
        follow_redirects=True,
    )


def test_staff_person_moves_back_to_no_business_from_the_move_page(
    make_member, make_business, login, client
):
    director = make_member(is_staff=True)
    sam = make_member(full_name="Sam Staff", is_staff=True, business=make_business(name="Bank"))
    colleague = make_member(full_name="Cara Colleague", business=sam.business)
    login(director)

    page = client.get(f"/staff/members/{sam.id}/move").get_data(as_text=True)
    assert "Represent no business" in page

    response = _move(client, sam, "none")

    assert response.status_code == 200
    assert "Sam Staff now represents no business (staff)." in response.get_data(as_text=True)
    db.session.expire_all()
    moved = db.session.get(Member, sam.id)
    assert moved.business_id is None and not moved.is_primary_contact
    assert [a.ended_on is not None for a in moved.affiliations] == [True] * len(
        moved.affiliations
    )
    assert db.session.get(Member, colleague.id).is_primary_contact


def test_a_member_who_is_not_staff_cannot_be_moved_to_no_business(make_member, login, client):
    login(make_member(is_staff=True))
    ann = make_member(full_name="Ann Member")

    assert "Represent no business" not in client.get(f"/staff/members/{ann.id}/move").get_data(
        as_text=True
    )
    response = _move(client, ann, "none")

    assert response.status_code == 400
    assert "Only staff may represent no business." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Member, ann.id).business_id == ann.business_id


def test_one_normalise_email_for_sign_in_and_staff_edits(make_member, client):
    assert auth_services.normalise_email is member_services.normalise_email
    assert attempts.normalise_email is member_services.normalise_email
    ann = make_member(email="ann@bank.example")
    response = client.post(
        "/login",
        data={
            "email": "  ANN@Bank.Example ",
            "password": "correct horse battery staple",
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Member.id).where(Member.email == "ann@bank.example")) == (
        ann.id
    )
