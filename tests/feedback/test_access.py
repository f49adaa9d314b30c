"""Who sees what: providers only their own evaluations; "you said, we did" in the portal."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from engage.feedback import services
from engage.feedback.models import EvaluationInvitation, FeedbackSource
from engage.groups.models import ActionStatus
from engage.portal.access import contact_for
from tests.feedback.factories import held_activity

pytestmark = pytest.mark.django_db


def _invitation_for(user: Any) -> EvaluationInvitation:
    from django.utils import timezone

    activity = held_activity(title="Fee uplift briefing")
    return EvaluationInvitation.objects.create(
        activity=activity, contact=contact_for(user), created_at=timezone.now()
    )


def test_a_provider_sees_only_their_own_evaluations(
    provider_a_user: Any, provider_b_user: Any
) -> None:
    mine = _invitation_for(provider_a_user)
    theirs = _invitation_for(provider_b_user)
    client = Client()
    client.force_login(provider_a_user)
    listing = client.get(reverse("feedback:portal_evaluations")).content.decode()
    assert reverse("feedback:portal_evaluation", args=[mine.pk]) in listing
    assert reverse("feedback:portal_evaluation", args=[theirs.pk]) not in listing
    assert client.get(reverse("feedback:portal_evaluation", args=[mine.pk])).status_code == 200
    assert client.get(reverse("feedback:portal_evaluation", args=[theirs.pk])).status_code == 404
    posted = client.post(
        reverse("feedback:portal_evaluation", args=[theirs.pk]), {"usefulness": "1"}
    )
    assert posted.status_code == 404
    theirs.refresh_from_db()
    assert theirs.responded_at is None


def test_the_portal_home_asks_for_the_evaluation(provider_a_user: Any) -> None:
    invitation = _invitation_for(provider_a_user)
    client = Client()
    client.force_login(provider_a_user)
    home = client.get(reverse("portal:home")).content.decode()
    assert "Tell us how it went" in home
    assert reverse("feedback:portal_evaluation", args=[invitation.pk]) in home
    client.post(reverse("feedback:portal_evaluation", args=[invitation.pk]), {"usefulness": "4"})
    invitation.refresh_from_db()
    assert invitation.responded_at is not None
    again = client.post(
        reverse("feedback:portal_evaluation", args=[invitation.pk]), {"usefulness": "2"}
    )
    assert "You have already sent your evaluation" in again.content.decode()


def test_you_said_we_did_is_published_in_the_portal_once_done(
    officer: Any, provider_a_user: Any
) -> None:
    item = services.create_feedback_item(
        actor=officer, text="Papers arrive too late to read.", source=FeedbackSource.EVALUATION
    )
    action = services.turn_into_action(
        actor=officer, item=item, title="Send papers earlier", owner=officer.officer, due_on=None
    )
    client = Client()
    client.force_login(provider_a_user)
    url = reverse("feedback:portal_you_said_we_did")
    assert "Papers arrive too late" not in client.get(url).content.decode()
    services.record_we_did(actor=officer, item=item, outcome="Papers now go out ten days before.")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    page = client.get(url).content.decode()
    assert "Papers arrive too late to read." in page
    assert "Papers now go out ten days before." in page
    assert (
        "Papers now go out ten days before." in client.get(reverse("portal:home")).content.decode()
    )


def test_a_feedback_item_becomes_one_action_only(officer: Any) -> None:
    from django.core.exceptions import ValidationError

    item = services.create_feedback_item(actor=officer, text="x", source=FeedbackSource.FORUM)
    services.turn_into_action(actor=officer, item=item, title="Do it", owner=None, due_on=None)
    with pytest.raises(ValidationError):
        services.turn_into_action(actor=officer, item=item, title="Again", owner=None, due_on=None)


def test_a_councillor_reads_feedback_but_cannot_change_it(councillor: Any, officer: Any) -> None:
    item = services.create_feedback_item(actor=officer, text="x", source=FeedbackSource.FORUM)
    client = Client()
    client.force_login(councillor)
    url = reverse("feedback:item_detail", args=[item.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"step": "action", "title": "Sneaky"}).status_code == 403
    assert client.get(reverse("feedback:survey_create")).status_code == 403


def test_officer_pages_render(pem: Any, client: Client) -> None:
    client.force_login(pem)
    for name in (
        "feedback:home",
        "feedback:survey_list",
        "feedback:item_list",
        "feedback:you_said_we_did",
    ):
        assert client.get(reverse(name)).status_code == 200, name


def test_an_evaluation_answer_becomes_a_linked_feedback_item(officer: Any) -> None:
    from tests.feedback.factories import answer, held_meeting, invite, registered_contacts

    meeting = held_meeting()
    registered_contacts(meeting.activity, 1)
    (invitation,) = invite(meeting.activity)
    answer(invitation, 3, **{"what-to-improve": "Send papers earlier"})
    from engage.feedback.models import EvaluationAnswer, FeedbackItem

    source = EvaluationAnswer.objects.get(question__key="what-to-improve")
    client = Client()
    client.force_login(officer)
    url = reverse("feedback:item_create") + f"?answer={source.pk}"
    form = client.get(url).content.decode()
    assert "Send papers earlier" in form
    today = source.response.submitted_at.date()
    client.post(
        url,
        {
            "text": "Send papers earlier",
            "source": "evaluation",
            "received_on_0": today.day,
            "received_on_1": today.month,
            "received_on_2": today.year,
            "group": meeting.group_id,
        },
    )
    item = FeedbackItem.objects.get()
    assert item.evaluation_answer_id == source.pk
    assert item.activity_id == meeting.activity_id
    assert item.group_id == meeting.group_id
