"""Many writers at once: WAL, a busy timeout and write transactions that take the lock at
BEGIN mean no "database is locked" and no lost write (SECURITY row 21)."""

import threading

import sqlalchemy as sa

from chamber.extensions import db as ext_db
from chamber.members.models import Member
from chamber.notifications.models import Notification

WRITERS, WRITES = 16, 25


def test_sixteen_writers_lose_nothing(app, db, make_member):
    member_id = make_member().id
    db.session.commit()  # the test holds no transaction while the writers run
    errors: list[Exception] = []
    start = threading.Barrier(WRITERS)

    def writer(number: int) -> None:
        with app.app_context():
            start.wait()
            for write in range(WRITES):
                try:
                    # Read, then write in the same transaction: the pattern that fails with
                    # "database is locked" under SQLite's default deferred transactions.
                    ext_db.session.get(Member, member_id)
                    ext_db.session.add(
                        Notification(member_id=member_id, kind="load", message=f"{number}-{write}")
                    )
                    ext_db.session.commit()
                except Exception as error:  # collected and asserted below
                    ext_db.session.rollback()
                    errors.append(error)
            ext_db.session.remove()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.commit()
    assert errors == []
    stored = db.session.scalars(sa.select(Notification.message)).all()
    assert len(stored) == len(set(stored)) == WRITERS * WRITES
