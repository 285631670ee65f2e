"""Staff administration of people: invite (to a new or an existing business), edit,
deactivate, move to another business, primary contacts."""

from datetime import date

import sqlalchemy as sa

from chamber.audit.models import AuditEntry
from chamber.members.models import Affiliation, Business, BusinessStatus, Member
from tests.conftest import TEST_PASSWORD, csrf_token


def _members(db):
    db.session.expire_all()
    return {m.email: m for m in db.session.scalars(sa.select(Member))}


def _form(client, path):
    """The CSRF and one-time form tokens of a rendered create form."""
    import re

    body = client.get(path).get_data(as_text=True)
    token = re.search(r'name="form_token" type="hidden" value="([^"]+)"', body).group(1)
    return {"csrf_token": csrf_token(client, path), "form_token": token}


def _signed_in_client(app, member):
    other = app.test_client()
    other.post(
        "/login",
        data={"email": member.email, "password": TEST_PASSWORD, "csrf_token": csrf_token(other)},
    )
    return other


def test_staff_invites_the_first_person_of_a_new_business(client, db, make_member, login, outbox):
    staff = make_member(is_staff=True, full_name="Diane Director")
    login(staff)
    response = client.post(
        "/staff/members/invite",
        data=_form(client, "/staff/members/invite")
        | {
            "email": "ROSA@Example.org",
            "full_name": "Rosa Baker",
            "job_title": "Owner",
            "business_name": "Rosa's Bread",
        },
    )
    assert response.status_code == 302
    rosa = _members(db)["rosa@example.org"]
    assert rosa.password_hash is None and not rosa.is_staff and rosa.is_active
    assert rosa.business.name == "Rosa's Bread" and rosa.is_primary_contact
    assert rosa.business.status is BusinessStatus.ACTIVE
    assert [a.business_id for a in rosa.affiliations] == [rosa.business_id]
    [mail] = outbox("rosa@example.org")
    assert mail.subject == "You are invited to Chamber"
    assert "Diane Director has invited you" in mail.body
    assert "http://127.0.0.1:5000/invitation/" in mail.body
    assert staff.email not in mail.body and "password_hash" not in mail.body


def test_staff_invites_more_people_of_an_existing_business(
    client, db, make_business, make_member, login, outbox
):
    login(make_member(is_staff=True))
    bank = make_business(name="Riverside Community Bank")
    helen = make_member(business=bank)
    path = f"/staff/businesses/{bank.id}/invite"
    response = client.post(
        path,
        data=_form(client, path)
        | {"email": "priya@example.org", "full_name": "Priya Raman", "job_title": "Loan officer"},
    )
    assert response.status_code == 302
    people = _members(db)
    priya = people["priya@example.org"]
    assert priya.business_id == bank.id and not priya.is_primary_contact
    assert people[helen.email].is_primary_contact
    assert len(outbox("priya@example.org")) == 1
    response = client.post(
        path,
        data=_form(client, path)
        | {"email": "tom@example.org", "full_name": "Tom Becker", "is_primary_contact": "y"},
    )
    people = _members(db)
    assert people["tom@example.org"].is_primary_contact
    assert not people[helen.email].is_primary_contact
    assert client.get("/staff/businesses/999999/invite").status_code == 404


def test_an_existing_business_name_is_not_made_twice(client, db, make_business, make_member, login):
    login(make_member(is_staff=True))
    make_business(name="Rosa's Bread")
    response = client.post(
        "/staff/members/invite",
        data=_form(client, "/staff/members/invite")
        | {"email": "new@example.org", "full_name": "New Baker", "business_name": "ROSA'S BREAD"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "already a member business: invite the person from its page" in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Business)) == 1
    assert "new@example.org" not in _members(db)


def test_staff_are_invited_without_a_business_and_others_need_one(client, db, make_member, login):
    login(make_member(is_staff=True))
    response = client.post(
        "/staff/members/invite",
        data=_form(client, "/staff/members/invite")
        | {"email": "plain@example.org", "full_name": "No Business"},
    )
    assert response.status_code == 400
    assert "Name the person&#39;s business, or mark them as staff." in response.get_data(
        as_text=True
    )
    response = client.post(
        "/staff/members/invite",
        data=_form(client, "/staff/members/invite")
        | {"email": "clerk@example.org", "full_name": "New Clerk", "is_staff": "y"},
    )
    assert response.status_code == 302
    clerk = _members(db)["clerk@example.org"]
    assert clerk.is_staff and clerk.business is None


def test_a_double_submitted_invitation_invites_once(client, db, make_member, login, outbox):
    login(make_member(is_staff=True))
    data = _form(client, "/staff/members/invite") | {
        "email": "once@example.org",
        "full_name": "Once Only",
        "business_name": "Once Shop",
    }
    first = client.post("/staff/members/invite", data=data)
    second = client.post("/staff/members/invite", data=data)
    assert first.status_code == second.status_code == 302
    assert second.location == first.location
    assert len(outbox("once@example.org")) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Business)) == 1


def test_people_of_a_lapsed_business_are_not_invited(
    client, db, make_business, make_member, login, outbox
):
    login(make_member(is_staff=True))
    lapsed = make_business(status=BusinessStatus.LAPSED)
    path = f"/staff/businesses/{lapsed.id}/invite"
    response = client.post(
        path, data=_form(client, path) | {"email": "x@example.org", "full_name": "X"}
    )
    assert response.status_code == 400 and "reinstate it" in response.get_data(as_text=True)
    assert outbox("x@example.org") == []


def test_invite_links_use_the_configured_base_url_not_the_host_header(app, make_member, outbox):
    from chamber.auth.invitations import send_invitation

    staff, rosa = make_member(is_staff=True), make_member(email="rosa@example.org")
    with app.test_request_context("/staff/members/invite", headers={"Host": "evil.example"}):
        send_invitation(staff, rosa)
    [mail] = outbox("rosa@example.org")
    assert "evil.example" not in mail.body
    assert "http://127.0.0.1:5000/invitation/" in mail.body


def test_inviting_an_existing_email_is_refused_by_the_field(client, db, make_member, login, outbox):
    login(make_member(is_staff=True))
    make_member(email="taken@example.org")
    response = client.post(
        "/staff/members/invite",
        data=_form(client, "/staff/members/invite")
        | {"email": "Taken@Example.org", "full_name": "Typed Name", "business_name": "Typed Biz"},
    )
    body = response.get_data(as_text=True)
    assert "already exists" in body and 'value="Typed Name"' in body
    assert len(_members(db)) == 2 and outbox("taken@example.org") == []
    assert db.session.scalar(sa.select(Business.id).where(Business.name == "Typed Biz")) is None


def test_invite_form_validates_every_field(client, db, make_member, login):
    login(make_member(is_staff=True))
    response = client.post(
        "/staff/members/invite",
        data=_form(client, "/staff/members/invite")
        | {"email": "not-an-email", "full_name": "", "business_name": "x" * 200},
    )
    body = response.get_data(as_text=True)
    assert "Invalid email address." in body and "This field is required." in body
    assert "Field cannot be longer than 160 characters." in body
    assert len(_members(db)) == 1


def test_staff_edit_with_a_stale_version_keeps_the_first_edit(client, db, make_member, login):
    login(make_member(is_staff=True))
    rosa = make_member(full_name="Rosa Baker")
    page = client.get(f"/staff/members/{rosa.id}/edit").get_data(as_text=True)
    form = {
        "csrf_token": csrf_token(client, f"/staff/members/{rosa.id}/edit"),
        "email": rosa.email,
        "joined_on": "2020-01-01",
        "version_id": "1",
    }
    assert 'name="version_id" type="hidden" value="1"' in page
    first = client.post(f"/staff/members/{rosa.id}/edit", data=form | {"full_name": "First"})
    assert first.status_code == 302
    second = client.post(f"/staff/members/{rosa.id}/edit", data=form | {"full_name": "Second"})
    assert "changed by someone else" in second.get_data(as_text=True)
    assert 'value="Second"' in second.get_data(as_text=True)  # what was typed is kept
    assert _members(db)[rosa.email].full_name == "First"


def test_staff_edit_is_audited_with_before_and_after(client, db, make_member, login):
    login(make_member(is_staff=True))
    rosa = make_member(full_name="Rosa Baker")
    client.post(
        f"/staff/members/{rosa.id}/edit",
        data={
            "csrf_token": csrf_token(client, f"/staff/members/{rosa.id}/edit"),
            "email": rosa.email,
            "full_name": "Rosa B. Baker",
            "job_title": "Owner",
            "joined_on": "2020-01-01",
            "version_id": "1",
        },
    )
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "member.edited"))
    assert entry.before == {"full_name": "Rosa Baker", "job_title": ""}
    assert entry.after == {"full_name": "Rosa B. Baker", "job_title": "Owner"}


def test_deactivating_ends_sessions_and_keeps_data(app, client, db, make_member, login):
    rosa = make_member(full_name="Rosa Baker")
    rosa_client = _signed_in_client(app, rosa)
    assert rosa_client.get("/dashboard").status_code == 200
    login(make_member(is_staff=True))
    response = client.post(
        f"/staff/members/{rosa.id}/active",
        data={"csrf_token": csrf_token(client, "/settings"), "active": "0"},
    )
    assert response.status_code == 302
    assert rosa_client.get("/dashboard").status_code == 302
    member = _members(db)[rosa.email]
    assert not member.is_active and member.is_deactivated and member.full_name == "Rosa Baker"
    assert db.session.scalar(
        sa.select(AuditEntry.action).where(
            AuditEntry.target_id == rosa.id, AuditEntry.action == "member.deactivated"
        )
    )
    bad = client.post(
        f"/staff/members/{rosa.id}/active",
        data={"csrf_token": csrf_token(client, "/settings"), "active": "maybe"},
    )
    assert bad.status_code == 400


def test_staff_cannot_deactivate_themselves(client, db, make_member, login):
    staff = make_member(is_staff=True)
    login(staff)
    client.post(
        f"/staff/members/{staff.id}/active",
        data={"csrf_token": csrf_token(client, "/settings"), "active": "0"},
    )
    assert _members(db)[staff.email].is_active


def test_moving_a_person_keeps_their_history_and_passes_on_the_primary_contact(
    client, db, make_business, make_member, make_committee, login
):
    login(make_member(is_staff=True))
    old, new = make_business(name="Old Firm"), make_business(name="New Firm")
    mover = make_member(full_name="Mover", business=old, joined_on=date(2019, 1, 1))
    stayer = make_member(full_name="Stayer", business=old)
    make_committee(name="Ambassadors", members=[mover])
    db.session.add(Affiliation(member=mover, business=old, started_on=mover.joined_on))
    db.session.commit()
    page = client.get(f"/staff/members/{mover.id}/move?q=new firm").get_data(as_text=True)
    assert "New Firm" in page and "Move here" in page
    response = client.post(
        f"/staff/members/{mover.id}/move",
        data={"csrf_token": csrf_token(client, "/settings"), "business_id": str(new.id)},
    )
    assert response.status_code == 302
    people = _members(db)
    moved = people[mover.email]
    assert moved.business_id == new.id and moved.is_primary_contact  # New Firm had nobody
    assert people[stayer.email].is_primary_contact  # Old Firm keeps a primary contact
    history = {(a.business.name, a.ended_on is None) for a in moved.affiliations}
    assert history == {("Old Firm", False), ("New Firm", True)}
    assert [m.committee.name for m in moved.memberships] == ["Ambassadors"]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "member.moved"))
    assert entry.before["business"] == "Old Firm" and entry.after["business"] == "New Firm"
    page = client.get(f"/staff/businesses/{old.id}").get_data(as_text=True)
    assert "Mover" in page.split("<h3>Before</h3>")[1]
    again = client.post(
        f"/staff/members/{mover.id}/move",
        data={"csrf_token": csrf_token(client, "/settings"), "business_id": str(new.id)},
    )
    assert again.status_code == 400 and "already represents New Firm" in again.get_data(
        as_text=True
    )
    for bad, status in (("999999", 404), ("x", 400), ("99999999999999", 400)):
        response = client.post(
            f"/staff/members/{mover.id}/move",
            data={"csrf_token": csrf_token(client, "/settings"), "business_id": bad},
        )
        assert response.status_code == status, bad


def test_moving_to_a_lapsed_business_takes_the_person_out(
    client, db, make_business, make_member, login
):
    login(make_member(is_staff=True))
    lapsed = make_business(status=BusinessStatus.LAPSED)
    person = make_member()
    client.post(
        f"/staff/members/{person.id}/move",
        data={"csrf_token": csrf_token(client, "/settings"), "business_id": str(lapsed.id)},
    )
    moved = _members(db)[person.email]
    assert moved.business_id == lapsed.id and not moved.is_active and not moved.is_deactivated


def test_staff_make_another_person_the_primary_contact(
    client, db, make_business, make_member, login
):
    login(make_member(is_staff=True))
    firm = make_business()
    first, second = make_member(business=firm), make_member(business=firm)
    response = client.post(
        f"/staff/members/{second.id}/primary",
        data={"csrf_token": csrf_token(client, "/settings")},
    )
    assert response.status_code == 302
    people = _members(db)
    assert people[second.email].is_primary_contact and not people[first.email].is_primary_contact
    staff_person = make_member(is_staff=True)
    response = client.post(
        f"/staff/members/{staff_person.id}/primary",
        data={"csrf_token": csrf_token(client, "/settings")},
        follow_redirects=True,
    )
    assert "represents no business" in response.get_data(as_text=True)


def test_create_user_cli_makes_a_staff_account_and_a_person_of_a_business(app, db):
    runner = app.test_cli_runner()
    base = ["create-user", "--password", "a long enough passphrase"]
    result = runner.invoke(
        args=[*base, "--email", "Boss@Example.org", "--name", "The Boss", "--staff"]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=[*base, "--email", "shop@example.org", "--name", "Shop Keeper", "--business", "Shop"]
    )
    assert result.exit_code == 0, result.output
    people = _members(db)
    assert people["boss@example.org"].is_staff and people["boss@example.org"].business is None
    assert people["shop@example.org"].business.name == "Shop"
    assert people["shop@example.org"].is_primary_contact
