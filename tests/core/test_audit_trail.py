"""Every create, update and delete on domain models is in the audit trail with old and new values."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from engage.council import services
from engage.council.models import Team

pytestmark = pytest.mark.django_db


def test_create_update_delete_are_recorded_with_actor_and_values(pem) -> None:
    team = services.create_team(actor=pem, name="Brokerage")
    services.update_team(actor=pem, team=team, name="Brokerage and Placements")
    entries = LogEntry.objects.get_for_object(team).order_by("timestamp", "pk")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    update = entries[1]
    assert update.actor == pem
    assert update.changes_dict["name"] == ["Brokerage", "Brokerage and Placements"]
    team_pk = team.pk
    team.delete()
    deleted = LogEntry.objects.filter(object_pk=str(team_pk), action=LogEntry.Action.DELETE)
    assert deleted.count() == 1


def test_changes_through_pages_name_the_signed_in_user(client_for, pem) -> None:
    client_for(pem).post("/council/teams/add/", {"name": "Audited", "is_active": "on"})
    entry = LogEntry.objects.get_for_object(Team.objects.get(name="Audited")).get()
    assert entry.actor == pem


def test_passwords_never_enter_the_audit_trail(pem) -> None:
    pem.set_password("a new secret phrase")
    pem.save()
    for entry in LogEntry.objects.get_for_object(pem):
        assert "password" not in entry.changes_dict


def test_pem_reads_and_filters_the_audit_trail(client_for, pem) -> None:
    services.create_team(actor=pem, name="Findable Team")
    client = client_for(pem)
    html = client.get("/audit/?record_type=council.team&actor=pat").content.decode()
    assert "Findable Team" in html
    html = client.get("/audit/?record_type=council.councillor").content.decode()
    assert "Findable Team" not in html and "No changes match" in html


def test_audit_filter_rejects_reversed_dates(client_for, pem) -> None:
    html = client_for(pem).get("/audit/?date_from=2026-05-01&date_to=2026-04-01").content.decode()
    assert "The end date must be on or after the start date" in html


def test_audit_page_has_constant_queries(client_for, pem, django_assert_max_num_queries) -> None:
    client = client_for(pem)
    services.create_team(actor=pem, name="A")
    with django_assert_max_num_queries(10) as small:
        client.get("/audit/")
    for n in range(30):
        services.create_team(actor=pem, name=f"T{n}")
    with django_assert_max_num_queries(10) as large:
        client.get("/audit/")
    assert len(small.captured_queries) == len(large.captured_queries)
