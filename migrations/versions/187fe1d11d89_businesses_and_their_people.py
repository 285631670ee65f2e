"""Businesses and their people: each member becomes a person of a business

Members who share a business name and website become people of one business; staff
represent none. Business details (name, industry, city, website) move from the person to the
business; a person's listing consent (given for business details only) starts off.

Revision ID: 187fe1d11d89
Revises: 9c7d92a65b50
Create Date: 2026-11-24 10:00:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "187fe1d11d89"
down_revision = "9c7d92a65b50"
branch_labels = None
depends_on = None

STATUSES = ("active", "lapsed", "dropped")


def _status(name):
    return sa.Enum(*STATUSES, name=name, native_enum=False, create_constraint=True, length=7)


def _now():
    return datetime.now(UTC).replace(tzinfo=None)


def upgrade():
    op.create_table(
        "businesses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("category", sa.String(length=80), nullable=False),
        sa.Column("city", sa.String(length=80), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("status", _status("business_status"), nullable=False),
        sa.Column("is_listed", sa.Boolean(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_businesses")),
    )
    with op.batch_alter_table("businesses") as batch_op:
        batch_op.create_index(batch_op.f("ix_businesses_name"), ["name"])
        batch_op.create_index(batch_op.f("ix_businesses_category"), ["category"])
        batch_op.create_index(batch_op.f("ix_businesses_city"), ["city"])
        batch_op.create_index(batch_op.f("ix_businesses_status"), ["status"])

    op.create_table(
        "business_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("from_status", _status("business_status_from"), nullable=True),
        sa.Column("to_status", _status("business_status_to"), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"],
            ["businesses.id"],
            name=op.f("fk_business_status_changes_business_id_businesses"),
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["members.id"],
            name=op.f("fk_business_status_changes_changed_by_id_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_status_changes")),
    )
    with op.batch_alter_table("business_status_changes") as batch_op:
        batch_op.create_index(batch_op.f("ix_business_status_changes_business_id"), ["business_id"])

    op.create_table(
        "affiliations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["business_id"], ["businesses.id"], name=op.f("fk_affiliations_business_id_businesses")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_affiliations_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_affiliations")),
    )
    with op.batch_alter_table("affiliations") as batch_op:
        batch_op.create_index(batch_op.f("ix_affiliations_business_id"), ["business_id"])
        batch_op.create_index(batch_op.f("ix_affiliations_member_id"), ["member_id"])

    with op.batch_alter_table("members") as batch_op:
        batch_op.add_column(
            sa.Column("job_title", sa.String(length=120), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("business_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("is_primary_contact", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("is_deactivated", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_members_business_id_businesses"), "businesses", ["business_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_members_business_id"), ["business_id"])

    _members_to_businesses(op.get_bind())

    with op.batch_alter_table("members") as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_category"))
        batch_op.drop_index(batch_op.f("ix_members_city"))
        batch_op.drop_column("business_name")
        batch_op.drop_column("category")
        batch_op.drop_column("city")
        batch_op.drop_column("website")
        batch_op.create_index(
            "uq_members_primary_contact",
            ["business_id"],
            unique=True,
            sqlite_where=sa.text("is_primary_contact"),
            postgresql_where=sa.text("is_primary_contact"),
        )


_members = sa.table(
    "members",
    sa.column("id", sa.Integer),
    sa.column("full_name", sa.String),
    sa.column("business_name", sa.String),
    sa.column("category", sa.String),
    sa.column("city", sa.String),
    sa.column("website", sa.String),
    sa.column("joined_on", sa.Date),
    sa.column("is_active", sa.Boolean),
    sa.column("is_staff", sa.Boolean),
    sa.column("is_listed", sa.Boolean),
    sa.column("business_id", sa.Integer),
    sa.column("is_primary_contact", sa.Boolean),
    sa.column("is_deactivated", sa.Boolean),
)
_businesses = sa.table(
    "businesses",
    sa.column("id", sa.Integer),
    *(
        sa.column(name, sa.String)
        for name in ("name", "category", "city", "address", "website", "phone", "status")
    ),
    sa.column("description", sa.Text),
    sa.column("joined_on", sa.Date),
    sa.column("is_listed", sa.Boolean),
    sa.column("version_id", sa.Integer),
    sa.column("created_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime),
)
_status_changes = sa.table(
    "business_status_changes",
    sa.column("business_id", sa.Integer),
    sa.column("from_status", sa.String),
    sa.column("to_status", sa.String),
    sa.column("effective_on", sa.Date),
    sa.column("changed_at", sa.DateTime),
    sa.column("note", sa.String),
)
_affiliations = sa.table(
    "affiliations",
    sa.column("member_id", sa.Integer),
    sa.column("business_id", sa.Integer),
    sa.column("started_on", sa.Date),
    sa.column("ended_on", sa.Date),
)


def _site(website):
    """The website as compared when grouping (scheme, www. and a trailing / ignored)."""
    site = (website or "").strip().lower()
    for prefix in ("https://", "http://"):
        site = site.removeprefix(prefix)
    return site.removeprefix("www.").rstrip("/")


def _members_to_businesses(bind):
    """Every member who is not staff becomes a person of a business; members with the same
    business name (any case) and website share one. Its details are the first member's (or
    the first non-empty), it joined when its first person did, it is active if any of its
    people is, listed if any of them listed it; its first active person is the primary
    contact."""
    rows = bind.execute(sa.select(_members).order_by(_members.c.id)).all()
    groups = {}
    for row in rows:
        if row.is_staff:
            continue
        name = (row.business_name or "").strip() or row.full_name
        groups.setdefault((name.lower(), _site(row.website)), []).append(row)
    now = _now()
    businesses, people, changes, affiliations = [], [], [], []
    for business_id, members in enumerate(groups.values(), start=1):
        first = members[0]

        def first_of(column, members=members):
            return next((getattr(m, column) for m in members if getattr(m, column)), "")

        active = [m for m in members if m.is_active]
        status = "active" if active else "lapsed"
        joined_on = min(m.joined_on for m in members)
        businesses.append(
            {
                "id": business_id,
                "name": ((first.business_name or "").strip() or first.full_name)[:160],
                "category": first_of("category"),
                "city": first_of("city"),
                "address": "",
                "website": first_of("website"),
                "phone": "",
                "description": "",
                "joined_on": joined_on,
                "status": status,
                "is_listed": any(m.is_listed for m in members),
                "version_id": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        changes.append(
            {
                "business_id": business_id,
                "from_status": None,
                "to_status": "active",
                "effective_on": joined_on,
                "changed_at": now,
                "note": "Joined (from the member records)",
            }
        )
        if status != "active":
            changes.append(
                {
                    "business_id": business_id,
                    "from_status": "active",
                    "to_status": status,
                    "effective_on": now.date(),
                    "changed_at": now,
                    "note": "Every person of it was deactivated",
                }
            )
        primary = (active or members)[0].id
        for member in members:
            people.append(
                {
                    "member_id": member.id,
                    "business_id": business_id,
                    "is_primary_contact": member.id == primary,
                }
            )
            affiliations.append(
                {
                    "member_id": member.id,
                    "business_id": business_id,
                    "started_on": member.joined_on,
                    "ended_on": None,
                }
            )
    if businesses:
        bind.execute(_businesses.insert(), businesses)
        bind.execute(_status_changes.insert(), changes)
        bind.execute(_affiliations.insert(), affiliations)
        if bind.dialect.name == "postgresql":
            bind.execute(
                sa.text(
                    "SELECT setval(pg_get_serial_sequence('businesses', 'id'), "
                    "(SELECT max(id) FROM businesses))"
                )
            )
        bind.execute(
            _members.update()
            .where(_members.c.id == sa.bindparam("member_id"))
            .values(
                business_id=sa.bindparam("business_id"),
                is_primary_contact=sa.bindparam("is_primary_contact"),
            ),
            people,
        )
    # Deactivated people stay deactivated; the consent members gave to list their business
    # did not cover their own name, so nobody's name is listed until they choose it.
    bind.execute(
        _members.update().values(is_deactivated=sa.not_(_members.c.is_active), is_listed=sa.false())
    )


def downgrade():
    with op.batch_alter_table("members") as batch_op:
        batch_op.drop_index("uq_members_primary_contact")
        batch_op.add_column(
            sa.Column("business_name", sa.String(length=160), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("category", sa.String(length=80), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("city", sa.String(length=80), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("website", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_members_category"), ["category"])
        batch_op.create_index(batch_op.f("ix_members_city"), ["city"])

    # Each person takes their business's details back; the business's listing becomes theirs.
    text_columns = ("category", "city", "website")
    businesses = sa.table(
        "businesses",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        *(sa.column(name, sa.String) for name in text_columns),
        sa.column("is_listed", sa.Boolean),
    )
    members = sa.table(
        "members",
        sa.column("business_id", sa.Integer),
        sa.column("business_name", sa.String),
        *(sa.column(name, sa.String) for name in text_columns),
        sa.column("is_listed", sa.Boolean),
    )

    def of_business(column):
        return sa.select(column).where(businesses.c.id == members.c.business_id).scalar_subquery()

    op.get_bind().execute(
        members.update()
        .where(members.c.business_id.is_not(None))
        .values(
            business_name=of_business(businesses.c.name),
            category=of_business(businesses.c.category),
            city=of_business(businesses.c.city),
            website=of_business(businesses.c.website),
            is_listed=of_business(businesses.c.is_listed),
        )
    )

    with op.batch_alter_table("members") as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_business_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_members_business_id_businesses"), type_="foreignkey"
        )
        batch_op.drop_column("is_deactivated")
        batch_op.drop_column("is_primary_contact")
        batch_op.drop_column("business_id")
        batch_op.drop_column("job_title")

    with op.batch_alter_table("affiliations") as batch_op:
        batch_op.drop_index(batch_op.f("ix_affiliations_member_id"))
        batch_op.drop_index(batch_op.f("ix_affiliations_business_id"))
    op.drop_table("affiliations")
    with op.batch_alter_table("business_status_changes") as batch_op:
        batch_op.drop_index(batch_op.f("ix_business_status_changes_business_id"))
    op.drop_table("business_status_changes")
    with op.batch_alter_table("businesses") as batch_op:
        batch_op.drop_index(batch_op.f("ix_businesses_status"))
        batch_op.drop_index(batch_op.f("ix_businesses_city"))
        batch_op.drop_index(batch_op.f("ix_businesses_category"))
        batch_op.drop_index(batch_op.f("ix_businesses_name"))
    op.drop_table("businesses")
