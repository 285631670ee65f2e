"""The member directory, profiles, own settings, business pages and the public business
directory: people and the businesses they represent."""

import sqlalchemy as sa

from chamber.members.models import BusinessStatus, Member
from tests.conftest import csrf_token

XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)>{{7*7}}'


def _cards(body: str) -> int:
    return body.count('class="member-card')


def test_directory_searches_people_and_their_businesses(client, make_member, login):
    me = make_member()
    make_member(
        full_name="Rosa Baker",
        job_title="Head baker",
        business_name="Rosa's Bread",
        category="Bakery",
        city="Millbrook",
    )
    make_member(full_name="Tom Smith", business_name="Smith Plumbing", category="Plumbing")
    login(me)
    for term in ("rosa", "BREAD", "bakery", "millbrook", "head baker"):
        body = client.get("/members", query_string={"q": term}).get_data(as_text=True)
        assert "Rosa Baker" in body and "Tom Smith" not in body, term
    body = client.get("/members?category=Plumbing").get_data(as_text=True)
    assert "Tom Smith" in body and "Rosa Baker" not in body
    body = client.get("/members?city=Millbrook").get_data(as_text=True)
    assert "Rosa Baker" in body and "Tom Smith" not in body


def test_directory_lists_matching_businesses_with_their_people(
    client, make_business, make_member, login
):
    login(make_member())
    bank = make_business(name="Riverside Community Bank", category="Banking")
    for name in ("Helen Okafor", "Marcus Lindqvist", "Priya Raman"):
        make_member(full_name=name, business=bank)
    body = client.get("/members?q=community bank").get_data(as_text=True)
    assert body.count("Riverside Community Bank</a>") >= 1
    assert "3 people" in body
    assert _cards(body) == 3 and "Priya Raman" in body
    assert f"/members/businesses/{bank.id}" in body


def test_directory_search_takes_sql_and_wildcards_as_text(client, make_member, login):
    login(make_member())
    make_member(full_name="Percent Person", business_name="100% Organic")
    response = client.get("/members?q=' OR 1=1 --")
    assert response.status_code == 200 and "No member matches" in response.get_data(as_text=True)
    body = client.get("/members?q=%25").get_data(as_text=True)
    assert "Percent Person" in body and _cards(body) == 1


def test_directory_filters_by_committee(client, make_member, make_committee, login):
    me = make_member()
    on = make_member(full_name="On Committee")
    make_member(full_name="Not On Committee")
    committee = make_committee(members=[on])
    login(me)
    body = client.get(f"/members?committee={committee.id}").get_data(as_text=True)
    assert "On Committee" in body and "Not On Committee" not in body
    for bad in ("x", "0", "99999999999999999999"):  # no row: the filter is ignored, no 500
        assert client.get(f"/members?committee={bad}").status_code == 200


def test_directory_hides_deactivated_people_and_people_of_lapsed_businesses(
    client, make_business, make_member, login
):
    login(make_member())
    make_member(full_name="Gone Away", is_active=False)
    lapsed = make_business(name="Lapsed Shop", status=BusinessStatus.LAPSED)
    make_member(full_name="Lapsed Person", business=lapsed, is_active=False)
    body = client.get("/members").get_data(as_text=True)
    assert "Gone Away" not in body and "Lapsed Person" not in body
    assert "Lapsed Shop" not in client.get("/members?q=lapsed").get_data(as_text=True)


def test_directory_is_paginated(client, make_member, login):
    login(make_member(full_name="Aaron First"))
    for n in range(30):
        make_member(full_name=f"Zed {n:02d}")
    first = client.get("/members").get_data(as_text=True)
    assert _cards(first) == 24 and 'rel="next"' in first
    second = client.get("/members?page=2").get_data(as_text=True)
    assert _cards(second) == 7
    assert client.get("/members?page=999").status_code == 200


def test_directory_query_count_does_not_grow_with_members(
    client, make_business, make_member, login, count_queries
):
    login(make_member())
    make_member()
    with count_queries() as few:
        assert client.get("/members?q=business").status_code == 200
    shared = make_business(name="Business Shared")
    for n in range(200):
        make_member(business=shared if n % 2 else None)
    with count_queries() as many:
        body = client.get("/members?q=business").get_data(as_text=True)
    assert few.count == many.count
    assert _cards(body) == 24 and "Business Shared" in body


def test_profile_shows_the_persons_business_and_committees(
    client, make_business, make_member, make_committee, login
):
    me = make_member()
    bakery = make_business(name="Rosa's Bread", category="Bakery", city="Millbrook")
    other = make_member(full_name="Rosa Baker", job_title="Head baker", business=bakery)
    make_committee(name="Community Events", chair=other)
    login(me)
    body = client.get(f"/members/{other.id}").get_data(as_text=True)
    assert "Rosa Baker" in body and "Head baker" in body and "Community Events" in body
    assert f'href="/members/businesses/{bakery.id}"' in body and "Rosa&#39;s Bread" in body
    assert "Chair" in body and "(primary contact)" in body
    assert client.get("/members/999999").status_code == 404
    assert client.get("/members/99999999999").status_code == 404


def test_staff_profile_has_no_business(client, make_member, login):
    staff = make_member(is_staff=True, full_name="Diane Director", job_title="Director")
    login(make_member())
    body = client.get(f"/members/{staff.id}").get_data(as_text=True)
    assert "Diane Director" in body and "Director" in body
    assert "/members/businesses/" not in body


def test_deactivated_profile_is_hidden_from_members_but_not_staff(client, make_member, login):
    gone = make_member(is_active=False)
    login(make_member())
    assert client.get(f"/members/{gone.id}").status_code == 404  # like a missing id


def test_member_edits_own_profile(client, db, make_member, login):
    me = make_member()
    login(me)
    response = client.post(
        "/settings",
        data={
            "csrf_token": csrf_token(client, "/settings"),
            "full_name": "  Ann Baker ",
            "job_title": "Owner",
            "phone": "+1 555 123 4567",
            "bio": "Bread.",
            "is_listed": "y",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    member = db.session.get(Member, me.id)
    assert member.full_name == "Ann Baker" and member.is_listed and member.job_title == "Owner"
    assert member.business_name == me.business_name  # the business is edited on its page


def test_profile_edit_refuses_bad_input_and_keeps_what_was_typed(client, db, make_member, login):
    me = make_member(full_name="Original Name")
    login(me)
    response = client.post(
        "/settings",
        data={
            "csrf_token": csrf_token(client, "/settings"),
            "full_name": "",
            "job_title": "Typed Title",
            "phone": "call me maybe",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This field is required." in body and "Enter a phone number" in body
    assert 'value="Typed Title"' in body
    db.session.expire_all()
    assert db.session.get(Member, me.id).full_name == "Original Name"


def test_profile_fields_are_escaped(client, make_member, login):
    me = make_member()
    login(me)
    client.post(
        "/settings",
        data={
            "csrf_token": csrf_token(client, "/settings"),
            "full_name": "Evil Name",
            "job_title": "Boss",
            "bio": XSS,
        },
    )
    body = client.get(f"/members/{me.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "<img src=x" not in body
    assert "&lt;script&gt;" in body and "{{7*7}}" in body
    assert all("49" not in part[:80] for part in body.split("&lt;script&gt;")[1:])


def test_mass_assignment_on_profile_is_ignored(client, db, make_member, login):
    me = make_member()
    login(me)
    client.post(
        "/settings",
        data={
            "csrf_token": csrf_token(client, "/settings"),
            "full_name": "Me",
            "is_staff": "y",
            "is_active": "",
            "is_primary_contact": "",
            "business_id": "1",
            "email": "boss@example.org",
            "id": "1",
            "session_token": "x",
            "password_hash": "x",
        },
    )
    db.session.expire_all()
    member = db.session.get(Member, me.id)
    assert not member.is_staff and member.is_active and member.email == me.email
    assert member.business_id == me.business_id and member.is_primary_contact


def test_public_directory_lists_each_business_once_with_its_listed_people(
    client, make_business, make_member
):
    bank = make_business(name="Riverside Community Bank", is_listed=True)
    make_member(full_name="Helen Okafor", business=bank, is_listed=True, phone="+1 555 000 1111")
    make_member(full_name="Marcus Lindqvist", business=bank, is_listed=True)
    make_member(full_name="Quiet Person", business=bank, is_listed=False)
    make_member(full_name="Left Person", business=bank, is_listed=True, is_active=False)
    make_member(business_name="Hidden Shop", is_listed=False, email="hidden@example.org")
    gone = make_business(name="Gone Shop", is_listed=True, status=BusinessStatus.LAPSED)
    make_member(business=gone, is_listed=True, is_active=False)
    response = client.get("/businesses")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.count("Riverside Community Bank") == 1
    assert "Helen Okafor" in body and "Marcus Lindqvist" in body
    assert "Quiet Person" not in body and "Left Person" not in body
    assert "Hidden Shop" not in body and "Gone Shop" not in body
    assert "@example.org" not in body and "555 000 1111" not in body


def test_public_business_page_shows_listed_people_and_their_committees(
    client, make_business, make_member, make_committee
):
    bank = make_business(
        name="Riverside Community Bank", is_listed=True, website="https://bank.example"
    )
    helen = make_member(
        full_name="Helen Okafor", job_title="Branch manager", business=bank, is_listed=True
    )
    make_member(full_name="Quiet Person", business=bank, is_listed=False)
    make_committee(name="Community Events", chair=helen)
    body = client.get(f"/businesses/{bank.id}").get_data(as_text=True)
    assert "Helen Okafor" in body and "Branch manager" in body and "Community Events" in body
    assert "Quiet Person" not in body and helen.email not in body
    assert "/members/" not in body  # no links into the member areas
    unlisted = make_business(is_listed=False)
    lapsed = make_business(is_listed=True, status=BusinessStatus.DROPPED)
    for business_id in (unlisted.id, lapsed.id, 999999):
        assert client.get(f"/businesses/{business_id}").status_code == 404


def test_public_directory_query_count_is_flat(client, make_business, make_member, count_queries):
    make_member(is_listed=True)
    with count_queries() as few:
        assert client.get("/businesses").status_code == 200
    for _ in range(50):
        business = make_business(is_listed=True)
        for _person in range(4):
            make_member(business=business, is_listed=True)
    with count_queries() as many:
        body = client.get("/businesses").get_data(as_text=True)
    assert few.count == many.count
    assert _cards(body) == 24 and body.count("Member ") >= 23 * 4  # 4 people each


def test_member_business_page_shows_its_people_and_their_committees(
    client, make_business, make_member, make_committee, login
):
    login(make_member())
    clinic = make_business(name="Lakeside Family Clinic", description="Family medicine.")
    sofia = make_member(full_name="Sofia Alvarez", job_title="Medical director", business=clinic)
    daniel = make_member(full_name="Daniel Cho", business=clinic)
    make_member(full_name="Former Nurse", business=clinic, is_active=False)
    make_committee(name="Health & Wellness", lead=daniel)
    body = client.get(f"/members/businesses/{clinic.id}").get_data(as_text=True)
    assert "Lakeside Family Clinic" in body and "Family medicine." in body
    assert f"/members/{sofia.id}" in body and "Medical director" in body
    assert "Health &amp; Wellness" in body and "Lead" in body
    assert "Former Nurse" not in body
    assert "Referrals to its people" not in body  # only for its own people and staff
    assert client.get("/members/businesses/999999").status_code == 404


def test_member_business_page_query_count_is_flat(
    client, make_business, make_member, make_committee, login, count_queries
):
    login(make_member())
    firm = make_business()
    people = [make_member(business=firm) for _ in range(2)]
    make_committee(members=people)
    with count_queries() as few:
        assert client.get(f"/members/businesses/{firm.id}").status_code == 200
    people += [make_member(business=firm) for _ in range(200)]
    make_committee(name="Second Committee", members=people[2:])
    with count_queries() as many:
        body = client.get(f"/members/businesses/{firm.id}").get_data(as_text=True)
    assert few.count == many.count
    assert body.count("Second Committee") == 200


def test_lapsed_business_page_is_for_staff_only(client, make_business, make_member, login):
    lapsed = make_business(status=BusinessStatus.LAPSED)
    login(make_member())
    assert client.get(f"/members/businesses/{lapsed.id}").status_code == 403


def test_email_preferences_are_saved(client, db, make_member, login):
    from chamber.notifications.services import wants_email

    me = make_member()
    login(me)
    data = {"csrf_token": csrf_token(client, "/settings"), "email_join_decided": "y"}
    assert client.post("/settings/email", data=data).status_code == 302
    db.session.expire_all()
    member = db.session.get(Member, me.id)
    assert wants_email(member, "join_decided")
    assert not wants_email(member, "role_changed")


def test_staff_lists_query_counts_are_flat(
    client, make_business, make_member, login, count_queries
):
    login(make_member(is_staff=True))
    pages = ("/staff/members?status=all", "/staff/businesses?status=all")
    make_member(), make_member(is_active=False)
    with count_queries() as few:
        assert [client.get(page).status_code for page in pages] == [200, 200]
    for n in range(200):
        make_member(is_active=bool(n % 3))
    with count_queries() as many:
        bodies = [client.get(page).get_data(as_text=True) for page in pages]
    assert few.count == many.count
    assert all(body.count("<tr>") == 51 for body in bodies)  # a full page, and its header


def test_primary_contact_edits_the_business_and_a_bad_website_is_refused(
    app, client, db, make_business, make_member, login
):
    shop = make_business(name="Old Name")
    contact = make_member(business=shop)
    colleague = make_member(business=shop)
    other = app.test_client()
    other.post(
        "/login",
        data={
            "email": colleague.email,
            "password": "correct horse battery staple",
            "csrf_token": csrf_token(other),
        },
    )
    assert other.get(f"/members/businesses/{shop.id}/edit").status_code == 403
    login(contact)
    path = f"/members/businesses/{shop.id}/edit"
    form = {"csrf_token": csrf_token(client, path), "name": "New Name", "version_id": "1"}
    for website in ("javascript:alert(1)", "[", "http://[::1", "https://exa]mple.com"):
        response = client.post(path, data=form | {"website": website})
        assert response.status_code == 400, website
        assert "Enter a web address like https://example.com." in response.get_data(as_text=True)
    response = client.post(
        path, data=form | {"website": "shop.example.com", "joined_on": "1990-01-01"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    shop = db.session.get(type(shop), shop.id)
    assert shop.name == "New Name" and shop.website == "https://shop.example.com"
    assert str(shop.joined_on) == "2020-01-01"  # the join date is staff's to set
    assert (
        db.session.scalar(sa.select(Member.business_name).where(Member.id == colleague.id))
        == "New Name"
    )


def test_public_business_page_query_count_is_flat(
    client, make_business, make_member, make_committee, count_queries
):
    firm = make_business(is_listed=True)
    people = [make_member(business=firm, is_listed=True) for _ in range(2)]
    make_committee(members=people)
    with count_queries() as few:
        assert client.get(f"/businesses/{firm.id}").status_code == 200
    people += [make_member(business=firm, is_listed=True) for _ in range(200)]
    make_committee(name="Town Committee", members=people[2:])
    with count_queries() as many:
        body = client.get(f"/businesses/{firm.id}").get_data(as_text=True)
    assert few.count == many.count
    assert body.count("Town Committee") == 200


def test_profile_reads_as_many_statements_with_a_business_as_without(
    client, make_business, make_member, login, count_queries
):
    """The person's business loads with them (issue 14: the benchmark's profile page read one
    statement more for a member with a business)."""
    login(make_member())
    alone = make_member(is_staff=True, full_name="Chamber Staff")  # staff represent no business
    employed = make_member(business=make_business(name="Harbour Bakery"), full_name="Baker")
    counts = {}
    for person in (alone, employed):
        client.get(f"/members/{person.id}")
        with count_queries() as statements:
            page = client.get(f"/members/{person.id}").get_data(as_text=True)
        counts[person.full_name] = statements.count
        assert person.full_name in page
    assert "Harbour Bakery" in page
    assert counts["Chamber Staff"] == counts["Baker"]
