"""Factories and helpers of enquiries: categories, and enquiries made through the service."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import factory
from factory.django import DjangoModelFactory

from engage.enquiries import services
from engage.enquiries.models import Enquiry, EnquiryCategory, Route
from tests.council.factories import TeamFactory

LONDON = ZoneInfo("Europe/London")


def london(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """An aware datetime, local to the council."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


class CategoryFactory(DjangoModelFactory[EnquiryCategory]):
    class Meta:
        model = EnquiryCategory
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")
    first_response_days = 2
    resolve_days = 10
    route = Route.TEAM
    team = factory.SubFactory(TeamFactory)


def submit(provider: Any, category: EnquiryCategory, **overrides: Any) -> Enquiry:
    """An enquiry submitted through the service, with sensible defaults."""
    values: dict[str, Any] = {
        "actor": None,
        "subject": "Invoice 4471 not paid",
        "body": "Our invoice 4471 has not been paid. Could you check?",
        "contact_name": "Ama Alpha",
        "contact_email": "manager@alpha.example",
    }
    values.update(overrides)
    return services.submit_enquiry(provider=provider, category=category, **values)
