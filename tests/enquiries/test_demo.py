"""The demo county has enquiries in every state, and provider A's portal is not empty."""

from __future__ import annotations

import pytest
from django.db.models import Count

from engage.accounts.models import User
from engage.core.demo import DemoContext, run_steps
from engage.core.working_days import local_date
from engage.enquiries.models import Enquiry, EnquiryMessage, ReferenceCounter, Status
from engage.enquiries.selectors import today_local
from engage.enquiries.targets import overdue_q


@pytest.mark.django_db
def test_the_county_demo_has_a_year_of_enquiries_in_every_state() -> None:
    run_steps(DemoContext(scale="county", seed=2026))
    assert 300 <= Enquiry.objects.count() <= 400
    statuses = dict(Enquiry.objects.values_list("status").annotate(n=Count("pk")))
    for status in (Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CLOSED):
        assert statuses.get(status, 0) > 0, status
    assert Enquiry.objects.filter(overdue_q(today_local())).exists()
    assert EnquiryMessage.objects.filter(kind=EnquiryMessage.Kind.NOTE).exists()
    provider_a = User.objects.get(email="provider@engage.example").contact.provider
    own = Enquiry.objects.filter(provider=provider_a)
    assert own.filter(status__in=[Status.IN_PROGRESS, Status.WAITING]).count() >= 2
    assert own.filter(category__is_safeguarding=True).exists()
    # Every enquiry's figures agree with its own dates.
    for enquiry in Enquiry.objects.exclude(first_response_at=None):
        assert enquiry.first_response_met == (
            local_date(enquiry.first_response_at) <= enquiry.first_response_due
        )
    # References are unique and the counter continues after them.
    last = Enquiry.objects.order_by("-reference").values_list("reference", flat=True).first()
    year, number = last.split("-")[1:]
    assert ReferenceCounter.objects.get(year=int(year)).last_number == int(number)
