"""Factories of engagement planning."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory

from engage.engagement.clashes import LONDON
from engage.engagement.models import Activity, Registration, Venue
from engage.engagement.modes import Kind, Mechanism, Mode
from tests.council.factories import OfficerFactory


class VenueFactory(DjangoModelFactory[Venue]):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Venue {n}")
    address = "1 High Street, Chelmsford"
    postcode = "CM1 1AA"
    capacity = 50


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    """An aware datetime at ``hour`` London time on ISO ``day``."""
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=LONDON)


class ActivityFactory(DjangoModelFactory[Activity]):
    """A complete event (design checklist filled in) for care managers, in draft."""

    class Meta:
        model = Activity
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Activity {n}")
    kind = Kind.EVENT
    purpose = "To agree how the new scheme will work."
    topic = "New scheme"
    mode = Mode.PARTICIPATE
    mechanism = Mechanism.WORKSHOP
    lead_officer = factory.SubFactory(OfficerFactory)
    facilitator = factory.SelfAttribute("lead_officer")
    venue = factory.SubFactory(VenueFactory)
    starts_at = factory.LazyFunction(lambda: at("2030-03-12"))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    outcomes_sought = "A plan everyone supports."
    questions = "What would make it work?"
    for_managers = True
    officer_hours = Decimal("10")
    officer_hourly_rate_pence = 3500
    ad_hoc_justification = "A one-off topic."
    created_by = factory.LazyAttribute(lambda o: o.lead_officer.user)

    @factory.post_generation
    def service_types(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.audience_service_types.set(extracted)

    @factory.post_generation
    def localities(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.audience_localities.set(extracted)

    @factory.post_generation
    def teams(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.required_teams.set(extracted)

    @factory.post_generation
    def partners(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.invited_partners.set(extracted)


class RegistrationFactory(DjangoModelFactory[Registration]):
    class Meta:
        model = Registration

    activity = factory.SubFactory(ActivityFactory)
    status = Registration.Status.REGISTERED
    created_at = factory.LazyFunction(lambda: at("2030-01-01"))
