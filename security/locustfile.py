"""Locust users for `security/load.py` (issue 12, "Load"): members who sign in from their own
address and browse the pages they use.

The accounts come from LOAD_ACCOUNTS (a file of e-mail addresses, one a line, written by
load.py); every demo account's password is the documented demo password. Each simulated user
sends its own X-Forwarded-For address (the server runs with TRUSTED_PROXIES=1, as behind one
proxy), so the per-address sign-in limits see thirty different clients, as in real life.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import threading
from pathlib import Path

from locust import HttpUser, between, task

PASSWORD = "chamber-demo"  # the documented password of the demo accounts
_ACCOUNTS = Path(os.environ.get("LOAD_ACCOUNTS", "/dev/null")).read_text().split()
_NEXT = itertools.count()
_LOCK = threading.Lock()
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_PROFILE = re.compile(r'href="/members/(\d+)"')


class SignedInMember(HttpUser):
    """A member on their own address: signs in once, then opens their pages."""

    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        with _LOCK:
            number = next(_NEXT)
        self.email = _ACCOUNTS[number % len(_ACCOUNTS)]
        self.client.headers["X-Forwarded-For"] = f"198.51.{number // 250}.{number % 250 + 1}"
        self.profiles: list[str] = []
        page = self.client.get("/login", name="/login")
        token = _CSRF.search(page.text)
        with self.client.post(
            "/login",
            data={"email": self.email, "password": PASSWORD, "csrf_token": token.group(1)},
            name="/login (post)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")

    @task(4)
    def dashboard(self) -> None:
        self.client.get("/dashboard")

    @task(2)
    def directory_search(self) -> None:
        page = self.client.get(f"/members?q={random.choice('aeimorst')}", name="/members?q=")
        self.profiles = _PROFILE.findall(page.text)[:20] or self.profiles

    @task(2)
    def profile(self) -> None:
        if self.profiles:
            self.client.get(f"/members/{random.choice(self.profiles)}", name="/members/<id>")

    @task(1)
    def network(self) -> None:
        self.client.get("/network")

    @task(1)
    def referrals(self) -> None:
        self.client.get("/referrals")

    @task(1)
    def work(self) -> None:
        self.client.get("/work")

    @task(1)
    def meetings(self) -> None:
        self.client.get("/meetings")
