"""Reading projects and shifts: lists with counts aggregated in SQL, sign-ups, my shifts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload

from chamber import authz
from chamber.authz import require
from chamber.committees.models import Committee, CommitteeMembership
from chamber.committees.queries import load_committee
from chamber.db import grouped, utcnow
from chamber.extensions import db
from chamber.members.models import Member
from chamber.projects.models import Project, ProjectStatus, Shift, ShiftSignup, SignupStatus

#: A slot is taken by a sign-up until it is cancelled: once attendance is marked, the
#: attended and the no-shows still held their slots (issue 11: a past shift read "8 of 8 free").
TAKING = (SignupStatus.SIGNED_UP, SignupStatus.ATTENDED, SignupStatus.NO_SHOW)


def _taken_counts(*shift_criteria) -> sa.Subquery:
    """Per shift (those matching `shift_criteria`, or every shift): slots taken (every sign-up
    not cancelled) and how many attended."""
    query = (
        sa.select(
            ShiftSignup.shift_id,
            sa.func.count().label("taken"),
            sa.func.sum(sa.case((ShiftSignup.status == SignupStatus.ATTENDED, 1), else_=0)).label(
                "attended"
            ),
        )
        .where(ShiftSignup.status.in_(TAKING))
        .group_by(ShiftSignup.shift_id)
    )
    if shift_criteria:
        query = query.join(Shift, Shift.id == ShiftSignup.shift_id).where(*shift_criteria)
    return query.subquery()


def _taken_by_shift() -> sa.ScalarSelect:
    """The slots taken on the outer statement's shift (a correlated count): for statements
    that read a few shifts, where grouping every sign-up of the chamber would cost more."""
    return (
        sa.select(sa.func.count())
        .where(ShiftSignup.shift_id == Shift.id, ShiftSignup.status.in_(TAKING))
        .correlate(Shift)
        .scalar_subquery()
    )


def project_list(*, committee_id: int | None = None, page: int = 1, per_page: int = 30):
    """Active and proposed projects of active committees; each item is (project, upcoming
    shifts), counted in one grouped statement for the page (paginate yields only the first
    column of a multi-column select, so the count cannot ride along in it)."""
    query = (
        sa.select(Project)
        .join(Committee, Committee.id == Project.committee_id)
        .options(joinedload(Project.committee))
        .where(
            Committee.is_archived.is_(False),
            Project.status.in_([ProjectStatus.ACTIVE, ProjectStatus.PROPOSED]),
        )
        .order_by(Project.status, Committee.name, Project.name, Project.id)
    )
    if committee_id:
        query = query.where(Project.committee_id == committee_id)
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    ids = [project.id for project in result.items]
    upcoming = (
        dict(
            db.session.execute(
                sa.select(Shift.project_id, sa.func.count())
                .where(Shift.project_id.in_(ids), Shift.starts_at >= utcnow())
                .group_by(Shift.project_id)
            ).all()
        )
        if ids
        else {}
    )
    result.items = [(project, upcoming.get(project.id, 0)) for project in result.items]
    return result


@dataclass
class ShiftRow:
    shift: Shift
    taken: int
    attended: int = 0

    @property
    def free(self) -> int:
        return max(self.shift.slots - self.taken, 0)


def project_shifts(project: Project, *, upcoming_only: bool = False) -> list[ShiftRow]:
    """The project's shifts with signed-up counts, one query."""
    taken = _taken_counts(Shift.project_id == project.id)
    query = (
        sa.select(Shift, sa.func.coalesce(taken.c.taken, 0), sa.func.coalesce(taken.c.attended, 0))
        .outerjoin(taken, taken.c.shift_id == Shift.id)
        .where(Shift.project_id == project.id)
        .order_by(Shift.starts_at)
    )
    if upcoming_only:
        query = query.where(Shift.ends_at >= utcnow())
    return [ShiftRow(shift, n, int(came)) for shift, n, came in db.session.execute(query)]


def my_signups(member: Member, shift_ids: list[int]) -> dict[int, ShiftSignup]:
    if not shift_ids:
        return {}
    return {
        signup.shift_id: signup
        for signup in db.session.scalars(
            sa.select(ShiftSignup).where(
                ShiftSignup.member_id == member.id, ShiftSignup.shift_id.in_(shift_ids)
            )
        )
    }


@cache
def _committee_projects_statement() -> sa.Select:
    """Built once per process (the committee and the time are parameters). Shifts and their
    taken slots are counted for this committee's projects only."""
    committee_id, now = sa.bindparam("committee_id"), sa.bindparam("now")
    taken = _taken_by_shift()
    stats = (
        sa.select(
            Shift.project_id,
            sa.func.count(Shift.id).label("shifts"),
            sa.func.sum(sa.case((Shift.starts_at >= now, Shift.slots - taken), else_=0)).label(
                "open_slots"
            ),
        )
        .join(Project, Project.id == Shift.project_id)
        .where(Project.committee_id == committee_id)
        .group_by(Shift.project_id)
        .subquery()
    )
    order = sa.case(
        (Project.status == ProjectStatus.ACTIVE, 0),
        (Project.status == ProjectStatus.PROPOSED, 1),
        (Project.status == ProjectStatus.COMPLETED, 2),
        else_=3,
    )
    return (
        sa.select(
            Project,
            sa.func.coalesce(stats.c.shifts, 0),
            sa.func.coalesce(stats.c.open_slots, 0),
        )
        .outerjoin(stats, stats.c.project_id == Project.id)
        .where(Project.committee_id == committee_id)
        .order_by(order, Project.starts_on.desc(), Project.name)
    )


def committee_projects(committee: Committee) -> list[tuple[Project, int, int]]:
    """Every project of the committee with its shift count and open slots ahead."""
    rows = db.session.execute(
        _committee_projects_statement(), {"committee_id": committee.id, "now": utcnow()}
    )
    return [(project, shifts, int(open_slots)) for project, shifts, open_slots in rows]


def project_status_counts(committee: Committee) -> dict[ProjectStatus, int]:
    """How many of the committee's projects are in each status."""
    return grouped(
        db.session, Project.status, sa.func.count(), Project.committee_id == committee.id
    )


def shift_signups(shift: Shift) -> list[ShiftSignup]:
    """Everyone who signed up (cancelled last), member joined in."""
    order = sa.case((ShiftSignup.status == SignupStatus.CANCELLED, 1), else_=0)
    return list(
        db.session.scalars(
            sa.select(ShiftSignup)
            .join(Member, Member.id == ShiftSignup.member_id)
            .options(joinedload(ShiftSignup.member))
            .where(ShiftSignup.shift_id == shift.id)
            .order_by(order, Member.full_name)
        )
    )


@cache
def _my_upcoming_statement(limit: int) -> sa.Select:
    """Built once per process for each limit (the member and the time are parameters)."""
    return (
        sa.select(Shift)
        .join(ShiftSignup, ShiftSignup.shift_id == Shift.id)
        .options(joinedload(Shift.project).joinedload(Project.committee))
        .where(
            ShiftSignup.member_id == sa.bindparam("member_id"),
            ShiftSignup.status == SignupStatus.SIGNED_UP,
            Shift.ends_at >= sa.bindparam("now"),
        )
        .order_by(Shift.starts_at)
        .limit(limit)
    )


def my_upcoming_shifts(member: Member, limit: int = 5) -> list[Shift]:
    """Shifts the member signed up for that have not ended, project and committee joined in."""
    return list(
        db.session.scalars(_my_upcoming_statement(limit), {"member_id": member.id, "now": utcnow()})
    )


@cache
def _open_shifts_statement(limit: int) -> sa.Select:
    """Built once per process (`me`, `now` are parameters): building it cost more than
    answering it. Slots taken are counted for the candidate shifts only, by shift."""
    me = sa.bindparam("me")
    taken = _taken_by_shift()
    mine = sa.exists().where(
        ShiftSignup.shift_id == Shift.id,
        ShiftSignup.member_id == me,
        ShiftSignup.status == SignupStatus.SIGNED_UP,
    )
    return (
        sa.select(Shift, taken)
        .join(Project, Project.id == Shift.project_id)
        .options(joinedload(Shift.project).joinedload(Project.committee))
        .where(
            Project.status == ProjectStatus.ACTIVE,
            Project.committee_id.in_(
                sa.select(CommitteeMembership.committee_id).where(
                    CommitteeMembership.member_id == me
                )
            ),
            Shift.starts_at >= sa.bindparam("now"),
            Shift.slots > taken,
            ~mine,
        )
        .order_by(Shift.starts_at)
        .limit(limit)
    )


def open_shifts_for(member: Member, limit: int = 5) -> list[ShiftRow]:
    """Upcoming shifts with free slots on active projects of the member's committees."""
    rows = db.session.execute(_open_shifts_statement(limit), {"me": member.id, "now": utcnow()})
    return [ShiftRow(shift, n) for shift, n in rows]


def feed_shifts(member: Member) -> list[Shift]:
    """The member's calendar feed: the shifts they are signed up for or attended."""
    return _feed_shifts(
        Shift.id.in_(
            sa.select(ShiftSignup.shift_id).where(
                ShiftSignup.member_id == member.id,
                ShiftSignup.status.in_([SignupStatus.SIGNED_UP, SignupStatus.ATTENDED]),
            )
        )
    )


def committee_feed_shifts(committee: Committee) -> list[Shift]:
    """The committee's calendar feed: the shifts of its active and completed projects."""
    return _feed_shifts(
        Project.committee_id == committee.id,
        Project.status.in_([ProjectStatus.ACTIVE, ProjectStatus.COMPLETED]),
    )


def _feed_shifts(*criteria) -> list[Shift]:
    """A calendar feed's shifts matching `criteria` (on the shift or its project): from 90
    days back onwards, project and committee loaded."""
    return list(
        db.session.scalars(
            sa.select(Shift)
            .join(Project, Project.id == Shift.project_id)
            .options(joinedload(Shift.project).joinedload(Project.committee))
            .where(*criteria, Shift.starts_at >= utcnow() - timedelta(days=90))
            .order_by(Shift.starts_at)
        )
    )


def load_project(committee: Committee, project_id: int) -> Project:
    """A project of this committee, or a 404 page (an id of another committee's is missing
    here, not forbidden)."""
    project = db.get_or_404(Project, project_id)
    if project.committee_id != committee.id:
        abort(404)
    return project


def load_shift(committee: Committee, shift_id: int) -> Shift:
    """A shift of one of this committee's projects, or a 404 page."""
    shift = db.get_or_404(Shift, shift_id, options=[joinedload(Shift.project)])
    if shift.project.committee_id != committee.id:
        abort(404)
    return shift


def load_led_project(slug: str, project_id: int, member) -> tuple[Committee, Project]:
    """The loader of a lead's project pages: the committee and its project (404s), refused
    (403) unless `member` may lead the committee."""
    committee = load_committee(slug)
    project = load_project(committee, project_id)
    require(authz.can_lead_committee(member, committee))
    return committee, project


def load_led_shift(slug: str, shift_id: int, member) -> tuple[Committee, Shift]:
    """The loader of a lead's shift pages: the committee and the shift (404s), refused (403)
    unless `member` may lead the committee."""
    committee = load_committee(slug)
    shift = load_shift(committee, shift_id)
    require(authz.can_lead_committee(member, committee))
    return committee, shift
