"""Every feature's models, listed explicitly so Alembic and the test schema see them all."""

from chamber.audit.models import AuditEntry
from chamber.auth.models import PasswordResetLink, RecoveryCode, TwoFactor
from chamber.committees.models import Committee, CommitteeMembership, JoinRequest
from chamber.contributions.models import Contribution
from chamber.mail.models import OutboxMessage
from chamber.meetings.models import Attendance, CalendarFeed, Meeting, Rsvp
from chamber.members.models import Affiliation, Business, BusinessStatusChange, Member
from chamber.notifications.models import EmailPreference, Notification
from chamber.once import FormSubmission
from chamber.one_to_ones.models import OneToOne
from chamber.pagecache import PageDataVersion
from chamber.projects.models import Project, Shift, ShiftSignup
from chamber.referrals.models import Referral, ReferralEvent
from chamber.relationships.models import (
    Introduction,
    NetworkSnapshot,
    RelationshipState,
    Tie,
    TieBacklog,
    TieEntry,
)
from chamber.reports.models import EngagementThresholds
from chamber.reports.origins import ReferralOrigin
from chamber.reports.reach import CommitteeReach

__all__ = [
    "Affiliation",
    "Attendance",
    "AuditEntry",
    "Business",
    "BusinessStatusChange",
    "CalendarFeed",
    "Committee",
    "CommitteeMembership",
    "CommitteeReach",
    "Contribution",
    "EmailPreference",
    "EngagementThresholds",
    "FormSubmission",
    "Introduction",
    "JoinRequest",
    "Meeting",
    "NetworkSnapshot",
    "Member",
    "Notification",
    "OneToOne",
    "PageDataVersion",
    "OutboxMessage",
    "PasswordResetLink",
    "RecoveryCode",
    "Project",
    "Referral",
    "ReferralEvent",
    "ReferralOrigin",
    "Rsvp",
    "RelationshipState",
    "Shift",
    "ShiftSignup",
    "Tie",
    "TieBacklog",
    "TieEntry",
    "TwoFactor",
]
