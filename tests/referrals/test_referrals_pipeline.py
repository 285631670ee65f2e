"""Working a referral: the forward-only status machine, won values, stale edits, thank-yous."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
import sqlalchemy as sa

from chamber.audit.models import AuditEntry
from chamber.exceptions import ChamberError, Conflict, NotAllowed, StaleEdit
from chamber.forms import parse_money
from chamber.notifications.models import Notification
from chamber.referrals import services
from chamber.referrals.models import MAX_VALUE_CENTS, Referral, ReferralEvent, ReferralStatus
from tests.conftest import csrf_token
from tests.referrals.conftest import PROSPECT_EMAIL, PROSPECT_PHONE, version_of

S = ReferralStatus
ALLOWED = {
    S.GIVEN: {S.CONTACTED, S.MEETING, S.WON, S.LOST, S.UNREACHABLE},
    S.CONTACTED: {S.MEETING, S.WON, S.LOST, S.UNREACHABLE},
    S.MEETING: {S.WON, S.LOST, S.UNREACHABLE},
    S.WON: set(),
    S.LOST: set(),
    S.UNREACHABLE: set(),
}


def _fresh(db, referral_id) -> Referral:
    db.session.expire_all()
    return db.session.get(Referral, referral_id)


def _move(referral, to, **kwargs):
    won = to == S.WON
    services.change_referral_status(
        referral.receiver,
        referral,
        to,
        version_id=referral.version_id,
        closed_value_cents=kwargs.pop("value", 125_000 if won else None),
        closed_on=kwargs.pop("closed_on", services.chamber_today() if won else None),
        **kwargs,
    )


def _reach(db, make_referral, cast, status):
    """A referral that went given → … → status along the plain path."""
    referral = make_referral(cast.giver, cast.receiver, given_days_ago=5)
    path = {
        S.GIVEN: [],
        S.CONTACTED: [S.CONTACTED],
        S.MEETING: [S.CONTACTED, S.MEETING],
    }.get(status, [S.CONTACTED, status])
    for step in path:
        _move(referral, step)
        db.session.commit()
    return _fresh(db, referral.id)


@pytest.mark.parametrize("start,target", list(itertools.product(S, S)))
def test_only_forward_moves_are_allowed(db, cast, make_referral, start, target):
    referral = _reach(db, make_referral, cast, start)
    events_before = len(referral.events)
    if target in ALLOWED[start]:
        _move(referral, target)
        db.session.commit()
        referral = _fresh(db, referral.id)
        assert referral.status == target
        assert (referral.events[-1].from_status, referral.events[-1].to_status) == (start, target)
        assert len(referral.events) == events_before + 1
    else:
        with pytest.raises(Conflict) as refused:
            _move(referral, target)
        assert refused.value.field == "status"
        db.session.rollback()
        referral = _fresh(db, referral.id)
        assert referral.status == start and len(referral.events) == events_before


def test_the_page_offers_only_forward_moves(client, db, cast, make_referral, login):
    referral = _reach(db, make_referral, cast, S.CONTACTED)
    login(cast.receiver)
    body = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    select = body[
        body.index('name="status"') : body.index("</select>", body.index('name="status"'))
    ]
    assert 'value="meeting"' in select and 'value="won"' in select
    assert 'value="given"' not in select and 'value="contacted"' not in select


def test_a_closed_referral_offers_no_moves(client, db, cast, make_referral, login):
    referral = _reach(db, make_referral, cast, S.LOST)
    login(cast.receiver)
    body = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Move it on" not in body


@pytest.mark.parametrize(
    "text,cents",
    [
        ("1250", 125_000),
        ("1,250.50", 125_050),
        ("$1,250.5", 125_050),
        ("$ 99.99", 9_999),
        ("0.01", 1),
        ("10000000", MAX_VALUE_CENTS),
        ("", None),
        ("0.1", 10),
        ("19.99", 1_999),  # exact: no float rounding
    ],
)
def test_money_is_parsed_exactly(text, cents):
    assert parse_money(text) == cents


@pytest.mark.parametrize(
    "text", ["abc", "1e5", "NaN", "-5", "1.234", "12,34", "1,2345", "1 000", "Infinity", "$"]
)
def test_money_that_is_not_an_amount_is_refused(text):
    with pytest.raises(ValueError):
        parse_money(text)


def _work(client, referral, **fields):
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(client, f"/referrals/{referral.id}"),
        "version_id": version_of(page),
        "status": "won",
        "closed_value": "2,500.00",
        "closed_on": services.chamber_today().isoformat(),
        "note": "Signed the contract.",
    } | fields
    return client.post(f"/referrals/{referral.id}/status", data=data)


def test_marking_won_stores_cents_tells_the_giver_and_is_audited(
    client, db, cast, make_referral, login, outbox
):
    referral = make_referral(cast.giver, cast.receiver)
    login(cast.receiver)
    response = _work(client, referral)
    assert response.status_code == 302
    referral = _fresh(db, referral.id)
    assert referral.status == S.WON
    assert referral.closed_value_cents == 250_000
    assert referral.closed_on == services.chamber_today()
    assert referral.events[-1].note == "Signed the contract."
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "The referral is now won." in page and "$2,500.00" in page
    [mail] = outbox(cast.giver.email)
    assert "Rick Receiver updated your referral of Pat Prospect: won ($2,500.00)." in mail.body
    assert PROSPECT_EMAIL not in mail.body and PROSPECT_PHONE not in mail.body
    audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "referral.won"))
    assert audit.actor_id == cast.receiver.id and audit.after["closed_value_cents"] == 250_000


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"closed_value": ""}, "closed_value", "Enter the value of the business won."),
        ({"closed_value": "0"}, "closed_value", "The value must be more than zero."),
        ({"closed_value": "-10"}, "closed_value", "Enter an amount in dollars and cents"),
        ({"closed_value": "10000000.01"}, "closed_value", "That is more than $10,000,000.00"),
        ({"closed_value": "12.345"}, "closed_value", "Enter an amount in dollars and cents"),
        ({"closed_value": "lots"}, "closed_value", "Enter an amount in dollars and cents"),
        ({"closed_on": ""}, "closed_on", "Enter the date the business was won."),
        ({"closed_on": "not a date"}, "closed_on", "Not a valid date value."),
        ({"status": "archived"}, "status", "Not a valid choice"),
        ({"note": "n" * 1001}, "note", "Field cannot be longer than 1000 characters."),
    ],
)
def test_bad_work_input_is_refused_by_the_field_and_kept(
    client, db, cast, make_referral, login, fields, field, message
):
    referral = make_referral(cast.giver, cast.receiver)
    login(cast.receiver)
    response = _work(client, referral, **fields)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in body and message in body
    if "note" not in fields:
        assert "Signed the contract." in body  # what the member typed is kept
    referral = _fresh(db, referral.id)
    assert referral.status == S.GIVEN and referral.closed_value_cents is None
    assert len(referral.events) == 1


def test_closing_date_cannot_be_in_the_future_or_before_the_referral(
    client, db, cast, make_referral, login
):
    referral = make_referral(cast.giver, cast.receiver, given_days_ago=3)
    login(cast.receiver)
    tomorrow = services.chamber_today() + timedelta(days=1)
    body = _work(client, referral, closed_on=tomorrow.isoformat()).get_data(as_text=True)
    assert "The closing date cannot be in the future." in body
    before = services.chamber_today() - timedelta(days=10)
    body = _work(client, referral, closed_on=before.isoformat()).get_data(as_text=True)
    assert "The closing date cannot be before the referral was given" in body
    assert _fresh(db, referral.id).status == S.GIVEN
    ok = services.chamber_today() - timedelta(days=3)
    assert _work(client, referral, closed_on=ok.isoformat()).status_code == 302


def test_moving_backwards_over_http_is_refused_with_a_reason(
    client, db, cast, make_referral, login
):
    referral = _reach(db, make_referral, cast, S.MEETING)
    login(cast.receiver)
    response = _work(client, referral, status="contacted")
    assert response.status_code == 400
    assert "A referral cannot go back from meeting held to contacted." in response.get_data(True)
    assert _fresh(db, referral.id).status == S.MEETING


def test_a_stale_form_changes_nothing(client, db, cast, make_referral, login):
    """Two tabs: the second save (opened before the first) is refused, the first is kept."""
    referral = make_referral(cast.giver, cast.receiver)
    login(cast.receiver)
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    old_version = version_of(page)
    token = csrf_token(client, f"/referrals/{referral.id}")
    first = client.post(
        f"/referrals/{referral.id}/status",
        data={"csrf_token": token, "version_id": old_version, "status": "contacted"},
    )
    assert first.status_code == 302
    second = client.post(
        f"/referrals/{referral.id}/status",
        data={
            "csrf_token": token,
            "version_id": old_version,
            "status": "lost",
            "note": "from the other tab",
        },
    )
    body = second.get_data(as_text=True)
    assert second.status_code == 400
    assert "changed by someone else" in body
    assert "from the other tab" in body
    referral = _fresh(db, referral.id)
    assert referral.status == S.CONTACTED
    assert [e.to_status for e in referral.events] == [S.GIVEN, S.CONTACTED]
    # the re-shown form carries the current version: a deliberate second save goes through
    assert version_of(body) == str(referral.version_id)


def test_a_concurrent_save_after_the_version_check_is_a_stale_edit(db, cast, make_referral):
    referral = make_referral(cast.giver, cast.receiver)
    version = referral.version_id
    # someone else saves between our version check and our flush
    db.session.execute(
        sa.update(Referral.__table__)
        .where(Referral.__table__.c.id == referral.id)
        .values(version_id=version + 1)
    )
    with pytest.raises(StaleEdit):
        services.change_referral_status(
            referral.receiver, referral, S.CONTACTED, version_id=version
        )
    db.session.rollback()


def test_only_the_receiver_works_the_referral(db, cast, make_referral):
    referral = make_referral(cast.giver, cast.receiver)
    for someone in (cast.giver, cast.other, cast.staff):
        with pytest.raises(NotAllowed):
            services.change_referral_status(
                someone, referral, S.CONTACTED, version_id=referral.version_id
            )
    with pytest.raises(NotAllowed):
        services.thank_giver(cast.giver, referral, "Thanks to myself")


def test_the_receiver_thanks_the_giver_once(
    client, db, cast, make_referral, login, outbox, signed_in
):
    referral = make_referral(cast.giver, cast.receiver, status=S.WON, value_cents=480_000)
    login(cast.receiver)
    token = csrf_token(client, f"/referrals/{referral.id}")
    response = client.post(
        f"/referrals/{referral.id}/thank",
        data={"csrf_token": token, "note": "Thank you, Gina — a wonderful client!"},
    )
    assert response.status_code == 302
    referral = _fresh(db, referral.id)
    assert referral.thank_you_note == "Thank you, Gina — a wonderful client!"
    assert referral.thanked_at is not None
    [mail] = [m for m in outbox(cast.giver.email) if "thank" in m.subject.lower()]
    assert "Rick Receiver thanked you for referring Pat Prospect ($4,800.00 of closed " in (
        mail.body
    )
    assert "a wonderful client!" in mail.body
    assert PROSPECT_EMAIL not in mail.body and PROSPECT_PHONE not in mail.body
    # the giver sees the thanks on the referral and in the given list
    giver = signed_in(cast.giver)
    assert "a wonderful client!" in giver.get(f"/referrals/{referral.id}").get_data(True)
    assert "Thanked" in giver.get("/referrals/given").get_data(True)
    # a second thank-you is refused and changes nothing
    again = client.post(
        f"/referrals/{referral.id}/thank",
        data={"csrf_token": csrf_token(client, f"/referrals/{referral.id}"), "note": "Again!"},
    )
    assert again.status_code == 400
    assert "You have already thanked the giver for this referral." in again.get_data(True)
    assert _fresh(db, referral.id).thank_you_note == "Thank you, Gina — a wonderful client!"


def test_an_empty_thank_you_is_refused(client, db, cast, make_referral, login):
    referral = make_referral(cast.giver, cast.receiver)
    login(cast.receiver)
    response = client.post(
        f"/referrals/{referral.id}/thank",
        data={"csrf_token": csrf_token(client, f"/referrals/{referral.id}"), "note": "  "},
    )
    assert response.status_code == 400
    assert "Write a few words of thanks." in response.get_data(True)
    assert _fresh(db, referral.id).thanked_at is None


def test_muted_email_still_notifies_in_app(client, db, cast, make_referral, login, outbox):
    from chamber.notifications.services import set_email_preferences

    set_email_preferences(cast.giver, {"referral_status_changed"})
    db.session.commit()
    referral = make_referral(cast.giver, cast.receiver)
    _move(referral, S.CONTACTED)
    db.session.commit()
    assert outbox(cast.giver.email) == []
    kinds = db.session.scalars(
        sa.select(Notification.kind).where(Notification.member_id == cast.giver.id)
    ).all()
    assert kinds == ["referral_status_changed"]
    login(cast.giver)
    settings = client.get("/settings").get_data(as_text=True)
    for label in (
        "A member passes me a referral",
        "A referral I gave moves on",
        "A member thanks me for a referral",
    ):
        assert label in settings


def test_the_timeline_shows_every_step_with_who_and_when(client, db, cast, make_referral, login):
    referral = _reach(db, make_referral, cast, S.WON)
    login(cast.giver)
    body = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    timeline = body[body.index("Timeline") :]
    for label in ("Given", "Contacted", "Won"):
        assert label in timeline
    assert timeline.count("Rick Receiver") >= 2 and "Gina Giver" in timeline
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReferralEvent)) == 3


def test_closing_the_referral_as_lost_records_the_day(db, cast, make_referral):
    referral = make_referral(cast.giver, cast.receiver)
    _move(referral, S.LOST, note="Went with a cheaper quote.")
    db.session.commit()
    referral = _fresh(db, referral.id)
    assert referral.closed_on == services.chamber_today()
    assert referral.closed_value_cents is None


def test_service_refuses_values_out_of_bounds(db, cast, make_referral):
    for cents in (None, 0, -1, MAX_VALUE_CENTS + 1):
        referral = make_referral(cast.giver, cast.receiver)
        with pytest.raises(ChamberError) as refused:
            _move(referral, S.WON, value=cents)
        assert refused.value.field == "closed_value"
        db.session.rollback()
