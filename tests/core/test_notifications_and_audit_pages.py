"""The notifications page and the staff audit log: contents, access, flat query counts."""

import sqlalchemy as sa

from chamber.audit.services import record_audit
from chamber.notifications.models import Notification
from chamber.notifications.services import notify
from tests.conftest import csrf_token


def test_notifications_show_unread_count_and_can_be_marked_read(client, db, make_member, login):
    me = make_member()
    notify(me, "role_changed", "You are now lead of Events.", "/committees")
    notify(me, "join_decided", "Your request to join Green Team was approved.")
    db.session.commit()
    login(me)
    page = client.get("/notifications").get_data(as_text=True)
    assert "You are now lead of Events." in page and "Green Team was approved" in page
    assert 'aria-label="2 unread"' in page
    client.post("/notifications/read", data={"csrf_token": csrf_token(client, "/settings")})
    assert 'unread"' not in client.get("/dashboard").get_data(as_text=True).split("</nav>")[0]
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.read_at.is_(None))
        )
        == 0
    )


def test_muted_kind_sends_no_email_but_still_notifies(db, make_member, outbox):
    from chamber.notifications.services import set_email_preferences

    me = make_member()
    set_email_preferences(me, {"role_changed"})
    notify(me, "role_changed", "You are now lead of Events.")
    notify(me, "join_decided", "Approved.")
    db.session.commit()
    assert [m.subject for m in outbox(me.email)] == ["Approved."]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 2


def test_notifications_query_count_is_flat(client, db, make_member, login, count_queries):
    me = make_member()
    login(me)
    notify(me, "role_changed", "One")
    db.session.commit()
    with count_queries() as few:
        client.get("/notifications")
    for n in range(200):
        notify(me, "role_changed", f"Message {n}")
    db.session.commit()
    with count_queries() as many:
        client.get("/notifications")
    assert few.count == many.count


def test_audit_log_lists_entries_with_actor_and_filter(client, db, make_member, login):
    staff = make_member(is_staff=True, full_name="Diane Director")
    target = make_member(full_name="Rosa Baker")
    record_audit(
        staff,
        "member.deactivated",
        target,
        summary="Rosa Baker",
        before={"is_active": True},
        after={"is_active": False},
    )
    db.session.commit()
    login(staff)
    page = client.get("/staff/audit").get_data(as_text=True)
    assert "member.deactivated" in page and "Diane Director" in page and "Rosa Baker" in page
    assert "auth.sign_in" in page  # the sign-in just now
    filtered = client.get("/staff/audit?action=member.").get_data(as_text=True)
    assert "member.deactivated" in filtered and "<code>auth.sign_in</code>" not in filtered


def test_audit_log_query_count_is_flat(client, db, make_member, login, count_queries):
    staff = make_member(is_staff=True)
    login(staff)
    with count_queries() as few:
        client.get("/staff/audit")
    actors = [make_member() for _ in range(20)]
    for n in range(200):
        record_audit(actors[n % 20], "member.edited", staff, summary=f"edit {n}")
    db.session.commit()
    with count_queries() as many:
        client.get("/staff/audit")
    assert few.count == many.count


def test_audit_never_stores_passwords_or_tokens(db, make_member):
    staff = make_member(is_staff=True)
    entry = record_audit(
        staff,
        "member.edited",
        staff,
        before={"password": "hunter2", "session_token": "abc", "name": "A"},
        after={"password_hash": "x", "token": "t", "name": "B"},
    )
    db.session.commit()
    assert entry.before == {"name": "A"} and entry.after == {"name": "B"}
