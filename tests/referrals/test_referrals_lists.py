"""The inbox and the given list: filters, pages, flat query counts; the dashboard panel."""

from __future__ import annotations

import sqlalchemy as sa

from chamber.db import utcnow
from chamber.extensions import db as _db
from chamber.referrals.models import Referral, ReferralEvent, ReferralStatus, ReferralTemperature


def _bulk(giver, receiver, n, status=ReferralStatus.GIVEN, committee=None):
    """n referrals written directly (the page under test only reads them)."""
    rows = [
        {
            "giver_id": giver.id,
            "receiver_id": receiver.id,
            "prospect_name": f"Prospect {i}",
            "prospect_email": f"p{i}@example.net",
            "prospect_phone": "",
            "need": "Something.",
            "temperature": ReferralTemperature.WARM,
            "how_committee_id": committee.id if committee else None,
            "status": status,
            "closed_value_cents": 10_000 if status == ReferralStatus.WON else None,
            "closed_on": utcnow().date() if status == ReferralStatus.WON else None,
            "thank_you_note": "",
            "version_id": 1,
            "created_at": utcnow(),
            "updated_at": utcnow(),
        }
        for i in range(n)
    ]
    _db.session.execute(sa.insert(Referral.__table__), rows)
    _db.session.commit()


def _count(client, count_queries, path):
    with count_queries() as counted:
        response = client.get(path)
    assert response.status_code == 200
    return counted.count


def test_inbox_and_given_list_query_counts_do_not_grow(cast, signed_in, count_queries):
    receiver = signed_in(cast.receiver)
    giver = signed_in(cast.giver)
    _bulk(cast.giver, cast.receiver, 2, committee=cast.committee)
    few = {
        "inbox": _count(receiver, count_queries, "/referrals"),
        "given": _count(giver, count_queries, "/referrals/given"),
        "staff": _count(signed_in(cast.staff), count_queries, "/staff/referrals/"),
    }
    _bulk(cast.giver, cast.receiver, 198, committee=cast.committee)
    _bulk(cast.other, cast.receiver, 20, status=ReferralStatus.WON)
    many = {
        "inbox": _count(receiver, count_queries, "/referrals"),
        "given": _count(giver, count_queries, "/referrals/given"),
        "staff": _count(signed_in(cast.staff), count_queries, "/staff/referrals/"),
    }
    assert few == many


def test_the_referral_page_query_count_does_not_grow_with_its_timeline(
    cast, make_referral, signed_in, count_queries
):
    referral = make_referral(cast.giver, cast.receiver)
    giver = signed_in(cast.giver)
    few = _count(giver, count_queries, f"/referrals/{referral.id}")
    for i in range(20):
        _db.session.add(
            ReferralEvent(
                referral_id=referral.id,
                actor_id=cast.receiver.id if i % 2 else cast.other.id,
                from_status=ReferralStatus.GIVEN,
                to_status=ReferralStatus.CONTACTED,
                note=f"call {i}",
            )
        )
    _db.session.commit()
    assert _count(giver, count_queries, f"/referrals/{referral.id}") == few


def test_lists_are_paginated_and_filtered_by_status(cast, signed_in):
    _bulk(cast.giver, cast.receiver, 30)
    _bulk(cast.giver, cast.receiver, 3, status=ReferralStatus.WON)
    receiver = signed_in(cast.receiver)
    first = receiver.get("/referrals").get_data(as_text=True)
    assert "33 in all" in first and 'rel="next"' in first
    second = receiver.get("/referrals?page=2").get_data(as_text=True)
    assert 'rel="prev"' in second
    won = receiver.get("/referrals?status=won").get_data(as_text=True)
    assert won.count("$100.00") == 3 and "Prospect 29" not in won
    open_ = receiver.get("/referrals?status=open").get_data(as_text=True)
    assert "$100.00" not in open_
    assert receiver.get("/referrals?status=bogus&page=-3").status_code == 200
    empty = receiver.get("/referrals?status=lost").get_data(as_text=True)
    assert "No referral you received has this status." in empty
    given = signed_in(cast.giver).get("/referrals/given?status=won").get_data(as_text=True)
    assert given.count("$100.00") == 3


def test_empty_lists_explain_what_to_do(cast, signed_in):
    other = signed_in(cast.other)
    assert "Nobody has passed you a referral yet." in other.get("/referrals").get_data(True)
    assert "You have not given a referral yet." in other.get("/referrals/given").get_data(True)


def test_dashboard_shows_open_referrals_and_won_this_year(cast, make_referral, signed_in):
    make_referral(cast.giver, cast.receiver)
    make_referral(cast.other, cast.receiver, status=ReferralStatus.CONTACTED)
    make_referral(cast.giver, cast.receiver, status=ReferralStatus.WON, value_cents=123_456)
    make_referral(cast.other, cast.receiver, status=ReferralStatus.WON, value_cents=100_000)
    make_referral(cast.giver, cast.receiver, status=ReferralStatus.LOST)
    body = signed_in(cast.receiver).get("/dashboard").get_data(as_text=True)
    panel = body[body.index("<h2>Referrals</h2>") :]
    assert '<span class="stat-value">2</span><span class="stat-label">open, waiting for you' in (
        panel
    )
    assert "won this year · $2,234.56" in panel
    giver_body = signed_in(cast.giver).get("/dashboard").get_data(as_text=True)
    assert "You gave 3 this year; 1 won $1,234.56 for other members." in giver_body


def test_nav_has_a_referrals_link_and_the_unread_count(cast, make_referral, signed_in):
    make_referral(cast.giver, cast.receiver)
    body = signed_in(cast.receiver).get("/referrals").get_data(as_text=True)
    assert 'href="/referrals" aria-current="page">Referrals</a>' in body
    assert 'aria-label="1 unread"' in body
    notifications = signed_in(cast.receiver).get("/notifications").get_data(as_text=True)
    assert "Gina Giver passed you a hot referral." in notifications


def test_staff_list_counts_its_total_on_the_referrals_alone(cast, signed_in, count_queries):
    """Issue 14: the total under the staff list is a count of referrals, not of a subquery
    carrying every joined column of every row (180 ms on the large demo chamber); a search
    by name matches people first and reads in as many statements with 2 rows as with 200."""
    staff = signed_in(cast.staff)
    name = cast.giver.full_name.split()[0]
    _bulk(cast.giver, cast.receiver, 2, committee=cast.committee)
    with count_queries() as few:
        assert staff.get(f"/staff/referrals/?q={name}").status_code == 200
    _bulk(cast.giver, cast.receiver, 198, committee=cast.committee)
    with count_queries() as many:
        body = staff.get(f"/staff/referrals/?q={name}").get_data(as_text=True)
    assert few.count == many.count, many.statements
    assert body.count("/correct") == 50 and "page=4" in body  # 200 match: 4 pages of 50
    with count_queries() as counted:
        assert staff.get("/staff/referrals/").status_code == 200
    totals = [s for s in counted.statements if "count(*)" in s.lower()]
    assert totals and not any("FROM (SELECT" in " ".join(s.split()) for s in totals), totals
