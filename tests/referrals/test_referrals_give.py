"""Giving a referral: the form, its rules, double submits, mass assignment and escaping."""

from __future__ import annotations

import sqlalchemy as sa

from chamber.contributions.models import Contribution, ContributionKind, ContributionStatus
from chamber.enums import WorkMode
from chamber.notifications.models import Notification
from chamber.projects.models import Project, ProjectStatus
from chamber.referrals.models import Referral, ReferralEvent, ReferralStatus
from tests.referrals.conftest import PROSPECT_EMAIL, PROSPECT_PHONE, form_token_of


def _referrals(db):
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Referral).order_by(Referral.id)))


def test_give_page_first_asks_who_it_is_for_with_colleagues_first(client, cast, login):
    login(cast.giver)
    body = client.get("/referrals/new").get_data(as_text=True)
    assert "Who is it for?" in body
    colleagues = body.index("People you serve with on a committee")
    assert colleagues < body.index("Rick Receiver — Receiver Roofing")
    assert "Gina Giver —" not in body  # never yourself


def test_give_form_offers_the_committee_both_serve_on(client, cast, login, make_committee):
    make_committee(name="Giver Only Club", members=[cast.giver])
    login(cast.giver)
    body = client.get(f"/referrals/new?to={cast.receiver.id}").get_data(as_text=True)
    assert "Committees you both serve on" in body
    assert f'value="committee:{cast.committee.id}"' in body
    assert "Giver Only Club" not in body
    assert form_token_of(body)


def test_giving_creates_the_referral_its_event_and_tells_the_receiver(
    client, db, cast, login, give_form, outbox
):
    login(cast.giver)
    response = give_form(cast.receiver, how=f"committee:{cast.committee.id}")
    assert response.status_code == 302
    [referral] = _referrals(db)
    assert response.headers["Location"].endswith(f"/referrals/{referral.id}")
    assert (referral.giver_id, referral.receiver_id) == (cast.giver.id, cast.receiver.id)
    assert referral.status == ReferralStatus.GIVEN
    assert referral.how_committee_id == cast.committee.id
    assert referral.prospect_email == PROSPECT_EMAIL
    [event] = referral.events
    assert (event.from_status, event.to_status, event.actor_id) == (
        None,
        ReferralStatus.GIVEN,
        cast.giver.id,
    )
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Your referral is on its way to Rick Receiver." in page
    assert "Community Events" in page
    [mail] = outbox(cast.receiver.email)
    assert "Gina Giver passed you a hot referral." in mail.body
    assert f"/referrals/{referral.id}" in mail.body
    notification = db.session.scalar(sa.select(Notification))
    assert notification.member_id == cast.receiver.id
    assert notification.kind == "referral_received"


def test_receivers_email_carries_no_prospect_contact_or_token(
    client, db, cast, login, give_form, outbox
):
    login(cast.giver)
    give_form(cast.receiver)
    [referral] = _referrals(db)
    [mail] = outbox(cast.receiver.email)
    for secret in (PROSPECT_EMAIL, PROSPECT_PHONE, "csrf"):
        assert secret not in mail.body and secret not in mail.subject


def test_the_same_form_posted_twice_gives_one_referral(client, db, cast, login, give_form):
    login(cast.giver)
    html = client.get(f"/referrals/new?to={cast.receiver.id}").get_data(as_text=True)
    token = form_token_of(html)
    first = give_form(cast.receiver, token=token)
    second = give_form(cast.receiver, token=token, prospect_name="Pat Prospect (retry)")
    [referral] = _referrals(db)
    assert first.headers["Location"] == second.headers["Location"]
    assert referral.prospect_name == "Pat Prospect"
    follow = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "You had already sent this referral; here it is." in follow
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReferralEvent)) == 1


def test_each_new_form_gets_a_fresh_token(client, cast, login):
    login(cast.giver)
    first = form_token_of(client.get(f"/referrals/new?to={cast.receiver.id}").get_data(True))
    second = form_token_of(client.get(f"/referrals/new?to={cast.receiver.id}").get_data(True))
    assert first != second


def test_extra_fields_on_the_give_form_are_ignored(client, db, cast, login, give_form):
    login(cast.giver)
    give_form(
        cast.receiver,
        status="won",
        giver_id=str(cast.other.id),
        receiver_id=str(cast.other.id),
        closed_value_cents="99999999",
        closed_on="2020-01-01",
        thank_you_note="forged",
        version_id="7",
        id="999",
    )
    [referral] = _referrals(db)
    assert referral.status == ReferralStatus.GIVEN
    assert (referral.giver_id, referral.receiver_id) == (cast.giver.id, cast.receiver.id)
    assert referral.closed_value_cents is None and referral.closed_on is None
    assert referral.thank_you_note == "" and referral.version_id == 1


def _assert_refused(db, response, message, kept=()):
    body = response.get_data(as_text=True)
    assert response.status_code == 400, response.status_code
    assert message in body, body
    for value in kept:
        assert value in body
    assert _referrals(db) == []


def test_bad_input_comes_back_with_a_message_and_the_fields_kept(
    client, db, cast, login, give_form
):
    login(cast.giver)
    cases = [
        ({"prospect_name": ""}, "Name the person or business you refer."),
        ({"prospect_name": "x" * 121}, "Field cannot be longer than 120 characters."),
        ({"prospect_name": "Tab\tname"}, "Use letters, numbers and punctuation only."),
        ({"prospect_email": "not-an-email"}, "Invalid email address."),
        ({"prospect_phone": "call me maybe"}, "Enter a phone number such as"),
        (
            {"prospect_email": "", "prospect_phone": ""},
            "Give an e-mail address or a phone number (or both).",
        ),
        ({"need": ""}, "Say what the prospect needs."),
        ({"need": "n" * 2001}, "Field cannot be longer than 2000 characters."),
        ({"temperature": "lukewarm"}, "Not a valid choice"),
        ({"form_token": "not-a-uuid"}, "This form has expired. Please reload the page."),
    ]
    for fields, message in cases:
        response = give_form(cast.receiver, **fields)
        kept = [] if "need" in fields else ["A new roof before winter."]
        _assert_refused(db, response, message, kept)


def test_giving_to_yourself_or_an_inactive_member_is_refused(
    client, db, cast, login, give_form, make_member
):
    gone = make_member(full_name="Gone Member", is_active=False)
    login(cast.giver)
    # The hidden receiver field, tampered with, is checked on the server.
    _assert_refused(
        db,
        give_form(cast.receiver, receiver=str(cast.giver.id)),
        "You cannot refer business to yourself.",
        ["Pat Prospect"],
    )
    _assert_refused(
        db, give_form(cast.receiver, receiver=str(gone.id)), "Choose an active member to refer to."
    )
    _assert_refused(
        db,
        give_form(cast.receiver, receiver="99999999999999999999"),
        "Choose an active member to refer to.",
    )
    # Asking for the form for yourself or an inactive member goes back to the pick step.
    for to, message in (
        (cast.giver, "You cannot refer business to yourself."),
        (gone, "Choose an active member to refer to."),
    ):
        page = client.get(f"/referrals/new?to={to.id}").get_data(as_text=True)
        assert message in page and "Who is it for?" in page and 'name="form_token"' not in page
    _assert_refused(
        db, give_form(cast.receiver, receiver="99999"), "Choose an active member to refer to."
    )
    _assert_refused(
        db, give_form(cast.receiver, receiver="abc"), "Choose an active member to refer to."
    )


def test_how_we_know_must_be_shared_work(client, db, cast, login, give_form, make_committee):
    elsewhere = make_committee(name="Giver Only Club", members=[cast.giver])
    login(cast.giver)
    _assert_refused(
        db,
        give_form(cast.receiver, how=f"committee:{elsewhere.id}"),
        "You and Rick Receiver do not both serve on that committee.",
    )
    _assert_refused(
        db,
        give_form(cast.receiver, how="project:12345"),
        "You and Rick Receiver have not both worked on that project.",
    )
    _assert_refused(
        db,
        give_form(cast.receiver, how="banana"),
        "Choose one of the listed committees or projects.",
    )


def test_projects_both_worked_on_are_offered_and_accepted(client, db, cast, login, give_form):
    project = Project(
        committee_id=cast.committee.id, name="Riverside Clean-up", status=ProjectStatus.ACTIVE
    )
    solo = Project(committee_id=cast.committee.id, name="Solo Mural", status=ProjectStatus.ACTIVE)
    db.session.add_all([project, solo])
    db.session.flush()
    from datetime import date
    from decimal import Decimal

    for member, proj, status in (
        (cast.giver, project, ContributionStatus.APPROVED),
        (cast.receiver, project, ContributionStatus.APPROVED),
        (cast.giver, solo, ContributionStatus.APPROVED),
        (cast.receiver, solo, ContributionStatus.PENDING),  # pending does not count
    ):
        db.session.add(
            Contribution(
                member_id=member.id,
                committee_id=cast.committee.id,
                project_id=proj.id,
                kind=ContributionKind.VOLUNTEER_HOURS,
                hours=Decimal("2"),
                contributed_on=date.today(),
                description="Picked up litter.",
                mode=WorkMode.IN_PERSON,
                status=status,
            )
        )
    db.session.commit()
    login(cast.giver)
    body = client.get(f"/referrals/new?to={cast.receiver.id}").get_data(as_text=True)
    assert "Projects you both worked on" in body and "Riverside Clean-up" in body
    assert "Solo Mural" not in body
    assert give_form(cast.receiver, how=f"project:{project.id}").status_code == 302
    [referral] = _referrals(db)
    assert referral.how_project_id == project.id
    assert "Riverside Clean-up" in client.get(f"/referrals/{referral.id}").get_data(True)


def test_script_in_every_text_field_comes_back_escaped(client, db, cast, login, give_form):
    payload = '<script>alert(1)</script>"><img src=x onerror=alert(2)>{{7*7}}'
    login(cast.giver)
    response = give_form(cast.receiver, prospect_name=payload[:120], need=payload)
    [referral] = _referrals(db)
    for page in (
        client.get(response.headers["Location"]),
        client.get("/referrals/given"),
    ):
        body = page.get_data(as_text=True)
        assert "<script>alert(1)" not in body and "<img src=x" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
        assert "{{7*7}}" in body and "49" not in body.split("&lt;script&gt;")[1][:80]
    # bad input elsewhere keeps the payload, escaped
    refused = give_form(cast.receiver, prospect_name=payload[:120], need="")
    body = refused.get_data(as_text=True)
    assert "&lt;script&gt;" in body and "<script>alert" not in body
    assert len(_referrals(db)) == 1 and referral.id


def test_inactive_members_cannot_give(client, db, cast, login, give_form):
    login(cast.giver)
    cast.giver.is_active = False
    db.session.commit()
    assert client.get("/referrals/new").status_code in (302, 403)
