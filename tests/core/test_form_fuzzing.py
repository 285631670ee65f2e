"""Bad input never crashes: arbitrary text in every field of the foundation's forms."""

import uuid

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chamber.members.models import Business, Member
from tests.conftest import csrf_token

text = st.text(max_size=400)
FORMS = {
    "/settings": ["full_name", "job_title", "phone", "bio", "is_listed"],
    "/staff/members/invite": ["email", "full_name", "job_title", "business_name", "is_staff"],
    "/staff/businesses/new": [
        "name",
        "category",
        "city",
        "address",
        "website",
        "phone",
        "description",
        "joined_on",
        "is_listed",
    ],
    "/staff/committees/new": ["name", "slug", "mission", "description"],
    "/password": ["current_password", "password", "confirm"],
}
FUZZ = settings(
    max_examples=500,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(FORMS))
def test_forms_never_answer_500_and_store_only_valid_values(
    app, client, db, make_member, login, path
):
    staff = make_member(is_staff=True)
    login(staff)
    token = csrf_token(client, path)
    fields = FORMS[path]

    @FUZZ
    @given(st.fixed_dictionaries({name: text for name in fields}))
    def post(values):
        # A fresh one-time token each time, so create forms reach their service.
        data = {"csrf_token": token, "form_token": str(uuid.uuid4()), **values}
        response = client.post(path, data=data)
        assert response.status_code in (200, 302, 400), response.status_code

    post()
    for member in db.session.scalars(sa.select(Member)):
        assert member.email == member.email.strip().lower() and "@" in member.email
        assert member.full_name and len(member.full_name) <= 120
    for business in db.session.scalars(sa.select(Business)):
        assert business.name and len(business.name) <= 160
        assert not business.website or business.website.startswith(("http://", "https://"))


@pytest.mark.slow
def test_login_and_search_never_answer_500(client):
    token = csrf_token(client)

    @FUZZ
    @given(email=text, password=text, q=text)
    def attempt(email, password, q):
        from chamber.extensions import limiter

        limiter.reset()
        response = client.post(
            "/login", data={"csrf_token": token, "email": email, "password": password, "next": q}
        )
        assert response.status_code in (200, 302)
        assert client.get("/businesses", query_string={"q": q, "page": q}).status_code == 200

    attempt()
