"""Reading the audit log: one page of entries with their actors, filtered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import aliased, joinedload

from chamber.audit.models import AuditEntry
from chamber.db import like_pattern
from chamber.extensions import db


@dataclass
class AuditFilters:
    action: str | None = None
    actor: str | None = None
    target_type: str | None = None
    since: datetime | None = None
    before: datetime | None = None


def audit_page(filters: AuditFilters, page: int, per_page: int = 50) -> Pagination:
    """Newest first; the actor of each entry is joined in (one statement per page)."""
    query = sa.select(AuditEntry).options(joinedload(AuditEntry.actor))
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.target_type:
        query = query.where(AuditEntry.target_type == filters.target_type)
    if filters.actor:
        actor = aliased(AuditEntry.actor.property.mapper.class_)
        pattern = like_pattern(filters.actor)
        query = query.join(actor, AuditEntry.actor).where(
            sa.or_(
                actor.full_name.ilike(pattern, escape="\\"),
                actor.email.ilike(pattern, escape="\\"),
            )
        )
    if filters.since:
        query = query.where(AuditEntry.created_at >= filters.since)
    if filters.before:
        query = query.where(AuditEntry.created_at < filters.before)
    query = query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def recorded_actions() -> list[str]:
    """Every kind of action recorded so far, for the filter."""
    return list(
        db.session.scalars(sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    )


def recorded_target_types() -> list[str]:
    """Every kind of object acted on so far, for the filter."""
    return list(
        db.session.scalars(
            sa.select(AuditEntry.target_type)
            .where(AuditEntry.target_type != "")
            .distinct()
            .order_by(AuditEntry.target_type)
        )
    )
