"""The migration that adds referrals.given_on fills it with the chamber-local day of the UTC
timestamp (a referral given at 03:30 UTC on 1 January was given on 31 December in New York)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_migrate import upgrade

from chamber import create_app
from chamber.config import config_for_tests
from chamber.extensions import db
from tests.core.test_migrations import empty_database_url  # noqa: F401 - fixture

INITIAL, GIVEN_ON = "630a2ab0f61c", "b7c1e2d3f4a5"

MEMBER = (
    "INSERT INTO members (id, email, full_name, business_name, category, city, phone, website, "
    "bio, joined_on, is_active, is_staff, is_listed, session_token, version_id, created_at, "
    "updated_at) VALUES (:id, :email, 'M', '', '', '', '', '', '', '2020-01-01', true, false, "
    "false, :token, 1, '2020-01-01 00:00:00', '2020-01-01 00:00:00')"
)
REFERRAL = (
    "INSERT INTO referrals (id, giver_id, receiver_id, prospect_name, prospect_email, "
    "prospect_phone, need, temperature, status, thank_you_note, form_token, version_id, "
    "created_at, updated_at) VALUES (:id, 1, 2, 'P', '', '', '', 'warm', 'given', '', :token, "
    "1, :at, :at)"
)


def test_given_on_is_filled_in_the_chamber_time_zone(empty_database_url):  # noqa: F811
    app = create_app(
        config_for_tests(empty_database_url) | {"CHAMBER_TIMEZONE": "America/New_York"}
    )
    try:
        with app.app_context():
            upgrade(revision=INITIAL)
            with db.engine.begin() as connection:
                for member_id in (1, 2):
                    connection.execute(
                        sa.text(MEMBER),
                        {
                            "id": member_id,
                            "email": f"m{member_id}@example.org",
                            "token": f"t{member_id}",
                        },
                    )
                for referral_id, at in (
                    (1, "2026-01-01 03:30:00"),
                    (2, "2026-01-01 05:30:00"),
                    (3, "2026-07-01 03:30:00"),
                ):
                    connection.execute(
                        sa.text(REFERRAL),
                        {"id": referral_id, "at": at, "token": f"token-{referral_id}"},
                    )
            upgrade(revision=GIVEN_ON)
            with db.engine.connect() as connection:
                days = dict(connection.execute(sa.text("SELECT id, given_on FROM referrals")).all())
        as_dates = {k: v if isinstance(v, date) else date.fromisoformat(v) for k, v in days.items()}
        # 03:30 UTC is 22:30 the day before in winter (UTC-5) and 23:30 in summer (UTC-4).
        assert as_dates == {1: date(2025, 12, 31), 2: date(2026, 1, 1), 3: date(2026, 6, 30)}
    finally:
        with app.app_context():
            db.engine.dispose()
