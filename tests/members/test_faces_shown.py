"""Faces and logos shown (issue 11): a member's photo on their profile and directory card, a
business's logo on its page and in the public directory; initials otherwise, hidden from
screen readers (the name is written beside them). No statement per card."""

from __future__ import annotations

import re

from chamber.extensions import db


def _with_photo(member, digest: str = "abc123"):
    member.photo_digest = digest
    db.session.commit()
    return member


def _with_logo(business, digest: str = "def456"):
    business.logo_digest = digest
    db.session.commit()
    return business


def test_profile_shows_the_members_photo(client, make_member, login):
    ann = _with_photo(make_member(full_name="Ann Baker"))
    login(make_member())
    body = client.get(f"/members/{ann.id}").get_data(as_text=True)
    assert re.search(
        rf'<img class="avatar avatar-large" src="/members/{ann.id}/photo\?v=abc123"', body
    )


def test_profile_without_photo_shows_initials_hidden_from_screen_readers(
    client, make_member, login
):
    ann = make_member(full_name="Ann Marie Baker")
    login(make_member())
    body = client.get(f"/members/{ann.id}").get_data(as_text=True)
    assert 'aria-hidden="true">AB</span>' in body
    assert f"/members/{ann.id}/photo" not in body


def test_directory_cards_show_photos_or_initials(client, make_member, login):
    login(make_member(full_name="Zed Viewer"))
    ann = _with_photo(make_member(full_name="Ann Baker"))
    make_member(full_name="Carl Diaz")
    body = client.get("/members").get_data(as_text=True)
    assert f'src="/members/{ann.id}/photo?v=abc123" alt=""' in body
    assert 'aria-hidden="true">CD</span>' in body


def test_business_page_shows_its_logo_with_its_name_as_alt(client, make_member, login):
    owner = make_member(business_name="Rosa's Bread")
    _with_logo(owner.business)
    login(make_member())
    body = client.get(f"/members/businesses/{owner.business.id}").get_data(as_text=True)
    assert f'src="/businesses/{owner.business.id}/logo?v=def456"' in body
    assert 'alt="Rosa&#39;s Bread logo"' in body


def test_public_directory_and_page_show_logos_or_initials(client, make_business):
    bread = _with_logo(make_business(name="Rosa Bread", is_listed=True))
    make_business(name="Smith Plumbing", is_listed=True)
    body = client.get("/businesses").get_data(as_text=True)
    assert f'src="/businesses/{bread.id}/logo?v=def456" alt=""' in body
    assert 'aria-hidden="true">SP</span>' in body
    page = client.get(f"/businesses/{bread.id}").get_data(as_text=True)
    assert f'src="/businesses/{bread.id}/logo?v=def456" alt="Rosa Bread logo"' in page


def test_directory_faces_add_no_statement_per_card(
    client, make_business, make_member, login, count_queries
):
    login(_with_photo(make_member()))
    _with_photo(make_member())
    with count_queries() as few:
        assert client.get("/members").status_code == 200
    for n in range(18):
        _with_photo(make_member()) if n % 2 else make_member()
    with count_queries() as many:
        body = client.get("/members").get_data(as_text=True)
    assert few.count == many.count
    assert body.count("/photo?v=abc123") == 11  # the two first and 9 of the 18


def test_public_directory_logos_add_no_statement_per_card(client, make_business, count_queries):
    _with_logo(make_business(is_listed=True))
    make_business(is_listed=True)
    with count_queries() as few:
        assert client.get("/businesses").status_code == 200
    for n in range(18):
        business = make_business(is_listed=True)
        if n % 2:
            _with_logo(business)
    with count_queries() as many:
        body = client.get("/businesses").get_data(as_text=True)
    assert few.count == many.count
    assert body.count("/logo?v=def456") == 10  # the first and 9 of the 18
