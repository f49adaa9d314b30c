"""The portal home's cached panels (``engage.portal.panel_versions``) are never older than the
last write of what they show, and what is one user's own never shows to another.

Each test renders the home, writes through one writer (a service, a model save, a change of a
many-to-many, a bulk write) and renders again: the change must show at once. The first test
checks that the second visit of an unchanged home does use the cache (fewer queries), so that
the others test the cached path.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from engage.accounts.models import Role
from engage.engagement import services as activity_services
from engage.engagement.models import Activity, Registration
from engage.feedback import services as feedback_services
from engage.feedback.models import FeedbackSource
from engage.groups import actions as action_services
from engage.groups import notes as notes_services
from engage.groups.models import GroupStatus
from engage.groups.services import update_group
from engage.market.models import Provider, Service
from tests.council.factories import OfficerFactory, UserFactory
from tests.engagement.factories import ActivityFactory, VenueFactory, at
from tests.groups.meetings import group_for, meeting_of
from tests.market.factories import ContactFactory, ServiceFactory

pytestmark = [
    pytest.mark.django_db,
    # The cache the tests exercise (as production without Redis), whatever the test settings.
    pytest.mark.usefixtures("locmem_cache"),
]

HOME = "/portal/"


def _home(client: Any) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode(), len(captured.captured_queries)


def _event(title: str, types: Any, places: Any, **fields: Any) -> Activity:
    """A published event for provider A's user (home-care managers in North), unless told."""
    fields.setdefault("service_types", [types["domiciliary"]])
    fields.setdefault("localities", [places["north"]])
    return ActivityFactory(title=title, status=Activity.Status.PUBLISHED, **fields)


@pytest.fixture
def colleague(provider_a: Any, provider_a_user: Any) -> Any:
    """A second user of provider A, at the same service and level: the same segments."""
    user = UserFactory(email="deputy@alpha.example", full_name="Dee Deputy", role=Role.PROVIDER)
    ContactFactory(
        provider=provider_a,
        name=user.full_name,
        email=user.email,
        user=user,
        works_at=list(provider_a_user.contact.services.all()),
    )
    return user


# --- Events --------------------------------------------------------------------------------


def test_the_second_visit_uses_the_cache_and_a_new_event_shows_at_once(
    client_for: Any, provider_a_user: Any, service_types: Any, localities: Any
) -> None:
    client = client_for(provider_a_user)
    _event("Spring briefing", service_types, localities)
    html, cold = _home(client)
    assert "Spring briefing" in html
    html, warm = _home(client)
    assert "Spring briefing" in html and warm < cold
    _event("Summer briefing", service_types, localities, starts_at=at("2030-06-12"))
    html, _ = _home(client)
    assert "Summer briefing" in html and "All 2 events for you" in html


def test_an_event_renamed_or_cancelled_shows_at_once(
    client_for: Any, provider_a_user: Any, pem: Any, service_types: Any, localities: Any
) -> None:
    client = client_for(provider_a_user)
    event = _event("Spring briefing", service_types, localities)
    assert "Spring briefing" in _home(client)[0]
    event.title = "Spring briefing, new room"
    event.save()
    assert "Spring briefing, new room" in _home(client)[0]
    activity_services.cancel_activity(actor=pem, activity=event, reason="Snow.")
    assert "Spring briefing" not in _home(client)[0]


def test_a_change_of_an_events_audience_shows_at_once(
    client_for: Any, provider_a_user: Any, service_types: Any, localities: Any
) -> None:
    client = client_for(provider_a_user)
    event = _event("Spring briefing", service_types, localities)
    assert "Spring briefing" in _home(client)[0]
    event.audience_localities.set([localities["south"]])
    assert "Spring briefing" not in _home(client)[0]
    event.audience_localities.add(localities["north"])
    assert "Spring briefing" in _home(client)[0]


def test_a_renamed_venue_shows_at_once(
    client_for: Any, provider_a_user: Any, service_types: Any, localities: Any
) -> None:
    client = client_for(provider_a_user)
    venue = VenueFactory(name="County Hall")
    _event("Spring briefing", service_types, localities, venue=venue)
    assert "County Hall" in _home(client)[0]
    venue.name = "Shire Hall"
    venue.save()
    html, _ = _home(client)
    assert "Shire Hall" in html and "County Hall" not in html


def test_an_event_that_has_ended_leaves_the_cached_list_without_any_write(
    client_for: Any, provider_a_user: Any, service_types: Any, localities: Any
) -> None:
    client = client_for(provider_a_user)
    now = timezone.now()
    _event(
        "Morning coffee",
        service_types,
        localities,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(minutes=10),
    )
    _event("Spring briefing", service_types, localities)
    html, _ = _home(client)
    assert "Morning coffee" in html and "All 2 events for you" in html
    # Twenty minutes on (well within the cache's timeout): nothing was written.
    with time_machine.travel(now + timedelta(minutes=20)):
        html, _ = _home(client)
    assert "Morning coffee" not in html and "All 1 event for you" in html


def test_a_place_shows_only_to_the_user_who_has_it(
    client_for: Any,
    provider_a_user: Any,
    colleague: Any,
    service_types: Any,
    localities: Any,
) -> None:
    event = _event("Spring briefing", service_types, localities)
    mine, theirs = client_for(provider_a_user), client_for(colleague)
    assert "You have a place" not in _home(mine)[0]
    assert "You have a place" not in _home(theirs)[0]
    registration = activity_services.register_contact(
        actor=provider_a_user, activity=event, contact=provider_a_user.contact
    )
    assert "You have a place" in _home(mine)[0]
    assert "You have a place" not in _home(theirs)[0]
    # The other way round: the colleague's page is cached first.
    activity_services.cancel_registration(actor=provider_a_user, registration=registration)
    assert "You have a place" not in _home(theirs)[0]
    assert "You have a place" not in _home(mine)[0]


def test_an_event_one_registered_for_outside_their_segments_shows_only_to_them(
    client_for: Any,
    provider_a_user: Any,
    colleague: Any,
    pem: Any,
    service_types: Any,
    localities: Any,
) -> None:
    elsewhere = _event(
        "South nursing forum",
        service_types,
        localities,
        service_types=[service_types["nursing"]],
        localities=[localities["south"]],
    )
    _event("Spring briefing", service_types, localities)
    mine, theirs = client_for(provider_a_user), client_for(colleague)
    assert "South nursing forum" not in _home(theirs)[0]
    activity_services.register_contact(
        actor=pem, activity=elsewhere, contact=provider_a_user.contact
    )
    assert "South nursing forum" not in _home(theirs)[0]
    html, _ = _home(mine)
    assert "South nursing forum" in html and "You have a place" in html
    assert "South nursing forum" not in _home(theirs)[0]


# --- Groups and their meetings -------------------------------------------------------------


@pytest.fixture
def home_care_group(localities: Any, service_types: Any, officer: Any) -> Any:
    """A group meant for provider A's user (home care in North)."""
    return group_for(
        "North Home Care Group",
        localities["north"],
        service_types["domiciliary"],
        owner=officer.officer,
    )


def test_a_group_renamed_closed_or_reopened_shows_at_once(
    client_for: Any, provider_a_user: Any, pem: Any, home_care_group: Any
) -> None:
    client = client_for(provider_a_user)
    assert "North Home Care Group" in _home(client)[0]
    update_group(actor=pem, group=home_care_group, name="North Home Carers Group")
    html, _ = _home(client)
    assert "North Home Carers Group" in html and "North Home Care Group" not in html
    home_care_group.status = GroupStatus.CLOSED
    home_care_group.save()
    assert "North Home Carers Group" not in _home(client)[0]
    home_care_group.status = GroupStatus.ACTIVE
    home_care_group.save()
    assert "North Home Carers Group" in _home(client)[0]


def test_a_change_of_a_groups_audience_shows_at_once(
    client_for: Any, provider_a_user: Any, home_care_group: Any, localities: Any
) -> None:
    client = client_for(provider_a_user)
    assert "North Home Care Group" in _home(client)[0]
    home_care_group.audience_localities.set([localities["south"]])
    assert "North Home Care Group" not in _home(client)[0]
    home_care_group.audience_localities.add(localities["north"])
    assert "North Home Care Group" in _home(client)[0]


def test_published_notes_and_new_actions_show_at_once(
    client_for: Any, provider_a_user: Any, pem: Any, officer: Any, home_care_group: Any
) -> None:
    client = client_for(provider_a_user)
    meeting = meeting_of(home_care_group, -3)
    notes_services.save_notes(actor=pem, meeting=meeting, body="What we agreed.")
    assert "Notes of North Home Care Group" not in _home(client)[0]
    notes_services.publish_and_send(actor=pem, meeting=meeting)
    assert "Notes of North Home Care Group" in _home(client)[0]
    action = action_services.create_action(
        actor=pem, meeting=meeting, title="Share the rota", owner=officer.officer
    )
    assert "Share the rota" in _home(client)[0]
    action_services.update_action(actor=pem, action=action, status="done", outcome="Shared.")
    assert "Share the rota" not in _home(client)[0]


def test_an_action_owners_new_name_and_a_moved_meeting_show_at_once(
    client_for: Any, provider_a_user: Any, pem: Any, officer: Any, home_care_group: Any
) -> None:
    client = client_for(provider_a_user)
    meeting = meeting_of(home_care_group, -3)
    notes_services.save_notes(actor=pem, meeting=meeting, body="What we agreed.")
    notes_services.publish_and_send(actor=pem, meeting=meeting)
    action_services.create_action(
        actor=pem, meeting=meeting, title="Share the rota", owner=officer.officer
    )
    assert "Olu Officer" in _home(client)[0]
    officer.full_name = "Olu Okafor"
    officer.save()
    html, _ = _home(client)
    assert "Olu Okafor" in html and "Olu Officer" not in html
    activity = meeting.activity
    activity.starts_at = at("2026-01-05")
    activity.ends_at = activity.starts_at + timedelta(hours=2)
    activity.save()
    assert "Notes of North Home Care Group, 5 Jan 2026" in _home(client)[0]


def test_an_action_becomes_overdue_on_the_next_day_without_any_write(
    client_for: Any, provider_a_user: Any, pem: Any, home_care_group: Any
) -> None:
    evening = datetime(2030, 3, 12, 23, 45, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(evening):
        client = client_for(provider_a_user)
        meeting = meeting_of(home_care_group, -3)
        notes_services.save_notes(actor=pem, meeting=meeting, body="What we agreed.")
        notes_services.publish_and_send(actor=pem, meeting=meeting)
        action_services.create_action(
            actor=pem,
            meeting=meeting,
            title="Send the costs",
            owner_name="Chair",
            due_on=evening.date(),
        )
        assert "govuk-tag--red" not in _home(client)[0]
        # Half an hour on (well within the cache's timeout), the next day: nothing was written.
        with time_machine.travel(evening + timedelta(minutes=30)):
            assert 'govuk-tag--red">Overdue' in _home(client)[0]


def test_ones_own_suggestions_show_only_to_them(
    client_for: Any, provider_a_user: Any, colleague: Any, home_care_group: Any
) -> None:
    from engage.groups import forward_plan

    mine, theirs = client_for(provider_a_user), client_for(colleague)
    assert "Your latest suggestions" not in _home(theirs)[0]
    forward_plan.propose_item(actor=provider_a_user, group=home_care_group, title="Free parking")
    assert "Free parking" in _home(mine)[0]
    assert "Free parking" not in _home(theirs)[0]


# --- Who to contact ------------------------------------------------------------------------


def test_who_to_contact_changes_show_at_once(
    client_for: Any,
    provider_a_user: Any,
    provider_a: Any,
    categories: Any,
    contract_manager: Any,
    teams: Any,
) -> None:
    client = client_for(provider_a_user)
    assert "Carla Contracts" not in _home(client)[0]
    # The provider's contract manager (a provider row: part of the key).
    provider_a.contract_manager = contract_manager
    provider_a.save()
    assert "Carla Contracts" in _home(client)[0]
    # An officer's details, their user's name, a team's mailbox, a category's team.
    contract_manager.job_title = "Senior Contract Manager"
    contract_manager.save()
    assert "Senior Contract Manager, Contracts" in _home(client)[0]
    contract_manager.user.full_name = "Carla Cole"
    contract_manager.user.save()
    html, _ = _home(client)
    assert "Carla Cole" in html and "Carla Contracts" not in html
    teams["service-placement"].email = "placements@council.example"
    teams["service-placement"].save()
    assert "placements@council.example" in _home(client)[0]
    placements = categories["placements"]
    placements.team = teams["commissioning"]
    placements.save()
    html, _ = _home(client)
    assert "placements@council.example" not in html


def test_the_quality_lead_follows_the_providers_services_at_once(
    client_for: Any,
    provider_a_user: Any,
    provider_a: Any,
    categories: Any,
    teams: Any,
    localities: Any,
    service_types: Any,
) -> None:
    # Provider A has one service in Mid and one in North: Mid comes first by name.
    OfficerFactory(
        user__full_name="Quinn Mid", team=teams["quality-improvement"], locality=localities["mid"]
    )
    OfficerFactory(
        user__full_name="Quinn North",
        team=teams["quality-improvement"],
        locality=localities["north"],
    )
    client = client_for(provider_a_user)
    assert "Quinn Mid" in _home(client)[0]
    extra = ServiceFactory(
        provider=provider_a, locality=localities["north"], types=[service_types["domiciliary"]]
    )
    html, _ = _home(client)
    assert "Quinn North" in html and "Quinn Mid" not in html
    # A bulk write, as the CQC import makes: it refreshes the providers' figures, which bumps
    # the register's version.
    Service.objects.filter(pk=extra.pk).update(status=Service.Status.DEREGISTERED)
    Provider.objects.refresh_figures()
    html, _ = _home(client)
    assert "Quinn Mid" in html and "Quinn North" not in html


# --- You said, we did ----------------------------------------------------------------------


def test_you_said_we_did_changes_show_at_once(
    client_for: Any, provider_a_user: Any, officer: Any
) -> None:
    client = client_for(provider_a_user)
    item = feedback_services.create_feedback_item(
        actor=officer, text="Papers arrive too late to read.", source=FeedbackSource.EVALUATION
    )
    action = feedback_services.turn_into_action(
        actor=officer, item=item, title="Send papers earlier", owner=officer.officer, due_on=None
    )
    assert "Papers arrive too late" not in _home(client)[0]
    feedback_services.record_we_did(
        actor=officer, item=item, outcome="Papers now go out ten days before."
    )
    html, _ = _home(client)
    assert "Papers arrive too late to read." in html
    assert "Papers now go out ten days before." in html
    item.text = "Papers come too late."
    item.save()
    assert "Papers come too late." in _home(client)[0]
    action.delete()
    assert "Papers come too late." not in _home(client)[0]


def test_the_registration_status_list_is_not_shared_between_providers(
    client_for: Any,
    provider_a_user: Any,
    provider_b_user: Any,
    service_types: Any,
    localities: Any,
) -> None:
    """Provider B's user, of other segments, never gets provider A's events."""
    _event("Spring briefing", service_types, localities)
    assert "Spring briefing" in _home(client_for(provider_a_user))[0]
    assert "Spring briefing" not in _home(client_for(provider_b_user))[0]
    assert Registration.objects.count() == 0
