"""Running one action in several threads at the same moment, each like its own request."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from chamber.extensions import db


def at_once(
    app, actions: Sequence[Callable[[], object]], *, expected: tuple[type[Exception], ...] = ()
) -> list[str]:
    """Start every action together, each in its own thread, app context and database session,
    and commit what it did. Returns the sorted outcomes: "ok", the class name of an `expected`
    exception (its transaction rolled back), or the repr of anything else.

    The test's own session commits first, so it holds no transaction (nor SQLite's write
    lock) while the threads run, and again after, so it then reads what they committed.
    """
    db.session.commit()
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(actions))

    def run(action: Callable[[], object]) -> None:
        with app.app_context():
            barrier.wait(timeout=30)  # before any query: on SQLite a write takes the lock
            try:
                action()
                db.session.commit()
                outcome = "ok"
            except expected as error:
                db.session.rollback()
                outcome = type(error).__name__
            except Exception as error:  # noqa: BLE001 - reported to the test as an outcome
                db.session.rollback()
                outcome = repr(error)
            finally:
                db.session.remove()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.commit()
    return sorted(outcomes)
