"""Import the CQC's public directory of registered locations into the market register.

``import_cqc_file`` reads a file with ``cqc_format`` (the pure reader) and writes it in ONE
transaction with bulk inserts and updates:

- providers are matched by CQC provider ID, services by CQC location ID: re-importing the
  same file changes nothing, a newer file updates what changed;
- a service is placed in the locality whose districts name its local authority, or else
  whose postcode districts hold its postcode's outward code;
- a service missing from the file is marked deregistered (only within the chosen local
  authorities, when some are chosen), never deleted; one that reappears is registered again;
- only what the file has a column for is written: a care directory file (no beds, no rating)
  leaves beds and ratings alone, a file without provider columns leaves a service's provider
  as it was (none, for a new service: no provider is invented);
- any bad line refuses the whole file: every bad line is reported with its line number and
  reason and nothing is written. A missing required column refuses the file with a message
  naming it. Every run, refused or not, leaves a ``CqcImport`` record.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, TYPE_CHECKING, Any, cast
from uuid import uuid4

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from engage.accounts.models import User
from engage.market.cqc_format import (
    SERVICE_TYPE_SLUGS,
    CqcFile,
    CqcFormatError,
    CqcLocation,
    CqcSource,
    LineError,
    MissingColumnError,
    SkippedLocation,
    open_cqc_file,
)

if TYPE_CHECKING:
    from django.db.models import Field

from engage.market.models import CqcImport, Locality, Provider, Rating, Service, ServiceType

#: Names given to service types the import needs and the register lacks.
DEFAULT_SERVICE_TYPE_NAMES: dict[str, str] = {
    "residential": "Residential care",
    "nursing": "Nursing care",
    "domiciliary": "Domiciliary care (home care)",
    "supported-living": "Supported living",
    "extra-care": "Extra care housing",
    "day-services": "Day services",
    "other": "Other",
}
_RATING_VALUES = {label: value for value, label in Rating.choices if value}
_BATCH = 900  # below SQLite's limit of variables in one statement, fine for PostgreSQL
_OUTSIDE_AREA = "outside the chosen local authorities"

ServiceTypeLink = Service.service_types.through

#: progress(phase, done, total): phase is "Reading" or "Writing".
Progress = Callable[[str, int, int], None]


@dataclass
class CqcImportResult:
    """What an import did. ``record`` is the stored ``CqcImport``; ``errors`` every bad line."""

    record: CqcImport
    errors: tuple[LineError, ...] = ()
    problem: str = ""
    """Why the whole file was refused (unreadable, a missing column), if it was."""
    seconds: float = 0.0

    @property
    def refused(self) -> bool:
        return self.record.outcome == CqcImport.Outcome.REFUSED


@dataclass
class _Plan:
    new_providers: dict[str, Provider] = field(default_factory=dict)
    renamed_providers: list[Provider] = field(default_factory=list)
    new_services: list[tuple[Service, str | None, tuple[str, ...]]] = field(default_factory=list)
    changed_services: list[Service] = field(default_factory=list)
    changed_fields: set[str] = field(default_factory=set)
    links_to_add: list[tuple[int, str]] = field(default_factory=list)
    links_to_remove: list[tuple[int, str]] = field(default_factory=list)
    seen_service_pks: list[int] = field(default_factory=list)
    to_deregister: list[int] = field(default_factory=list)
    unchanged: int = 0
    missing_types: list[str] = field(default_factory=list)


def _area_key(name: str) -> str:
    return " ".join(name.replace("&", " and ").split()).casefold()


def _max_lengths() -> dict[str, int]:
    lengths: dict[str, int] = {}
    for model_field in Service._meta.get_fields():
        max_length = getattr(model_field, "max_length", None)
        if isinstance(max_length, int):
            lengths[model_field.name] = max_length
    return lengths


class _LocalityFinder:
    """Which locality a service is in: by local authority name, else by postcode district."""

    def __init__(self) -> None:
        self.by_district: dict[str, int] = {}
        self.by_outward: dict[str, int] = {}
        for pk, districts, outwards in Locality.objects.filter(is_active=True).values_list(
            "pk", "districts", "postcode_districts"
        ):
            for district in districts or ():
                self.by_district.setdefault(_area_key(str(district)), pk)
            for outward in outwards or ():
                self.by_outward.setdefault(str(outward).strip().upper(), pk)

    def find(self, local_authority: str, postcode: str) -> int | None:
        found = self.by_district.get(_area_key(local_authority)) if local_authority else None
        if found is None and postcode:
            found = self.by_outward.get(postcode.split()[0].upper())
        return found


def _address(location: CqcLocation) -> str:
    parts = (location.street_address, location.address_line_2, location.town, location.county)
    return ", ".join(p for p in parts if p)


def _desired(location: CqcLocation, fields: frozenset[str]) -> dict[str, Any]:
    """The service's fields as the file gives them (only those the file has a column for)."""
    values: dict[str, Any] = {
        "name": location.name,
        "postcode": location.postcode,
        "status": Service.Status.ACTIVE,
        "deregistered_on": None,
        "cqc_service_types": list(location.cqc_service_types),
    }
    if fields & {"address", "street_address", "address_line_2", "town", "county"}:
        values["address"] = _address(location)
    optional = {
        "phone": location.phone,
        "website": location.website,
        "local_authority": location.local_authority,
        "region": location.region,
        "beds": location.beds,
        "rating_date": location.rating_date,
        "registered_since": location.registered_since,
    }
    for name, value in optional.items():
        if name in fields:
            values[name] = value
    if "rating" in fields:
        values["rating"] = _RATING_VALUES.get(location.rating or "", "")
    if "specialisms" in fields:
        values["specialisms"] = list(location.specialisms)
    return values


def _clip(values: dict[str, Any], lengths: dict[str, int]) -> dict[str, Any]:
    for name, value in values.items():
        limit = lengths.get(name)
        if limit and isinstance(value, str) and len(value) > limit:
            # A URL cut short is no URL at all; other text keeps its beginning.
            values[name] = "" if name == "website" else value[:limit]
    return values


def _chunks(items: Sequence[Any], size: int = _BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _plan(
    *,
    locations: Sequence[CqcLocation],
    opened: CqcFile,
    seen_ids: set[str],
    local_authorities: Sequence[str] | None,
    deregister: bool,
    today: date,
    progress: Progress | None,
) -> _Plan:
    plan = _Plan()
    fields = opened.fields
    covered = opened.service_types_covered
    lengths = _max_lengths()
    localities = _LocalityFinder()
    has_provider_columns = "provider_id" in fields
    type_slugs = dict(ServiceType.objects.values_list("pk", "slug"))
    plan.missing_types = [s for s in SERVICE_TYPE_SLUGS if s not in set(type_slugs.values())]

    providers: dict[str, Provider] = {
        p.cqc_provider_id: p
        for p in Provider.objects.filter(cqc_provider_id__isnull=False).only(
            "pk", "cqc_provider_id", "name"
        )
        if p.cqc_provider_id
    }
    compared = (
        "pk",
        "cqc_location_id",
        "provider_id",
        "locality_id",
        "local_authority",
        "status",
        "name",
        "postcode",
        "address",
        "phone",
        "website",
        "region",
        "beds",
        "rating",
        "rating_date",
        "registered_since",
        "deregistered_on",
        "cqc_service_types",
        "specialisms",
    )
    existing: dict[str, Service] = {
        s.cqc_location_id: s
        for s in Service.objects.filter(cqc_location_id__isnull=False).only(*compared)
        if s.cqc_location_id
    }
    existing_types: dict[int, set[str]] = defaultdict(set)
    for service_id, type_id in ServiceTypeLink.objects.filter(
        service__cqc_location_id__isnull=False
    ).values_list("service_id", "servicetype_id"):
        existing_types[service_id].add(type_slugs[type_id])

    renamed: dict[str, Provider] = {}
    total = len(locations)
    for index, location in enumerate(locations, start=1):
        if progress and index % 2000 == 0:
            progress("Planning", index, total)
        provider_id: int | str | None = None  # an int (existing), a CQC id (new), or None
        if has_provider_columns and location.provider_id:
            known = providers.get(location.provider_id)
            if known is not None:
                provider_id = known.pk
                new_name = (location.provider_name or "")[:250]
                if new_name and known.name != new_name:
                    known.name = new_name
                    renamed[location.provider_id] = known
            else:
                if location.provider_id not in plan.new_providers:
                    plan.new_providers[location.provider_id] = Provider(
                        cqc_provider_id=location.provider_id,
                        name=(location.provider_name or f"CQC provider {location.provider_id}")[
                            :250
                        ],
                    )
                provider_id = location.provider_id
        values = _clip(_desired(location, fields), lengths)
        locality_id = localities.find(location.local_authority, location.postcode)
        service = existing.get(location.location_id)
        if service is None:
            new = Service(cqc_location_id=location.location_id, locality_id=locality_id, **values)
            plan.new_services.append(
                (new, provider_id if isinstance(provider_id, str) else None, location.service_types)
            )
            if isinstance(provider_id, int):
                new.provider_id = provider_id
            continue
        plan.seen_service_pks.append(service.pk)
        changed: set[str] = set()
        for name, value in values.items():
            if getattr(service, name) != value:
                setattr(service, name, value)
                changed.add(name)
        if locality_id is not None and service.locality_id != locality_id:
            service.locality_id = locality_id
            changed.add("locality")
        if isinstance(provider_id, int) and service.provider_id != provider_id:
            service.provider_id = provider_id
            changed.add("provider")
        elif isinstance(provider_id, str):
            plan.new_services.append((service, provider_id, ()))  # linked after providers exist
            changed.add("provider")
        had = existing_types.get(service.pk, set())
        wanted = (had - covered) | set(location.service_types)
        for slug in wanted - had:
            plan.links_to_add.append((service.pk, slug))
        for slug in had - wanted:
            plan.links_to_remove.append((service.pk, slug))
        if changed or wanted != had:
            plan.changed_services.append(service)
            plan.changed_fields |= changed
        else:
            plan.unchanged += 1
    plan.renamed_providers = list(renamed.values())
    if progress:
        progress("Planning", total, total)

    if deregister:
        areas = {_area_key(a) for a in local_authorities} if local_authorities else None
        for location_id, service in existing.items():
            if location_id in seen_ids or service.status != Service.Status.ACTIVE:
                continue
            if areas is not None and _area_key(service.local_authority) not in areas:
                continue
            plan.to_deregister.append(service.pk)
    return plan


_WRITING_STEPS = 5


def _apply(plan: _Plan, *, now: datetime, today: date, progress: Progress | None) -> None:
    done = 0

    def step(_what: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress("Writing", done, _WRITING_STEPS)

    for slug in plan.missing_types:
        ServiceType.objects.create(
            slug=slug,
            name=DEFAULT_SERVICE_TYPE_NAMES.get(slug, slug.replace("-", " ").capitalize()),
            position=SERVICE_TYPE_SLUGS.index(slug),
        )
    type_pks = dict(ServiceType.objects.values_list("slug", "pk"))

    new_providers = list(plan.new_providers.values())
    Provider.objects.bulk_create(new_providers, batch_size=_BATCH)
    provider_pks = {p.cqc_provider_id: p.pk for p in new_providers}
    if new_providers and any(p.pk is None for p in new_providers):  # no RETURNING support
        provider_pks = dict(
            Provider.objects.filter(cqc_provider_id__in=list(plan.new_providers)).values_list(
                "cqc_provider_id", "pk"
            )
        )
    for provider in plan.renamed_providers:
        provider.updated_at = now
    Provider.objects.bulk_update(plan.renamed_providers, ["name", "updated_at"], batch_size=_BATCH)

    to_create: list[Service] = []
    types_of_new: list[tuple[Service, tuple[str, ...]]] = []
    for service, new_provider, slugs in plan.new_services:
        if new_provider is not None:
            service.provider_id = provider_pks[new_provider]
        if service.pk is None:
            service.last_imported_at = now
            to_create.append(service)
            types_of_new.append((service, slugs))
    step("providers")
    Service.objects.bulk_create(to_create, batch_size=_BATCH)
    if any(
        s.pk is None for s in to_create
    ):  # pragma: no cover - every supported database returns ids
        ids = dict(
            Service.objects.filter(
                cqc_location_id__in=[s.cqc_location_id for s in to_create]
            ).values_list("cqc_location_id", "pk")
        )
        for service in to_create:
            service.pk = ids[service.cqc_location_id]
    links = [
        ServiceTypeLink(service_id=service.pk, servicetype_id=type_pks[slug])
        for service, slugs in types_of_new
        for slug in slugs
    ]
    links += [
        ServiceTypeLink(service_id=service_pk, servicetype_id=type_pks[slug])
        for service_pk, slug in plan.links_to_add
    ]
    step("new services")
    ServiceTypeLink.objects.bulk_create(links, batch_size=_BATCH, ignore_conflicts=True)
    removals: dict[str, list[int]] = defaultdict(list)
    for service_pk, slug in plan.links_to_remove:
        removals[slug].append(service_pk)
    for slug, service_pks in removals.items():
        for chunk in _chunks(service_pks):
            ServiceTypeLink.objects.filter(
                servicetype_id=type_pks[slug], service_id__in=chunk
            ).delete()
    step("service types")
    if plan.changed_services:
        for service in plan.changed_services:
            service.updated_at = now
        _update_rows(plan.changed_services, sorted(plan.changed_fields | {"updated_at"}))
    step("updated services")
    for chunk in _chunks(plan.seen_service_pks):
        Service.objects.filter(pk__in=chunk).update(last_imported_at=now)
    for chunk in _chunks(plan.to_deregister):
        Service.objects.filter(pk__in=chunk).update(
            status=Service.Status.DEREGISTERED, deregistered_on=today, updated_at=now
        )
    _refresh_provider_activity()
    # Bulk writes skip Service.save(): every provider's figures again, in one statement.
    Provider.objects.refresh_figures()
    step("deregistered services")


def _update_rows(services: Sequence[Service], field_names: Sequence[str]) -> None:
    """Write ``field_names`` of ``services``: one UPDATE statement, executed for every row.

    Django's ``bulk_update`` builds a CASE expression per field per row, which took ~20 s for
    4,000 services of 15 fields; ``executemany`` of one statement takes well under a second.
    Values are prepared by each field, as ``save()`` would.
    """
    meta = Service._meta
    fields = [cast("Field[Any, Any]", meta.get_field(name)) for name in field_names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    table, key = quote(meta.db_table), quote(str(meta.pk.column))
    # Names come from the model, values go as parameters.
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608
    rows = [
        [f.get_db_prep_save(getattr(service, f.attname), connection) for f in fields] + [service.pk]
        for service in services
    ]
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, 2000):
            cursor.executemany(sql, chunk)


def _refresh_provider_activity() -> None:
    """A provider is active while it has a registered service (providers with none recorded
    are left alone: they were added by hand)."""
    active_service = Service.objects.filter(
        provider_id=OuterRef("pk"), status=Service.Status.ACTIVE
    )
    any_service = Service.objects.filter(provider_id=OuterRef("pk"))
    Provider.objects.filter(is_active=False).filter(Exists(active_service)).update(is_active=True)
    Provider.objects.filter(is_active=True).filter(Exists(any_service)).exclude(
        Exists(active_service)
    ).update(is_active=False)


def _record(
    *,
    outcome: str,
    file_name: str,
    actor: User | None,
    local_authorities: Sequence[str] | None,
    started_at: datetime,
    layout: str = "",
    errors: Iterable[tuple[int, str]] = (),
    **counts: Any,
) -> CqcImport:
    record = CqcImport.objects.create(
        file_name=file_name[:300],
        started_by=actor if actor is not None and actor.pk else None,
        layout=layout,
        local_authorities=list(local_authorities or []),
        outcome=outcome,
        errors=[[line, reason] for line, reason in errors],
        finished_at=timezone.now(),
        **counts,
    )
    # auto_now_add stamps the row's creation; the run started before that.
    CqcImport.objects.filter(pk=record.pk).update(started_at=started_at)
    record.started_at = started_at
    return record


def import_cqc_file(
    *,
    source: CqcSource,
    file_name: str,
    actor: User | None = None,
    local_authorities: Sequence[str] | None = None,
    dry_run: bool = False,
    deregister: bool = True,
    progress: Progress | None = None,
) -> CqcImportResult:
    """Import a CQC locations file (see the module's docstring for what is guaranteed).

    ``local_authorities`` keeps only the locations of those authorities (CQC's names, as in
    "Location Local Authority"); ``dry_run`` checks the file and counts what would change
    without writing (except the ``CqcImport`` record); ``deregister=False`` leaves services
    missing from the file as they are.
    """
    clock = time.perf_counter()
    started_at = timezone.now()
    areas = [a for a in (local_authorities or []) if a.strip()] or None
    common: dict[str, Any] = {
        "file_name": file_name,
        "actor": actor,
        "local_authorities": areas,
        "started_at": started_at,
    }
    try:
        opened = open_cqc_file(source, local_authorities=areas)
    except CqcFormatError as exc:
        line = (exc.header_line or 0) if isinstance(exc, MissingColumnError) else 0
        record = _record(outcome=CqcImport.Outcome.REFUSED, errors=[(line, str(exc))], **common)
        return CqcImportResult(record, problem=str(exc), seconds=time.perf_counter() - clock)

    locations: list[CqcLocation] = []
    errors: list[LineError] = []
    skipped: Counter[str] = Counter()
    seen_ids: set[str] = set()
    for count, item in enumerate(opened, start=1):
        if isinstance(item, CqcLocation):
            locations.append(item)
            seen_ids.add(item.location_id)
        elif isinstance(item, SkippedLocation):
            skipped[item.reason] += 1
            seen_ids.add(item.location_id)
        else:
            errors.append(item)
        if progress and count % 1000 == 0:
            line = item.source_line if isinstance(item, CqcLocation) else item.line
            progress("Reading", line, opened.total_lines)
    if progress:
        progress("Reading", opened.total_lines, opened.total_lines)
    if opened.outside_area:
        skipped[_OUTSIDE_AREA] = opened.outside_area
    common |= {"layout": opened.layout, "rows": opened.total_rows, "skipped": dict(skipped)}

    if errors:
        record = _record(
            outcome=CqcImport.Outcome.REFUSED,
            errors=[(e.line, e.reason) for e in errors],
            **common,
        )
        return CqcImportResult(
            record,
            errors=tuple(errors),
            problem=f"{len(errors)} bad line{'s' if len(errors) != 1 else ''}: nothing was imported.",
            seconds=time.perf_counter() - clock,
        )

    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        plan = _plan(
            locations=locations,
            opened=opened,
            seen_ids=seen_ids,
            local_authorities=areas,
            deregister=deregister,
            today=today,
            progress=progress,
        )
        counts: dict[str, Any] = {
            "created": sum(1 for s, _, _ in plan.new_services if s.pk is None),
            "updated": len(plan.changed_services),
            "unchanged": plan.unchanged,
            "deregistered": len(plan.to_deregister),
            "providers_created": len(plan.new_providers),
            "providers_updated": len(plan.renamed_providers),
        }
        if not dry_run:
            _apply(plan, now=now, today=today, progress=progress)
        outcome = CqcImport.Outcome.DRY_RUN if dry_run else CqcImport.Outcome.IMPORTED
        record = _record(outcome=outcome, **common, **counts)
    return CqcImportResult(record, seconds=time.perf_counter() - clock)


UPLOAD_FOLDER = "cqc-imports"


def store_upload(*, content: IO[bytes], file_name: str) -> str:
    """Keep an uploaded CQC file until its import runs; returns its name in the storage."""
    from django.core.files.base import File
    from django.core.files.storage import default_storage

    return default_storage.save(f"{UPLOAD_FOLDER}/{uuid4().hex}.upload", File(content))


def import_uploaded_file(
    *,
    storage_name: str,
    file_name: str,
    actor_id: int | None,
    local_authorities: Sequence[str],
    dry_run: bool,
    deregister: bool,
) -> int | None:
    """Import a stored upload, then delete it. A run after a finished one (a retried task)
    finds no file and does nothing; one after a crash imports again, which is harmless since
    importing the same file twice changes nothing."""
    from django.core.files.storage import default_storage

    if not default_storage.exists(storage_name):
        return None
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    with default_storage.open(storage_name, "rb") as handle:
        content = handle.read()
    result = import_cqc_file(
        source=content,
        file_name=file_name,
        actor=actor,
        local_authorities=local_authorities,
        dry_run=dry_run,
        deregister=deregister,
    )
    default_storage.delete(storage_name)
    return result.record.pk
