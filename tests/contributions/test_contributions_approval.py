"""The approval queue: one decision per contribution, never one's own, members notified."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
import sqlalchemy as sa

from chamber import activity
from chamber.audit.models import AuditEntry
from chamber.contributions import services
from chamber.contributions.models import Contribution, ContributionStatus
from chamber.exceptions import Conflict
from chamber.notifications.models import Notification


@pytest.fixture
def committee_with_lead(make_member, make_committee):
    lead, worker = make_member(), make_member(email="worker@example.org")
    committee = make_committee(lead=lead, members=[worker])
    return committee, lead, worker


def _queue(committee) -> str:
    return f"/committees/{committee.slug}/manage/approvals"


def test_lead_approves_member_is_notified(
    committee_with_lead, make_contribution, login, post, outbox, db
):
    committee, lead, worker = committee_with_lead
    contribution = make_contribution(worker, committee)
    received = []

    def receiver(sender, **kw):
        received.append(kw)

    login(lead)
    with activity.contribution_decided.connected_to(receiver):
        response = post(
            _queue(committee),
            {"decision": f"approve-{contribution.id}", "note": "Great work"},
            form_page=_queue(committee),
            follow_redirects=True,
        )
    assert "1 contribution approved" in response.get_data(as_text=True)
    db.session.refresh(contribution)
    assert contribution.status is ContributionStatus.APPROVED
    assert contribution.reviewer_id == lead.id and contribution.reviewed_at is not None
    assert [kw["contribution"].id for kw in received] == [contribution.id]
    mails = outbox("worker@example.org")
    assert len(mails) == 1 and "approved" in mails[0].subject
    assert "Great work" in mails[0].body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 1
    audit = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.action.like("contribution.%"))
    ).all()
    assert audit == ["contribution.approved"]


def test_reject_needs_a_note(committee_with_lead, make_contribution, login, post, db):
    committee, lead, worker = committee_with_lead
    contribution = make_contribution(worker, committee)
    login(lead)
    response = post(
        _queue(committee),
        {"decision": "reject", "contribution_ids": str(contribution.id), "note": ""},
        form_page=_queue(committee),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Tell the members why" in page
    assert f'id="c-{contribution.id}" checked' in page  # the ticks are kept
    db.session.refresh(contribution)
    assert contribution.status is ContributionStatus.PENDING


def test_reject_with_note_tells_the_member(
    committee_with_lead, make_contribution, login, post, outbox, db
):
    committee, lead, worker = committee_with_lead
    contribution = make_contribution(worker, committee)
    login(lead)
    post(
        _queue(committee),
        {"decision": f"reject-{contribution.id}", "note": "Log it on the shift instead"},
        form_page=_queue(committee),
    )
    db.session.refresh(contribution)
    assert contribution.status is ContributionStatus.REJECTED
    assert "Log it on the shift instead" in outbox("worker@example.org")[0].body


def test_lead_cannot_approve_own_contribution(
    committee_with_lead, make_contribution, login, post, db
):
    committee, lead, _worker = committee_with_lead
    own = make_contribution(lead, committee)
    login(lead)
    page = client_page = post(
        _queue(committee),
        {"decision": f"approve-{own.id}"},
        form_page=_queue(committee),
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Another lead or staff decides on your own contribution" in client_page
    assert "Yours: another lead decides" in page
    db.session.refresh(own)
    assert own.status is ContributionStatus.PENDING
    with pytest.raises(Exception, match="your own contribution"):
        services.decide_contribution(lead, own, True)


def test_another_lead_approves_a_leads_contribution(
    committee_with_lead, make_member, make_contribution, db
):
    committee, lead, _worker = committee_with_lead
    staff = make_member(is_staff=True)
    own = make_contribution(lead, committee)
    services.decide_contribution(staff, own, True)
    db.session.commit()
    assert own.status is ContributionStatus.APPROVED


def test_batch_approval_decides_many_and_skips_decided(
    committee_with_lead, make_member, make_contribution, login, post, db
):
    committee, lead, worker = committee_with_lead
    waiting = [make_contribution(worker, committee, hours=Decimal("1")) for _ in range(3)]
    done = make_contribution(worker, committee, status=ContributionStatus.REJECTED)
    login(lead)
    response = post(
        _queue(committee),
        {
            "decision": "approve",
            "contribution_ids": [str(c.id) for c in [*waiting, done]],
            "note": "",
        },
        form_page=_queue(committee),
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "3 contributions approved (3 h)" in page
    assert "already decided" in page
    statuses = db.session.scalars(sa.select(Contribution.status).order_by(Contribution.id)).all()
    assert statuses == [ContributionStatus.APPROVED] * 3 + [ContributionStatus.REJECTED]


def test_contribution_of_another_committee_cannot_be_decided_here(
    committee_with_lead, make_committee, make_member, make_contribution, login, post, db
):
    committee, lead, _worker = committee_with_lead
    stranger = make_member()
    other = make_committee(members=[stranger])
    foreign = make_contribution(stranger, other)
    login(lead)
    post(
        _queue(committee),
        {"decision": f"approve-{foreign.id}"},
        form_page=_queue(committee),
    )
    db.session.refresh(foreign)
    assert foreign.status is ContributionStatus.PENDING


def test_concurrent_decisions_one_wins(
    app, committee_with_lead, make_member, make_contribution, db
):
    """N leads decide one contribution at the same moment, each in its own connection."""
    committee, lead, worker = committee_with_lead
    leads = [lead] + [make_member(is_staff=True) for _ in range(5)]
    contribution_id = make_contribution(worker, committee).id
    lead_ids = [m.id for m in leads]
    db.session.commit()
    db.session.remove()  # the test's own session holds no lock while the threads run
    barrier = threading.Barrier(len(lead_ids))
    outcomes: list[str] = []

    def decide(actor_id: int, approve: bool) -> None:
        from chamber.extensions import db as ext_db
        from chamber.members.models import Member

        with app.app_context():
            try:
                barrier.wait(timeout=10)
                actor = ext_db.session.get(Member, actor_id)
                contribution = ext_db.session.get(Contribution, contribution_id)
                services.decide_contribution(actor, contribution, approve, "race")
                ext_db.session.commit()
                outcomes.append("won")
            except Conflict:
                ext_db.session.rollback()
                outcomes.append("already decided")
            finally:
                ext_db.session.remove()

    threads = [
        threading.Thread(target=decide, args=(actor_id, i % 2 == 0))
        for i, actor_id in enumerate(lead_ids)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["already decided"] * (len(lead_ids) - 1) + ["won"]
    audit = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.action.like("contribution.%"))
    ).all()
    assert len(audit) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 1


def test_queue_query_count_does_not_grow(
    committee_with_lead, make_member, make_contribution, login, client, count_queries, db
):
    committee, lead, worker = committee_with_lead
    login(lead)
    for _ in range(2):
        make_contribution(worker, committee)
    client.get(_queue(committee))
    with count_queries() as small:
        assert client.get(_queue(committee)).status_code == 200
    others = [make_member() for _ in range(20)]
    for i in range(198):
        make_contribution(others[i % 20], committee)
    with count_queries() as large:
        page = client.get(_queue(committee)).get_data(as_text=True)
    assert page.count('name="contribution_ids"') == 100  # first page of the queue
    assert large.count == small.count, large.statements
