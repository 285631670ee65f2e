"""Staff member administration: invite, edit, deactivate, import (page and CLI)."""

import io

import sqlalchemy as sa

from chamber.audit.models import AuditEntry
from chamber.members.models import Member
from tests.conftest import csrf_token


def _members(db):
    db.session.expire_all()
    return {m.email: m for m in db.session.scalars(sa.select(Member))}


def test_staff_invites_a_member_and_the_email_is_in_the_outbox(
    client, db, make_member, login, outbox
):
    staff = make_member(is_staff=True, full_name="Diane Director")
    login(staff)
    response = client.post(
        "/staff/members/invite",
        data={
            "csrf_token": csrf_token(client, "/staff/members/invite"),
            "email": "ROSA@Example.org",
            "full_name": "Rosa Baker",
            "business_name": "Rosa's Bread",
            "category": "Bakery",
        },
    )
    assert response.status_code == 302
    rosa = _members(db)["rosa@example.org"]
    assert rosa.password_hash is None and not rosa.is_staff
    [mail] = outbox("rosa@example.org")
    assert mail.subject == "You are invited to Chamber"
    assert "Diane Director has invited you" in mail.body
    assert "http://127.0.0.1:5000/invitation/" in mail.body
    assert staff.email not in mail.body and "password_hash" not in mail.body


def test_invite_links_use_the_configured_base_url_not_the_host_header(app, make_member, outbox):
    from chamber.members.services import send_invitation

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
        data={
            "csrf_token": csrf_token(client, "/staff/members/invite"),
            "email": "Taken@Example.org",
            "full_name": "Typed Name",
            "business_name": "Typed Biz",
        },
    )
    body = response.get_data(as_text=True)
    assert "already exists" in body and 'value="Typed Name"' in body
    assert len(_members(db)) == 2 and outbox("taken@example.org") == []


def test_invite_form_validates_every_field(client, db, make_member, login):
    login(make_member(is_staff=True))
    response = client.post(
        "/staff/members/invite",
        data={
            "csrf_token": csrf_token(client, "/staff/members/invite"),
            "email": "not-an-email",
            "full_name": "",
            "business_name": "x" * 200,
        },
    )
    body = response.get_data(as_text=True)
    assert "Invalid email address." in body and "This field is required." in body
    assert "Field cannot be longer than 160 characters." in body
    assert len(_members(db)) == 1


def test_staff_edit_with_a_stale_version_keeps_the_first_edit(app, client, db, make_member, login):
    login(make_member(is_staff=True))
    rosa = make_member(full_name="Rosa Baker")
    page = client.get(f"/staff/members/{rosa.id}/edit").get_data(as_text=True)
    token = csrf_token(client, f"/staff/members/{rosa.id}/edit")
    form = {
        "csrf_token": token,
        "email": rosa.email,
        "business_name": "Bread",
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
    old_business = rosa.business_name
    client.post(
        f"/staff/members/{rosa.id}/edit",
        data={
            "csrf_token": csrf_token(client, f"/staff/members/{rosa.id}/edit"),
            "email": rosa.email,
            "full_name": "Rosa B. Baker",
            "business_name": "Bread",
            "joined_on": "2020-01-01",
            "version_id": "1",
        },
    )
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "member.edited"))
    assert entry.before == {"full_name": "Rosa Baker", "business_name": old_business}
    assert entry.after == {"full_name": "Rosa B. Baker", "business_name": "Bread"}


def test_deactivating_ends_sessions_and_keeps_data(app, client, db, make_member, login):
    rosa = make_member(full_name="Rosa Baker")
    rosa_client = app.test_client()
    rosa_client.post(
        "/login",
        data={
            "email": rosa.email,
            "password": "correct horse battery staple",
            "csrf_token": csrf_token(rosa_client),
        },
    )
    assert rosa_client.get("/dashboard").status_code == 200
    login(make_member(is_staff=True))
    response = client.post(
        f"/staff/members/{rosa.id}/active",
        data={"csrf_token": csrf_token(client, "/settings"), "active": "0"},
    )
    assert response.status_code == 302
    assert rosa_client.get("/dashboard").status_code == 302
    member = _members(db)[rosa.email]
    assert not member.is_active and member.full_name == "Rosa Baker"
    assert db.session.scalar(
        sa.select(AuditEntry.action).where(
            AuditEntry.target_id == rosa.id, AuditEntry.action == "member.deactivated"
        )
    )


def test_staff_cannot_deactivate_themselves(client, db, make_member, login):
    staff = make_member(is_staff=True)
    login(staff)
    client.post(
        f"/staff/members/{staff.id}/active",
        data={"csrf_token": csrf_token(client, "/settings"), "active": "0"},
    )
    assert _members(db)[staff.email].is_active


CSV = (
    "email,full_name,business_name,category,city,phone,website,joined_on\n"
    "good@example.org,Good Person,Good Shop,Bakery,Riverside,+1 555 111 2222,good.example.com,"
    "2021-05-01\n"
    "bad-email,Bad Email,Shop,,,,,\n"
    "web@example.org,Bad Web,Shop,,,,javascript:alert(1),\n"
    "good@example.org,Duplicate,Shop,,,,,\n"
    "future@example.org,Future,Shop,,,,,2999-01-01\n"
    "taken@example.org,Already Here,Shop,,,,,\n"
    "=cmd@example.org,Formula,Shop,,,,,\n"
    "second@example.org,Second Good,Another Shop,,,,,\n"
)


def test_import_page_imports_good_rows_and_reports_each_refusal(client, db, make_member, login):
    login(make_member(is_staff=True))
    make_member(email="taken@example.org")
    response = client.post(
        "/staff/members/import",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf_token(client, "/staff/members/import"),
            "file": (io.BytesIO(CSV.encode()), "members.csv"),
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 members imported, 5 rows refused." in body
    for reason in (
        "Invalid email address",
        "Enter a web address",
        "appears twice in the file",
        "cannot be in the future",
        "already exists",
    ):
        assert reason in body
    members = _members(db)
    assert members["good@example.org"].website == "https://good.example.com"
    assert "second@example.org" in members
    assert "web@example.org" not in members and "future@example.org" not in members


def test_import_page_refuses_a_file_without_the_columns(client, db, make_member, login):
    login(make_member(is_staff=True))
    response = client.post(
        "/staff/members/import",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf_token(client, "/staff/members/import"),
            "file": (io.BytesIO(b"name;mail\nx;y\n"), "members.csv"),
        },
    )
    assert "missing: business_name, email, full_name" in response.get_data(as_text=True)
    assert len(_members(db)) == 1


def test_import_page_refuses_other_file_types(client, make_member, login):
    login(make_member(is_staff=True))
    response = client.post(
        "/staff/members/import",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf_token(client, "/staff/members/import"),
            "file": (io.BytesIO(b"x"), "members.xlsx"),
        },
    )
    assert "Upload a .csv file." in response.get_data(as_text=True)


def test_import_cli_prints_refusals_and_imports_the_rest(app, db, tmp_path, make_member):
    make_member(email="taken@example.org")
    path = tmp_path / "members.csv"
    path.write_text(CSV)
    result = app.test_cli_runner().invoke(args=["import-members", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 imported, 5 refused." in result.output
    assert "line 3 (bad-email): refused: email: Invalid email address." in result.output
    assert "second@example.org" in _members(db)


def test_create_user_cli_makes_a_staff_account(app, db):
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "--email",
            "Boss@Example.org",
            "--name",
            "The Boss",
            "--staff",
            "--password",
            "a long enough passphrase",
        ]
    )
    assert result.exit_code == 0, result.output
    assert _members(db)["boss@example.org"].is_staff
