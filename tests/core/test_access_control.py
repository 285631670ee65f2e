"""No forgotten access check: every endpoint is walked as visitor, member, lead and staff."""

import pytest
from werkzeug.routing import IntegerConverter

from tests.conftest import csrf_token

# Endpoints a visitor may use without signing in. Everything else must send them to sign-in.
PUBLIC_ENDPOINTS = {
    "static",
    "portal.home",
    "portal.healthz",
    "auth.login",
    "auth.forgot_password",
    "auth.reset_password",
    "auth.accept_invitation",
    "people.public_directory",
    "people.public_business",
    # Private calendar feeds authenticate with their own revocable token, not a session.
    "portal.member_feed",
    "portal.committee_feed",
    # An e-mail's List-Unsubscribe link: its signed token names the member and the kind.
    "members.unsubscribe",
    # A listed, active business's logo is on the public directory (404 for others).
    "businesses.logo_file",
}


def _url(rule, **values) -> str:
    args = {}
    for name, converter in rule._converters.items():
        if name in values:
            args[name] = values[name]
        elif isinstance(converter, IntegerConverter):  # Werkzeug's or chamber.routing's
            args[name] = 1
        else:
            args[name] = "x"
    return rule.build(args, append_unknown=False)[1]


def _rules(app):
    return sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)


def test_every_non_public_endpoint_sends_a_visitor_to_sign_in(app, client):
    token = csrf_token(client)
    checked = 0
    for rule in _rules(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = _url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET":
                response = client.get(url)
            else:
                response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 302, (method, url, response.status_code)
            assert "/login" in response.location, (method, url)
            checked += 1
    assert checked >= 30


def test_public_list_names_only_real_endpoints(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {
        e for e in PUBLIC_ENDPOINTS if e.split(".")[0] in {"portal", "auth", "people"}
    } <= endpoints


@pytest.fixture
def world(make_member, make_committee):
    """Staff, a chair of committee A, a lead of committee B, and a plain member of A."""
    people = {
        "staff": make_member(is_staff=True),
        "lead_a": make_member(),
        "lead_b": make_member(),
        "member": make_member(),
    }
    committees = {
        "a": make_committee(slug="committee-a", chair=people["lead_a"], members=[people["member"]]),
        "b": make_committee(slug="committee-b", lead=people["lead_b"]),
    }
    return people, committees


def _get_as(client, login, person, url):
    login(person)
    return client.get(url).status_code


def _manage_rules(app):
    """Every committee admin page reachable by GET: the lead area of one committee."""
    return [
        rule
        for rule in _rules(app)
        if "GET" in rule.methods
        and "slug" in rule.arguments
        and "/manage" in rule.rule
        and not rule.rule.startswith("/staff/")
    ]


def _staff_rules(app):
    return [
        rule for rule in _rules(app) if "GET" in rule.methods and rule.rule.startswith("/staff/")
    ]


def test_lead_of_another_committee_gets_403_on_every_manage_page(app, client, login, world):
    people, _ = world
    login(people["lead_b"])
    rules = _manage_rules(app)
    assert len(rules) >= 2
    for rule in rules:
        url = _url(rule, slug="committee-a")
        status = client.get(url).status_code
        # Pages that also need an object id load it first: a missing one is a 404.
        expected = {403} if set(rule.arguments) == {"slug"} else {403, 404}
        assert status in expected, (url, status)


def test_plain_member_gets_403_on_every_manage_and_staff_page(app, client, login, world):
    people, _ = world
    login(people["member"])
    for rule in _manage_rules(app):
        url = _url(rule, slug="committee-a")
        expected = {403} if set(rule.arguments) == {"slug"} else {403, 404}
        assert client.get(url).status_code in expected, url
    for rule in _staff_rules(app):
        url = _url(rule)
        expected = {403} if not rule.arguments else {403, 404}
        assert client.get(url).status_code in expected, url


def test_lead_reaches_own_committee_pages_but_no_staff_page(app, client, login, world):
    people, _ = world
    login(people["lead_a"])
    for rule in _manage_rules(app):
        if set(rule.arguments) == {"slug"}:
            url = _url(rule, slug="committee-a")
            assert client.get(url).status_code == 200, url
    for rule in _staff_rules(app):
        url = _url(rule)
        expected = {403} if not rule.arguments else {403, 404}
        assert client.get(url).status_code in expected, url


def test_staff_reach_every_manage_and_staff_page(app, client, login, world):
    people, _ = world
    login(people["staff"])
    for rule in _manage_rules(app):
        if set(rule.arguments) == {"slug"}:
            assert client.get(_url(rule, slug="committee-b")).status_code == 200, rule.rule
    for rule in _staff_rules(app):
        if not rule.arguments:
            assert client.get(_url(rule)).status_code == 200, rule.rule
        elif set(rule.arguments) == {"slug"}:
            assert client.get(_url(rule, slug="committee-a")).status_code == 200, rule.rule


ROLE_TABLE = [
    # (url, staff, lead of A, lead of B, plain member)
    ("/staff/members", 200, 403, 403, 403),
    ("/staff/members/invite", 200, 403, 403, 403),
    ("/staff/members/import", 200, 403, 403, 403),
    ("/staff/businesses", 200, 403, 403, 403),
    ("/staff/businesses/new", 200, 403, 403, 403),
    ("/staff/audit", 200, 403, 403, 403),
    ("/staff/committees/new", 200, 403, 403, 403),
    ("/staff/committees/committee-a/edit", 200, 403, 403, 403),
    ("/committees/committee-a/manage/", 200, 200, 403, 403),
    ("/committees/committee-a/manage/roster", 200, 200, 403, 403),
    ("/committees/committee-b/manage/roster", 200, 403, 200, 403),
    ("/committees/committee-a", 200, 200, 200, 200),
    ("/members", 200, 200, 200, 200),
    ("/dashboard", 200, 200, 200, 200),
]


@pytest.mark.parametrize("url,staff,lead_a,lead_b,member", ROLE_TABLE)
def test_role_by_endpoint_table(client, login, world, url, staff, lead_a, lead_b, member):
    people, _ = world
    for role, expected in (
        ("staff", staff),
        ("lead_a", lead_a),
        ("lead_b", lead_b),
        ("member", member),
    ):
        client.delete_cookie("chamber_session")
        assert _get_as(client, login, people[role], url) == expected, (role, url)


def test_refused_access_is_audited(client, db, login, world):
    import sqlalchemy as sa

    from chamber.audit.models import AuditEntry

    people, _ = world
    login(people["member"])
    client.get("/staff/audit")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "access.refused"))
    assert entry is not None and entry.actor_id == people["member"].id
    assert entry.summary == "GET /staff/audit"


def test_lead_cannot_act_on_another_committees_join_request(client, db, login, world, make_member):
    from chamber.committees.models import JoinRequest

    people, committees = world
    applicant = make_member()
    db.session.add(JoinRequest(committee=committees["a"], member=applicant))
    db.session.commit()
    request_id = db.session.scalar(db.select(JoinRequest.id))
    login(people["lead_b"])
    token = csrf_token(client, "/settings")
    for slug in ("committee-a", "committee-b"):
        response = client.post(
            f"/committees/{slug}/manage/join-requests/{request_id}",
            data={"csrf_token": token, "decision": "approve"},
        )
        assert response.status_code in (403, 404)
    db.session.expire_all()
    assert db.session.get(JoinRequest, request_id).status.value == "pending"


def test_lead_cannot_appoint_even_in_own_committee(client, db, login, world):
    people, _ = world
    login(people["lead_a"])
    response = client.post(
        "/committees/committee-a/manage/appoint",
        data={
            "csrf_token": csrf_token(client, "/settings"),
            "email": people["member"].email,
            "role": "chair",
        },
    )
    assert response.status_code == 403
