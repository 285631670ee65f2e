"""Fixtures for the sign-in tests."""

import time

import pytest


@pytest.fixture
def clock(monkeypatch):
    """The server's clock (sessions, signed cookies, rate-limit windows), moved forward with
    clock.advance(seconds). The test browser keeps its cookies whatever the time: only the
    server can refuse them."""

    class Clock:
        offset = 0.0

        def advance(self, seconds: float) -> None:
            self.offset += seconds

    moved = Clock()
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + moved.offset)
    return moved
