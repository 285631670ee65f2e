"""Businesses: staff add and edit them, change their membership (people leave and come back
with it), merge duplicate records; a referral's value counts for the receiver's business."""

import re
from datetime import date

import sqlalchemy as sa

from chamber.audit.models import AuditEntry
from chamber.exceptions import Conflict
from chamber.extensions import db as _db
from chamber.members import queries, services
from chamber.members.models import (
    Affiliation,
    Business,
    BusinessStatus,
    BusinessStatusChange,
    Member,
)
from chamber.referrals.models import Referral, ReferralStatus
from tests.concurrency import at_once
from tests.conftest import TEST_PASSWORD, csrf_token
from tests.referrals.conftest import make_referral  # noqa: F401 - a fixture used below


def _sign_in(app, member):
    other = app.test_client()
    response = other.post(
        "/login",
        data={"email": member.email, "password": TEST_PASSWORD, "csrf_token": csrf_token(other)},
    )
    return other, response


def _business(db, business_id):
    db.session.expire_all()
    return db.session.get(Business, business_id)


def _status(client, business, status, note="", effective_on="2024-03-01"):
    return client.post(
        f"/staff/businesses/{business.id}/status",
        data={
            "csrf_token": csrf_token(client, "/settings"),
            "status": status,
            "effective_on": effective_on,
            "note": note,
        },
    )


def test_staff_add_a_business_once_per_form(client, db, make_member, login):
    login(make_member(is_staff=True))
    body = client.get("/staff/businesses/new").get_data(as_text=True)
    token = re.search(r'name="form_token" type="hidden" value="([^"]+)"', body).group(1)
    data = {
        "csrf_token": csrf_token(client, "/staff/businesses/new"),
        "form_token": token,
        "name": "Lakeside Family Clinic",
        "category": "Health clinic",
        "city": "Lakeside",
        "website": "clinic.example.com",
        "joined_on": "2021-04-01",
        "is_listed": "y",
    }
    first = client.post("/staff/businesses/new", data=data)
    second = client.post("/staff/businesses/new", data=data)
    assert first.status_code == second.status_code == 302
    [clinic] = db.session.scalars(sa.select(Business)).all()
    assert first.location.endswith(f"/staff/businesses/{clinic.id}")
    assert clinic.website == "https://clinic.example.com" and clinic.is_listed
    assert [c.to_status for c in clinic.status_changes] == [BusinessStatus.ACTIVE]
    bad = client.post(
        "/staff/businesses/new",
        data=data | {"form_token": "not-a-token", "name": "", "joined_on": "2999-01-01"},
    )
    assert bad.status_code == 400
    assert "This field is required." in bad.get_data(as_text=True)


def test_lapsing_a_business_takes_its_people_out_and_reinstating_brings_them_back(
    app, client, db, make_business, make_member, login
):
    bank = make_business(name="Riverside Community Bank")
    helen = make_member(full_name="Helen Okafor", business=bank)
    marcus = make_member(full_name="Marcus Lindqvist", business=bank)
    gone = make_member(full_name="Gone Person", business=bank, is_active=False)
    helen_client, _ = _sign_in(app, helen)
    assert helen_client.get("/dashboard").status_code == 200
    staff = make_member(is_staff=True)
    login(staff)

    response = _status(client, bank, "lapsed", note="Did not renew for 2024")
    assert response.status_code == 302
    assert _business(db, bank.id).status is BusinessStatus.LAPSED
    assert helen_client.get("/dashboard").status_code == 302  # the session is over
    _, attempt = _sign_in(app, marcus)
    assert attempt.status_code == 200 and "incorrect" in attempt.get_data(as_text=True)
    members_view = client.get("/members?q=okafor").get_data(as_text=True)
    assert "Helen Okafor" not in members_view
    staff_view = client.get(f"/staff/businesses/{bank.id}").get_data(as_text=True)
    assert "Helen Okafor" in staff_view and "Did not renew for 2024" in staff_view
    db.session.expire_all()
    assert db.session.get(Member, helen.id).full_name == "Helen Okafor"  # history kept

    response = _status(client, bank, "active", note="Renewed")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Member, helen.id).is_active
    assert db.session.get(Member, marcus.id).is_active
    assert not db.session.get(Member, gone.id).is_active  # deactivated on their own
    _, attempt = _sign_in(app, marcus)
    assert attempt.status_code == 302
    history = [
        (c.from_status, c.to_status, c.note) for c in queries.status_history(_business(db, bank.id))
    ]
    assert history[:2] == [
        (BusinessStatus.LAPSED, BusinessStatus.ACTIVE, "Renewed"),
        (BusinessStatus.ACTIVE, BusinessStatus.LAPSED, "Did not renew for 2024"),
    ]
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.action == "business.status_changed")
    ).all()
    assert len(actions) == 2


def test_a_status_change_is_validated_and_told_when_nothing_changes(
    client, db, make_business, make_member, login
):
    login(make_member(is_staff=True))
    shop = make_business()
    same = _status(client, shop, "active")
    assert same.status_code == 400 and "is already active" in same.get_data(as_text=True)
    for status, day in (("gone", "2024-01-01"), ("lapsed", "2999-01-01"), ("lapsed", "x")):
        response = _status(client, shop, status, effective_on=day)
        assert response.status_code == 400, (status, day)
    assert _business(db, shop.id).status is BusinessStatus.ACTIVE
    assert (
        client.post(
            "/staff/businesses/999999/status", data={"csrf_token": csrf_token(client, "/settings")}
        ).status_code
        == 404
    )


def test_two_staff_lapsing_one_business_at_once_record_one_change(
    app, db, make_business, make_member
):
    staff = [make_member(is_staff=True), make_member(is_staff=True)]
    shop = make_business()
    shop_id, today = shop.id, shop.joined_on

    def lapse(staff_id):
        def act():
            actor = _db.session.get(Member, staff_id)
            business = _db.session.get(Business, shop_id)
            services.set_business_status(
                actor, business, BusinessStatus.LAPSED, effective_on=today, note=""
            )

        return act

    outcomes = at_once(app, [lapse(s.id) for s in staff], expected=(Conflict,))
    assert outcomes == ["Conflict", "ok"]
    changes = db.session.scalars(
        sa.select(BusinessStatusChange).where(
            BusinessStatusChange.business_id == shop_id,
            BusinessStatusChange.to_status == BusinessStatus.LAPSED,
        )
    ).all()
    assert len(changes) == 1


def test_staff_edit_a_business_with_a_stale_version_keeps_the_first_edit(
    client, db, make_business, make_member, login
):
    login(make_member(is_staff=True))
    shop = make_business(name="Shop")
    path = f"/members/businesses/{shop.id}/edit"
    form = {"csrf_token": csrf_token(client, path), "joined_on": "2019-05-01", "version_id": "1"}
    assert client.post(path, data=form | {"name": "First"}).status_code == 302
    second = client.post(path, data=form | {"name": "Second"})
    assert second.status_code == 400 and "changed by someone else" in second.get_data(as_text=True)
    shop = _business(db, shop.id)
    assert shop.name == "First" and str(shop.joined_on) == "2019-05-01"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "business.edited"))
    assert entry.after["name"] == "First"


def test_merging_two_records_of_one_business_keeps_people_referrals_and_history(
    client,
    db,
    make_business,
    make_member,
    make_referral,  # noqa: F811
    login,
):
    staff = make_member(is_staff=True)
    login(staff)
    keep = make_business(name="Hartley & Osei Law", website="", joined_on=date(2021, 1, 1))
    duplicate = make_business(
        name="Hartley and Osei", website="https://hartley.example", city="Riverside"
    )
    eleanor = make_member(full_name="Eleanor Hartley", business=keep)
    kwame = make_member(full_name="Kwame Osei", business=duplicate)
    db.session.add(Affiliation(member=kwame, business=duplicate, started_on=kwame.joined_on))
    services.set_business_status(
        staff, duplicate, BusinessStatus.LAPSED, effective_on=kwame.joined_on, note="Old record"
    )
    db.session.commit()
    giver = make_member()
    referral = make_referral(giver, eleanor, status=ReferralStatus.WON, value_cents=120_000)
    duplicate_id = duplicate.id
    page = client.get(f"/staff/businesses/{keep.id}/merge?q=hartley").get_data(as_text=True)
    assert f"other={duplicate.id}" in page
    page = client.get(f"/staff/businesses/{keep.id}/merge?other={duplicate.id}").get_data(
        as_text=True
    )
    assert "Kwame Osei" in page and "hartley.example" in page
    assert client.get(f"/staff/businesses/{keep.id}/merge?other=999999").status_code == 404

    response = client.post(
        f"/staff/businesses/{keep.id}/merge",
        data={"csrf_token": csrf_token(client, "/settings"), "business_id": str(duplicate.id)},
    )
    assert response.status_code == 302
    merged = _business(db, keep.id)
    assert db.session.get(Business, duplicate_id) is None
    assert {p.full_name for p in merged.people} == {"Eleanor Hartley", "Kwame Osei"}
    assert merged.website == "https://hartley.example" and merged.city == "Riverside"
    kwame = db.session.get(Member, kwame.id)
    assert kwame.is_active and not kwame.is_primary_contact  # keep is active; Eleanor leads
    assert [a.business_id for a in kwame.affiliations] == [keep.id]
    notes = [c.note for c in merged.status_changes]
    assert "Old record" in notes and any("Merged with the duplicate" in n for n in notes)
    assert db.session.get(Referral, referral.id).receiver_id == eleanor.id
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "business.merged"))
    assert entry.actor_id == staff.id and entry.target_id == keep.id
    assert entry.before["absorbed_name"] == "Hartley and Osei"
    assert entry.before["absorbed_people"] == str(kwame.id)
    again = client.post(
        f"/staff/businesses/{keep.id}/merge",
        data={"csrf_token": csrf_token(client, "/settings"), "business_id": str(keep.id)},
    )
    assert again.status_code == 400 and "different business" in again.get_data(as_text=True)


def test_a_referral_counts_for_the_person_and_for_their_business(
    client,
    db,
    make_business,
    make_member,
    make_referral,  # noqa: F811
    login,
):
    bank = make_business(name="Riverside Community Bank")
    helen, priya = make_member(business=bank), make_member(business=bank)
    giver = make_member()
    make_referral(giver, helen, status=ReferralStatus.WON, value_cents=150_000)
    make_referral(giver, priya, status=ReferralStatus.WON, value_cents=50_000)
    make_referral(giver, priya)
    referral = make_referral(priya, giver, status=ReferralStatus.WON, value_cents=999_00)
    assert referral.receiver_id == giver.id
    found = queries.business_of([helen.id, priya.id, giver.id, 999999])
    assert found[helen.id].business_id == found[priya.id].business_id == bank.id
    assert found[giver.id].business_id == giver.business_id and 999999 not in found
    ids = queries.member_business_ids().subquery()
    totals = dict(
        db.session.execute(
            sa.select(ids.c.business_id, sa.func.sum(Referral.closed_value_cents))
            .join(ids, ids.c.member_id == Referral.receiver_id)
            .where(Referral.status == ReferralStatus.WON)
            .group_by(ids.c.business_id)
        ).all()
    )
    assert totals[bank.id] == 200_000 and totals[giver.business_id] == 99_900
    login(helen)
    body = client.get(f"/members/businesses/{bank.id}").get_data(as_text=True)
    assert "3 received, 2 won" in body and "2,000" in body
