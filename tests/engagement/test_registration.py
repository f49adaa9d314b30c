"""Registration: capacity, the waiting list that promotes itself, and who may do what."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from engage.engagement import services
from engage.engagement.models import Activity, Registration
from tests.engagement.factories import ActivityFactory
from tests.market.factories import ContactFactory

pytestmark = pytest.mark.django_db
Status = Activity.Status


@pytest.fixture
def event(officer: Any) -> Activity:
    starts = timezone.now() + timedelta(days=60)
    return ActivityFactory(
        lead_officer=officer.officer,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        status=Status.PUBLISHED,
        capacity=2,
    )


def test_places_fill_up_then_people_wait_and_the_earliest_is_promoted_on_a_cancellation(
    event: Activity, officer: Any
) -> None:
    people = ContactFactory.create_batch(4)
    made = [services.register_contact(actor=officer, activity=event, contact=c) for c in people]
    assert [r.status for r in made] == ["registered", "registered", "waiting", "waiting"]
    promoted = services.cancel_registration(actor=officer, registration=made[0])
    assert promoted is not None and promoted.contact == people[2]
    statuses = dict(Registration.objects.filter(activity=event).values_list("contact_id", "status"))
    assert statuses == {
        people[0].pk: "cancelled",
        people[1].pk: "registered",
        people[2].pk: "registered",
        people[3].pk: "waiting",
    }
    # Someone leaving the waiting list promotes nobody.
    assert services.cancel_registration(actor=officer, registration=made[3]) is None


def test_the_capacity_comes_from_the_venue_when_the_activity_sets_none(officer: Any) -> None:
    starts = timezone.now() + timedelta(days=60)
    activity = ActivityFactory(
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        status=Status.PUBLISHED,
        venue__capacity=1,
    )
    first, second = ContactFactory.create_batch(2)
    assert (
        services.register_contact(actor=officer, activity=activity, contact=first).status
        == "registered"
    )
    assert (
        services.register_contact(actor=officer, activity=activity, contact=second).status
        == "waiting"
    )


def test_registering_twice_is_refused(event: Activity, officer: Any) -> None:
    contact = ContactFactory()
    services.register_contact(actor=officer, activity=event, contact=contact)
    with pytest.raises(services.ActivityRuleError, match="Already registered"):
        services.register_contact(actor=officer, activity=event, contact=contact)


def test_registration_is_open_only_for_published_events(event: Activity, officer: Any) -> None:
    Activity.objects.filter(pk=event.pk).update(status=Status.APPROVED)
    event.refresh_from_db()
    with pytest.raises(services.ActivityRuleError, match="only for published events"):
        services.register_contact(actor=officer, activity=event, contact=ContactFactory())


def test_a_provider_user_can_only_register_themselves(
    event: Activity, provider_a_user: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.register_contact(actor=provider_a_user, activity=event, contact=ContactFactory())
    own = services.register_contact(
        actor=provider_a_user, activity=event, contact=provider_a_user.contact
    )
    assert own.registered_by == provider_a_user


def test_a_promoted_person_is_emailed_once(
    event: Activity, officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    a, b, c = ContactFactory.create_batch(3)
    first = services.register_contact(actor=officer, activity=event, contact=a)
    services.register_contact(actor=officer, activity=event, contact=b)
    services.register_contact(actor=officer, activity=event, contact=c)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(actor=officer, registration=first)
    assert [m.to for m in mail.outbox] == [[c.email]]
    assert mail.outbox[0].subject.startswith("You have a place")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_racing_for_the_last_place_get_one_place_and_one_waiting(officer: Any) -> None:
    import threading

    from django.db import connection

    starts = timezone.now() + timedelta(days=60)
    event = ActivityFactory(
        starts_at=starts, ends_at=starts + timedelta(hours=1), status=Status.PUBLISHED, capacity=1
    )
    people = ContactFactory.create_batch(4)
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def register(contact: Any) -> None:
        try:
            barrier.wait()
            services.register_contact(actor=officer, activity=event, contact=contact)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(c,)) for c in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    statuses = sorted(Registration.objects.filter(activity=event).values_list("status", flat=True))
    assert statuses == ["registered", "waiting", "waiting", "waiting"]
