"""Importing people and their businesses from CSV (staff page and `flask import-members`):
rows of one business become its people; a bad row is refused whole; importing again changes
nothing."""

import io

import sqlalchemy as sa

from chamber.members.models import Business, Member
from tests.conftest import csrf_token

HEADER = (
    "email,full_name,job_title,phone,business,category,city,address,website,business_phone,"
    "description,joined_on,primary_contact\n"
)
CSV = HEADER + (
    "helen@example.org,Helen Okafor,Branch manager,,Riverside Community Bank,Banking,Riverside,"
    "1 Main St,bank.example.com,+1 555 100 2000,Local bank.,2019-03-01,yes\n"
    "marcus@example.org,Marcus Lindqvist,Advisor,,Riverside Community Bank,,,,,,,,\n"
    "priya@example.org,Priya Raman,Loan officer,,RIVERSIDE COMMUNITY BANK,Banking,,,"
    "https://www.bank.example.com/,,,,\n"
    "sofia@example.org,Sofia Alvarez,Medical director,,Lakeside Family Clinic,Health clinic,"
    "Lakeside,,,,,,\n"
    "bad-email,Bad Email,,,Shop,,,,,,,,\n"
    "web@example.org,Bad Web,,,Shop,,,,javascript:alert(1),,,,\n"
    "helen@example.org,Duplicate,,,Shop,,,,,,,,\n"
    "future@example.org,Future,,,Shop,,,,,,,2999-01-01,\n"
    "conflict@example.org,Conflicting,,,Riverside Community Bank,Insurance,,,,,,,\n"
    "taken@example.org,Already Here,,,Another Shop,,,,,,,,\n"
    "=cmd@example.org,Formula,,,Formula Shop,,,,,,,,maybe\n"
)


def _people(db):
    db.session.expire_all()
    return {m.email: m for m in db.session.scalars(sa.select(Member))}


def _upload(client, text, name="members.csv", **extra):
    return client.post(
        "/staff/members/import",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf_token(client, "/staff/members/import"),
            "file": (io.BytesIO(text.encode()), name),
            **extra,
        },
    )


def test_import_makes_people_of_one_business_and_reports_each_refusal(
    client, db, make_member, login, outbox
):
    login(make_member(is_staff=True))
    make_member(email="taken@example.org", business_name="Taken Shop")
    response = _upload(client, CSV, send_invitations="y")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "4 people added, 0 updated, 0 unchanged, 7 refused; 2 businesses added" in body
    for reason in (
        "Invalid email address",
        "Enter a web address",
        "appears twice in the file (line 2)",
        "This date is in the future",
        "category: differs from line 2 for the same business",
        "represents Taken Shop",
        "write yes or no",
    ):
        assert reason in body, reason
    people = _people(db)
    bank = people["helen@example.org"].business
    assert {p.email for p in bank.people} == {
        "helen@example.org",
        "marcus@example.org",
        "priya@example.org",
    }
    assert bank.website == "https://bank.example.com" and bank.address == "1 Main St"
    assert bank.phone == "+1 555 100 2000" and str(bank.joined_on) == "2019-03-01"
    assert people["helen@example.org"].is_primary_contact
    assert not people["marcus@example.org"].is_primary_contact
    assert people["marcus@example.org"].job_title == "Advisor"
    assert people["sofia@example.org"].business.name == "Lakeside Family Clinic"
    assert people["sofia@example.org"].is_primary_contact  # the first of its business
    assert "web@example.org" not in people and "conflict@example.org" not in people
    assert db.session.scalar(sa.select(Business.id).where(Business.name == "Shop")) is None
    assert len(outbox("marcus@example.org")) == 1 and outbox("taken@example.org") == []


def test_importing_the_same_file_again_changes_nothing(client, db, make_member, login):
    login(make_member(is_staff=True))
    good = HEADER + "".join(line + "\n" for line in CSV.splitlines()[1:5])
    assert "4 people added" in _upload(client, good).get_data(as_text=True)
    before = {
        (m.email, m.full_name, m.job_title, m.business_id, m.is_primary_contact, m.version_id)
        for m in _people(db).values()
    }
    businesses = {
        (b.id, b.name, b.website, b.version_id) for b in db.session.scalars(sa.select(Business))
    }
    body = _upload(client, good).get_data(as_text=True)
    assert (
        "0 people added, 0 updated, 4 unchanged, 0 refused; 0 businesses added, 0 updated" in body
    )
    after = {
        (m.email, m.full_name, m.job_title, m.business_id, m.is_primary_contact, m.version_id)
        for m in _people(db).values()
    }
    assert after == before
    assert {
        (b.id, b.name, b.website, b.version_id) for b in db.session.scalars(sa.select(Business))
    } == businesses
    changed = good.replace("Advisor", "Senior advisor")
    assert "0 people added, 1 updated, 3 unchanged" in _upload(client, changed).get_data(
        as_text=True
    )
    assert _people(db)["marcus@example.org"].job_title == "Senior advisor"


def test_a_business_name_shared_by_two_businesses_needs_the_website(
    client, db, make_business, make_member, login
):
    login(make_member(is_staff=True))
    make_business(name="Smith Plumbing", website="https://north.example")
    south = make_business(name="Smith Plumbing", website="https://south.example")
    text = HEADER + (
        "a@example.org,A,,,Smith Plumbing,,,,,,,,\n"
        "b@example.org,B,,,Smith Plumbing,,,,south.example,,,,\n"
    )
    body = _upload(client, text).get_data(as_text=True)
    assert "2 businesses are called Smith Plumbing; add the website column" in body
    assert _people(db)["b@example.org"].business_id == south.id


def test_the_old_column_name_business_name_still_imports(client, db, make_member, login):
    login(make_member(is_staff=True))
    text = "email,full_name,business_name,city\nold@example.org,Old Format,Old Shop,Fairview\n"
    assert "1 people added" in _upload(client, text).get_data(as_text=True)
    assert _people(db)["old@example.org"].business.city == "Fairview"


def test_import_page_refuses_a_file_without_the_columns(client, db, make_member, login):
    login(make_member(is_staff=True))
    response = _upload(client, "name;mail\nx;y\n")
    assert "missing: business, email, full_name" in response.get_data(as_text=True)
    assert len(_people(db)) == 1


def test_import_page_refuses_other_file_types_and_non_utf8(client, make_member, login):
    login(make_member(is_staff=True))
    assert "Upload a .csv file." in _upload(client, "x", name="members.xlsx").get_data(as_text=True)
    response = client.post(
        "/staff/members/import",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf_token(client, "/staff/members/import"),
            "file": (io.BytesIO("email\n\xe9".encode("latin-1")), "members.csv"),
        },
    )
    assert "Save the file as UTF-8 CSV" in response.get_data(as_text=True)


def test_import_cli_prints_refusals_and_imports_the_rest(app, db, tmp_path, make_member):
    make_member(email="taken@example.org", business_name="Taken Shop")
    path = tmp_path / "members.csv"
    path.write_text(CSV)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-members", str(path)])
    assert result.exit_code == 0, result.output
    assert "4 people added, 0 updated, 0 unchanged, 7 refused" in result.output
    assert "line 6 (bad-email): refused: email: Invalid email address." in result.output
    again = runner.invoke(args=["import-members", str(path)])
    assert "0 people added, 0 updated, 4 unchanged" in again.output
    people = _people(db)
    assert len(people["priya@example.org"].business.people) == 3
