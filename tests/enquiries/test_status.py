"""Status changes follow one table; reopening; the provider's replies move the status."""

from __future__ import annotations

from itertools import product
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from engage.enquiries import services
from engage.enquiries.models import TRANSITIONS, Enquiry, Status
from tests.enquiries.factories import submit

pytestmark = pytest.mark.django_db

ALL = [s.value for s in Status]


def _at(enquiry: Enquiry, status: str) -> Enquiry:
    Enquiry.objects.filter(pk=enquiry.pk).update(status=status)
    enquiry.refresh_from_db()
    return enquiry


@pytest.mark.parametrize(("start", "target"), list(product(ALL, ALL)))
def test_only_the_transitions_in_the_table_are_allowed(
    provider_a: Any, categories: Any, officer: Any, start: str, target: str
) -> None:
    enquiry = _at(submit(provider_a, categories["payments"]), start)
    if start == Status.WAITING:
        enquiry.pauses.create(started_at=enquiry.received_at)
    allowed = target in TRANSITIONS[start]
    if allowed:
        services.change_status(actor=officer, enquiry=enquiry, to_status=target)
        assert Enquiry.objects.get(pk=enquiry.pk).status == target
    else:
        with pytest.raises(ValidationError):
            services.change_status(actor=officer, enquiry=enquiry, to_status=target)
        assert Enquiry.objects.get(pk=enquiry.pk).status == start


def test_resolved_and_closed_can_only_be_reopened_to_in_progress() -> None:
    assert TRANSITIONS[Status.RESOLVED] == {Status.CLOSED, Status.IN_PROGRESS}
    assert TRANSITIONS[Status.CLOSED] == {Status.IN_PROGRESS}


def test_every_status_change_is_in_the_history(
    provider_a: Any, categories: Any, officer: Any
) -> None:
    enquiry = submit(provider_a, categories["payments"])
    for status in (Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED):
        services.change_status(actor=officer, enquiry=enquiry, to_status=status, note="why")
    services.change_status(actor=officer, enquiry=enquiry, to_status=Status.IN_PROGRESS)
    steps = list(
        enquiry.events.exclude(kind="received")
        .order_by("pk")
        .values_list("kind", "from_status", "to_status", "actor")
    )
    assert steps == [
        ("status", "new", "acknowledged", officer.pk),
        ("status", "acknowledged", "in-progress", officer.pk),
        ("status", "in-progress", "resolved", officer.pk),
        ("status", "resolved", "closed", officer.pk),
        ("reopened", "closed", "in-progress", officer.pk),
    ]
    assert Enquiry.objects.get(pk=enquiry.pk).reopened_count == 1


def test_a_reply_to_a_new_enquiry_puts_it_in_progress(
    provider_a: Any, categories: Any, officer: Any
) -> None:
    enquiry = submit(provider_a, categories["payments"])
    services.post_reply(actor=officer, enquiry=enquiry, body="On it.")
    assert Enquiry.objects.get(pk=enquiry.pk).status == Status.IN_PROGRESS


def test_an_internal_note_changes_nothing_the_provider_sees(
    provider_a: Any, categories: Any, officer: Any
) -> None:
    enquiry = submit(provider_a, categories["payments"])
    services.add_note(actor=officer, enquiry=enquiry, body="Finance says next week.")
    after = Enquiry.objects.get(pk=enquiry.pk)
    assert after.status == Status.NEW
    assert after.first_response_at is None


def test_the_provider_replying_to_a_resolved_enquiry_reopens_it(
    provider_a: Any, provider_a_user: Any, categories: Any, officer: Any
) -> None:
    enquiry = submit(provider_a, categories["payments"])
    services.post_reply(actor=officer, enquiry=enquiry, body="Done", then_status="resolved")
    services.post_provider_message(actor=provider_a_user, enquiry=enquiry, body="Not done")
    after = Enquiry.objects.get(pk=enquiry.pk)
    assert after.status == Status.IN_PROGRESS
    assert after.reopened_count == 1


def test_a_closed_enquiry_takes_no_more_messages_from_the_provider(
    provider_a: Any, provider_a_user: Any, categories: Any, officer: Any
) -> None:
    enquiry = submit(provider_a, categories["payments"])
    services.change_status(actor=officer, enquiry=enquiry, to_status=Status.CLOSED)
    with pytest.raises(ValidationError, match="is closed"):
        services.post_provider_message(actor=provider_a_user, enquiry=enquiry, body="Hello?")
    assert enquiry.messages.count() == 1


def test_a_reply_cannot_jump_to_a_status_the_table_forbids(
    provider_a: Any, categories: Any, officer: Any
) -> None:
    from engage.enquiries.forms import ReplyForm

    enquiry = submit(provider_a, categories["payments"])
    services.change_status(actor=officer, enquiry=enquiry, to_status=Status.CLOSED)
    enquiry.refresh_from_db()
    form = ReplyForm({"reply-body": "x", "reply-then_status": "waiting"}, enquiry=enquiry)
    assert not form.is_valid()
    assert "cannot be moved to waiting on provider" in str(form.errors)
    with pytest.raises(ValidationError):
        services.post_reply(actor=officer, enquiry=enquiry, body="x", then_status="waiting")
    assert enquiry.messages.count() == 1  # the failed reply left nothing behind
