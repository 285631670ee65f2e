"""The demo chamber: the accounts DESIGN.md promises, and each sees its own pages."""

import sqlalchemy as sa

from chamber.committees.models import Committee, CommitteeMembership, CommitteeRole
from chamber.demo.seed import DEMO_PASSWORD, seed_chamber
from chamber.members.models import Member
from tests.conftest import csrf_token


def _sign_in(app, email):
    client = app.test_client()
    response = client.post(
        "/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 302, email
    return client


def test_small_demo_chamber_has_the_promised_shape_and_accounts(app, db):
    counts = seed_chamber(size="small", seed=7)
    assert 110 <= counts["members"] <= 130 and counts["committees"] == 8
    director = db.session.scalar(sa.select(Member).where(Member.email == "director@example.com"))
    assert director.is_staff
    chair = db.session.scalar(sa.select(Member).where(Member.email == "chair@example.com"))
    chaired = db.session.scalar(
        sa.select(Committee)
        .join(CommitteeMembership)
        .where(
            CommitteeMembership.member_id == chair.id,
            CommitteeMembership.role == CommitteeRole.CHAIR,
        )
    )
    assert chaired is not None and not chaired.is_archived
    member = db.session.scalar(sa.select(Member).where(Member.email == "member@example.com"))
    assert not member.is_staff
    assert all(not m.role.leads for m in member.memberships)
    db.session.commit()

    staff_client = _sign_in(app, "director@example.com")
    assert staff_client.get("/staff/members").status_code == 200
    assert staff_client.get("/staff/audit").status_code == 200

    chair_client = _sign_in(app, "chair@example.com")
    assert chair_client.get(f"/committees/{chaired.slug}/manage/").status_code == 200
    assert chair_client.get("/staff/members").status_code == 403

    member_client = _sign_in(app, "member@example.com")
    dashboard = member_client.get("/dashboard").get_data(as_text=True)
    assert "Hello, Maya" in dashboard
    assert member_client.get(f"/committees/{chaired.slug}/manage/").status_code == 403


def test_seed_demo_command_refuses_a_database_with_members(app, make_member):
    make_member()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "already has members" in result.output
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0 and "not added" in result.output


def test_demo_email_addresses_can_never_reach_a_real_person(app, db):
    from chamber.referrals.models import Referral

    seed_chamber(size="small", seed=11)
    reserved = ("@example.com", "@example.org", "@example.net")
    emails = db.session.scalars(sa.select(Member.email)).all()
    prospects = db.session.scalars(
        sa.select(Referral.prospect_email).where(Referral.prospect_email != "")
    ).all()
    assert emails and prospects
    assert all(address.endswith(reserved) for address in [*emails, *prospects])


def test_every_committee_of_the_large_chamber_has_a_name_a_chamber_would_use():
    """Issue 11: the large demo chamber named its committees "Algorithm Committee 54" from
    Faker's catch phrases. Each now has a real chamber committee's name and mission."""
    from chamber.demo.seed import COMMITTEE_NAMES, MORE_COMMITTEE_NAMES
    from chamber.seeding import SIZES

    names = (COMMITTEE_NAMES + MORE_COMMITTEE_NAMES)[: SIZES["large"]["committees"]]
    assert len(names) == SIZES["large"]["committees"]
    assert len({name for name, _ in names}) == len(names)  # no name twice
    for name, mission in names:
        assert not any(ch.isdigit() for ch in name), name
        assert mission.endswith(".") and len(mission.split()) >= 6, mission
