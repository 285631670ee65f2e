"""The one place where changes that relationships and reports count are announced.

Services send these signals after they flush a change that alters who worked with whom
(committee roster, attendance, approved contributions, confirmed one-to-ones, referrals).
Derived data (the relationship graph, report caches) subscribes here and updates itself in
the same transaction, so nothing that counts can change without the derived data knowing.
Receivers get the acting member as the sender and keyword arguments naming the change.
"""

from blinker import Namespace

_signals = Namespace()

#: membership=CommitteeMembership, change="joined" | "left" | "role"
membership_changed = _signals.signal("membership-changed")
#: meeting=Meeting, member_ids=set[int]
attendance_recorded = _signals.signal("attendance-recorded")
#: contribution=Contribution (approved or rejected, or an approved one withdrawn)
contribution_decided = _signals.signal("contribution-decided")
#: one_to_one=OneToOne
one_to_one_confirmed = _signals.signal("one-to-one-confirmed")
#: referral=Referral, change="given" | "status" | "value" | "thanked"
referral_changed = _signals.signal("referral-changed")
#: meeting=Meeting (moved or otherwise edited: its date counts for relationships)
meeting_changed = _signals.signal("meeting-changed")
#: shift=Shift (moved or otherwise edited: its hours and date count for relationships)
shift_changed = _signals.signal("shift-changed")
#: member=Member (deactivated or reactivated: only active members have ties)
member_activation_changed = _signals.signal("member-activation-changed")
