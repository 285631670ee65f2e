"""Changing members: profiles, invitations, staff edits, activation and CSV import."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import url_for
from werkzeug.datastructures import MultiDict

from chamber import activity
from chamber.audit.services import changes, record_audit
from chamber.auth import tokens
from chamber.auth.services import normalise_email
from chamber.exceptions import Conflict, NotAllowed, StaleEdit
from chamber.extensions import db
from chamber.localtime import chamber_today
from chamber.mail.services import external_url, queue_mail
from chamber.members.forms import ImportRowForm, MemberAdminForm, ProfileForm
from chamber.members.models import Member

IMPORT_COLUMNS = (
    "email",
    "full_name",
    "business_name",
    "category",
    "city",
    "phone",
    "website",
    "joined_on",
)


def _snapshot(member: Member, names: Iterable[str]) -> dict:
    return {name: getattr(member, name) for name in names}


def email_taken(email: str, *, except_id: int | None = None) -> bool:
    query = sa.select(Member.id).where(Member.email == normalise_email(email))
    if except_id is not None:
        query = query.where(Member.id != except_id)
    return db.session.scalar(query) is not None


def update_profile(actor: Member, member: Member, data: dict) -> None:
    """The member (or staff) changes the profile fields; nothing else can be set here."""
    if actor.id != member.id and not actor.is_staff:
        raise NotAllowed("You can only edit your own profile.")
    before = _snapshot(member, ProfileForm.PROFILE_FIELDS)
    for name in ProfileForm.PROFILE_FIELDS:
        setattr(member, name, data[name] if data[name] is not None else "")
    if actor.id != member.id:
        old, new = changes(before, _snapshot(member, ProfileForm.PROFILE_FIELDS))
        record_audit(
            actor, "member.edited", member, summary=member.full_name, before=old, after=new
        )


def send_invitation(actor: Member, member: Member) -> None:
    """E-mail a signed link with which the member sets a password (valid for days, once)."""
    token = tokens.make_token(member, tokens.INVITATION)
    queue_mail(
        member.email,
        "You are invited to Chamber",
        "invitation",
        member=member,
        inviter=actor,
        link=external_url(url_for("auth.accept_invitation", token=token)),
    )
    record_audit(actor, "member.invited", member, summary=member.email)


def invite_member(actor: Member, data: dict) -> Member:
    """Create a member without a password and e-mail them an invitation."""
    if email_taken(data["email"]):
        raise Conflict("A member with this e-mail address already exists.", field="email")
    member = Member(
        email=normalise_email(data["email"]),
        full_name=data["full_name"],
        business_name=data["business_name"],
        category=data.get("category") or "",
        city=data.get("city") or "",
        is_staff=bool(data.get("is_staff")),
        joined_on=chamber_today(),
    )
    db.session.add(member)
    db.session.flush()
    send_invitation(actor, member)
    return member


def update_member(actor: Member, member: Member, data: dict, version_id: str | int) -> None:
    """Staff edit; refuses if someone saved the member since the form was opened."""
    if str(member.version_id) != str(version_id):
        raise StaleEdit()
    if email_taken(data["email"], except_id=member.id):
        raise Conflict("Another member already uses this e-mail address.", field="email")
    if member.id == actor.id and not data["is_staff"]:
        raise NotAllowed("You cannot remove your own staff role.", field="is_staff")
    data = {**data, "email": normalise_email(data["email"])}
    before = _snapshot(member, MemberAdminForm.ADMIN_FIELDS)
    for name in MemberAdminForm.ADMIN_FIELDS:
        setattr(member, name, data[name] if data[name] is not None else "")
    after = _snapshot(member, MemberAdminForm.ADMIN_FIELDS)
    if before["is_staff"] != after["is_staff"] or before["email"] != after["email"]:
        member.rotate_session_token()  # a changed role or sign-in name starts afresh
    old, new = changes(before, after)
    record_audit(actor, "member.edited", member, summary=member.full_name, before=old, after=new)


def set_member_active(actor: Member, member: Member, active: bool) -> None:
    """Deactivate (sign-in refused, sessions ended, data kept) or reactivate a member."""
    if member.id == actor.id:
        raise NotAllowed("You cannot deactivate yourself.")
    if member.is_active == active:
        return
    member.is_active = active
    member.rotate_session_token()
    activity.member_activation_changed.send(actor, member=member)
    record_audit(
        actor,
        "member.reactivated" if active else "member.deactivated",
        member,
        summary=member.full_name,
        before={"is_active": not active},
        after={"is_active": active},
    )


@dataclass
class ImportReport:
    created: list[Member] = field(default_factory=list)
    refused: list[tuple[int, str, list[str]]] = field(default_factory=list)  # line, email, why

    @property
    def total(self) -> int:
        return len(self.created) + len(self.refused)


def read_import_rows(text: str) -> list[dict[str, str]]:
    """Parse CSV text into dicts keyed by the known columns; raise Conflict on a bad header."""
    reader = csv.DictReader(io.StringIO(text))
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = {"email", "full_name", "business_name"} - set(header)
    if missing:
        raise Conflict(
            "The first line must name the columns; missing: " + ", ".join(sorted(missing)) + ".",
            field="file",
        )
    reader.fieldnames = header
    return [{k: (row.get(k) or "") for k in IMPORT_COLUMNS} for row in reader]


def import_members(
    actor: Member | None,
    rows: list[dict[str, str]],
    *,
    send_invitations: bool,
    progress=None,
) -> ImportReport:
    """Create a member from each valid row; refuse a bad row whole, with the reasons.

    A row is validated completely before anything of it is written, so no row is ever
    half-imported; e-mails must be unique in the chamber and in the file.
    """
    report = ImportReport()
    existing = set(db.session.scalars(sa.select(Member.email)))
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        form = ImportRowForm(formdata=MultiDict(row))
        reasons: list[str] = []
        if not form.validate():
            for name, errors in form.errors.items():
                reasons.extend(f"{name}: {error}" for error in errors)
        email = normalise_email(row.get("email", ""))
        if email and email in existing:
            reasons.append("email: a member with this e-mail address already exists")
        elif email and email in seen:
            reasons.append("email: appears twice in the file")
        if reasons:
            report.refused.append((line, row.get("email", ""), reasons))
        else:
            data = form.row_data()
            member = Member(**{**data, "email": email, "website": data["website"] or ""})
            db.session.add(member)
            report.created.append(member)
            seen.add(email)
        if progress is not None:
            progress(1)
    db.session.flush()
    for member in report.created:
        if send_invitations and actor is not None:
            send_invitation(actor, member)
    record_audit(
        actor,
        "member.imported",
        summary=f"{len(report.created)} imported, {len(report.refused)} refused",
    )
    return report
