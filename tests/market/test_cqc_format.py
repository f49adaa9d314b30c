"""Tests of the CQC file reader (no Django: the module is pure Python)."""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.market.cqc_format import (
    ADULT_SOCIAL_CARE_SLUGS,
    SERVICE_TYPE_SLUGS,
    SERVICE_TYPES,
    CqcLocation,
    LineError,
    MissingColumnError,
    SkippedLocation,
    UnknownLayoutError,
    iter_cqc_rows,
    open_cqc_file,
    read_cqc_file,
    service_type_slug,
)

FIXTURES = Path(__file__).parent / "fixtures" / "cqc"
REPO_ROOT = Path(__file__).resolve().parents[2]

DIRECTORY_HEADER = [
    "Name",
    "Also known as",
    "Address",
    "Postcode",
    "Phone number",
    "Service's website (if available)",
    "Service types",
    "Date of latest check",
    "Specialisms/services",
    "Provider name",
    "Local authority",
    "Region",
    "Location URL",
    "CQC Location ID (for office use only)",
    "CQC Provider ID (for office use only)",
]


def by_id(locations: tuple[CqcLocation, ...]) -> dict[str, CqcLocation]:
    return {loc.location_id: loc for loc in locations}


# ---------------------------------------------------------------------------------------------
# Care directory layout
# ---------------------------------------------------------------------------------------------


def test_care_directory_with_header_and_preamble() -> None:
    result = read_cqc_file(FIXTURES / "care_directory_with_preamble.csv")

    assert result.layout == "care-directory"
    assert result.header_line == 3
    assert result.encoding == "utf-8"
    assert result.total_rows == 8
    assert result.errors == ()
    assert [loc.location_id for loc in result.locations] == [
        "1-100000001",
        "1-100000002",
        "1-100000003",
        "1-100000004",
        "1-100000005",
        "1-100000008",
    ]
    assert result.locations[0] == CqcLocation(
        location_id="1-100000001",
        name="Abbey View Care Home",
        also_known_as="",
        street_address="12 Abbey Road, Colchester",
        address_line_2="",
        town="",
        county="",
        postcode="CO1 1AA",
        phone="01206000001",
        website="http://www.abbeyview.example",
        local_authority="Essex",
        region="East",
        provider_id="1-200000001",
        provider_name="Abbey View Care Ltd",
        service_types=("residential",),
        cqc_service_types=("Residential homes",),
        specialisms=(
            "Caring for adults over 65 yrs",
            "Dementia",
            "Learning disabilities",
            "Accommodation for persons who require nursing or personal care",
        ),
        beds=None,
        is_care_home=True,
        rating=None,
        rating_date=None,
        last_checked=date(2015, 11, 4),
        registered_since=None,
        source_line=4,
    )


def test_care_directory_service_types_map_to_our_slugs() -> None:
    locations = by_id(read_cqc_file(FIXTURES / "care_directory_with_preamble.csv").locations)

    birch = locations["1-100000002"]
    assert birch.also_known_as == "The Birches"
    assert birch.service_types == ("nursing", "domiciliary")
    assert birch.cqc_service_types == ("Nursing homes", "Homecare agencies")
    assert birch.is_care_home is True

    # "Learning disabilities" is a specialism: the home is still residential.
    assert locations["1-100000001"].service_types == ("residential",)

    cedar = locations["1-100000003"]
    assert cedar.service_types == ("supported-living",)
    assert cedar.is_care_home is False

    # The directory's "Supported housing" is CQC's "Extra Care housing services".
    dene = locations["1-100000004"]
    assert dene.service_types == ("domiciliary", "extra-care")
    assert dene.cqc_service_types == ("Homecare agencies", "Supported housing")

    elm = locations["1-100000005"]
    assert elm.service_types == ("supported-living",)
    assert elm.last_checked is None  # never inspected: the date is empty

    willows = locations["1-100000008"]
    assert willows.name == 'The "Willows", Harlow'
    assert willows.provider_name == "Willows Care, Harlow Ltd"
    assert willows.source_line == 11


def test_health_locations_are_skipped_with_the_reason() -> None:
    result = read_cqc_file(FIXTURES / "care_directory_with_preamble.csv")

    assert result.skipped == (
        SkippedLocation(
            9, "1-100000006", "Fern Medical Centre", "not adult social care: Doctors/GPs"
        ),
        SkippedLocation(
            10, "1-100000007", "Grove Dental Practice", "not adult social care: Dentist"
        ),
    )
    assert result.skipped_by_reason == {
        "not adult social care: Doctors/GPs": 1,
        "not adult social care: Dentist": 1,
    }


def test_care_directory_without_header() -> None:
    result = read_cqc_file(FIXTURES / "care_directory_noheader.csv")

    assert result.layout == "care-directory"
    assert result.header_line is None
    assert result.total_rows == 3
    assert [(loc.source_line, loc.location_id) for loc in result.locations] == [
        (1, "1-100000009"),
        (2, "1-100000010"),
    ]
    holly = result.locations[0]
    assert holly.service_types == ("domiciliary",)
    assert holly.phone == "02080000009"
    assert holly.last_checked == date(2014, 2, 19)
    assert result.skipped == (
        SkippedLocation(
            3,
            "1-100000011",
            "Juniper Hospital",
            "not adult social care: Hospital, Rehabilitation (illness/injury)",
        ),
    )


def test_care_directory_bad_lines_name_the_physical_line() -> None:
    result = read_cqc_file(FIXTURES / "care_directory_bad_lines.csv")

    # Kestrel House's address runs over lines 2-3; line 6 is blank.
    assert result.errors == (
        LineError(4, "expected 15 columns, found 12"),
        LineError(5, "Location ID is missing for 'Maple Court'"),
        LineError(7, "'Date of latest check' is '31/13/2015 - 00:00', not a date"),
        LineError(8, "Location ID '1-100000012' appears again (first on line 2)"),
    )
    assert [(loc.source_line, loc.location_id) for loc in result.locations] == [
        (2, "1-100000012"),
        (9, "1-100000016"),
    ]
    assert result.locations[0].street_address == "Kestrel Road\nColchester"
    assert result.total_rows == 6


def test_care_directory_missing_column() -> None:
    with pytest.raises(MissingColumnError) as caught:
        read_cqc_file(FIXTURES / "care_directory_missing_column.csv")

    assert caught.value.columns == ("Service types",)
    assert caught.value.layout == "care-directory"
    assert str(caught.value) == (
        "This file looks like CQC's care directory layout (header on line 1), "
        "but it has no 'Service types' column."
    )


def test_cp1252_file_with_non_ascii_name() -> None:
    result = read_cqc_file(FIXTURES / "care_directory_cp1252.csv")

    assert result.encoding == "cp1252"
    assert result.errors == ()
    (cafe,) = result.locations
    assert cafe.name == "Café Lodge \u2013 St Mary\u2019s"  # en dash, curly apostrophe
    assert cafe.street_address == "14 Église Road, Harwich"
    assert cafe.provider_name == "Crème Care Ltd"


def test_utf8_with_byte_order_mark() -> None:
    data = b"\xef\xbb\xbf" + (FIXTURES / "hsca_active_locations.csv").read_bytes()

    result = read_cqc_file(data)

    assert result.encoding == "utf-8-sig"
    assert result.layout == "hsca-active-locations"
    assert result.locations[0].location_id == "1-100000101"


def test_local_authority_filter() -> None:
    result = read_cqc_file(
        FIXTURES / "care_directory_with_preamble.csv", local_authorities=["  ESSEX "]
    )

    assert [loc.location_id for loc in result.locations] == [
        "1-100000001",
        "1-100000002",
        "1-100000003",
        "1-100000008",
    ]
    assert len(result.skipped) == 2
    assert result.outside_area == 2  # Thurrock and Southend-on-Sea
    assert result.total_rows == 8


def test_local_authority_filter_treats_ampersand_as_and() -> None:
    result = read_cqc_file(
        FIXTURES / "care_directory_noheader.csv", local_authorities=["Barking and Dagenham"]
    )

    assert [loc.name for loc in result.locations] == ["Holly Lodge Home Care"]
    assert result.locations[0].local_authority == "Barking & Dagenham"


# ---------------------------------------------------------------------------------------------
# HSCA Active Locations layout
# ---------------------------------------------------------------------------------------------


def test_hsca_layout_with_the_full_column_names() -> None:
    result = read_cqc_file(FIXTURES / "hsca_active_locations.csv")

    assert result.layout == "hsca-active-locations"
    assert result.header_line == 1
    assert result.errors == ()
    assert result.locations[0] == CqcLocation(
        location_id="1-100000101",
        name="Rowan House Care Centre",
        also_known_as="",
        street_address="Rowan Way",
        address_line_2="Highwoods",
        town="Colchester",
        county="Essex",
        postcode="CO4 9RR",
        phone="01206000101",
        website="www.rowanhouse.example",
        local_authority="Colchester",
        region="East",
        provider_id="1-200000101",
        provider_name="Rowan Care Homes Limited",
        service_types=("nursing",),
        cqc_service_types=("Care home service with nursing",),
        specialisms=("Dementia", "Older People"),
        beds=64,
        is_care_home=True,
        rating="Good",
        rating_date=date(2019, 3, 14),
        last_checked=None,
        registered_since=date(2010, 10, 1),
        source_line=2,
    )
    locations = by_id(result.locations)
    sycamore = locations["1-100000102"]
    assert sycamore.service_types == ("domiciliary",)
    assert sycamore.rating == "Requires improvement"
    assert sycamore.is_care_home is False
    assert sycamore.beds is None
    umber = locations["1-100000104"]
    assert umber.service_types == ("domiciliary", "supported-living")
    assert umber.rating == "Outstanding"
    assert umber.specialisms == (
        "Learning disabilities or autistic spectrum disorder",
        "Younger Adults",
    )
    violet = locations["1-100000105"]
    assert violet.service_types == ("extra-care",)
    assert (violet.rating, violet.rating_date) == (None, None)
    willow = locations["1-100000106"]
    assert willow.service_types == ("supported-living",)
    assert willow.rating == "Inadequate"


def test_hsca_gp_is_skipped_with_its_service_types() -> None:
    result = read_cqc_file(FIXTURES / "hsca_active_locations.csv")

    assert result.skipped == (
        SkippedLocation(
            4,
            "1-100000103",
            "Thorn Surgery",
            "not adult social care: Doctors consultation service, Doctors treatment service",
        ),
    )


def test_hsca_subset_without_provider_or_rating_columns_invents_neither() -> None:
    result = read_cqc_file(FIXTURES / "hsca_bad_lines.csv")

    xenia = result.locations[0]
    assert xenia.name == "Xenia House"
    assert xenia.provider_id is None
    assert xenia.provider_name is None
    assert xenia.rating is None
    assert xenia.rating_date is None
    assert xenia.beds == 22
    assert xenia.service_types == ("residential",)
    assert xenia.phone == ""


def test_hsca_bad_lines() -> None:
    result = read_cqc_file(FIXTURES / "hsca_bad_lines.csv")

    assert result.errors == (
        LineError(3, "'Care homes beds' is 'abc', not a whole number"),
        LineError(4, "Location ID is missing for 'Zinnia House'"),
        LineError(5, "'Location HSCA start date' is '2011-02-30', not a date"),
        LineError(6, "expected 18 columns, found 11"),
        LineError(7, "'Care home?' is 'maybe', not Y or N"),
        LineError(8, "'Care homes beds' is '-3', not a whole number"),
    )
    assert [loc.location_id for loc in result.locations] == ["1-100000201"]


def test_hsca_missing_column() -> None:
    with pytest.raises(MissingColumnError) as caught:
        read_cqc_file(FIXTURES / "hsca_missing_column.csv")

    assert caught.value.columns == ("Location Postal Code",)
    assert caught.value.layout == "hsca-active-locations"
    assert "'Location Postal Code'" in str(caught.value)
    assert "HSCA Active Locations" in str(caught.value)


def test_filtering_by_area_needs_the_local_authority_column() -> None:
    data = b"Location ID,Location Name,Location Postal Code,Care home?\n1-1,A Home,AB1 2CD,Y\n"

    assert len(read_cqc_file(data).locations) == 1
    with pytest.raises(MissingColumnError, match="'Location Local Authority'"):
        read_cqc_file(data, local_authorities=["Essex"])


def test_care_home_flag_without_service_type_columns_counts_as_residential() -> None:
    data = b"Location ID,Location Name,Location Postal Code,Care home?\n1-1,A Home,AB1 2CD,Y\n1-2,B Clinic,AB1 2CE,N\n"

    result = read_cqc_file(data)

    assert [loc.service_types for loc in result.locations] == [("residential",)]
    assert result.skipped[0].reason == "not adult social care: no service type given"


# ---------------------------------------------------------------------------------------------
# Sources, streaming, spreadsheets, unknown files
# ---------------------------------------------------------------------------------------------


def test_streaming_yields_rows_in_file_order() -> None:
    rows = iter_cqc_rows(FIXTURES / "care_directory_bad_lines.csv")

    kinds = [
        (type(item).__name__, item.source_line if isinstance(item, CqcLocation) else item.line)
        for item in rows
    ]

    assert kinds == [
        ("CqcLocation", 2),
        ("LineError", 4),
        ("LineError", 5),
        ("LineError", 7),
        ("LineError", 8),
        ("CqcLocation", 9),
    ]


def test_streaming_recognises_the_layout_before_the_first_row() -> None:
    with pytest.raises(MissingColumnError):
        iter_cqc_rows(str(FIXTURES / "hsca_missing_column.csv"))

    opened = open_cqc_file(FIXTURES / "hsca_active_locations.csv")
    assert opened.layout == "hsca-active-locations"
    assert opened.total_lines == 7
    assert sum(1 for _ in opened) == 6


def test_reads_a_binary_file_object() -> None:
    with (FIXTURES / "care_directory_noheader.csv").open("rb") as handle:
        result = read_cqc_file(handle)

    assert len(result.locations) == 2


def test_refuses_a_text_file_object() -> None:
    with (
        (FIXTURES / "care_directory_noheader.csv").open(encoding="utf-8") as handle,
        pytest.raises(TypeError, match="binary mode"),
    ):
        read_cqc_file(handle)  # type: ignore[arg-type]


def test_unknown_layout() -> None:
    with pytest.raises(UnknownLayoutError, match="not a CQC locations file"):
        read_cqc_file(b"Home,Beds\nRose House,12\n")


def test_opendocument_spreadsheet_is_refused_clearly() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")

    with pytest.raises(UnknownLayoutError, match=r"\.ods"):
        read_cqc_file(buffer.getvalue())


def test_xlsx_with_notes_sheet_and_preamble_rows(tmp_path: Path) -> None:
    with (FIXTURES / "hsca_active_locations.csv").open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    workbook = openpyxl.Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["Contains CQC data © Care Quality Commission"])
    sheet = workbook.create_sheet("HSCA_Active_Locations")
    sheet.append(["HSCA Active Locations"])
    sheet.append([])
    sheet.append(header)
    for row in rows:
        cells: list[object] = list(row)
        for idx, name in enumerate(header):
            if name == "Care homes beds" and row[idx]:
                cells[idx] = int(row[idx])
            elif name == "Publication Date" and row[idx]:
                cells[idx] = datetime.strptime(row[idx], "%d/%m/%Y")  # noqa: DTZ007
            elif name == "Location Telephone Number" and row[idx]:
                cells[idx] = int(row[idx])
            elif not row[idx]:
                cells[idx] = None
        sheet.append(cells)
    path = tmp_path / "HSCA_Active_Locations.xlsx"
    workbook.save(path)

    result = read_cqc_file(path)

    assert result.encoding == "xlsx"
    assert result.layout == "hsca-active-locations"
    assert result.header_line == 3
    assert result.errors == ()
    rowan = result.locations[0]
    assert rowan.source_line == 4
    assert rowan.beds == 64
    assert rowan.rating_date == date(2019, 3, 14)
    assert rowan.phone == "01206000101"
    assert [loc.location_id for loc in result.locations] == [
        loc.location_id for loc in read_cqc_file(FIXTURES / "hsca_active_locations.csv").locations
    ]


def test_xlsx_without_a_cqc_sheet(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.save(tmp_path / "empty.xlsx")

    with pytest.raises(UnknownLayoutError, match="No sheet"):
        read_cqc_file(tmp_path / "empty.xlsx")


# ---------------------------------------------------------------------------------------------
# The mapping table
# ---------------------------------------------------------------------------------------------


def test_mapping_table_uses_only_our_slugs() -> None:
    assert {slug for slug, _, _ in SERVICE_TYPES} <= set(SERVICE_TYPE_SLUGS)
    assert set(SERVICE_TYPE_SLUGS) - ADULT_SOCIAL_CARE_SLUGS == {"other"}
    assert service_type_slug("SUPPORTED  housing") == "extra-care"
    assert service_type_slug("Shared Lives") == "supported-living"
    assert service_type_slug("Extra Care housing services") == "extra-care"
    assert service_type_slug("Something CQC adds next year") == "other"


# ---------------------------------------------------------------------------------------------
# Property: what csv.writer writes, the reader reads back
# ---------------------------------------------------------------------------------------------

_printable = st.characters(
    blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"
) | st.sampled_from([",", '"', "'", "|", " ", "\n", "\r", "\t"])
_field = st.text(_printable, max_size=30)
_name = _field.filter(lambda s: s.strip() != "")
_location = st.fixed_dictionaries(
    {
        "name": _name,
        "also_known_as": _field,
        "address": _field,
        "postcode": _field,
        "provider_name": _field,
        "location_id": st.from_regex(r"1-[0-9]{1,11}", fullmatch=True),
    }
)


@settings(max_examples=150, deadline=None)
@given(
    locations=st.lists(_location, min_size=1, max_size=5, unique_by=lambda d: d["location_id"]),
    header=st.booleans(),
)
def test_directory_rows_written_by_csv_writer_read_back(
    locations: list[dict[str, str]], header: bool
) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    if header:
        writer.writerow(["Care Quality Commission: care directory"])
        writer.writerow([])
        writer.writerow(DIRECTORY_HEADER)
    starts = []
    for loc in locations:
        starts.append(len(re.findall(r"\r\n|\r|\n", buffer.getvalue())) + 1)
        writer.writerow(
            [
                loc["name"],
                loc["also_known_as"],
                loc["address"],
                loc["postcode"],
                "",
                "",
                "Residential homes",
                "16/11/2015 - 00:00",
                "Dementia",
                loc["provider_name"],
                "Essex",
                "East",
                f"https://www.cqc.org.uk/location/{loc['location_id']}",
                loc["location_id"],
                "1-101668990",
            ]
        )

    result = read_cqc_file(buffer.getvalue().encode("utf-8"))

    assert result.errors == ()
    assert [
        (loc.source_line, loc.location_id, loc.name, loc.postcode, loc.street_address)
        for loc in result.locations
    ] == [
        (
            line,
            loc["location_id"],
            loc["name"].strip(),
            " ".join(loc["postcode"].split()).upper(),
            loc["address"].strip(),
        )
        for line, loc in zip(starts, locations, strict=True)
    ]
    assert [loc.provider_name for loc in result.locations] == [
        loc["provider_name"].strip() or None for loc in locations
    ]


# ---------------------------------------------------------------------------------------------
# The real extracts in shared/data/cqc
# ---------------------------------------------------------------------------------------------

DATA_DIR = Path(
    os.environ.get("ENGAGE_CQC_DATA_DIR") or REPO_ROOT.parent / "shared" / "data" / "cqc"
)
ESSEX_DISTRICTS = [
    "Basildon",
    "Braintree",
    "Brentwood",
    "Castle Point",
    "Chelmsford",
    "Colchester",
    "Epping Forest",
    "Harlow",
    "Maldon",
    "Rochford",
    "Tendring",
    "Uttlesford",
]


def real_file(name: str) -> Path:
    path = DATA_DIR / name
    if not path.is_file():
        pytest.skip(
            f"real CQC extract {name} not found in {DATA_DIR}: "
            "set ENGAGE_CQC_DATA_DIR to the folder that holds it"
        )
    return path


@pytest.fixture(scope="module")
def directory_2016() -> Path:
    return real_file("care_directory_2016-02_first7000_noheader.csv")


@pytest.fixture(scope="module")
def hsca_2021() -> Path:
    return real_file("hsca_active_locations_care_homes_2021_subset.csv")


def test_real_directory_2016_whole_file(directory_2016: Path) -> None:
    result = read_cqc_file(directory_2016)

    assert result.layout == "care-directory"
    assert result.header_line is None
    assert result.total_rows == 7000
    assert result.errors == ()
    assert len(result.locations) == 6091
    assert len(result.skipped) == 909
    assert result.skipped_by_reason["not adult social care: Dentist"] == 275
    assert result.skipped_by_reason["not adult social care: Doctors/GPs"] == 189
    assert all(loc.rating is None for loc in result.locations)  # no ratings in this edition
    assert result.locations[0].location_id == "1-1000210669"
    assert result.locations[0].last_checked == date(2015, 11, 16)


def test_real_directory_2016_vocabulary_is_all_in_the_mapping_table(directory_2016: Path) -> None:
    labels = {label for _, label, _ in SERVICE_TYPES}
    seen: set[str] = set()
    for item in iter_cqc_rows(directory_2016):
        if isinstance(item, CqcLocation):
            seen.update(item.cqc_service_types)
        elif isinstance(item, SkippedLocation):
            seen.update(item.reason.removeprefix("not adult social care: ").split(", "))

    assert seen - labels == set()


def test_real_directory_2016_essex(directory_2016: Path) -> None:
    result = read_cqc_file(directory_2016, local_authorities=["Essex"])

    # README: "158 locations with Local authority = Essex (98 residential homes, 25 homecare
    # agencies, 14 nursing homes)". The three are counts of locations listing each service
    # type, and overlap (3 are residential homes and homecare agencies): of the 158, 132 are
    # adult social care and 26 are health services.
    assert result.outside_area == 7000 - 158
    assert len(result.locations) + len(result.skipped) + len(result.errors) == 158
    assert len(result.locations) == 132
    assert len(result.skipped) == 26
    labels = Counter(label for loc in result.locations for label in loc.cqc_service_types)
    assert labels["Residential homes"] == 98
    assert labels["Homecare agencies"] == 25
    assert labels["Nursing homes"] == 14
    slugs = Counter(slug for loc in result.locations for slug in loc.service_types)
    assert slugs == {
        "residential": 98,
        "domiciliary": 25,
        "nursing": 14,
        "supported-living": 7,
        "extra-care": 1,
        "other": 1,
    }
    assert result.skipped_by_reason["not adult social care: Doctors/GPs"] == 6
    assert result.skipped_by_reason["not adult social care: Dentist"] == 5


@pytest.mark.parametrize(("area", "rows"), [("Southend-on-Sea", 36), ("Thurrock", 14)])
def test_real_directory_2016_essex_unitary_areas(
    directory_2016: Path, area: str, rows: int
) -> None:
    result = read_cqc_file(directory_2016, local_authorities=[area])

    assert len(result.locations) + len(result.skipped) + len(result.errors) == rows


def test_real_hsca_2021_whole_file(hsca_2021: Path) -> None:
    result = read_cqc_file(hsca_2021)

    assert result.layout == "hsca-active-locations"
    assert result.total_rows == 15403
    assert result.errors == ()
    assert result.skipped == ()
    assert len(result.locations) == 15403
    assert all(loc.is_care_home for loc in result.locations)
    assert all(loc.provider_id is None and loc.rating is None for loc in result.locations)
    assert Counter(s for loc in result.locations for s in loc.service_types) == {
        "residential": 11237,
        "nursing": 4382,
    }


def test_real_hsca_2021_essex_districts(hsca_2021: Path) -> None:
    result = read_cqc_file(hsca_2021, local_authorities=ESSEX_DISTRICTS)

    assert len(result.locations) == 408
    assert sum(loc.beds or 0 for loc in result.locations) == 12590
    assert all(loc.beds is not None for loc in result.locations)
    assert {loc.local_authority for loc in result.locations} == set(ESSEX_DISTRICTS)
    assert result.outside_area == 15403 - 408
    # "Essex" is no district name in this file: the filter is just names.
    assert read_cqc_file(hsca_2021, local_authorities=["Essex"]).locations == ()
