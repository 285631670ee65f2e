"""The member picker of "give a referral" and "log a one-to-one": colleagues first, a search
that takes any text literally, capped lists, never yourself or inactive members."""

from __future__ import annotations

import re

import pytest

from chamber.committees.models import CommitteeMembership
from chamber.committees.picker import PICK_COLLEAGUES, PICK_MATCHES
from chamber.extensions import db
from chamber.members.models import Member

PICKERS = ["/referrals/new", "/one-to-ones/new"]


def _picked_ids(path: str, body: str) -> list[int]:
    """The members the page offers, as the ids of its continue links."""
    return [int(found) for found in re.findall(rf'href="{re.escape(path)}\?to=(\d+)"', body)]


def _bulk_members(n: int, prefix: str = "Bulk", committee=None, **fields) -> list[Member]:
    members = [
        Member(
            email=f"{prefix.lower()}{i}-{id(fields)}@example.org",
            full_name=f"{prefix} Person {i:03d}",
            business_name=f"{prefix} Business {i:03d}",
            **fields,
        )
        for i in range(n)
    ]
    db.session.add_all(members)
    db.session.flush()
    if committee is not None:
        db.session.add_all(
            CommitteeMembership(committee_id=committee.id, member_id=m.id) for m in members
        )
    db.session.commit()
    return members


@pytest.fixture
def me(make_member, login):
    member = make_member(full_name="Mona Me", business_name="Me Marketing")
    login(member)
    return member


@pytest.mark.parametrize("path", PICKERS)
def test_search_finds_members_by_name_or_business_in_any_case(client, me, make_member, path):
    rosa = make_member(full_name="Rosa Baker", business_name="Rosa's Bread")
    tom = make_member(full_name="Tom Smith", business_name="Smith Plumbing")
    for term, found in (("rosa", rosa), ("BREAD", rosa), ("plumb", tom), ("sMiTh", tom)):
        body = client.get(path, query_string={"q": term}).get_data(as_text=True)
        assert _picked_ids(path, body) == [found.id], term
    body = client.get(path, query_string={"q": "nobody like this"}).get_data(as_text=True)
    assert "No active member matches" in body and _picked_ids(path, body) == []


@pytest.mark.parametrize("path", PICKERS)
def test_search_takes_wildcards_and_sql_as_text(client, me, make_member, path):
    percent = make_member(full_name="Percent Person", business_name="100% Organic")
    make_member(full_name="Plain Person", business_name="Plain Goods")
    underscore = make_member(full_name="Under_Score", business_name="Lines")
    quote = make_member(full_name="Pat O'Brien", business_name="O'Brien Pubs")
    for term, expected in (
        ("%", [percent.id]),
        ("_", [underscore.id]),
        ("' OR 1=1 --", []),
        ("' OR '1'='1", []),
        ("o'brien", [quote.id]),
        ("\\", []),
    ):
        response = client.get(path, query_string={"q": term})
        assert response.status_code == 200, term
        assert _picked_ids(path, response.get_data(as_text=True)) == expected, term


@pytest.mark.parametrize("path", PICKERS)
def test_search_never_lists_yourself_or_inactive_members(client, me, make_member, path):
    active = make_member(full_name="Mona Other", business_name="Other Me Marketing")
    make_member(full_name="Mona Gone", business_name="Me Gone", is_active=False)
    body = client.get(path, query_string={"q": "mona"}).get_data(as_text=True)
    assert _picked_ids(path, body) == [active.id]
    assert "Mona Gone" not in body


@pytest.mark.parametrize("path", PICKERS)
def test_search_results_and_colleagues_are_capped(client, me, make_committee, path):
    committee = make_committee(members=[me])
    _bulk_members(PICK_COLLEAGUES + 5, prefix="Colleague", committee=committee)
    _bulk_members(PICK_MATCHES + 15, prefix="Smith")
    body = client.get(path).get_data(as_text=True)
    assert len(_picked_ids(path, body)) == PICK_COLLEAGUES
    assert "search to find the others" in body
    assert "Smith Person" not in body  # members who are not colleagues wait for a search
    body = client.get(path, query_string={"q": "smith"}).get_data(as_text=True)
    matches = body.split("People you serve with")[0]
    assert len(_picked_ids(path, matches)) == PICK_MATCHES
    assert "type more of the name" in body
    assert "Smith Person 000" in matches and f"Smith Person {PICK_MATCHES:03d}" not in matches


@pytest.mark.parametrize("path", PICKERS)
def test_colleagues_come_first_and_archived_committees_do_not_count(
    client, me, make_member, make_committee, path
):
    colleague = make_member(full_name="Cleo Colleague", business_name="Cleo Cakes")
    former = make_member(full_name="Fred Former")
    make_member(full_name="Sid Stranger")
    make_committee(members=[me, colleague])
    make_committee(members=[me, former], is_archived=True)
    body = client.get(path).get_data(as_text=True)
    assert _picked_ids(path, body) == [colleague.id]
    assert "Cleo Colleague — Cleo Cakes" in body and "Mona Me —" not in body


@pytest.mark.parametrize("path", PICKERS)
def test_picking_continues_to_the_form_with_the_member_kept_hidden(client, me, make_member, path):
    rosa = make_member(full_name="Rosa Baker", business_name="Rosa's Bread")
    body = client.get(path, query_string={"to": rosa.id}).get_data(as_text=True)
    assert re.search(rf'type="hidden" value="{rosa.id}"', body)
    assert "Rosa Baker" in body and f'href="{path}">change</a>' in body
    assert not re.search(r'<option value="\d+"', body)  # no list of members on the form


@pytest.mark.parametrize("path", PICKERS)
@pytest.mark.parametrize("to", ["abc", "0", "-3", "²", "99999999999999999999", ""])
def test_a_bad_choice_in_the_address_goes_back_to_the_pick_step(client, me, path, to):
    response = client.get(path, query_string={"to": to})
    assert response.status_code == 200
    assert 'name="q"' in response.get_data(as_text=True)


@pytest.mark.parametrize("path", PICKERS)
def test_pick_page_query_count_does_not_grow_with_the_chamber(
    client, me, make_committee, count_queries, path
):
    committee = make_committee(members=[me])

    def counted() -> tuple[int, int]:
        with count_queries() as plain:
            assert client.get(path).status_code == 200
        with count_queries() as searched:
            assert client.get(path, query_string={"q": "person"}).status_code == 200
        return plain.count, searched.count

    _bulk_members(1, prefix="Small", committee=committee)
    _bulk_members(1, prefix="Other")
    small = counted()
    _bulk_members(99, prefix="Large", committee=committee)
    _bulk_members(99, prefix="Wide")
    assert counted() == small
