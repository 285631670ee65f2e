"""Committees: pages, join requests, appointments, leaving, staff administration."""

import re

import sqlalchemy as sa

from chamber.audit.models import AuditEntry
from chamber.committees.models import Committee, CommitteeMembership, JoinRequest
from tests.concurrency import at_once
from tests.conftest import csrf_token


def _roles(db, committee):
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(CommitteeMembership.member_id, CommitteeMembership.role).where(
            CommitteeMembership.committee_id == committee.id
        )
    )
    return {member_id: role.value for member_id, role in rows}


def test_committee_list_shows_roster_sizes_and_my_role(client, make_member, make_committee, login):
    me = make_member()
    make_committee(name="Community Events", chair=me, members=[make_member(), make_member()])
    make_committee(name="Old Committee", is_archived=True)
    login(me)
    body = client.get("/committees").get_data(as_text=True)
    assert "Community Events" in body and "3 members" in body and "Chair" in body
    assert "Old Committee" not in body


def test_committee_list_query_count_is_flat(
    client, make_member, make_committee, login, count_queries
):
    login(make_member())
    make_committee()
    with count_queries() as few:
        client.get("/committees")
    people = [make_member() for _ in range(20)]
    for _ in range(30):
        make_committee(members=people[:5])
    with count_queries() as many:
        client.get("/committees")
    assert few.count == many.count


def test_committee_page_shows_mission_and_roster_and_unknown_slug_is_404(
    client, make_member, make_committee, login
):
    me = make_member()
    chair = make_member(full_name="Carla Chair")
    make_committee(name="Events", slug="events", mission="Festivals for all.", chair=chair)
    login(me)
    body = client.get("/committees/events").get_data(as_text=True)
    assert "Festivals for all." in body and "Carla Chair" in body and "Ask to join" in body
    assert client.get("/committees/nope").status_code == 404


def test_join_request_is_approved_by_a_lead_and_the_member_is_told(
    app, client, db, make_member, make_committee, login, outbox
):
    chair = make_member(full_name="Carla Chair")
    applicant = make_member(full_name="Rosa Baker")
    committee = make_committee(name="Events", slug="events", chair=chair)
    login(applicant)
    response = client.post(
        "/committees/events/join",
        data={
            "csrf_token": csrf_token(client, "/committees/events"),
            "message": "I bake for fairs.",
        },
    )
    assert response.status_code == 302
    assert "waiting for a lead" in client.get("/committees/events").get_data(as_text=True)
    assert "Rosa Baker asks to join Events." in outbox(chair.email)[0].body

    lead_client = app.test_client()
    lead_client.post(
        "/login",
        data={
            "email": chair.email,
            "password": "correct horse battery staple",
            "csrf_token": csrf_token(lead_client),
        },
    )
    roster = lead_client.get("/committees/events/manage/roster").get_data(as_text=True)
    assert "Rosa Baker" in roster and "I bake for fairs." in roster
    join_request = db.session.scalar(sa.select(JoinRequest))
    response = lead_client.post(
        f"/committees/events/manage/join-requests/{join_request.id}",
        data={"csrf_token": csrf_token(lead_client, "/settings"), "decision": "approve"},
    )
    assert response.status_code == 302
    assert _roles(db, committee)[applicant.id] == "member"
    assert "was approved" in outbox(applicant.email)[-1].body
    assert db.session.scalar(
        sa.select(AuditEntry.action).where(AuditEntry.action == "committee.join_approved")
    )


def test_join_request_decision_happens_once(client, db, make_member, make_committee, login):
    chair = make_member()
    committee = make_committee(chair=chair)
    applicant = make_member()
    db.session.add(JoinRequest(committee=committee, member=applicant))
    db.session.commit()
    join_request = db.session.scalar(sa.select(JoinRequest))
    login(chair)
    url = f"/committees/{committee.slug}/manage/join-requests/{join_request.id}"
    token = csrf_token(client, "/settings")
    client.post(url, data={"csrf_token": token, "decision": "decline"})
    response = client.post(
        url, data={"csrf_token": token, "decision": "approve"}, follow_redirects=True
    )
    assert "already decided" in response.get_data(as_text=True)
    assert applicant.id not in _roles(db, committee)


def test_concurrent_decisions_on_one_join_request_give_one_result(
    app, db, make_member, make_committee
):
    from chamber.committees.services import decide_join_request
    from chamber.exceptions import Conflict
    from chamber.extensions import db as ext_db
    from chamber.members.models import Member

    leads = [make_member() for _ in range(4)]
    committee = make_committee()
    for lead in leads:
        db.session.add(CommitteeMembership(committee=committee, member=lead, role="lead"))
    applicant = make_member()
    db.session.add(JoinRequest(committee=committee, member=applicant))
    db.session.commit()
    request_id = db.session.scalar(sa.select(JoinRequest.id))

    def decide(lead_id, approve):
        def action():
            actor = ext_db.session.get(Member, lead_id)
            decide_join_request(actor, ext_db.session.get(JoinRequest, request_id), approve)

        return action

    actions = [decide(lead.id, i % 2 == 0) for i, lead in enumerate(leads)]
    outcomes = at_once(app, actions, expected=(Conflict,))
    assert outcomes == ["Conflict", "Conflict", "Conflict", "ok"]
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action.like("committee.join_%"))
        )
        == 1
    )


def test_join_request_with_too_long_message_comes_back_with_the_text(
    client, db, make_member, make_committee, login
):
    committee = make_committee(slug="events")
    login(make_member())
    response = client.post(
        "/committees/events/join",
        data={"csrf_token": csrf_token(client, "/committees/events"), "message": "x" * 501},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Field cannot be longer than 500 characters." in body and "x" * 501 in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JoinRequest)) == 0
    assert committee.id


def test_second_join_request_and_members_are_refused(
    client, db, make_member, make_committee, login
):
    me = make_member()
    make_committee(slug="mine", members=[me])
    make_committee(slug="other")
    login(me)
    token = csrf_token(client, "/committees/other")
    assert client.post("/committees/mine/join", data={"csrf_token": token}).status_code == 403
    client.post("/committees/other/join", data={"csrf_token": token})
    response = client.post(
        "/committees/other/join", data={"csrf_token": token}, follow_redirects=True
    )
    assert "already waiting for a lead" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JoinRequest)) == 1


def test_member_leaves_a_committee(client, db, make_member, make_committee, login):
    me = make_member()
    committee = make_committee(slug="events", members=[me])
    login(me)
    response = client.post(
        "/committees/events/leave", data={"csrf_token": csrf_token(client, "/committees/events")}
    )
    assert response.status_code == 302
    assert me.id not in _roles(db, committee)


def test_staff_appoint_co_chairs_and_leads(client, db, make_member, make_committee, login, outbox):
    login(make_member(is_staff=True))
    first = make_member(email="first@example.org", full_name="Fiona First")
    second = make_member(email="second@ex.org", full_name="Sam Second")
    committee = make_committee(slug="events")
    token = csrf_token(client, "/committees/events/manage/roster")
    for member, role in ((first, "chair"), (second, "chair")):
        response = client.post(
            "/committees/events/manage/appoint",
            data={"csrf_token": token, "member": str(member.id), "role": role},
        )
        assert response.status_code == 302
    assert _roles(db, committee) == {first.id: "chair", second.id: "chair"}
    assert "You are now chair of" in outbox("first@example.org")[0].body
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "committee.role_changed").limit(1)
    )
    assert entry.before == {"role": None} and entry.after == {"role": "chair"}


def test_appoint_picks_the_member_by_name_not_e_mail(
    client, db, make_member, make_committee, login
):
    """Issue 11: staff find the member by typing part of a name; each match has its role
    choice and one button."""
    login(make_member(is_staff=True))
    committee = make_committee(slug="events")
    wanted = make_member(full_name="Priya Patel", business_name="Patel Bookkeeping")
    make_member(full_name="Paul Other")
    make_member(full_name="Priya Gone", is_active=False)
    roster = "/committees/events/manage/roster"
    page = client.get(roster).get_data(as_text=True)
    assert 'type="email"' not in page and 'name="q"' in page
    page = client.get(roster + "?q=priya").get_data(as_text=True)
    assert "Priya Patel" in page and "Patel Bookkeeping" in page
    assert "Paul Other" not in page and "Priya Gone" not in page
    assert f'name="member" value="{wanted.id}"' in page
    page = client.get(roster + "?q=bookkeeping").get_data(as_text=True)
    assert "Priya Patel" in page
    response = client.post(
        "/committees/events/manage/appoint",
        data={"csrf_token": csrf_token(client, roster), "member": str(wanted.id), "role": "lead"},
    )
    assert response.status_code == 302
    assert _roles(db, committee) == {wanted.id: "lead"}
    # On the roster now: the search shows the current role and offers to change it.
    page = client.get(roster + "?q=priya").get_data(as_text=True)
    assert "Change role" in page


def test_appoint_without_a_member_comes_back_with_a_message(
    client, db, make_member, make_committee, login
):
    login(make_member(is_staff=True))
    committee = make_committee(slug="events")
    gone = make_member(is_active=False)
    token = csrf_token(client, "/committees/events/manage/roster")
    for member_value, message in (
        ("", "Find the member by name, then appoint."),
        ("999999", "No such member: search again by name."),
        (str(gone.id), "This member is deactivated."),
    ):
        response = client.post(
            "/committees/events/manage/appoint",
            data={"csrf_token": token, "member": member_value, "role": "lead"},
        )
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert _roles(db, committee) == {}


def test_a_committee_name_with_accents_cannot_be_taken_twice(
    client, db, make_member, make_committee, login
):
    """SQLite's lower() leaves letters outside ASCII as they are: the same name typed again
    (found by the form fuzzer) must be refused by the check, not by the database's unique
    constraint as a 500."""
    login(make_member(is_staff=True))
    make_committee(name="Événements", slug="evenements")
    for number, name in enumerate(("Événements", "événements")):
        token = csrf_token(client, "/staff/committees/new")
        page = re.search(
            r'name="form_token"[^>]*value="([^"]+)"',
            client.get("/staff/committees/new").get_data(as_text=True),
        )
        data = {"csrf_token": token, "name": name, "slug": f"other-{number}"}
        if page:
            data["form_token"] = page.group(1)
        response = client.post("/staff/committees/new", data=data)
        assert response.status_code == 400, name
        assert "Another committee already has this name." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Committee)) == 1


def test_staff_create_committee_validates_and_refuses_duplicates(
    client, db, make_member, make_committee, login
):
    login(make_member(is_staff=True))
    make_committee(name="Events", slug="events")
    token = csrf_token(client, "/staff/committees/new")
    response = client.post(
        "/staff/committees/new",
        data={"csrf_token": token, "name": "EVENTS", "mission": "Typed mission"},
    )
    body = response.get_data(as_text=True)
    assert "already has this name" in body and 'value="Typed mission"' in body
    response = client.post(
        "/staff/committees/new",
        data={"csrf_token": token, "name": "Green Team", "slug": "Bad Slug!"},
    )
    assert "Use lower-case letters" in response.get_data(as_text=True)
    response = client.post(
        "/staff/committees/new",
        data={"csrf_token": token, "name": "Green Team", "mission": "Plant trees"},
    )
    assert response.status_code == 302
    assert (
        db.session.scalar(sa.select(Committee.slug).where(Committee.name == "Green Team"))
        == "green-team"
    )


def test_staff_archive_hides_the_committee_and_stops_joining(
    client, db, make_member, make_committee, login
):
    login(make_member(is_staff=True))
    committee = make_committee(name="Events", slug="events")
    client.post(
        "/staff/committees/events/archive",
        data={"csrf_token": csrf_token(client, "/committees/events"), "archived": "1"},
    )
    db.session.expire_all()
    assert db.session.get(Committee, committee.id).is_archived
    assert 'href="/committees/events"' not in client.get("/committees").get_data(as_text=True)
    assert 'href="/committees/events"' in client.get("/committees?archived=1").get_data(
        as_text=True
    )


def test_stale_committee_edit_is_refused(client, db, make_member, make_committee, login):
    login(make_member(is_staff=True))
    committee = make_committee(name="Events", slug="events")
    token = csrf_token(client, "/staff/committees/events/edit")
    form = {"csrf_token": token, "slug": "events", "version_id": "1"}
    client.post("/staff/committees/events/edit", data=form | {"name": "First Name"})
    response = client.post("/staff/committees/events/edit", data=form | {"name": "Second Name"})
    assert "changed by someone else" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Committee, committee.id).name == "First Name"


def test_roster_page_query_count_is_flat(
    client, make_member, make_committee, login, count_queries, db
):
    chair = make_member()
    committee = make_committee(slug="events", chair=chair)
    login(chair)
    with count_queries() as few:
        client.get("/committees/events/manage/roster")
    for _ in range(200):
        db.session.add(CommitteeMembership(committee_id=committee.id, member_id=make_member().id))
    db.session.commit()
    with count_queries() as many:
        body = client.get("/committees/events/manage/roster").get_data(as_text=True)
    assert "(201)" in body
    assert few.count == many.count


def test_appoint_search_statements_do_not_grow_with_matches(
    client, make_member, make_committee, login, count_queries
):
    login(make_member(is_staff=True))
    make_committee(slug="events")
    roster = "/committees/events/manage/roster"

    def statements(text: str) -> int:
        client.get(roster + f"?q={text}")
        with count_queries() as counted:
            assert client.get(roster + f"?q={text}").status_code == 200
        return counted.count

    for n in range(2):
        make_member(full_name=f"Alpha {n}")
    for n in range(20):
        make_member(full_name=f"Beta {n}")
    assert statements("alpha") == statements("beta")
