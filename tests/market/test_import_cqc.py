"""The CQC import: upserts, idempotency, deregistration, refusals, the command and the pages."""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from engage.market.cqc_import import import_cqc_file
from engage.market.models import CqcImport, Locality, Provider, Service, ServiceType
from tests.market.factories import ProviderFactory, ServiceFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "cqc_import"
PARSER_FIXTURES = Path(__file__).parent / "fixtures" / "cqc"
REAL_DATA = Path(
    os.environ.get("ENGAGE_CQC_DATA_DIR")
    or Path(__file__).resolve().parents[2].parent / "shared" / "data" / "cqc"
)


@pytest.fixture
def areas(db) -> dict[str, Locality]:
    return {
        "mid": Locality.objects.create(
            name="Mid",
            slug="mid",
            districts=["Chelmsford", "Braintree"],
            postcode_districts=["CM1", "CM8"],
        ),
        "north": Locality.objects.create(
            name="North", slug="north", districts=["Colchester"], postcode_districts=["CO1"]
        ),
        "south": Locality.objects.create(
            name="South",
            slug="south",
            districts=["Southend-on-Sea", "thurrock"],
            postcode_districts=["SS1"],
        ),
    }


def run(name: str, **options):
    return import_cqc_file(source=FIXTURES / name, file_name=name, **options)


def test_first_import_creates_providers_and_services_with_types_and_localities(areas) -> None:
    result = run("directory_v1.csv")

    record = result.record
    assert record.outcome == CqcImport.Outcome.IMPORTED
    assert (record.rows, record.created, record.providers_created) == (5, 4, 3)
    assert record.skipped == {"not adult social care: Dentist": 1}
    oak = Service.objects.get(cqc_location_id="1-500000001")
    assert oak.name == "Oak Lodge Care Home"
    assert oak.provider.cqc_provider_id == "1-600000001"
    assert oak.provider.name == "Oak Care Ltd"
    assert oak.phone == "01245000001"  # the leading zero spreadsheets strip is put back
    assert [t.slug for t in oak.service_types.all()] == ["residential"]
    # "Essex" is the county, no district: the postcode district CM1 places it in Mid.
    assert oak.locality == areas["mid"]
    birch = Service.objects.get(cqc_location_id="1-500000003")
    assert birch.locality == areas["south"]  # by local authority, ignoring case
    assert {t.slug for t in birch.service_types.all()} == {"residential", "nursing"}
    assert Service.objects.get(cqc_location_id="1-500000005").locality is None
    assert not Service.objects.filter(cqc_location_id="1-500000004").exists()  # a dentist
    assert Service.objects.get(cqc_location_id="1-500000002").provider == oak.provider


def test_reimporting_the_same_file_changes_nothing(areas) -> None:
    run("directory_v1.csv")
    before = list(Service.objects.order_by("pk").values())
    again = run("directory_v1.csv").record
    assert (again.created, again.updated, again.deregistered) == (0, 0, 0)
    assert (again.providers_created, again.providers_updated) == (0, 0)
    assert again.unchanged == 4
    after = list(Service.objects.order_by("pk").values())
    for row in before + after:
        row.pop("last_imported_at")
    assert after == before


def test_a_newer_file_updates_adds_and_deregisters_but_never_deletes(areas) -> None:
    run("directory_v1.csv")
    oak_pk = Service.objects.get(cqc_location_id="1-500000001").pk
    record = run("directory_v2.csv").record

    assert (record.created, record.updated, record.deregistered) == (1, 1, 1)
    assert record.providers_updated == 1  # Birch Healthcare renamed
    oak = Service.objects.get(cqc_location_id="1-500000001")
    assert oak.pk == oak_pk and oak.name == "Oak Lodge Residential Home"
    assert {t.slug for t in oak.service_types.all()} == {"residential", "domiciliary"}
    gone = Service.objects.get(cqc_location_id="1-500000002")
    assert gone.status == Service.Status.DEREGISTERED and gone.deregistered_on is not None
    assert Provider.objects.get(cqc_provider_id="1-600000002").name == "Birch Healthcare Group Ltd"
    elm = Service.objects.get(cqc_location_id="1-500000006")
    assert elm.provider.cqc_provider_id == "1-600000002"
    assert elm.locality == areas["south"]
    assert Service.objects.count() == 5  # nothing deleted
    # Back in a later file: registered again.
    run("directory_v1.csv")
    gone.refresh_from_db()
    assert gone.status == Service.Status.ACTIVE and gone.deregistered_on is None


def test_deregistration_is_scoped_to_the_chosen_local_authorities(areas) -> None:
    run("directory_v1.csv")
    elsewhere = ServiceFactory(
        cqc_location_id="1-599999999", local_authority="Suffolk", locality=None
    )
    record = run("directory_v2.csv", local_authorities=["Essex"]).record
    assert record.deregistered == 1  # Oak Homecare (Essex), not the Suffolk service
    elsewhere.refresh_from_db()
    assert elsewhere.status == Service.Status.ACTIVE
    assert record.skipped["outside the chosen local authorities"] == 3


def test_no_deregister_leaves_missing_services_alone(areas) -> None:
    run("directory_v1.csv")
    record = run("directory_v2.csv", deregister=False).record
    assert record.deregistered == 0
    assert Service.objects.get(cqc_location_id="1-500000002").status == Service.Status.ACTIVE


def test_services_added_by_hand_without_a_cqc_id_are_never_deregistered(areas) -> None:
    by_hand = ServiceFactory(cqc_location_id=None)
    run("directory_v1.csv")
    by_hand.refresh_from_db()
    assert by_hand.status == Service.Status.ACTIVE


def test_a_provider_whose_services_are_all_deregistered_becomes_inactive(areas) -> None:
    run("directory_v1.csv")
    weald = Provider.objects.get(cqc_provider_id="1-600000004")
    assert weald.is_active
    run("directory_v1.csv", local_authorities=["Essex"])  # Kent not in scope: Weald stays
    weald.refresh_from_db()
    assert weald.is_active
    run("hsca_care_homes.csv")  # no Weald House in it
    weald.refresh_from_db()
    assert not weald.is_active


def test_any_bad_line_refuses_the_file_and_reports_every_one(areas) -> None:
    result = run("directory_bad_lines.csv")

    assert result.refused
    assert [e.line for e in result.errors] == [3, 4, 5]
    assert "expected 15 columns, found 13" in result.errors[0].reason
    assert "not a CQC location ID" in result.errors[1].reason
    assert "'31/02/2023 - 00:00', not a date" in result.errors[2].reason
    assert not Service.objects.exists() and not Provider.objects.exists()
    record = CqcImport.objects.get()
    assert record.outcome == CqcImport.Outcome.REFUSED
    assert [line for line, _ in record.errors] == [3, 4, 5]


def test_a_missing_required_column_is_refused_with_its_name(areas) -> None:
    result = import_cqc_file(
        source=PARSER_FIXTURES / "care_directory_missing_column.csv", file_name="x.csv"
    )
    assert result.refused
    assert "'Service types'" in result.problem
    assert "'Service types'" in CqcImport.objects.get().errors[0][1]


def test_dry_run_counts_but_writes_nothing(areas) -> None:
    record = run("directory_v1.csv", dry_run=True).record
    assert record.outcome == CqcImport.Outcome.DRY_RUN
    assert (record.created, record.providers_created) == (4, 3)
    assert not Service.objects.exists() and not Provider.objects.exists()


def test_a_file_without_provider_columns_invents_no_provider_and_keeps_known_ones(areas) -> None:
    run("directory_v1.csv")
    oak_provider = Service.objects.get(cqc_location_id="1-500000001").provider
    record = run("hsca_care_homes.csv", deregister=False).record
    assert (record.created, record.updated, record.providers_created) == (1, 2, 0)
    willow = Service.objects.get(cqc_location_id="1-500000007")
    assert willow.provider is None
    assert willow.beds == 24 and willow.locality == areas["mid"]
    oak = Service.objects.get(cqc_location_id="1-500000001")
    assert oak.provider == oak_provider  # not overwritten with nothing
    assert oak.beds == 32
    assert oak.specialisms == ["Dementia", "Older People"]
    # The care-homes file says nothing about home care: Oak Lodge keeps it.
    run("directory_v2.csv", deregister=False)
    run("hsca_care_homes.csv", deregister=False)
    assert {t.slug for t in oak.service_types.all()} == {"residential", "domiciliary"}
    # And a directory file (no beds column) leaves the beds alone.
    run("directory_v2.csv", deregister=False)
    oak.refresh_from_db()
    assert oak.beds == 32


def test_a_manual_edit_of_a_field_the_file_lacks_survives_a_reimport(areas) -> None:
    run("directory_v1.csv")
    Service.objects.filter(cqc_location_id="1-500000001").update(is_contracted=True, beds=30)
    assert run("directory_v1.csv").record.updated == 0
    oak = Service.objects.get(cqc_location_id="1-500000001")
    assert oak.is_contracted and oak.beds == 30


def test_missing_service_types_are_created_from_the_slug_list(areas) -> None:
    ServiceType.objects.all().delete()
    run("directory_v1.csv")
    assert set(ServiceType.objects.values_list("slug", flat=True)) >= {
        "residential",
        "nursing",
        "domiciliary",
        "supported-living",
        "extra-care",
        "day-services",
        "other",
    }


def test_existing_providers_are_matched_by_cqc_provider_id(areas) -> None:
    known = ProviderFactory(cqc_provider_id="1-600000001", name="Oak Care Ltd", is_tier_one=True)
    record = run("directory_v1.csv").record
    assert record.providers_created == 2
    assert Service.objects.get(cqc_location_id="1-500000001").provider == known
    known.refresh_from_db()
    assert known.is_tier_one  # the council's own flags are kept


# --- the command ----------------------------------------------------------------------------


def test_command_imports_and_summarises(areas) -> None:
    out = StringIO()
    call_command("import_cqc", str(FIXTURES / "directory_v1.csv"), "--no-progress", stdout=out)
    assert (
        "4 created" in out.getvalue()
        and "skipped 1: not adult social care: Dentist" in out.getvalue()
    )


def test_command_with_bad_lines_lists_them_and_fails(areas) -> None:
    err = StringIO()
    with pytest.raises(CommandError, match="3 bad lines: nothing was imported"):
        call_command(
            "import_cqc", str(FIXTURES / "directory_bad_lines.csv"), "--no-progress", stderr=err
        )
    assert "line 3: expected 15 columns, found 13" in err.getvalue()
    assert "line 5:" in err.getvalue()
    assert not Service.objects.exists()


def test_command_names_a_missing_column(areas) -> None:
    with pytest.raises(CommandError, match="'Service types'"):
        call_command(
            "import_cqc",
            str(PARSER_FIXTURES / "care_directory_missing_column.csv"),
            "--no-progress",
        )


def test_command_filters_by_local_authority_and_records_the_actor(areas, pem) -> None:
    call_command(
        "import_cqc",
        str(FIXTURES / "directory_v1.csv"),
        "--local-authority",
        "Southend-on-Sea",
        "--as",
        pem.email,
        "--no-progress",
        stdout=StringIO(),
    )
    assert list(Service.objects.values_list("cqc_location_id", flat=True)) == ["1-500000003"]
    record = CqcImport.objects.get()
    assert record.started_by == pem and record.local_authorities == ["Southend-on-Sea"]


def test_command_shows_a_progress_bar(areas, capsys) -> None:
    call_command("import_cqc", str(FIXTURES / "directory_v1.csv"), stdout=StringIO())
    assert "Reading" in capsys.readouterr().err


# --- the pages ------------------------------------------------------------------------------


def test_import_history_lists_runs_and_their_bad_lines(client_for, pem, areas) -> None:
    run("directory_v1.csv")
    run("directory_bad_lines.csv")
    client = client_for(pem)
    html = client.get("/market/imports/").content.decode()
    assert "Refused" in html and "Imported" in html
    refused = CqcImport.objects.get(outcome=CqcImport.Outcome.REFUSED)
    detail = client.get(f"/market/imports/{refused.pk}/").content.decode()
    assert "expected 15 columns, found 13" in detail and "nothing was written" in detail


def test_only_import_holders_see_the_import_pages(client_for, officer, councillor) -> None:
    assert client_for(officer).get("/market/imports/").status_code == 403
    assert client_for(councillor).get("/market/imports/upload/").status_code == 403


def test_uploading_a_file_runs_the_import_as_a_task(
    client_for, pem, areas, django_capture_on_commit_callbacks
) -> None:
    upload = SimpleUploadedFile(
        "directory.csv", (FIXTURES / "directory_v1.csv").read_bytes(), content_type="text/csv"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(pem).post(
            "/market/imports/upload/",
            {"file": upload, "local_authorities": "Essex, Southend-on-Sea", "deregister": "on"},
        )
    assert response.status_code == 302
    record = CqcImport.objects.get()
    assert record.outcome == CqcImport.Outcome.IMPORTED and record.started_by == pem
    assert record.local_authorities == ["Essex", "Southend-on-Sea"]
    assert Service.objects.count() == 3


def test_upload_refuses_other_kinds_of_file(client_for, pem) -> None:
    upload = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    response = client_for(pem).post("/market/imports/upload/", {"file": upload})
    assert response.status_code == 200
    assert "must be a CSV or an Excel" in response.content.decode()


# --- the real extracts ----------------------------------------------------------------------


def real_file(name: str) -> Path:
    path = REAL_DATA / name
    if not path.exists():
        pytest.skip(
            f"the real CQC extract {name} is not in {REAL_DATA}: "
            "set ENGAGE_CQC_DATA_DIR to the folder that holds it"
        )
    return path


@pytest.mark.slow
def test_real_care_directory_extract_imports_and_reimports_idempotently(areas) -> None:
    path = real_file("care_directory_2016-02_first7000_noheader.csv")
    first = import_cqc_file(source=path, file_name=path.name).record
    assert first.outcome == CqcImport.Outcome.IMPORTED
    assert first.rows == 7000
    assert first.created == Service.objects.count() > 5000
    assert first.providers_created == Provider.objects.count()
    again = import_cqc_file(source=path, file_name=path.name).record
    assert (again.created, again.updated, again.deregistered, again.providers_created) == (
        0,
        0,
        0,
        0,
    )


@pytest.mark.slow
def test_real_hsca_extract_without_providers_imports_and_reimports_idempotently(areas) -> None:
    path = real_file("hsca_active_locations_care_homes_2021_subset.csv")
    first = import_cqc_file(source=path, file_name=path.name).record
    assert first.created == 15403 and first.providers_created == 0
    assert not Service.objects.filter(provider__isnull=False).exists()
    assert Service.objects.filter(beds__isnull=False).count() > 15000
    again = import_cqc_file(source=path, file_name=path.name).record
    assert (again.created, again.updated, again.deregistered) == (0, 0, 0)


def test_an_xlsx_file_imports_like_its_csv(areas, tmp_path) -> None:
    import csv

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    with (FIXTURES / "hsca_care_homes.csv").open(newline="") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    path = tmp_path / "hsca.xlsx"
    workbook.save(path)
    record = import_cqc_file(source=path, file_name=path.name).record
    assert (record.outcome, record.created) == (CqcImport.Outcome.IMPORTED, 3)
    assert Service.objects.get(cqc_location_id="1-500000003").beds == 58


def test_import_history_has_constant_queries(
    client_for, pem, areas, django_assert_max_num_queries
) -> None:
    client = client_for(pem)
    run("directory_bad_lines.csv")
    with django_assert_max_num_queries(8) as small:
        client.get("/market/imports/")
    for _ in range(6):
        run("directory_bad_lines.csv")
        CqcImport.objects.create(
            file_name="other.csv", outcome=CqcImport.Outcome.DRY_RUN, started_by=pem
        )
    with django_assert_max_num_queries(8) as large:
        client.get("/market/imports/")
    assert len(small.captured_queries) == len(large.captured_queries)
