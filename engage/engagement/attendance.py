"""Attendance at an activity: who was invited, who registered and who came.

Four kinds of people come: provider contacts (shown with their segment: service types,
locality, level), officers (by team, and whether every team that must attend was there),
partners and councillors. ``attendance_register`` reads it all in a fixed number of queries;
``record_attendance`` saves a capture in one transaction, with the audit trail, and
``add_walk_in`` adds someone who came without being on the list.

A person is named by a key, ``"contact:12"``, ``"officer:3"``, ``"partner:4"`` or
``"councillor:2"`` (as the capture page's checkboxes are).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet

from engage.accounts.models import User
from engage.accounts.permissions import Capability, has_capability
from engage.core.audit import acting_as
from engage.council.models import Councillor, Officer, PartnerPerson, Team
from engage.engagement.models import Activity, Attendance, Invitation, Registration
from engage.market.models import Contact, Provider, Service

Kind = Attendance.Kind

#: An activity's attendance can be captured once it is published (on the day) and after.
CAPTURE_STATUSES = (
    Activity.Status.PUBLISHED,
    Activity.Status.HELD,
    Activity.Status.EVALUATED,
    Activity.Status.CLOSED,
)
_FIELD: dict[str, str] = {
    Kind.CONTACT: "contact",
    Kind.OFFICER: "officer",
    Kind.PARTNER: "partner",
    Kind.COUNCILLOR: "councillor",
}


def parse_key(key: str) -> tuple[str, int] | None:
    """``"contact:12"`` → ``("contact", 12)``; None for anything else."""
    kind, _, raw = key.partition(":")
    if kind not in _FIELD or not raw.isdigit():
        return None
    return kind, int(raw)


@dataclass
class Person:
    """One row of the attendance list."""

    key: str
    kind: str
    name: str
    #: Provider and segment (contacts), team (officers), organisation (partners), division.
    detail: str = ""
    segment: str = ""
    group: str = ""
    invited: bool = False
    registered: bool = False
    attended: bool = False
    apologies: bool = False
    walk_in: bool = False
    #: Hidden by a search on the capture page (still submitted, so no tick is lost).
    hidden: bool = False
    #: Why a save was refused for this person (shown beside their row).
    error: str = ""

    def matches(self, search: str) -> bool:
        words = search.lower().split()
        text = f"{self.name} {self.detail} {self.segment} {self.group}".lower()
        return all(word in text for word in words)


@dataclass
class TeamPresence:
    team: Team
    required: bool
    attended: list[str] = field(default_factory=list)

    @property
    def present(self) -> bool:
        return bool(self.attended)


@dataclass
class AttendanceRegister:
    """Everyone on an activity's list, and the figures the summary shows."""

    activity: Activity
    contacts: list[Person]
    officers: list[Person]
    partners: list[Person]
    councillors: list[Person]
    teams: list[TeamPresence]

    @property
    def everyone(self) -> list[Person]:
        return [*self.contacts, *self.officers, *self.partners, *self.councillors]

    @property
    def missing_teams(self) -> list[Team]:
        """Teams that must attend with nobody there (the names the standard reports)."""
        return [t.team for t in self.teams if t.required and not t.present]

    @property
    def all_teams_present(self) -> bool:
        return not self.missing_teams

    def counts(self, people: list[Person]) -> dict[str, int]:
        return {
            "invited": sum(p.invited for p in people),
            "registered": sum(p.registered for p in people),
            "attended": sum(p.attended for p in people),
            "apologies": sum(p.apologies for p in people),
        }

    @property
    def figures(self) -> list[tuple[str, dict[str, int]]]:
        return [
            ("Provider contacts", self.counts(self.contacts)),
            ("Officers", self.counts(self.officers)),
            ("Partners", self.counts(self.partners)),
            ("Councillors", self.counts(self.councillors)),
        ]

    @property
    def attended_total(self) -> int:
        return sum(p.attended for p in self.everyone)

    @property
    def contacts_by_segment(self) -> list[tuple[str, int]]:
        """Contacts who attended, by service type and level, most first."""
        counter: Counter[str] = Counter(p.segment for p in self.contacts if p.attended)
        return sorted(counter.items(), key=lambda item: (-item[1], item[0]))

    @property
    def providers_attended(self) -> int:
        return len({p.detail for p in self.contacts if p.attended})


def _segment(contact: Contact) -> tuple[str, str]:
    """(service types and locality, level) of a contact, from the services they work at."""
    services = list(contact.services.all())
    types = sorted({t.name for s in services for t in s.service_types.all()})
    localities = sorted({s.locality.name for s in services if s.locality})
    where = ", ".join(types) or "Across the provider"
    if localities:
        where += f" · {', '.join(localities)}"
    return where, contact.get_level_display()


def attendance_register(activity: Activity) -> AttendanceRegister:
    """The activity's list: the invited, registered and attended of each kind (fixed queries).

    Contacts: those invited, registered or recorded. Officers: those of the teams that must
    attend, the lead and facilitator, and anyone recorded. Partners: those invited and any
    recorded. Councillors: every active councillor (a short list), with those recorded.
    """
    invitations = list(
        Invitation.objects.filter(activity=activity, cancelled=False).values_list(
            "person_key", flat=True
        )
    )
    invited_contacts = {int(k.split(":")[1]) for k in invitations if k.startswith("contact:")}
    invited_users = {int(k.split(":")[1]) for k in invitations if k.startswith("user:")}
    invited_partners = {int(k.split(":")[1]) for k in invitations if k.startswith("partner:")}
    registered = dict(
        Registration.objects.filter(activity=activity)
        .exclude(status=Registration.Status.CANCELLED)
        .values_list("contact_id", "status")
    )
    records = {
        f"{a.kind}:{getattr(a, _FIELD[a.kind] + '_id')}": a
        for a in Attendance.objects.filter(activity=activity)
    }
    recorded_ids: dict[str, set[int]] = defaultdict(set)
    for key in records:
        kind, pk = parse_key(key) or ("", 0)
        recorded_ids[kind].add(pk)

    def person(key: str, kind: str, name: str, **extra: object) -> Person:
        row = Person(key=key, kind=kind, name=name, **extra)  # type: ignore[arg-type]
        record = records.get(key)
        if record is not None:
            row.attended = record.attended
            row.apologies = record.apologies
        return row

    contact_ids = invited_contacts | set(registered) | recorded_ids[Kind.CONTACT]
    contacts = (
        Contact.objects.filter(pk__in=contact_ids)
        .select_related("provider")
        .prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.select_related("locality").prefetch_related(
                    "service_types"
                ),
            )
        )
        .order_by("name", "pk")
    )
    contact_rows = []
    for contact in contacts:
        where, level = _segment(contact)
        contact_rows.append(
            person(
                f"contact:{contact.pk}",
                Kind.CONTACT,
                contact.name,
                detail=contact.provider.name,
                segment=f"{where} · {level}",
                invited=contact.pk in invited_contacts,
                registered=registered.get(contact.pk) == Registration.Status.REGISTERED,
                walk_in=contact.pk not in invited_contacts and contact.pk not in registered,
            )
        )

    required = list(activity.required_teams.all())
    required_ids = {t.pk for t in required}
    extra_officers = {i for i in (activity.lead_officer_id, activity.facilitator_id) if i}
    officers = (
        Officer.objects.filter(
            Q(team_id__in=required_ids, user__is_active=True)
            | Q(pk__in=extra_officers | recorded_ids[Kind.OFFICER])
        )
        .select_related("user", "team")
        .order_by("team__name", "user__full_name", "pk")
    )
    officer_rows = []
    teams: dict[int, TeamPresence] = {t.pk: TeamPresence(t, True) for t in required}
    for officer in officers:
        row = person(
            f"officer:{officer.pk}",
            Kind.OFFICER,
            officer.user.full_name,
            detail=officer.job_title,
            group=officer.team.name,
            invited=officer.team_id in required_ids
            or officer.pk in extra_officers
            or officer.user_id in invited_users,
        )
        officer_rows.append(row)
        presence = teams.setdefault(officer.team_id, TeamPresence(officer.team, False))
        if row.attended:
            presence.attended.append(officer.user.full_name)

    partners = (
        PartnerPerson.objects.filter(
            Q(pk__in=activity.invited_partners.values("pk"))
            | Q(pk__in=recorded_ids[Kind.PARTNER] | invited_partners)
        )
        .select_related("organisation")
        .order_by("organisation__name", "name", "pk")
    )
    partner_rows = [
        person(
            f"partner:{p.pk}",
            Kind.PARTNER,
            p.name,
            detail=p.job_title,
            group=p.organisation.name,
            invited=True,
        )
        for p in partners
    ]
    councillors = Councillor.objects.filter(
        Q(is_active=True) | Q(pk__in=recorded_ids[Kind.COUNCILLOR])
    ).order_by("name", "pk")
    councillor_rows = [
        person(f"councillor:{c.pk}", Kind.COUNCILLOR, c.name, detail=c.division)
        for c in councillors
    ]
    ordered_teams = sorted(teams.values(), key=lambda t: (not t.required, t.team.name))
    return AttendanceRegister(
        activity, contact_rows, officer_rows, partner_rows, councillor_rows, ordered_teams
    )


def may_record_attendance(user: object, activity: Activity) -> bool:
    return has_capability(user, Capability.ACTIVITY_PROPOSE)


def _check(actor: User, activity: Activity) -> None:
    if not may_record_attendance(actor, activity):
        raise PermissionDenied("Only council officers record attendance.")
    if activity.status not in CAPTURE_STATUSES:
        raise ValidationError("Attendance is recorded once the activity is published.")


@dataclass(frozen=True)
class CaptureResult:
    added: int
    removed: int
    apologies_added: int = 0
    apologies_removed: int = 0


#: The code of the error raised when someone is marked both as attended and as sent apologies.
BOTH_CODE = "attended_and_apologies"


def record_attendance(
    *,
    actor: User,
    activity: Activity,
    listed: Iterable[str],
    present: Iterable[str],
    apologies: Iterable[str] | None = None,
) -> CaptureResult:
    """Save a capture: of the people ``listed`` on the page, those ``present`` attended and
    the rest did not; of those ``apologies`` sent apologies and the rest did not (when
    ``apologies`` is None, apologies are left as they were, except that someone who attended
    has none). People not listed are left as they were. One transaction; each change is a
    create or update of an ``Attendance`` in the audit trail, recorded by ``actor``.

    Someone both present and with apologies is refused (a ``ValidationError`` with code
    ``BOTH_CODE`` and the keys in ``params["keys"]``); so are keys that do not name a person.
    """
    _check(actor, activity)
    listed_keys = {k for k in listed if parse_key(k)}
    present_keys = {k for k in present if parse_key(k)} & listed_keys
    apology_keys = (
        None if apologies is None else {k for k in apologies if parse_key(k)} & listed_keys
    )
    both = present_keys & (apology_keys or set())
    if both:
        raise ValidationError(
            "Someone is marked both as attended and as sent apologies: choose one.",
            code=BOTH_CODE,
            params={"keys": sorted(both)},
        )
    added = removed = apologies_added = apologies_removed = 0
    with transaction.atomic(), acting_as(actor):
        existing = {
            f"{a.kind}:{getattr(a, _FIELD[a.kind] + '_id')}": a
            for a in Attendance.objects.select_for_update().filter(activity=activity)
        }
        _require_people_exist((present_keys | (apology_keys or set())) - set(existing))
        for key in sorted(listed_keys):
            record = existing.get(key)
            attended = key in present_keys
            if apology_keys is not None:
                sent = key in apology_keys
            else:
                sent = False if attended or record is None else record.apologies
            if record is None:
                if not attended and not sent:
                    continue
                kind, pk = parse_key(key)  # type: ignore[misc]
                Attendance.objects.create(
                    activity=activity,
                    kind=kind,
                    recorded_by=actor,
                    attended=attended,
                    apologies=sent,
                    **{f"{_FIELD[kind]}_id": pk},
                )
                added += attended
                apologies_added += sent
            elif record.attended != attended or record.apologies != sent:
                added += attended and not record.attended
                removed += record.attended and not attended
                apologies_added += sent and not record.apologies
                apologies_removed += record.apologies and not sent
                record.attended = attended
                record.apologies = sent
                record.recorded_by = actor
                record.save(update_fields=["attended", "apologies", "recorded_by", "recorded_at"])
    return CaptureResult(added, removed, apologies_added, apologies_removed)


def _require_people_exist(keys: set[str]) -> None:
    by_kind: dict[str, set[int]] = defaultdict(set)
    for key in keys:
        kind, pk = parse_key(key)  # type: ignore[misc]
        by_kind[kind].add(pk)
    models: dict[str, QuerySet[Any]] = {
        Kind.CONTACT: Contact.objects.filter(erased_at__isnull=True),
        Kind.OFFICER: Officer.objects.all(),
        Kind.PARTNER: PartnerPerson.objects.all(),
        Kind.COUNCILLOR: Councillor.objects.all(),
    }
    for kind, pks in by_kind.items():
        found = set(models[kind].filter(pk__in=pks).values_list("pk", flat=True))
        if found != pks:
            raise ValidationError("Someone on the list no longer exists; reload the page.")


def add_walk_in(
    *,
    actor: User,
    activity: Activity,
    provider: Provider,
    name: str,
    level: str,
    job_title: str = "",
    email: str = "",
) -> Attendance:
    """Someone who came without being on the list: a new contact of ``provider``, recorded as
    attended. (An existing contact is found on the capture page and ticked instead.)"""
    from engage.market.services import save_contact

    _check(actor, activity)
    with transaction.atomic(), acting_as(actor):
        contact = save_contact(
            actor=actor,
            provider=provider,
            name=name.strip(),
            level=level,
            job_title=job_title.strip(),
            email=email.strip(),
        )
        return Attendance.objects.create(
            activity=activity,
            kind=Kind.CONTACT,
            contact=contact,
            attended=True,
            recorded_by=actor,
        )


def find_contacts(search: str, *, exclude: Iterable[int], limit: int = 10) -> list[Person]:
    """Active contacts anywhere in the market whose name or provider matches ``search``, not
    already listed (someone who came without being invited)."""
    if len(search.strip()) < 3:
        return []
    q = Q()
    for word in search.split():
        q &= Q(name__icontains=word) | Q(provider__name__icontains=word)
    return _contact_rows(
        Contact.objects.filter(q, is_active=True, erased_at__isnull=True)
        .exclude(pk__in=list(exclude))
        .order_by("name", "pk")[:limit]
    )


def find_contacts_by_id(ids: Iterable[int]) -> list[Person]:
    """Walk-ins found by an earlier search, kept on the list (one query and its prefetches)."""
    ids = list(ids)
    if not ids:
        return []
    return _contact_rows(
        Contact.objects.filter(pk__in=ids, erased_at__isnull=True).order_by("name", "pk")
    )


def _contact_rows(queryset: QuerySet[Contact]) -> list[Person]:
    contacts = queryset.select_related("provider").prefetch_related(
        Prefetch(
            "services",
            queryset=Service.objects.select_related("locality").prefetch_related("service_types"),
        )
    )
    rows = []
    for contact in contacts:
        where, level = _segment(contact)
        rows.append(
            Person(
                key=f"contact:{contact.pk}",
                kind=Kind.CONTACT,
                name=contact.name,
                detail=contact.provider.name,
                segment=f"{where} · {level}",
                walk_in=True,
            )
        )
    return rows
