"""Changing people and businesses: profiles, staff edits, membership status, moves, merges,
new people (their invitation e-mail is chamber.auth.invitations) and CSV import.

Services flush, never commit, and refuse with a ChamberError naming the field it concerns.
Whether a person may use the member areas (`Member.is_active`) is decided here only: not
deactivated, and their business (if any) an active member of the chamber.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from chamber import activity
from chamber.audit.services import changes, record_audit
from chamber.db import utcnow
from chamber.exceptions import Conflict, NotAllowed, StaleEdit
from chamber.extensions import db
from chamber.localtime import chamber_today
from chamber.members import pictures
from chamber.members.forms import (
    IMPORT_COLUMNS,
    BusinessForm,
    ImportRowForm,
    PersonAdminForm,
    ProfileForm,
)
from chamber.members.models import (
    Affiliation,
    Business,
    BusinessStatus,
    BusinessStatusChange,
    Member,
    Picture,
)
from chamber.once import change_once


def normalise_email(email: str) -> str:
    """E-mail as stored: trimmed and lower-cased (the unique index is case-insensitive so)."""
    return (email or "").strip().lower()


def email_taken(email: str, *, except_id: int | None = None) -> bool:
    """Some person already signs in with this e-mail address."""
    query = sa.select(Member.id).where(Member.email == normalise_email(email))
    if except_id is not None:
        query = query.where(Member.id != except_id)
    return db.session.scalar(query) is not None


def _snapshot(record, names: Iterable[str]) -> dict:
    return {name: getattr(record, name) for name in names}


def _clean(data: dict, names: Iterable[str]) -> dict:
    """Form data for plain columns: None (an empty optional field) stored as ""."""
    return {name: ("" if data[name] is None else data[name]) for name in names}


# Who may use the member areas -----------------------------------------------------------


def may_use_member_areas(person: Member) -> bool:
    """Not deactivated, and their business (if any) is an active member."""
    return not person.is_deactivated and (person.business is None or person.business.is_active)


def _sync_access(person: Member, actor: Member | None = None) -> list:
    """Keep `is_active` in step; going out ends every session of the person. Returns what
    the receivers of `member_activation_changed` answered (referrals: their hand-overs)."""
    allowed = may_use_member_areas(person)
    answers: list = []
    if person.is_active != allowed:
        person.is_active = allowed
        for _receiver, answer in activity.member_activation_changed.send(actor, member=person):
            answers.extend(answer or [])
        if not allowed:
            person.rotate_session_token()
    return answers


# People ---------------------------------------------------------------------------------


def update_profile(actor: Member, member: Member, data: dict) -> None:
    """The person (or staff) changes the profile fields; nothing else can be set here."""
    if actor.id != member.id and not actor.is_staff:
        raise NotAllowed("You can only edit your own profile.")
    before = _snapshot(member, ProfileForm.FIELDS)
    for name, value in _clean(data, ProfileForm.FIELDS).items():
        setattr(member, name, value)
    if actor.id != member.id:
        old, new = changes(before, _snapshot(member, ProfileForm.FIELDS))
        record_audit(
            actor, "member.edited", member, summary=member.full_name, before=old, after=new
        )


def update_person(actor: Member, member: Member, data: dict, version_id: str | int) -> None:
    """Staff edit; refuses if someone saved the person since the form was opened."""
    if str(member.version_id) != str(version_id):
        raise StaleEdit()
    if email_taken(data["email"], except_id=member.id):
        raise Conflict("Another person already uses this e-mail address.", field="email")
    if member.id == actor.id and not data["is_staff"]:
        raise NotAllowed("You cannot remove your own staff role.", field="is_staff")
    data = {**_clean(data, PersonAdminForm.FIELDS), "email": normalise_email(data["email"])}
    before = _snapshot(member, PersonAdminForm.FIELDS)
    for name, value in data.items():
        setattr(member, name, value)
    after = _snapshot(member, PersonAdminForm.FIELDS)
    if before["is_staff"] != after["is_staff"] or before["email"] != after["email"]:
        member.rotate_session_token()  # a changed role or sign-in name starts afresh
    old, new = changes(before, after)
    record_audit(actor, "member.edited", member, summary=member.full_name, before=old, after=new)


@dataclass
class ActiveChange:
    """What else changed when staff deactivated or reactivated a person, for the staff's
    message: who became their business's primary contact (or that nobody could), and the
    hand-overs of their open referrals (chamber.referrals.services.hand_over_referrals)."""

    primary_contact: Member | None = None
    business_without_contact: Business | None = None
    hand_overs: list = field(default_factory=list)


def _pass_primary_on(actor: Member | None, person: Member) -> Member | None:
    """`person` stops being their business's primary contact; the longest-standing active
    colleague takes over (audited). Returns them, or None when nobody is left."""
    business = person.business
    person.is_primary_contact = False
    db.session.flush()
    successor = _successor(business, person)
    if successor is not None:
        successor.is_primary_contact = True
    record_audit(
        actor,
        "business.primary_contact_changed",
        business,
        summary=f"{business.name}: {successor.full_name if successor else 'nobody'} "
        f"after {person.full_name}",
        before={"primary_contact": person.full_name},
        after={"primary_contact": successor.full_name if successor else None},
    )
    return successor


def set_member_active(actor: Member, member: Member, active: bool) -> ActiveChange:
    """Deactivate (sign-in refused, sessions ended, data kept) or reactivate a person. A
    reactivated person of a lapsed business stays out until the business is reinstated.

    A deactivated primary contact passes the role to the longest-standing active colleague
    (or the business is left without one, which the outcome says); their open referrals are
    handed over (see chamber.referrals.services.hand_over_referrals). A reactivated person
    becomes primary contact again when their business has none."""
    if member.id == actor.id:
        raise NotAllowed("You cannot deactivate yourself.")
    outcome = ActiveChange()
    if member.is_deactivated == (not active):
        return outcome
    business = member.business
    if not active and business is not None and member.is_primary_contact:
        outcome.primary_contact = _pass_primary_on(actor, member)
        if outcome.primary_contact is None:
            outcome.business_without_contact = business
    member.is_deactivated = not active
    outcome.hand_overs = _sync_access(member, actor)
    if (
        active
        and business is not None
        and member.is_active
        and not any(p.is_primary_contact for p in business.people)
    ):
        _set_primary(business, member)
        outcome.primary_contact = member
    record_audit(
        actor,
        "member.reactivated" if active else "member.deactivated",
        member,
        summary=member.full_name,
        before={"is_deactivated": active},
        after={"is_deactivated": not active},
    )
    return outcome


def _set_primary(business: Business, person: Member | None) -> None:
    """Make `person` the business's one primary contact (None: nobody for now)."""
    for other in business.people:
        if other.is_primary_contact and other is not person:
            other.is_primary_contact = False
    db.session.flush()  # the old contact steps down before the new one steps up (unique index)
    if person is not None:
        person.is_primary_contact = True


def _successor(business: Business, leaving: Member) -> Member | None:
    """Who becomes primary contact when the primary contact leaves: the longest-standing
    active person still there."""
    others = [p for p in business.people if p is not leaving and p.is_active]
    return min(others, key=lambda p: (p.joined_on, p.id), default=None)


def _attach(person: Member, business: Business | None, *, primary: bool, today: date) -> None:
    """Start representing `business` (None: no business, for staff)."""
    person.business = business
    if business is not None:
        db.session.add(Affiliation(member=person, business=business, started_on=today))
        has_primary = any(p.is_primary_contact for p in business.people if p is not person)
        if primary or not has_primary:
            _set_primary(business, person)
    _sync_access(person)


def move_person(actor: Member, person: Member, business: Business | None) -> None:
    """Move a person to another business (or none, for staff): the current affiliation ends
    today and a new one begins, so where they were before stays known. Their committee work,
    referrals and one-to-ones stay theirs."""
    if business is None and not person.is_staff:
        raise Conflict("Only staff may represent no business.", field="business_id")
    if business is not None and person.business_id == business.id:
        raise Conflict(f"{person.full_name} already represents {business.name}.")
    today = chamber_today()
    old = person.business
    if old is not None:
        for affiliation in person.affiliations:
            if affiliation.ended_on is None:
                affiliation.ended_on = today
        if person.is_primary_contact:
            _pass_primary_on(actor, person)
    _attach(person, business, primary=False, today=today)
    record_audit(
        actor,
        "member.moved",
        person,
        summary=f"{person.full_name}: {old.name if old else 'no business'} → "
        f"{business.name if business else 'no business'}",
        before={"business_id": old.id if old else None, "business": old.name if old else None},
        after={
            "business_id": business.id if business else None,
            "business": business.name if business else None,
        },
    )


def make_primary_contact(actor: Member, person: Member) -> None:
    """The business's one primary contact becomes `person`."""
    business = person.business
    if business is None:
        raise Conflict(f"{person.full_name} represents no business.")
    if person.is_primary_contact:
        raise Conflict(f"{person.full_name} is already the primary contact.")
    before = next((p.full_name for p in business.people if p.is_primary_contact), None)
    _set_primary(business, person)
    record_audit(
        actor,
        "business.primary_contact_changed",
        business,
        summary=f"{business.name}: {person.full_name}",
        before={"primary_contact": before},
        after={"primary_contact": person.full_name},
    )


def new_person(actor: Member, data: dict, business: Business | None) -> Member:
    """A person who has no password yet (chamber.auth.invitations e-mails them a link)."""
    if email_taken(data["email"]):
        raise Conflict("A person with this e-mail address already exists.", field="email")
    today = chamber_today()
    person = Member(
        email=normalise_email(data["email"]),
        full_name=data["full_name"],
        job_title=data.get("job_title") or "",
        is_staff=bool(data.get("is_staff")),
        joined_on=today,
    )
    db.session.add(person)
    _attach(person, business, primary=bool(data.get("is_primary_contact")), today=today)
    db.session.flush()
    record_audit(
        actor,
        "member.created",
        person,
        summary=f"{person.full_name}" + (f" of {business.name}" if business else ""),
    )
    return person


def business_for_new_person(actor: Member, data: dict) -> Business | None:
    """The business a person invited from the general form represents: a new one, or none
    for staff. An existing business's people are invited from its page, so no business is
    ever created twice by a typo-free second invitation."""
    name = (data.get("business_name") or "").strip()
    if not name:
        if data.get("is_staff"):
            return None
        raise Conflict("Name the person's business, or mark them as staff.", field="business_name")
    existing = db.session.scalar(
        sa.select(Business.name).where(sa.func.lower(Business.name) == name.lower()).limit(1)
    )
    if existing is not None:
        raise Conflict(
            f"{existing} is already a member business: invite the person from its page.",
            field="business_name",
        )
    return create_business(actor, {"name": name, "joined_on": chamber_today()})


# Businesses -----------------------------------------------------------------------------


def _record_status(
    actor: Member | None,
    business: Business,
    old: BusinessStatus | None,
    new: BusinessStatus,
    *,
    effective_on: date,
    note: str = "",
) -> None:
    db.session.add(
        BusinessStatusChange(
            business=business,
            from_status=old,
            to_status=new,
            effective_on=effective_on,
            changed_by_id=actor.id if actor is not None else None,
            note=note[:300],
        )
    )


def create_business(actor: Member | None, data: dict) -> Business:
    """A new member business, active from the day it joined."""
    joined_on = data.get("joined_on") or chamber_today()
    values = {name: data.get(name) or "" for name in BusinessForm.FIELDS if name != "is_listed"}
    business = Business(
        **values,
        is_listed=bool(data.get("is_listed")),
        joined_on=joined_on,
        status=BusinessStatus.ACTIVE,
    )
    db.session.add(business)
    _record_status(
        actor, business, None, BusinessStatus.ACTIVE, effective_on=joined_on, note="Joined"
    )
    db.session.flush()
    record_audit(actor, "business.created", business, summary=business.name)
    return business


def update_business(
    actor: Member, business: Business, data: dict, version_id: str | int, fields: Iterable[str]
) -> None:
    """Staff or the primary contact edit the business's details (`fields` of the form they
    were allowed); refuses if someone saved it since the form was opened."""
    if str(business.version_id) != str(version_id):
        raise StaleEdit()
    fields = tuple(fields)
    before = _snapshot(business, fields)
    for name, value in _clean(data, fields).items():
        setattr(business, name, value)
    old, new = changes(before, _snapshot(business, fields))
    record_audit(actor, "business.edited", business, summary=business.name, before=old, after=new)


def set_business_status(
    actor: Member, business: Business, status: BusinessStatus, *, effective_on: date, note: str
) -> None:
    """Lapse, drop or reinstate a business's membership. Its people leave the member areas
    (sessions ended, history kept) or come back with it; the change is kept and audited. Of
    two staff changing it at once, one change applies and the other is told."""
    old = business.status
    if old is status:
        raise Conflict(f"{business.name} is already {status.label.lower()}.", field="status")
    change_once(
        sa.update(Business)
        .where(Business.id == business.id, Business.status == old)
        .values(status=status, version_id=Business.version_id + 1),
        f"Someone else changed {business.name}'s membership just now; reload and check.",
    )
    db.session.expire(business, ["status", "version_id"])
    _record_status(actor, business, old, status, effective_on=effective_on, note=note or "")
    for person in business.people:
        _sync_access(person)
    record_audit(
        actor,
        "business.status_changed",
        business,
        summary=f"{business.name}: {old.label} → {status.label}",
        before={"status": old.value},
        after={"status": status.value, "effective_on": effective_on.isoformat(), "note": note},
    )


_MERGE_FILLS = ("category", "city", "address", "website", "phone", "description")


def merge_businesses(actor: Member, keep: Business, absorb: Business) -> None:
    """Two records of one business become `keep`: the other's people, their affiliations
    and its status history move over, blank details are filled from it, the earlier join
    date and either listing are kept; the other record is deleted. Audited with what it
    held. People, their referrals and contributions are untouched (they belong to people)."""
    if keep.id == absorb.id:
        raise Conflict("Choose a different business to merge.", field="business_id")
    absorbed = {
        "id": absorb.id,
        **_snapshot(absorb, (*_MERGE_FILLS, "name", "joined_on", "is_listed")),
        "status": absorb.status.value,
        "people": ",".join(str(p.id) for p in absorb.people),
    }
    before_keep = _snapshot(keep, (*_MERGE_FILLS, "joined_on", "is_listed"))
    for name in _MERGE_FILLS:
        if not getattr(keep, name) and getattr(absorb, name):
            setattr(keep, name, getattr(absorb, name))
    keep.joined_on = min(keep.joined_on, absorb.joined_on)
    keep.is_listed = keep.is_listed or absorb.is_listed
    keep_has_primary = any(p.is_primary_contact for p in keep.people)
    moving = list(absorb.people)
    for person in moving:
        if person.is_primary_contact and keep_has_primary:
            person.is_primary_contact = False
    db.session.flush()
    for person in moving:
        person.business = keep
    db.session.flush()
    for model in (Affiliation, BusinessStatusChange):
        db.session.execute(
            sa.update(model).where(model.business_id == absorb.id).values(business_id=keep.id)
        )
    _record_status(
        actor,
        keep,
        keep.status,
        keep.status,
        effective_on=chamber_today(),
        note=f"Merged with the duplicate record #{absorb.id} ({absorb.name[:200]})",
    )
    db.session.expire(absorb)
    db.session.delete(absorb)
    db.session.flush()
    db.session.expire(keep, ["people", "status_changes"])
    for person in moving:
        _sync_access(person)
    _, after_keep = changes(before_keep, _snapshot(keep, before_keep))
    record_audit(
        actor,
        "business.merged",
        keep,
        summary=f"#{absorbed['id']} {absorbed['name']} merged into #{keep.id} {keep.name}"[:300],
        before={f"absorbed_{key}": value for key, value in _jsonable(absorbed).items()},
        after={"kept": keep.id, **_jsonable(after_keep)},
    )


def _jsonable(values: dict):
    return {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in values.items()
    }


# CSV import -----------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did, line by line; importing the same file again changes nothing."""

    created: list[Member] = field(default_factory=list)
    updated: list[Member] = field(default_factory=list)
    unchanged: int = 0
    businesses_created: int = 0
    businesses_updated: set[int] = field(default_factory=set)
    refused: list[tuple[int, str, list[str]]] = field(default_factory=list)  # line, email, why

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + self.unchanged + len(self.refused)

    def summary(self) -> str:
        return (
            f"{len(self.created)} people added, {len(self.updated)} updated, "
            f"{self.unchanged} unchanged, {len(self.refused)} refused; "
            f"{self.businesses_created} businesses added, "
            f"{len(self.businesses_updated)} updated."
        )


def read_import_rows(text: str) -> list[dict[str, str]]:
    """Parse CSV text into dicts keyed by the known columns; raise Conflict on a bad header."""
    reader = csv.DictReader(io.StringIO(text))
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    header = ["business" if name == "business_name" else name for name in header]
    missing = {"email", "full_name", "business"} - set(header)
    if missing:
        raise Conflict(
            "The first line must name the columns; missing: " + ", ".join(sorted(missing)) + ".",
            field="file",
        )
    reader.fieldnames = header
    return [{k: (row.get(k) or "") for k in IMPORT_COLUMNS} for row in reader]


def _site(website: str | None) -> str:
    """A website as compared when matching businesses (scheme, www. and trailing / ignored)."""
    site = (website or "").strip().lower()
    for prefix in ("https://", "http://"):
        site = site.removeprefix(prefix)
    return site.removeprefix("www.").rstrip("/")


def _same(attribute: str, current, wanted) -> bool:
    """The business already says this (websites compared as `_site` does)."""
    if attribute == "website":
        return _site(current) == _site(wanted)
    return current == wanted


_BUSINESS_COLUMNS = {  # import column -> Business attribute
    "category": "category",
    "city": "city",
    "address": "address",
    "website": "website",
    "business_phone": "phone",
    "description": "description",
    "joined_on": "joined_on",
}


class _Import:
    """One import run: existing people and businesses are read once, up front."""

    def __init__(self, actor: Member | None, rows: list[dict[str, str]]):
        self.actor = actor
        self.today = chamber_today()
        self.report = ImportReport()
        emails = {normalise_email(row.get("email", "")) for row in rows} - {""}
        names = {(row.get("business") or "").strip().lower() for row in rows} - {""}
        self.people = {p.email: p for p in _in_chunks(Member, Member.email, sorted(emails))}
        self.by_name: dict[str, list[Business]] = {}
        for business in _in_chunks(Business, sa.func.lower(Business.name), sorted(names)):
            self.by_name.setdefault(business.name.lower(), []).append(business)
        self.seen: dict[str, int] = {}  # e-mail -> line
        # business id (or id() of a new one) -> attribute -> line that set it in this file
        self.set_by: dict[int, dict[str, int]] = {}

    def business_for(self, name: str, website: str) -> tuple[Business | None, str | None]:
        """The business a row names, None for a new one, or a reason to refuse the row."""
        candidates = self.by_name.get(name.lower(), [])
        if website:
            site = _site(website)
            candidates = [b for b in candidates if _site(b.website) in ("", site)] or []
        if len(candidates) > 1:
            return None, (
                f"business: {len(candidates)} businesses are called {name}; "
                "add the website column to say which one"
            )
        return (candidates[0] if candidates else None), None

    def run_row(self, line: int, row: dict[str, str]) -> None:
        form = ImportRowForm(formdata=MultiDict(row))
        reasons: list[str] = []
        if not form.validate():
            for name, errors in form.errors.items():
                reasons.extend(f"{name}: {error}" for error in errors)
        email = normalise_email(row.get("email", ""))
        if email in self.seen:
            reasons.append(f"email: appears twice in the file (line {self.seen[email]})")
        if reasons:
            self.report.refused.append((line, row.get("email", ""), reasons))
            return
        business, why = self.business_for(form.business.data, form.website.data or "")
        person = self.people.get(email)
        if (
            why is None
            and person is not None
            and person.business_id is not None
            and (business is None or person.business_id != business.id)
        ):
            why = (
                f"business: {person.full_name} represents {person.business_name}; "
                "move them on their staff page"
            )
        changes_ = {} if why else self.business_changes(business, form, line)
        if isinstance(changes_, str):
            why = changes_
        if why:
            self.report.refused.append((line, row.get("email", ""), [why]))
            return
        self.seen[email] = line
        business = self.apply_business(business, form, changes_, line)
        self.apply_person(person, business, form, email)

    def business_changes(self, business: Business | None, form: ImportRowForm, line: int):
        """The attributes this row sets on its business, or why it contradicts an earlier
        line of the file about the same business."""
        wanted = {
            attribute: getattr(form, column).data
            for column, attribute in _BUSINESS_COLUMNS.items()
            if getattr(form, column).data not in (None, "")
        }
        if business is None:
            return wanted
        set_here = self.set_by.get(id(business), {})
        found = {}
        for attribute, value in wanted.items():
            if _same(attribute, getattr(business, attribute), value):
                continue
            if attribute in set_here:
                return f"{attribute}: differs from line {set_here[attribute]} for the same business"
            found[attribute] = value
        return found

    def apply_business(
        self, business: Business | None, form: ImportRowForm, found: dict, line: int
    ) -> Business:
        if business is None:
            business = create_business(
                self.actor, {"name": form.business.data, "joined_on": self.today} | found
            )
            self.by_name.setdefault(business.name.lower(), []).append(business)
            self.report.businesses_created += 1
        elif found:
            for attribute, value in found.items():
                setattr(business, attribute, value)
            if business.id is not None:
                self.report.businesses_updated.add(business.id)
        marks = self.set_by.setdefault(id(business), {})
        for attribute in found:
            marks.setdefault(attribute, line)
        for column, attribute in _BUSINESS_COLUMNS.items():
            if getattr(form, column).data not in (None, ""):
                marks.setdefault(attribute, line)
        return business

    def apply_person(
        self, person: Member | None, business: Business, form: ImportRowForm, email: str
    ) -> None:
        if person is None:
            person = Member(
                email=email,
                full_name=form.full_name.data,
                job_title=form.job_title.data or "",
                phone=form.phone.data or "",
                joined_on=form.joined_on.data or self.today,
            )
            db.session.add(person)
            _attach(person, business, primary=form.is_primary_contact, today=self.today)
            self.people[email] = person
            self.report.created.append(person)
            return
        changed = False
        for name in ("full_name", "job_title", "phone"):
            value = getattr(form, name).data
            if value and getattr(person, name) != value:
                setattr(person, name, value)
                changed = True
        if person.business_id is None and person.business is None:
            _attach(person, business, primary=form.is_primary_contact, today=self.today)
            changed = True
        elif form.is_primary_contact and not person.is_primary_contact:
            _set_primary(business, person)
            changed = True
        if changed:
            self.report.updated.append(person)
        else:
            self.report.unchanged += 1


def _in_chunks(model, column, values: list, size: int = 500) -> list:
    found = []
    for start in range(0, len(values), size):
        found.extend(
            db.session.scalars(sa.select(model).where(column.in_(values[start : start + size])))
        )
    return found


def import_members(
    actor: Member | None, rows: list[dict[str, str]], *, progress=None
) -> ImportReport:
    """Add or update the people (and their businesses) of a CSV file.

    Each row is a person and the business they represent; rows naming the same business
    (same name, and the same website when given) become people of one business. A row is
    checked whole before anything of it is written, so no row is half-imported. People are
    found by e-mail, businesses by name (and website): importing the same file twice adds
    and changes nothing the second time.
    """
    run = _Import(actor, rows)
    for line, row in enumerate(rows, start=2):
        run.run_row(line, row)
        if progress is not None:
            progress(1)
    db.session.flush()
    record_audit(actor, "member.imported", summary=run.report.summary())
    return run.report


# Photos and logos -------------------------------------------------------------------------


def _store_picture(owner: dict, processed: pictures.Processed) -> None:
    picture = db.session.scalar(sa.select(Picture).filter_by(**owner))
    if picture is None:
        picture = Picture(**owner)
        db.session.add(picture)
    picture.data = processed.data
    picture.content_type = processed.content_type
    picture.width, picture.height = processed.width, processed.height
    picture.digest = processed.digest
    picture.updated_at = utcnow()


def _drop_picture(owner: dict) -> None:
    db.session.execute(sa.delete(Picture).filter_by(**owner))


def _set_picture(
    owner: Member | Business, data: bytes | None, *, column: str, digest: str, process
) -> str:
    """Store the owner's picture, checked and re-encoded by `process`, with its fingerprint on
    the owner (`digest`); None removes it. Says which it was, "changed" or "removed"."""
    picture_owner = {column: owner.id}
    if data is None:
        _drop_picture(picture_owner)
        setattr(owner, digest, "")
        return "removed"
    processed = process(data)
    _store_picture(picture_owner, processed)
    setattr(owner, digest, processed.digest)
    return "changed"


def set_photo(actor: Member, member: Member, data: bytes | None) -> None:
    """A person's photo (theirs, or staff), checked and re-encoded; None removes it."""
    done = _set_picture(
        member, data, column="member_id", digest="photo_digest", process=pictures.process_photo
    )
    db.session.flush()
    record_audit(actor, f"member.photo_{done}", member, summary=member.full_name)


def set_logo(actor: Member, business: Business, data: bytes | None) -> None:
    """A business's logo (its primary contact, or staff), checked and re-encoded; None
    removes it."""
    done = _set_picture(
        business, data, column="business_id", digest="logo_digest", process=pictures.process_logo
    )
    db.session.flush()
    record_audit(actor, f"business.logo_{done}", business, summary=business.name)


def picture_of(*, member_id: int | None = None, business_id: int | None = None):
    owner = {"member_id": member_id} if member_id else {"business_id": business_id}
    return db.session.scalar(sa.select(Picture).filter_by(**owner))
