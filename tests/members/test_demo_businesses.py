"""The demo chamber's businesses: a bank, a clinic and a law firm of several people, the three
demo accounts kept as people, and a few memberships lapsed."""

import sqlalchemy as sa

from chamber.demo.seed import seed_chamber
from chamber.members.models import Business, BusinessStatus, Member


def test_demo_chamber_has_businesses_of_several_people_and_keeps_its_accounts(app, db, client):
    counts = seed_chamber(size="small", seed=5)
    assert counts["businesses"] < counts["members"]
    sizes = dict(
        db.session.execute(
            sa.select(Business.name, sa.func.count(Member.id))
            .join(Member, Member.business_id == Business.id)
            .group_by(Business.id, Business.name)
        ).all()
    )
    for name in ("Riverside Community Bank", "Lakeside Family Clinic", "Hartley & Osei Law"):
        assert 2 <= sizes[name] <= 4, name
    people = {
        m.email: m
        for m in db.session.scalars(sa.select(Member).where(Member.email.like("%@example.com")))
    }
    assert people["director@example.com"].is_staff
    assert people["director@example.com"].business_id is None
    assert people["chair@example.com"].business_name == "Mendes Catering"
    assert people["member@example.com"].business_name == "Patel Bookkeeping"
    assert all(people[e].is_active for e in ("director@example.com", "chair@example.com"))
    # Every business has one primary contact; lapsed or dropped ones have nobody inside.
    primary = db.session.execute(
        sa.select(Member.business_id, sa.func.count())
        .where(Member.is_primary_contact.is_(True))
        .group_by(Member.business_id)
    ).all()
    assert {count for _, count in primary} == {1} and len(primary) == counts["businesses"]
    assert not db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Member)
        .join(Business, Business.id == Member.business_id)
        .where(Business.status != BusinessStatus.ACTIVE, Member.is_active.is_(True))
    )
    listed = client.get("/businesses?q=bank").get_data(as_text=True)
    assert listed.count("Riverside Community Bank</a>") == 1
    assert "Helen Okafor" in listed and "Marcus Lindqvist" in listed
