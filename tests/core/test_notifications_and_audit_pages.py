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


def test_audit_log_reads_in_plain_words_and_money(client, db, make_member, login):
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
    record_audit(
        staff,
        "referral.corrected",
        target,
        before={"closed_value_cents": 245050},
        after={"closed_value_cents": 254050},
    )
    db.session.commit()
    login(staff)
    page = client.get("/staff/audit").get_data(as_text=True)
    assert "Member deactivated" in page and "Diane Director" in page and "Rosa Baker" in page
    assert "Is active</strong>: yes → no" in page
    assert "Corrected a referral" in page
    assert "Closed value</strong>: $2,450.50 → $2,540.50" in page
    assert "Signed in" in page  # the sign-in just now
    assert "<strong>member.deactivated" not in page and "245050" not in page  # words, dollars


def test_audit_log_filters_by_action_actor_target_and_date(client, db, make_member, login):
    staff = make_member(is_staff=True, full_name="Diane Director")
    lead = make_member(full_name="Lena Lead", email="lena@example.org")
    target = make_member(full_name="Rosa Baker")
    record_audit(lead, "member.edited", target, summary="by the lead")
    record_audit(staff, "member.deactivated", target, summary="by staff")
    db.session.commit()
    login(staff)

    def rows(query: str) -> str:
        response = client.get("/staff/audit?" + query)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    only = rows("action=member.deactivated")
    assert "by staff" in only and "by the lead" not in only
    by_actor = rows("actor=LENA%40example")
    assert "by the lead" in by_actor and "by staff" not in by_actor
    assert "by the lead" in rows("target_type=member")
    assert "by staff" not in rows("last=2001-01-01")
    assert "by staff" in rows("first=2001-01-01")
    # Bad filters are a message by the field, not a 500; SQL-looking text is just text.
    bad = rows("first=9999-01-01&actor=%27+OR+1%3D1+--")
    assert "Enter a date between" in bad and "Nothing recorded matches" in bad


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
