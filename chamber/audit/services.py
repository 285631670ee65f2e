"""Writing audit rows. Callers flush with their own change, so both land or neither does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import has_request_context, request

from chamber.audit.models import AuditEntry
from chamber.extensions import db

if TYPE_CHECKING:
    from chamber.members.models import Member

# Never stored in before/after, whatever a caller passes.
_SECRET_FIELDS = {"password", "password_hash", "session_token", "token", "csrf_token"}


def _clean(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {
        key: (value if isinstance(value, (str, int, float, bool, type(None))) else str(value))
        for key, value in values.items()
        if key not in _SECRET_FIELDS
    }


def record_audit(
    actor: Member | None,
    action: str,
    target: Any = None,
    *,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one audit row for `action` by `actor` on `target` (any model with an id)."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=type(target).__name__ if target is not None else "",
        target_id=getattr(target, "id", None),
        summary=summary[:300],
        before=_clean(before),
        after=_clean(after),
        # The address is request metadata, not user input; services stay request-agnostic
        # otherwise and record it only when there is a request (not in CLI jobs).
        ip_address=(request.remote_addr or "")[:45] if has_request_context() else "",
    )
    db.session.add(entry)
    return entry


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the fields that differ, for compact before/after columns."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
