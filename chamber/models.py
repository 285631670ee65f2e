"""Every feature's models, listed explicitly so Alembic and the test schema see them all."""

from chamber.audit.models import AuditEntry
from chamber.committees.models import Committee, CommitteeMembership, JoinRequest
from chamber.mail.models import OutboxMessage
from chamber.members.models import Member
from chamber.notifications.models import EmailPreference, Notification

__all__ = [
    "AuditEntry",
    "Committee",
    "CommitteeMembership",
    "EmailPreference",
    "JoinRequest",
    "Member",
    "Notification",
    "OutboxMessage",
]
