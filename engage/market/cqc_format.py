"""Read the Care Quality Commission's public files of registered locations.

Pure Python, no Django: this module parses, normalises and reports. The importer that writes
to the database calls :func:`read_cqc_file` (everything at once) or :func:`iter_cqc_rows`
(one row at a time, for a progress bar) and decides what to do with each row.

Two layouts are understood:

``care-directory``
    CQC's public "care directory" CSV: Name, Also known as, Address, Postcode, Phone number,
    Service's website (if available), Service types (``|``-separated), Date of latest check,
    Specialisms/services (``|``-separated), Provider name, Local authority, Region,
    Location URL, CQC Location ID (for office use only), CQC Provider ID (for office use only).
    The published file has a header row, sometimes with a few preamble lines above it; copies
    that lost the header are recognised by having 15 columns whose 14th is a location ID.

``hsca-active-locations``
    CQC's "HSCA Active Locations" file (also published as the "care directory with filters"):
    one row per location with "Location ID", "Location Name", "Care home?", "Care homes beds",
    "Location Local Authority", "Location Latest Overall Rating", "Provider ID", ... and one
    Y/empty flag column per service type ("Service type - Domiciliary care service", ...) and
    per service user band. Any subset of its columns is read, provided the required ones are
    there; nothing is invented for columns a file lacks (no provider, no rating).

Both layouts may come as CSV (UTF-8 with or without BOM, or Windows-1252) or as XLSX.

Typical use by an importer::

    opened = open_cqc_file(upload, local_authorities=["Essex"])  # raises if unreadable
    for item in opened:                     # progress: item line / opened.total_lines
        if isinstance(item, CqcLocation): ...   # upsert by item.location_id
        elif isinstance(item, LineError): ...   # show "line N: reason"
        else: ...                               # SkippedLocation: count item.reason

A row whose column count is wrong is reported even when a ``local_authorities`` filter is
given, since its area cannot be trusted; other rows outside the filter are only counted.

Contains CQC data © Care Quality Commission, licensed under the Open Government Licence v3.0
(wherever the app shows or ships what this module reads).
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Final, Literal, TypeAlias

__all__ = [
    "ADULT_SOCIAL_CARE_SLUGS",
    "CARE_DIRECTORY",
    "HSCA_ACTIVE_LOCATIONS",
    "RATINGS",
    "SERVICE_TYPES",
    "SERVICE_TYPE_SLUGS",
    "CqcFile",
    "CqcFormatError",
    "CqcLocation",
    "CqcReadResult",
    "CqcRow",
    "CqcSource",
    "LineError",
    "MissingColumnError",
    "SkippedLocation",
    "UnknownLayoutError",
    "iter_cqc_rows",
    "open_cqc_file",
    "read_cqc_file",
    "service_type_slug",
]

Layout: TypeAlias = Literal["care-directory", "hsca-active-locations"]
CARE_DIRECTORY: Final = "care-directory"
HSCA_ACTIVE_LOCATIONS: Final = "hsca-active-locations"

# --------------------------------------------------------------------------------------------
# Service types: CQC's vocabulary -> our slugs
# --------------------------------------------------------------------------------------------

SERVICE_TYPE_SLUGS: Final[tuple[str, ...]] = (
    "residential",
    "nursing",
    "domiciliary",
    "supported-living",
    "extra-care",
    "day-services",
    "other",
)
"""Our service types, in the order :attr:`CqcLocation.service_types` lists them."""

ADULT_SOCIAL_CARE_SLUGS: Final[frozenset[str]] = frozenset(SERVICE_TYPE_SLUGS) - {"other"}
"""A location offering any of these is adult social care and is kept; the rest are skipped."""

SERVICE_TYPES: Final[tuple[tuple[str, str, str], ...]] = (
    # (our slug, care directory "Service types" label, HSCA "Service type - ..." column name)
    #
    # The pairs are CQC's own: the care directory shows the short public name of each service
    # type, the HSCA file the long one. "Supported housing" is the directory's name for CQC's
    # "Extra Care housing services" (the 2016 directory's "Supported housing" rows are extra
    # care schemes such as Methodist Homes' courts), so it maps to extra-care, not
    # supported-living. Shared lives counts as supported-living. CQC registers no day services
    # (a day centre needs no registration unless it gives personal care), so neither file has
    # a label for "day-services"; the slug exists for the app's own records.
    # "" means the vocabulary has no name for it.
    ("residential", "Residential homes", "Care home service without nursing"),
    ("nursing", "Nursing homes", "Care home service with nursing"),
    ("domiciliary", "Homecare agencies", "Domiciliary care service"),
    ("supported-living", "Supported living", "Supported living service"),
    ("supported-living", "Shared lives", "Shared Lives"),
    ("extra-care", "Supported housing", "Extra Care housing services"),
    # Health and other services: not adult social care on their own.
    ("other", "Doctors/GPs", "Doctors consultation service"),
    ("other", "Doctors/GPs", "Doctors treatment service"),
    ("other", "Mobile doctors", "Mobile doctors service"),
    ("other", "Dentist", "Dental service"),
    ("other", "Hospital", "Acute services with overnight beds"),
    (
        "other",
        "Clinic",
        "Acute services without overnight beds / listed acute services with or without "
        "overnight beds",
    ),
    (
        "other",
        "Hospitals - Mental health/capacity",
        "Hospital services for people with mental health needs, learning disabilities and "
        "problems with substance misuse",
    ),
    ("other", "Hospice", "Hospice services"),
    ("other", "Home hospice care", "Hospice services at home"),
    ("other", "Rehabilitation (illness/injury)", "Rehabilitation services"),
    (
        "other",
        "Rehabilitation (substance abuse)",
        "Residential substance misuse treatment and/or rehabilitation service",
    ),
    ("other", "Community services - Healthcare", "Community healthcare service"),
    (
        "other",
        "Community services - Nursing",
        "Community health care services - Nurses Agency only",
    ),
    (
        "other",
        "Community services - Learning disabilities",
        "Community based services for people with a learning disability",
    ),
    (
        "other",
        "Community services - Mental Health",
        "Community based services for people with mental health needs",
    ),
    (
        "other",
        "Community services - Substance abuse",
        "Community based services for people who misuse substances",
    ),
    ("other", "Diagnosis/screening", "Diagnostic and/or screening service"),
    (
        "other",
        "Diagnosis/screening",
        "Diagnostic and/or screening service - single handed sessional providers",
    ),
    ("other", "Long-term conditions", "Long term conditions services"),
    ("other", "Phone/online advice", "Remote clinical advice service"),
    ("other", "Urgent care centres", "Urgent care services"),
    ("other", "Ambulances", "Ambulance service"),
    ("other", "Blood and transplant service", "Blood and Transplant service"),
    ("other", "Hyperbaric chamber services", "Hyperbaric Chamber"),
    ("other", "Prison healthcare", "Prison Healthcare Services"),
    ("other", "Specialist college service", "Specialist college service"),
    ("other", "Education disability services", ""),
)


def _key(text: str) -> str:
    """Compare labels and column names ignoring case, spacing and a byte-order mark."""
    return " ".join(text.replace("\ufeff", "").split()).casefold()


_SLUG_BY_LABEL: Final[dict[str, str]] = {
    _key(label): slug
    for slug, directory_label, hsca_label in SERVICE_TYPES
    for label in (directory_label, hsca_label)
    if label
}


def service_type_slug(cqc_label: str) -> str:
    """Our slug for a CQC service type label of either layout ("other" when unknown)."""
    return _SLUG_BY_LABEL.get(_key(cqc_label), "other")


RATINGS: Final[tuple[str, ...]] = ("Outstanding", "Good", "Requires improvement", "Inadequate")
_RATING_BY_KEY: Final[dict[str, str]] = {_key(r): r for r in RATINGS}

# --------------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CqcLocation:
    """One adult social care location, normalised.

    Text fields the file lacks are "" (provider fields are None: a file without provider
    columns says nothing about the provider). Dates, beds and rating are None when the file has
    no such column or leaves it empty.
    """

    location_id: str
    name: str
    also_known_as: str
    street_address: str
    """Care directory: the whole "Address" (street and town, comma-separated, as published).
    HSCA: "Location Street Address"."""
    address_line_2: str
    town: str
    county: str
    postcode: str
    phone: str
    website: str
    local_authority: str
    region: str
    provider_id: str | None
    provider_name: str | None
    service_types: tuple[str, ...]
    """Our slugs (see :data:`SERVICE_TYPES`), in :data:`SERVICE_TYPE_SLUGS` order."""
    cqc_service_types: tuple[str, ...]
    """CQC's own labels, as the file has them."""
    specialisms: tuple[str, ...]
    """Care directory: "Specialisms/services". HSCA: the "Service user band - ..." flags."""
    beds: int | None
    is_care_home: bool | None
    rating: str | None
    """One of :data:`RATINGS`, or None (no rating column, not yet rated, or not rated)."""
    rating_date: date | None
    last_checked: date | None
    registered_since: date | None
    source_line: int
    """Physical line (CSV) or row (XLSX) of the file, 1-based, counting header and preamble."""


@dataclass(frozen=True, slots=True)
class LineError:
    """A line that could not be read, with a reason a council officer understands."""

    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class SkippedLocation:
    """A valid row that is not adult social care (a GP, a dentist, a hospital...)."""

    line: int
    location_id: str
    name: str
    reason: str


CqcRow: TypeAlias = CqcLocation | LineError | SkippedLocation


@dataclass(frozen=True, slots=True)
class CqcReadResult:
    layout: Layout
    encoding: str
    """"utf-8", "utf-8-sig", "cp1252" or "xlsx"."""
    header_line: int | None
    """Line of the header row, or None for a care directory without one."""
    locations: tuple[CqcLocation, ...]
    errors: tuple[LineError, ...]
    skipped: tuple[SkippedLocation, ...]
    skipped_by_reason: Mapping[str, int]
    """How many locations were skipped for each reason, most frequent first."""
    total_rows: int
    """Data rows read (blank lines, preamble and header not counted)."""
    outside_area: int
    """Rows left out by the ``local_authorities`` filter (not counted as skipped)."""


class CqcFormatError(Exception):
    """The file as a whole cannot be read."""


class UnknownLayoutError(CqcFormatError):
    """Neither a known header row nor the header-less care directory was found."""


class MissingColumnError(CqcFormatError):
    """The layout was recognised but a column it needs is missing."""

    def __init__(self, columns: Sequence[str], layout: Layout, header_line: int | None) -> None:
        self.columns: tuple[str, ...] = tuple(columns)
        self.layout: Layout = layout
        self.header_line = header_line
        names = " and ".join(f"'{c}'" for c in self.columns)
        where = f" (header on line {header_line})" if header_line else ""
        noun = "column" if len(self.columns) == 1 else "columns"
        super().__init__(
            f"This file looks like CQC's {_LAYOUT_TITLES[layout]} layout{where}, "
            f"but it has no {names} {noun}."
        )


_LAYOUT_TITLES: Final[dict[str, str]] = {
    CARE_DIRECTORY: "care directory",
    HSCA_ACTIVE_LOCATIONS: "HSCA Active Locations",
}

# --------------------------------------------------------------------------------------------
# Column names of each layout
# --------------------------------------------------------------------------------------------

# field -> the column's names as CQC has published them (first = the name used in messages).
_DIRECTORY_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "name": ("Name",),
    "also_known_as": ("Also known as",),
    "address": ("Address",),
    "postcode": ("Postcode",),
    "phone": ("Phone number",),
    "website": ("Service's website (if available)", "Service's website"),
    "service_types": ("Service types",),
    "last_checked": ("Date of latest check",),
    "specialisms": ("Specialisms/services",),
    "provider_name": ("Provider name",),
    "local_authority": ("Local authority",),
    "region": ("Region",),
    "location_url": ("Location URL",),
    "location_id": (
        "CQC Location ID (for office use only)",
        # The 2017 editions' header really did lose "ID" and the closing bracket.
        "CQC Location (for office use only",
        "CQC Location ID",
    ),
    "provider_id": ("CQC Provider ID (for office use only)", "CQC Provider ID"),
}
_DIRECTORY_REQUIRED: Final = ("location_id", "name", "postcode", "service_types")

_HSCA_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "location_id": ("Location ID",),
    "name": ("Location Name",),
    "also_known_as": ("Location Also Known As",),
    "registered_since": ("Location HSCA start date",),
    "is_care_home": ("Care home?",),
    "beds": ("Care homes beds",),
    "phone": ("Location Telephone Number",),
    "website": ("Location Web Address",),
    "type_sector": ("Location Type/Sector",),
    "rating": ("Location Latest Overall Rating",),
    "rating_date": ("Publication Date",),
    "region": ("Location Region",),
    "local_authority": ("Location Local Authority",),
    "street_address": ("Location Street Address",),
    "address_line_2": ("Location Address Line 2",),
    "town": ("Location City",),
    "county": ("Location County",),
    "postcode": ("Location Postal Code",),
    "provider_id": ("Provider ID",),
    "provider_name": ("Provider Name",),
}
_HSCA_REQUIRED: Final = ("location_id", "name", "postcode")
_SERVICE_TYPE_PREFIX: Final = _key("Service type - ")
_USER_BAND_PREFIX: Final = _key("Service user band - ")

_HEADER_SEARCH_LINES: Final = 30
"""Lines searched for a header row. CQC's CSVs have had up to 4 preamble lines, and one
spreadsheet edition 27 rows of notes above the header."""

_DIRECTORY_WIDTH: Final = len(_DIRECTORY_COLUMNS)
_LOCATION_ID_RE: Final = re.compile(r"1-\d+")
_ID_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_POSTCODE_SPACE_RE: Final = re.compile(r"\s+")

# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

CqcSource: TypeAlias = "str | os.PathLike[str] | bytes | IO[bytes]"
Cell: TypeAlias = "str | int | float | date | None"


@dataclass(frozen=True, slots=True)
class _Layout:
    layout: Layout
    header_line: int | None
    columns: dict[str, int]
    names: dict[str, str]
    width: int
    headers: tuple[str, ...]
    """Each column's name as the file has it (the canonical names for a header-less file)."""
    service_type_columns: tuple[tuple[int, str], ...] = ()
    user_band_columns: tuple[tuple[int, str], ...] = ()

    def title(self, field_name: str) -> str:
        if field_name in self.names:
            return self.names[field_name]
        spec = _DIRECTORY_COLUMNS if self.layout == CARE_DIRECTORY else _HSCA_COLUMNS
        return spec[field_name][0]


class CqcFile:
    """An opened CQC file: its layout is known, its rows are read as you iterate.

    Iterating yields one :data:`CqcRow` per data row (rows outside the ``local_authorities``
    filter and blank lines yield nothing). ``total_lines`` and each item's line number make a
    progress bar. Iterate once.
    """

    def __init__(
        self,
        source: CqcSource,
        *,
        local_authorities: Iterable[str] | None = None,
    ) -> None:
        data = _read_bytes(source)
        self._strict_width = True
        rows: Iterator[tuple[int, list[Cell]]]
        if _is_zip(data):
            rows, self.total_lines = _xlsx_rows(data)
            self.encoding = "xlsx"
            self._strict_width = False
        else:
            text, self.encoding = _decode(data)
            self.total_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
            rows = _csv_rows(text)
        head: list[tuple[int, list[Cell]]] = []
        for item in rows:
            head.append(item)
            if len(head) >= _HEADER_SEARCH_LINES:
                break
        self._spec, first_data = _detect(head)
        self.layout: Layout = self._spec.layout
        self.header_line = self._spec.header_line
        self._rows = _chain(head[first_data:], rows)
        self._areas = (
            None if local_authorities is None else {_area_key(a) for a in local_authorities}
        )
        if self._areas is not None and "local_authority" not in self._spec.columns:
            raise MissingColumnError(
                [self._spec.title("local_authority")], self.layout, self.header_line
            )
        self.total_rows = 0
        self.outside_area = 0

    @property
    def fields(self) -> frozenset[str]:
        """The fields this file has a column for ("beds", "rating", "provider_id", ...).

        An importer uses it to leave alone what a file says nothing about: an empty
        :attr:`CqcLocation.beds` means "no beds" only when ``"beds"`` is in here. An HSCA file
        has ``"service_types"`` / ``"specialisms"`` when it has any "Service type - ..." /
        "Service user band - ..." column.
        """
        fields = set(self._spec.columns)
        if self._spec.service_type_columns:
            fields.add("service_types")
        if self._spec.user_band_columns:
            fields.add("specialisms")
        return frozenset(fields)

    @property
    def service_types_covered(self) -> frozenset[str]:
        """The service-type slugs this file can say yes or no to.

        The care directory lists every service type of a location; an HSCA file only those
        it has a "Service type - ..." column for (a care-homes subset says nothing about home
        care), so an importer should not remove the other types from a location.
        """
        if self.layout == CARE_DIRECTORY:
            return frozenset(SERVICE_TYPE_SLUGS)
        return frozenset(service_type_slug(label) for _, label in self._spec.service_type_columns)

    def __iter__(self) -> Iterator[CqcRow]:
        seen: dict[str, int] = {}
        for line, cells in self._rows:
            if all(_blank(c) for c in cells):
                continue
            self.total_rows += 1
            item = self._read_row(line, cells, seen)
            if item is not None:
                yield item

    def _read_row(self, line: int, cells: list[Cell], seen: dict[str, int]) -> CqcRow | None:
        spec = self._spec
        if len(cells) > spec.width and all(_blank(c) for c in cells[spec.width :]):
            cells = cells[: spec.width]
        if len(cells) != spec.width:
            if self._strict_width:
                return LineError(line, f"expected {spec.width} columns, found {len(cells)}")
            cells = cells + [None] * (spec.width - len(cells))
        row = _Row(spec, cells)
        local_authority = row.text("local_authority")
        if self._areas is not None and _area_key(local_authority) not in self._areas:
            self.outside_area += 1
            return None

        name = row.text("name")
        location_id = row.text("location_id")
        if not location_id:
            row.problem(
                f"Location ID is missing for '{name}'" if name else "Location ID is missing"
            )
        elif not _ID_RE.fullmatch(location_id):
            row.problem(
                f"'{row.title('location_id')}' is '{location_id}', not a CQC location ID "
                "(like 1-1000210669)"
            )
        elif location_id in seen:
            row.problem(
                f"Location ID '{location_id}' appears again (first on line {seen[location_id]})"
            )
        if not name:
            row.problem(
                f"Name is missing for location {location_id}" if location_id else "Name is missing"
            )
        provider_id = row.optional_text("provider_id")
        if provider_id is not None and not _ID_RE.fullmatch(provider_id):
            row.problem(
                f"'{row.title('provider_id')}' is '{provider_id}', not a CQC provider ID "
                "(like 1-101668990)"
            )

        if spec.layout == CARE_DIRECTORY:
            labels = _dedupe(row.split("service_types"))
            specialisms = _dedupe(row.split("specialisms"))
            last_checked = row.date("last_checked")
            registered_since = rating_date = None
            beds = None
            rating = None
            is_care_home: bool | None = None
        else:
            labels = tuple(label for idx, label in spec.service_type_columns if row.flag_at(idx))
            specialisms = tuple(label for idx, label in spec.user_band_columns if row.flag_at(idx))
            last_checked = None
            registered_since = row.date("registered_since")
            rating_date = row.date("rating_date")
            beds = row.whole_number("beds")
            rating = _RATING_BY_KEY.get(_key(row.text("rating")))
            is_care_home = row.flag("is_care_home")

        if row.problems:
            return LineError(line, "; ".join(row.problems))
        seen[location_id] = line

        slugs = {service_type_slug(label) for label in labels}
        if is_care_home and not slugs & {"residential", "nursing"}:
            # "Care home?" says Y but the file has no "Service type - Care home ..." flag for it
            # (a column subset): a care home whose nursing is unknown counts as residential.
            slugs.add("residential")
        if is_care_home is None and (spec.layout == CARE_DIRECTORY or labels):
            is_care_home = bool(slugs & {"residential", "nursing"})
        if not slugs & ADULT_SOCIAL_CARE_SLUGS:
            what = ", ".join(labels) or row.text("type_sector") or "no service type given"
            return SkippedLocation(line, location_id, name, f"not adult social care: {what}")

        return CqcLocation(
            location_id=location_id,
            name=name,
            also_known_as=row.text("also_known_as"),
            street_address=row.text("address") or row.text("street_address"),
            address_line_2=row.text("address_line_2"),
            town=row.text("town"),
            county=row.text("county"),
            postcode=_postcode(row.text("postcode")),
            phone=_phone(row.text("phone")),
            website=row.text("website"),
            local_authority=local_authority,
            region=row.text("region"),
            provider_id=provider_id,
            provider_name=row.optional_text("provider_name"),
            service_types=tuple(s for s in SERVICE_TYPE_SLUGS if s in slugs),
            cqc_service_types=labels,
            specialisms=specialisms,
            beds=beds,
            is_care_home=is_care_home,
            rating=rating,
            rating_date=rating_date,
            last_checked=last_checked,
            registered_since=registered_since,
            source_line=line,
        )


def open_cqc_file(source: CqcSource, *, local_authorities: Iterable[str] | None = None) -> CqcFile:
    """Open a CQC file and recognise its layout (raises at once if it cannot)."""
    return CqcFile(source, local_authorities=local_authorities)


def iter_cqc_rows(
    source: CqcSource, *, local_authorities: Iterable[str] | None = None
) -> Iterator[CqcRow]:
    """Yield a :class:`CqcLocation`, :class:`LineError` or :class:`SkippedLocation` per row.

    ``source`` is a path, the file's bytes, or a file opened in binary mode.
    ``local_authorities`` keeps only rows whose "Local authority" / "Location Local Authority"
    is one of these names (ignoring case, spacing, and "&" against "and").
    The layout is recognised before this returns: :class:`MissingColumnError` and
    :class:`UnknownLayoutError` are raised here, not on the first ``next()``.
    """
    return iter(open_cqc_file(source, local_authorities=local_authorities))


def read_cqc_file(
    source: CqcSource, *, local_authorities: Iterable[str] | None = None
) -> CqcReadResult:
    """Read a whole CQC file: the adult social care locations, the errors and the skipped."""
    opened = open_cqc_file(source, local_authorities=local_authorities)
    locations: list[CqcLocation] = []
    errors: list[LineError] = []
    skipped: list[SkippedLocation] = []
    for item in opened:
        if isinstance(item, CqcLocation):
            locations.append(item)
        elif isinstance(item, LineError):
            errors.append(item)
        else:
            skipped.append(item)
    return CqcReadResult(
        layout=opened.layout,
        encoding=opened.encoding,
        header_line=opened.header_line,
        locations=tuple(locations),
        errors=tuple(errors),
        skipped=tuple(skipped),
        skipped_by_reason=dict(Counter(s.reason for s in skipped).most_common()),
        total_rows=opened.total_rows,
        outside_area=opened.outside_area,
    )


# --------------------------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------------------------


class _Row:
    """One data row, read field by field; problems are collected, not raised."""

    __slots__ = ("cells", "problems", "spec")

    def __init__(self, spec: _Layout, cells: list[Cell]) -> None:
        self.spec = spec
        self.cells = cells
        self.problems: list[str] = []

    def problem(self, reason: str) -> None:
        self.problems.append(reason)

    def title(self, field_name: str) -> str:
        return self.spec.title(field_name)

    def raw(self, field_name: str) -> Cell:
        idx = self.spec.columns.get(field_name)
        return None if idx is None else self.cells[idx]

    def text(self, field_name: str) -> str:
        return _text(self.raw(field_name))

    def optional_text(self, field_name: str) -> str | None:
        if field_name not in self.spec.columns:
            return None
        return self.text(field_name) or None

    def split(self, field_name: str) -> list[str]:
        return [part.strip() for part in self.text(field_name).split("|") if part.strip()]

    def date(self, field_name: str) -> date | None:
        value = self.raw(field_name)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _text(value)
        if not text:
            return None
        parsed = _parse_date(text)
        if parsed is None:
            self.problem(f"'{self.title(field_name)}' is '{text}', not a date")
        return parsed

    def whole_number(self, field_name: str) -> int | None:
        value = self.raw(field_name)
        if isinstance(value, bool):  # pragma: no cover - spreadsheets give no booleans here
            value = str(value)
        if isinstance(value, int):
            number: int | None = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        else:
            text = _text(value)
            if not text:
                return None
            number = int(text) if text.isascii() and text.isdigit() else None
        if number is None or number < 0:
            self.problem(f"'{self.title(field_name)}' is '{_text(value)}', not a whole number")
            return None
        return number

    def flag(self, field_name: str) -> bool | None:
        idx = self.spec.columns.get(field_name)
        return None if idx is None else self.flag_at(idx)

    def flag_at(self, idx: int) -> bool:
        text = _text(self.cells[idx]).casefold()
        if text in ("y", "yes"):
            return True
        if text in ("", "n", "no"):
            return False
        self.problem(f"'{self.spec.headers[idx]}' is '{_text(self.cells[idx])}', not Y or N")
        return False


def _read_bytes(source: CqcSource) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            return handle.read()
    data = source.read()
    if not isinstance(data, bytes):
        raise TypeError("open the CQC file in binary mode ('rb'), not as text")
    return data


def _is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # Five bytes have no cp1252 character; Latin-1 reads them as control characters.
        return data.decode("latin-1"), "cp1252"


def _csv_rows(text: str) -> Iterator[tuple[int, list[Cell]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    next_line = 1
    try:
        for record in reader:
            yield next_line, list(record)
            next_line = reader.line_num + 1
    except csv.Error as exc:  # pragma: no cover - the csv module rarely refuses a file
        raise CqcFormatError(
            f"line {reader.line_num}: this is not a readable CSV file ({exc})"
        ) from exc


def _xlsx_rows(data: bytes) -> tuple[Iterator[tuple[int, list[Cell]]], int]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise UnknownLayoutError(
                "This is a zipped file but not an Excel workbook (.xlsx); an OpenDocument "
                "spreadsheet (.ods) must be saved as .xlsx or .csv first."
            )
    import openpyxl  # only needed for spreadsheets

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheets = sorted(
        workbook.worksheets,
        key=lambda ws: 0 if _key(ws.title).replace("_", " ") == "hsca active locations" else 1,
    )
    for sheet in sheets:
        rows = (
            (number, list(values))
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        head = [row for _, row in zip(range(_HEADER_SEARCH_LINES), rows, strict=False)]
        try:
            _detect(head)
        except UnknownLayoutError:
            continue
        return _chain(head, rows), int(sheet.max_row or 0)
    titles = ", ".join(f"'{ws.title}'" for ws in workbook.worksheets)
    raise UnknownLayoutError(
        f"No sheet of this workbook ({titles}) has a CQC header row in its first "
        f"{_HEADER_SEARCH_LINES} rows."
    )


def _chain(
    head: list[tuple[int, list[Cell]]], rest: Iterator[tuple[int, list[Cell]]]
) -> Iterator[tuple[int, list[Cell]]]:
    yield from head
    yield from rest


def _detect(head: list[tuple[int, list[Cell]]]) -> tuple[_Layout, int]:
    """Find the layout from the first rows; returns it and the index of the first data row."""
    directory_names = {_key(n): f for f, names in _DIRECTORY_COLUMNS.items() for n in names}
    hsca_names = {_key(n): f for f, names in _HSCA_COLUMNS.items() for n in names}
    for index, (line, cells) in enumerate(head):
        keys = [_key(c) if isinstance(c, str) else "" for c in cells]
        directory_hits = sum(1 for k in keys if k in directory_names)
        hsca_hits = sum(
            1
            for k in keys
            if k in hsca_names or k.startswith((_SERVICE_TYPE_PREFIX, _USER_BAND_PREFIX))
        )
        if max(directory_hits, hsca_hits) < 3:
            continue
        width = len(keys)
        while width and not keys[width - 1]:
            width -= 1
        if directory_hits >= hsca_hits:
            spec = _header_layout(CARE_DIRECTORY, line, cells[:width], directory_names)
            required: Sequence[str] = _DIRECTORY_REQUIRED
        else:
            spec = _header_layout(HSCA_ACTIVE_LOCATIONS, line, cells[:width], hsca_names)
            required = _HSCA_REQUIRED
        missing = [spec.title(f) for f in required if f not in spec.columns]
        if (
            spec.layout == HSCA_ACTIVE_LOCATIONS
            and "is_care_home" not in spec.columns
            and not spec.service_type_columns
        ):
            missing.append("Care home?' or 'Service type - ...")
        if missing:
            raise MissingColumnError(missing, spec.layout, line)
        return spec, index + 1

    for index, (_line, cells) in enumerate(head):
        if all(_blank(c) for c in cells):
            continue
        if len(cells) == _DIRECTORY_WIDTH and _LOCATION_ID_RE.fullmatch(_text(cells[13])):
            return (
                _Layout(
                    layout=CARE_DIRECTORY,
                    header_line=None,
                    columns={f: i for i, f in enumerate(_DIRECTORY_COLUMNS)},
                    names={},
                    width=_DIRECTORY_WIDTH,
                    headers=tuple(names[0] for names in _DIRECTORY_COLUMNS.values()),
                ),
                index,
            )
    raise UnknownLayoutError(
        "This is not a CQC locations file this app can read: none of its first "
        f"{_HEADER_SEARCH_LINES} lines is a header row of CQC's care directory (Name, ..., "
        "CQC Location ID (for office use only)) or HSCA Active Locations file (Location ID, "
        "Location Name, ...), and it is not the 15-column care directory without a header."
    )


def _header_layout(
    layout: Layout, line: int, cells: Sequence[Cell], known: Mapping[str, str]
) -> _Layout:
    columns: dict[str, int] = {}
    names: dict[str, str] = {}
    service_types: list[tuple[int, str]] = []
    user_bands: list[tuple[int, str]] = []
    headers = tuple(" ".join(_text(cell).replace("\ufeff", "").split()) for cell in cells)
    for idx, title in enumerate(headers):
        key = _key(title)
        if key in known and known[key] not in columns:
            columns[known[key]] = idx
            names[known[key]] = title
        elif layout == HSCA_ACTIVE_LOCATIONS and key.startswith(_SERVICE_TYPE_PREFIX):
            service_types.append((idx, title[len(_SERVICE_TYPE_PREFIX) :].strip()))
        elif layout == HSCA_ACTIVE_LOCATIONS and key.startswith(_USER_BAND_PREFIX):
            user_bands.append((idx, title[len(_USER_BAND_PREFIX) :].strip()))
    return _Layout(
        layout=layout,
        header_line=line,
        columns=columns,
        names=names,
        width=len(cells),
        headers=headers,
        service_type_columns=tuple(service_types),
        user_band_columns=tuple(user_bands),
    )


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _dedupe(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _area_key(name: str) -> str:
    return _key(name.replace("&", " and "))


def _postcode(text: str) -> str:
    return _POSTCODE_SPACE_RE.sub(" ", text).strip().upper()


def _phone(text: str) -> str:
    """Put back the leading 0 that spreadsheets strip from UK numbers ("1424716303")."""
    if len(text) == 10 and text.isascii() and text.isdigit() and text[0] != "0":
        return "0" + text
    return text


_DATE_FORMATS: Final = (
    # 16/11/2015, 16/11/2015 - 00:00, 16/11/2015 00:00:00
    re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?:\s*-?\s*\d{1,2}:\d{2}(?::\d{2})?)?"),
    # 2010-10-01, 2010-10-01 00:00:00, 2010-10-01T00:00:00
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"),
    # 01/Jan/2024 - 00:00, 01-Jan-2024, 1 January 2024
    re.compile(
        r"(?P<d>\d{1,2})[/ -](?P<mon>[A-Za-z]{3,9})[/ -](?P<y>\d{4})"
        r"(?:\s*-?\s*\d{1,2}:\d{2}(?::\d{2})?)?"
    ),
)
_MONTHS: Final = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}


def _parse_date(text: str) -> date | None:
    for pattern in _DATE_FORMATS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        parts = match.groupdict()
        if parts.get("mon") is not None:
            month = _MONTHS.get(parts["mon"][:3].casefold())
            if month is None:
                return None
        else:
            month = int(parts["m"])
        try:
            return date(int(parts["y"]), month, int(parts["d"]))
        except ValueError:
            return None
    return None
