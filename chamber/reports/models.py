"""What reports keep of their own: the engagement traffic light's thresholds (staff set them)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chamber.db import Base, utcnow

if TYPE_CHECKING:
    from chamber.members.models import Member

#: The thresholds in force until staff change them (scores per 6 months, see engagement.py).
DEFAULT_GREEN_FROM = 30
DEFAULT_YELLOW_FROM = 10


class EngagementThresholds(Base):
    """The scores from which a member's engagement light is green or yellow (below: red).

    One row for the chamber; until staff save the settings page there is none and the
    defaults apply. Versioned, so two staff saving at once cannot silently overwrite."""

    __tablename__ = "engagement_thresholds"
    __table_args__ = (
        sa.CheckConstraint("yellow_from >= 0 AND green_from > yellow_from", name="ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    green_from: Mapped[int]
    yellow_from: Mapped[int]
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("members.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    updated_by: Mapped[Member | None] = relationship()

    __mapper_args__ = {"version_id_col": version_id}
