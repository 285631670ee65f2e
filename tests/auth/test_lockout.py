"""No one can lock an account (issue 12 finding 3, SECURITY rows 1 and 29): failures are
counted per account and per address with progressive back-off, and a browser that signed in
to the account before (a signed device cookie) has its own counter, past the account's."""

import pytest

from tests.conftest import TEST_PASSWORD, csrf_token

DEVICE = "chamber_device"


def _browser(app, address):
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def _sign_in(browser, email, password=TEST_PASSWORD):
    return browser.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(browser)},
    ).status_code


def _owner_browser(app, owner):
    """The owner's own browser: it signed in once (and out again) and keeps its device
    cookie."""
    browser = _browser(app, "192.0.2.10")
    assert _sign_in(browser, owner.email) == 302
    assert browser.get_cookie(DEVICE) is not None
    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/settings")})
    assert browser.get_cookie(DEVICE) is not None  # signing out does not forget the device
    return browser


def _attack(app, email, attempts=21):
    """Wrong passwords for one account from a few addresses (within each address's limit)."""
    answers = [
        _sign_in(_browser(app, f"203.0.113.{n % 3}"), email, "guess-" + str(n))
        for n in range(attempts)
    ]
    assert set(answers) <= {200, 429} and 429 in answers
    return answers


def test_attackers_cannot_lock_the_owner_out(app, make_member):
    owner = make_member()
    own_browser = _owner_browser(app, owner)
    _attack(app, owner.email)
    assert _sign_in(own_browser, owner.email) == 302  # the owner's browser gets in
    # A browser that never signed in to this account waits like the attackers do.
    assert _sign_in(_browser(app, "198.51.100.20"), owner.email) == 429


def test_a_device_cookie_vouches_only_for_its_own_account(app, make_member):
    owner, other = make_member(), make_member()
    own_browser = _owner_browser(app, owner)
    _attack(app, other.email)
    assert _sign_in(own_browser, other.email) == 429


def test_a_forged_device_cookie_is_not_trusted(app, make_member):
    owner = make_member()
    own_browser = _owner_browser(app, owner)
    genuine = own_browser.get_cookie(DEVICE).value
    forger = _browser(app, "198.51.100.30")
    forger.set_cookie(DEVICE, genuine[:-3] + ("AAA" if not genuine.endswith("AAA") else "BBB"))
    _attack(app, owner.email)
    assert _sign_in(forger, owner.email) == 429


def test_a_trusted_device_is_slowed_too(app, make_member):
    """Someone holding the owner's device cookie still gets only a few guesses."""
    owner = make_member()
    own_browser = _owner_browser(app, owner)
    answers = [_sign_in(own_browser, owner.email, f"guess-{n}") for n in range(6)]
    assert answers == [200] * 5 + [429]


@pytest.mark.parametrize("accounts", [21])
def test_one_address_trying_many_accounts_is_slowed(app, make_member, clock, accounts):
    """Password spraying: one wrong password for each of many accounts from one address. No
    account reaches its own limit, but the address does (20 failures in ten minutes)."""
    emails = [make_member().email for _ in range(accounts)]
    sprayer = _browser(app, "203.0.113.99")
    answers = []
    for number, email in enumerate(emails):
        if number and number % 10 == 0:
            clock.advance(61)  # stay within ten sign-in posts a minute
        answers.append(_sign_in(sprayer, email, "Summer2026!"))
    assert answers == [200] * 20 + [429]
    # The owner of a fresh account, from another address, is not affected.
    assert _sign_in(_browser(app, "198.51.100.40"), emails[-1]) == 302
