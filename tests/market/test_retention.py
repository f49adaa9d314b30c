"""Retention of contacts: someone who left is erased once their record has been still for
CONTACT_RETENTION_DAYS."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from engage.market import services
from engage.market.models import Contact
from engage.market.personal_data import ERASED_NAME
from tests.market.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _aged(contact: Contact, days: int) -> None:
    Contact.objects.filter(pk=contact.pk).update(updated_at=timezone.now() - timedelta(days=days))


def test_only_contacts_who_left_long_ago_are_erased(settings: Any, provider_a: Any) -> None:
    settings.CONTACT_RETENTION_DAYS = 2192
    gone = ContactFactory(provider=provider_a, name="Long Gone", is_active=False)
    recently_left = ContactFactory(provider=provider_a, name="Just Left", is_active=False)
    still_there = ContactFactory(provider=provider_a, name="Still Here")
    _aged(gone, 2200)
    _aged(recently_left, 100)
    _aged(still_there, 3000)  # still works there: kept however old
    assert services.erase_long_left_contacts() == 1
    for contact in (gone, recently_left, still_there):
        contact.refresh_from_db()
    assert gone.name == ERASED_NAME and gone.erased_at is not None
    assert recently_left.name == "Just Left" and still_there.name == "Still Here"
    # By the system, in the audit trail; and a second run has nothing to do.
    assert LogEntry.objects.get_for_object(gone).filter(actor=None).exists()
    assert services.erase_long_left_contacts() == 0
