"""Bad input never crashes the business and people forms (SECURITY row 14): arbitrary text in
every field, mixed with valid values, never answers 500 and stores only what the rules allow."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from chamber.localtime import chamber_today
from chamber.members.models import Business, BusinessStatus, Member
from tests.conftest import csrf_token
from tests.fuzz import FUZZ, dates, numbers, one_of_text, text


@pytest.fixture
def world(client, make_business, make_member, login):
    staff = make_member(is_staff=True)
    login(staff)
    business = make_business(name="Fuzz Firm")
    person = make_member(business=business)
    other = make_business(name="Other Firm")
    return business, person, other


@pytest.mark.slow
def test_business_and_people_forms_never_answer_500(client, db, world):
    business, person, other = world
    today = chamber_today()
    forms = {
        f"/staff/businesses/{business.id}/status": {
            "status": one_of_text(*(s.value for s in BusinessStatus)),
            "effective_on": dates(today),
            "note": text,
        },
        f"/members/businesses/{business.id}/edit": {
            "name": one_of_text("Fuzz Firm"),
            "website": one_of_text("https://firm.example", "javascript:x"),
            "phone": one_of_text("+1 555 123 4567"),
            "joined_on": dates(today),
            "version_id": numbers(1),
        },
        f"/staff/members/{person.id}/move": {"business_id": numbers(other.id, business.id)},
        f"/staff/businesses/{business.id}/merge": {"business_id": numbers(other.id)},
        f"/staff/members/{person.id}/edit": {
            "email": one_of_text(person.email, "x@example.org"),
            "full_name": text,
            "job_title": text,
            "joined_on": dates(today),
            "version_id": numbers(1),
        },
        f"/staff/businesses/{business.id}/invite": {
            "email": one_of_text("new@example.org"),
            "full_name": text,
            "job_title": text,
            "is_primary_contact": one_of_text("y"),
            "form_token": one_of_text("00000000-0000-4000-8000-000000000000"),
        },
    }
    token = csrf_token(client, "/settings")

    def fuzz(path: str, fields: dict) -> None:
        @FUZZ
        @given(st.fixed_dictionaries(fields))
        def post(values):
            response = client.post(path, data={"csrf_token": token, **values})
            assert response.status_code in (200, 302, 400, 404), (path, response.status_code)

        post()

    for path, fields in forms.items():
        fuzz(path, fields)
    db.session.expire_all()
    for found in db.session.scalars(sa.select(Business)):
        assert found.name and len(found.name) <= 160
        assert not found.website or found.website.startswith(("http://", "https://"))
        assert found.joined_on <= today
    for member in db.session.scalars(sa.select(Member)):
        assert "@" in member.email and member.full_name
        assert member.is_active == (
            not member.is_deactivated
            and (member.business is None or member.business.status is BusinessStatus.ACTIVE)
        )
