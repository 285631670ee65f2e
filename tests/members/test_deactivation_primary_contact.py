"""Deactivating a business's primary contact (issue 8): the role passes to another active
person of the business, or staff are told there is none."""

from __future__ import annotations

from datetime import date

from chamber.extensions import db
from chamber.members.models import Member
from tests.conftest import csrf_token


def _set_active(client, person, active: str):
    return client.post(
        f"/staff/members/{person.id}/active",
        data={"csrf_token": csrf_token(client, "/settings"), "active": active},
        follow_redirects=True,
    )


def test_primary_contact_passes_to_the_longest_standing_active_colleague(
    make_member, login, client
):
    ann = make_member(full_name="Ann Primary", business_name="Riverside Bank")
    bank = ann.business
    make_member(full_name="Out Old", business=bank, joined_on=date(2010, 1, 1), is_active=False)
    bob = make_member(full_name="Bob Senior", business=bank, joined_on=date(2015, 1, 1))
    make_member(full_name="Cid Junior", business=bank, joined_on=date(2022, 1, 1))
    assert ann.is_primary_contact
    login(make_member(is_staff=True))

    page = _set_active(client, ann, "0").get_data(as_text=True)

    assert "Bob Senior is now Riverside Bank&#39;s primary contact." in page
    db.session.expire_all()
    assert not db.session.get(Member, ann.id).is_primary_contact
    assert db.session.get(Member, bob.id).is_primary_contact
    business_page = client.get(f"/staff/businesses/{bank.id}").get_data(as_text=True)
    assert "Bob Senior" in business_page


def test_staff_are_told_when_nobody_is_left_to_be_primary_contact(make_member, login, client):
    ann = make_member(full_name="Ann Primary", business_name="Solo Bakery")
    login(make_member(is_staff=True))

    page = _set_active(client, ann, "0").get_data(as_text=True)

    assert "Solo Bakery has no other active person, so it has no primary contact now" in page
    db.session.expire_all()
    assert not db.session.get(Member, ann.id).is_primary_contact

    page = _set_active(client, ann, "1").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Member, ann.id).is_primary_contact  # back, and the role with her
