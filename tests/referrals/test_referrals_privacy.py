"""Who sees and changes what: giver, receiver, another member, a committee lead, staff."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from chamber.referrals.models import Referral, ReferralStatus
from tests.conftest import csrf_token, without_csrf
from tests.referrals.conftest import PROSPECT_EMAIL, PROSPECT_PHONE

SECRET_NAME = "Priscilla Prospectworthy"


@pytest.fixture
def world(cast, make_referral, signed_in):
    """One won referral between giver and receiver on a committee the lead chairs."""
    referral = make_referral(
        cast.giver,
        cast.receiver,
        prospect_name=SECRET_NAME,
        how_committee_id=cast.committee.id,
        status=ReferralStatus.WON,
        value_cents=730_000,
    )
    clients = {
        role: signed_in(getattr(cast, role))
        for role in ("giver", "receiver", "other", "lead", "staff")
    }
    return referral, clients


def _snapshot(db, referral_id):
    db.session.expire_all()
    referral = db.session.get(Referral, referral_id)
    return (
        referral.status,
        referral.closed_value_cents,
        referral.version_id,
        referral.thank_you_note,
        len(referral.events),
    )


@pytest.mark.parametrize(
    "role,status,sees_contact",
    [
        ("giver", 200, True),
        ("receiver", 200, True),
        ("other", 404, False),
        ("lead", 404, False),
        ("staff", 200, True),
    ],
)
def test_referral_page_and_prospect_contact(world, role, status, sees_contact):
    referral, clients = world
    response = clients[role].get(f"/referrals/{referral.id}")
    assert response.status_code == status
    body = response.get_data(as_text=True)
    for detail in (SECRET_NAME, PROSPECT_EMAIL, PROSPECT_PHONE, "A new roof before winter."):
        assert (detail in body) is sees_contact, (role, detail)


def test_a_missing_referral_and_a_hidden_one_look_the_same(world):
    referral, clients = world
    clients["other"].get("/dashboard")  # consume the welcome flash
    hidden = clients["other"].get(f"/referrals/{referral.id}")
    missing = clients["other"].get(f"/referrals/{referral.id + 1000}")
    assert hidden.status_code == missing.status_code == 404
    # The same page but for the sign-out form's CSRF token, which carries the second it was
    # made in (the two requests may fall in different seconds).
    assert without_csrf(hidden.get_data(True)) == without_csrf(missing.get_data(True))


@pytest.mark.parametrize(
    "role,expected",
    [("giver", 403), ("other", 404), ("lead", 404), ("staff", 403)],
)
def test_only_the_receiver_changes_a_referral(db, world, role, expected):
    referral, clients = world
    client = clients[role]
    before = _snapshot(db, referral.id)
    token = csrf_token(client, "/settings")
    for path, data in (
        ("status", {"status": "lost", "version_id": str(referral.version_id)}),
        ("thank", {"note": "Thanks from a stranger"}),
    ):
        response = client.post(
            f"/referrals/{referral.id}/{path}", data={"csrf_token": token, **data}
        )
        assert response.status_code == expected, (role, path)
    assert _snapshot(db, referral.id) == before


@pytest.mark.parametrize(
    "role,expected", [("giver", 403), ("receiver", 403), ("other", 403), ("lead", 403)]
)
def test_staff_pages_are_for_staff_only(db, world, role, expected):
    referral, clients = world
    client = clients[role]
    before = _snapshot(db, referral.id)
    assert client.get("/staff/referrals/").status_code == expected
    assert client.get(f"/staff/referrals/{referral.id}/correct").status_code == expected
    assert client.get("/staff/referrals/999999/correct").status_code == expected
    response = client.post(
        f"/staff/referrals/{referral.id}/correct",
        data={
            "csrf_token": csrf_token(client, "/settings"),
            "status": "lost",
            "reason": "I say so",
            "version_id": str(referral.version_id),
        },
    )
    assert response.status_code == expected
    assert _snapshot(db, referral.id) == before


@pytest.mark.parametrize("role", ["other", "lead"])
def test_others_never_see_the_prospect_anywhere(world, cast, role):
    referral, clients = world
    client = clients[role]
    pages = [
        "/dashboard",
        "/referrals",
        "/referrals/given",
        "/referrals?status=won",
        "/notifications",
        f"/members/{cast.giver.id}",
        f"/members/{cast.receiver.id}",
        f"/committees/{cast.committee.slug}",
        f"/committees/{cast.committee.slug}/manage/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 403), (path, response.status_code)
        body = response.get_data(as_text=True)
        for detail in (SECRET_NAME, PROSPECT_EMAIL, PROSPECT_PHONE):
            assert detail not in body, (role, path, detail)


def test_the_giver_sees_the_outcome_and_the_receiver_the_inbox(world):
    referral, clients = world
    given = clients["giver"].get("/referrals/given").get_data(as_text=True)
    assert SECRET_NAME in given and "$7,300.00" in given and "Rick Receiver" in given
    inbox = clients["receiver"].get("/referrals").get_data(as_text=True)
    assert SECRET_NAME in inbox and "Gina Giver" in inbox
    assert SECRET_NAME not in clients["giver"].get("/referrals").get_data(as_text=True)
    assert SECRET_NAME not in clients["receiver"].get("/referrals/given").get_data(as_text=True)


def test_staff_see_every_referral_with_its_prospect(world):
    referral, clients = world
    body = clients["staff"].get("/staff/referrals/").get_data(as_text=True)
    assert SECRET_NAME in body and "Gina Giver" in body and "Rick Receiver" in body


def test_anonymous_visitors_are_sent_to_sign_in(app, world):
    referral, _ = world
    anonymous = app.test_client()
    for path in (
        "/referrals",
        "/referrals/given",
        "/referrals/new",
        f"/referrals/{referral.id}",
        "/staff/referrals/",
        f"/staff/referrals/{referral.id}/correct",
    ):
        response = anonymous.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_posts_without_a_csrf_token_are_refused(db, world):
    referral, clients = world
    before = _snapshot(db, referral.id)
    response = clients["receiver"].post(f"/referrals/{referral.id}/thank", data={"note": "Thanks!"})
    assert response.status_code == 400
    assert _snapshot(db, referral.id) == before


def test_deactivated_giver_loses_access(db, world, cast):
    referral, clients = world
    db.session.execute(
        sa.update(type(cast.giver))
        .where(type(cast.giver).id == cast.giver.id)
        .values(is_active=False)
    )
    db.session.commit()
    assert clients["giver"].get(f"/referrals/{referral.id}").status_code in (302, 404)
