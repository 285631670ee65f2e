"""The migration that turns each member into a person of a business keeps every person,
referral and contribution, on SQLite and PostgreSQL (TEST_DATABASE_URL).

The demo chamber is seeded at head, taken down to the previous revision (people with a
business name again: the shape the migration meets in a real database) and brought back up;
counts and sums must be equal and the businesses those of the migration's rule. The large
demo chamber runs when CHAMBER_LARGE_MIGRATION_TEST=1 (minutes, not seconds).
"""

from __future__ import annotations

import os
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from chamber import create_app
from chamber.config import config_for_tests
from chamber.extensions import db, migrate

REVISION = "187fe1d11d89"


@pytest.fixture
def migration_app(database_url, tmp_path):
    """An app on a database of its own, empty: a temp SQLite file or a fresh PostgreSQL one."""
    url = sa.make_url(database_url)
    admin = None
    if url.get_backend_name() == "sqlite":
        own = f"sqlite:///{tmp_path / 'businesses.sqlite3'}"
    else:
        name = f"{url.database}_businesses"
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        own = url.set(database=name).render_as_string(hide_password=False)
    app = create_app(config_for_tests(own))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _previous_revision(app) -> str:
    with app.app_context():
        config = migrate.get_config()
    return ScriptDirectory.from_config(config).get_revision(REVISION).down_revision


def _scalar(sql: str):
    return db.session.execute(sa.text(sql)).scalar()


def _kept() -> dict:
    """What must survive the migration: people, their committee work and referrals."""
    return {
        "people": _scalar("SELECT count(*) FROM members"),
        "people_ids": _scalar("SELECT sum(id) FROM members"),
        "emails": _scalar("SELECT count(DISTINCT email) FROM members"),
        "active": _scalar("SELECT count(*) FROM members WHERE is_active"),
        "staff": _scalar("SELECT count(*) FROM members WHERE is_staff"),
        "memberships": _scalar("SELECT count(*) FROM committee_memberships"),
        # Work in hours; in-kind gifts (no hours, issue 11) come later than this migration and
        # cannot be kept below their own one (its downgrade removes them: no hours to invent).
        "contributions": _scalar("SELECT count(*) FROM contributions WHERE hours IS NOT NULL"),
        "hours": _scalar("SELECT sum(hours) FROM contributions"),
        "contributors": _scalar(
            "SELECT sum(member_id) FROM contributions WHERE hours IS NOT NULL"
        ),
        "referrals": _scalar("SELECT count(*) FROM referrals"),
        "closed_value": _scalar("SELECT sum(closed_value_cents) FROM referrals"),
        "givers": _scalar("SELECT sum(giver_id) FROM referrals"),
        "receivers": _scalar("SELECT sum(receiver_id) FROM referrals"),
        "one_to_ones": _scalar("SELECT count(*) FROM one_to_ones"),
        "attendances": _scalar("SELECT count(*) FROM attendances"),
    }


def _site(website: str) -> str:
    site = (website or "").strip().lower()
    for prefix in ("https://", "http://"):
        site = site.removeprefix(prefix)
    return site.removeprefix("www.").rstrip("/")


def _old_shape_groups() -> set[frozenset[int]]:
    """The businesses the migration's rule makes of the old rows: same name and website."""
    groups: dict[tuple[str, str], set[int]] = {}
    for member_id, name, full_name, website in db.session.execute(
        sa.text("SELECT id, business_name, full_name, website FROM members WHERE NOT is_staff")
    ):
        key = ((name or "").strip().lower() or full_name.lower(), _site(website))
        groups.setdefault(key, set()).add(member_id)
    return {frozenset(ids) for ids in groups.values()}


def _new_shape_groups() -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for member_id, business_id in db.session.execute(
        sa.text("SELECT id, business_id FROM members WHERE business_id IS NOT NULL")
    ):
        groups.setdefault(business_id, set()).add(member_id)
    return {frozenset(ids) for ids in groups.values()}


def _round_trip(app, size: str) -> None:
    from chamber.demo.seed import seed_chamber

    with app.app_context():
        upgrade()
        seed_chamber(size=size, seed=11)
        before = _kept()
        seeded_groups = _new_shape_groups()
        db.session.remove()
        downgrade(revision=_previous_revision(app))
        assert _kept() == before
        old_groups = _old_shape_groups()
        # Distinct seeded businesses can share a name and website; the rule joins them.
        assert all(any(group <= old for old in old_groups) for group in seeded_groups)
        db.session.remove()
        upgrade()
        assert _kept() == before
        assert _new_shape_groups() == old_groups
        assert (
            _scalar("SELECT count(*) FROM members WHERE business_id IS NULL AND NOT is_staff") == 0
        )
        assert (
            _scalar("SELECT count(*) FROM members WHERE is_staff AND business_id IS NOT NULL") == 0
        )
        # One primary contact per business, one open affiliation per person of a business.
        assert _scalar("SELECT count(*) FROM members WHERE is_primary_contact") == len(old_groups)
        assert _scalar("SELECT count(*) FROM affiliations WHERE ended_on IS NULL") == sum(
            map(len, old_groups)
        )
        # A business is an active member when any of its people is in the member areas.
        assert (
            _scalar(
                "SELECT count(*) FROM businesses b WHERE (b.status = 'active') <> EXISTS "
                "(SELECT 1 FROM members m WHERE m.business_id = b.id AND m.is_active)"
            )
            == 0
        )
        assert _scalar("SELECT count(*) FROM members WHERE is_listed") == 0
        db.session.remove()


def test_the_small_demo_chamber_survives_the_migration_down_and_up(migration_app):
    _round_trip(migration_app, "small")


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("CHAMBER_LARGE_MIGRATION_TEST") != "1",
    reason="the large demo chamber takes minutes: set CHAMBER_LARGE_MIGRATION_TEST=1",
)
def test_the_large_demo_chamber_survives_the_migration_down_and_up(migration_app):
    _round_trip(migration_app, "large")


_OLD_MEMBER = sa.text(
    "INSERT INTO members (id, email, password_hash, full_name, business_name, category, city, "
    "phone, website, bio, joined_on, is_active, is_staff, is_listed, session_token, "
    "last_sign_in_at, version_id, created_at, updated_at) VALUES (:id, :email, NULL, :name, "
    ":business, :category, 'Riverside', '', :website, '', :joined_on, :active, :staff, :listed, "
    ":token, NULL, 1, :now, :now)"
)


def test_members_sharing_a_business_name_and_website_become_people_of_one_business(
    migration_app,
):
    rows = [  # id, business name, website, category, active, staff, listed, joined
        (1, "Riverside Bank", "https://bank.example", "Banking", True, False, False, 2019),
        (2, " riverside BANK", "http://www.bank.example/", "", True, False, True, 2018),
        (3, "Riverside Bank", "https://other-bank.example", "Banking", True, False, False, 2020),
        (4, "Riverside Chamber of Commerce", "", "", True, True, True, 2015),
        (5, "Closed Shop", "", "Retail", False, False, True, 2017),
        (6, "", "", "", True, False, False, 2021),
        (7, "Riverside Bank", "https://bank.example", "Banking", False, False, False, 2021),
    ]
    app = migration_app
    with app.app_context():
        upgrade(revision=_previous_revision(app))
        for member_id, business, website, category, active, staff, listed, year in rows:
            db.session.execute(
                _OLD_MEMBER,
                {
                    "id": member_id,
                    "email": f"person{member_id}@example.org",
                    "name": f"Person {member_id}",
                    "business": business,
                    "category": category,
                    "website": website,
                    "joined_on": date(year, 1, 1),
                    "active": active,
                    "staff": staff,
                    "listed": listed,
                    "token": f"token-{member_id}",
                    "now": datetime(2024, 1, 1),
                },
            )
        db.session.commit()
        upgrade(revision=REVISION)
        people = {
            row.id: row
            for row in db.session.execute(
                sa.text(
                    "SELECT m.id, m.business_id, m.is_primary_contact, m.is_deactivated, "
                    "m.is_active, m.is_listed, b.name, b.category, b.website, b.joined_on, "
                    "b.status, b.is_listed AS business_listed FROM members m "
                    "LEFT JOIN businesses b ON b.id = m.business_id"
                )
            )
        }
        bank = people[1]
        assert people[2].business_id == people[7].business_id == bank.business_id
        assert people[3].business_id != bank.business_id
        assert (bank.name, bank.category, bank.website) == (
            "Riverside Bank",
            "Banking",
            "https://bank.example",
        )
        assert str(bank.joined_on) == "2018-01-01" and bank.status == "active"
        assert bank.business_listed  # person 2 had listed it
        assert [p for p in (1, 2, 7) if people[p].is_primary_contact] == [1]
        assert people[7].is_deactivated and not people[7].is_active
        assert people[4].business_id is None  # staff represent no business
        assert people[5].status == "lapsed" and people[5].is_deactivated
        assert people[6].name == "Person 6"
        assert not any(p.is_listed for p in people.values())
        assert db.session.execute(sa.text("SELECT count(*) FROM businesses")).scalar() == 4
        history = db.session.execute(
            sa.text(
                "SELECT from_status, to_status FROM business_status_changes "
                "WHERE business_id = :business ORDER BY id"
            ),
            {"business": people[5].business_id},
        ).all()
        assert [tuple(h) for h in history] == [(None, "active"), ("active", "lapsed")]
        db.session.remove()

        downgrade(revision=_previous_revision(app))
        back = dict(db.session.execute(sa.text("SELECT id, business_name FROM members")).all())
        assert back[2] == "Riverside Bank" and back[4] == "" and back[6] == "Person 6"
        db.session.remove()
