"""A person's data across every app: the download holds all of it, and after the erasure no
row anywhere in the database names them or holds their address."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from engage.engagement import services as engagement_services
from engage.engagement.models import CalendarFeed, Invitation, Registration
from engage.enquiries.models import EnquiryMessage
from engage.feedback import services as feedback_services
from engage.feedback.models import EvaluationInvitation, SurveyInvitation
from engage.groups.models import ForwardPlanItem
from engage.market import selectors, services
from engage.market.personal_data import ERASED_NAME, HOLDERS, Holder, register
from engage.outbox.models import OutgoingEmail
from engage.outbox.services import queue_email
from tests.engagement.factories import RegistrationFactory
from tests.enquiries.factories import CategoryFactory, submit
from tests.feedback.factories import answer, attended, held_activity, invite
from tests.groups.factories import GroupFactory

pytestmark = pytest.mark.django_db

# Her contact row and her portal sign-in know her by different names and addresses.
NAME, EMAIL = "Ama Alpha", "ama.alpha@alpha.example"
USER_NAME, USER_EMAIL = "Ama Alpha-Boateng", "manager@alpha.example"


def _rows_naming(*needles: str) -> list[str]:
    """Every text value in the database (every model, audit entries included) that holds one
    of ``needles``, as "app.Model.field #pk"."""
    found = []
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for field in text_fields:
            for needle in needles:
                hits = model._default_manager.filter(**{f"{field}__icontains": needle})
                found += [
                    f"{model._meta.label}.{field} #{pk}" for pk in hits.values_list("pk", flat=True)
                ]
    return sorted(set(found))


@pytest.fixture
def everywhere(provider_a_user: Any, pem: Any, officer: Any) -> Any:
    """Ama Alpha (provider A's manager, with a portal sign-in) in every app that holds people:
    a place at an event, its calendar invitation, attendance and evaluation, a calendar feed,
    an enquiry with its acknowledgement email, a named survey response, a proposal for a
    group's forward plan, an email to her and a colleague, and one to an officer about her
    enquiry. Her sign-in's name and address differ from her contact row's."""
    contact = provider_a_user.contact
    contact.email = EMAIL
    contact.save()
    provider_a_user.full_name = USER_NAME
    provider_a_user.save()
    event = held_activity(title="Home care market day")
    RegistrationFactory(activity=event, contact=contact, status=Registration.Status.REGISTERED)
    Invitation.objects.create(
        activity=event,
        email=EMAIL,
        name=NAME,
        role=Invitation.Role.PROVIDER,
        person_key=f"contact:{contact.pk}",
        sequence_sent=0,
        created_at=timezone.now(),
    )
    attended(event, [contact], came=1)
    [evaluation] = invite(event)
    answer(evaluation, 4, **{"what-to-improve": "The workforce session was the useful part."})
    CalendarFeed.objects.create(contact=contact)
    enquiry = submit(  # as the portal does: signed with the sign-in's name and address
        contact.provider,
        CategoryFactory(),
        contact=contact,
        actor=provider_a_user,
        contact_name=USER_NAME,
        contact_email=USER_EMAIL,
    )
    survey = feedback_services.create_survey(
        actor=officer,
        title="Provider engagement survey",
        closes_on=timezone.localdate() + timedelta(days=14),
        questions=[feedback_services.QuestionInput("How good is our engagement?", "rating")],
        anonymous=False,
    )
    feedback_services.send_survey(actor=officer, survey=survey)
    token = SurveyInvitation.objects.get(contact=contact).token
    feedback_services.submit_survey_response(token=token, answers={survey.questions.get().pk: 4})
    ForwardPlanItem.objects.create(
        group=GroupFactory(name="Home care forum"),
        title="Fuel costs for rural rounds",
        proposer_contact=contact,
    )
    queue_email(
        to=[EMAIL, "deputy@alpha.example"],
        subject="Market day follow-up",
        body_text="Hello both",
        topic="test",
    )
    queue_email(
        to=["olu.officer@council.example"],
        subject=f"A call from {USER_NAME}",
        body_text=f"{NAME.upper()} ({USER_EMAIL}) rang about {enquiry.reference}.",
        topic=f"enquiry:{enquiry.reference}",
    )
    return contact


def test_the_download_holds_what_every_app_holds_about_them(everywhere: Any) -> None:
    data = selectors.personal_data_of_contact(everywhere)
    json.dumps(data, cls=DjangoJSONEncoder)  # JSON-ready
    assert {h.section for h in HOLDERS} <= set(data)
    engagement = data["engagement"]
    assert [r["activity"]["title"] for r in engagement["registrations"]] == ["Home care market day"]
    assert engagement["calendar_invitations"][0]["sent_to"] == EMAIL
    assert engagement["attendance"][0]["attended"] is True
    assert engagement["calendar_feed"] is not None
    [enquiry] = data["enquiries"]
    assert enquiry["name_given"] == USER_NAME and enquiry["messages"][0]["by"] == USER_NAME
    assert enquiry["email_given"] == USER_EMAIL
    assert enquiry["internal_notes_held"] == 0
    evaluation = data["feedback"]["evaluations"][0]
    assert "The workforce session was the useful part." in [
        a["text"] for a in evaluation["answers"]
    ]
    [response] = data["feedback"]["named_survey_responses"]
    assert response["survey"] == "Provider engagement survey"
    assert response["answers"][0]["score"] == 4
    assert [p["title"] for p in data["forward_plan_proposals"]] == ["Fuel costs for rural rounds"]
    subjects = {e["subject"] for e in data["emails"]}
    assert "Market day follow-up" in subjects  # to her contact address
    assert any(s.startswith("We have your enquiry") or "ENQ-" in s for s in subjects), subjects


def test_internal_notes_are_counted_not_copied(everywhere: Any, officer: Any) -> None:
    from engage.enquiries import services as enquiry_services

    enquiry = everywhere.enquiries.get()
    enquiry_services.add_note(actor=officer, enquiry=enquiry, body="Chased finance by phone.")
    [exported] = selectors.personal_data_of_contact(everywhere)["enquiries"]
    assert exported["internal_notes_held"] == 1
    assert "Chased finance" not in json.dumps(exported)


def test_after_erasure_no_row_names_them_or_holds_their_address(everywhere: Any, pem: Any) -> None:
    found = _rows_naming(NAME, EMAIL, USER_NAME, USER_EMAIL)
    assert any("Enquiry" in f for f in found) and any("OutgoingEmail" in f for f in found)
    services.erase_contact(actor=pem, contact=everywhere)
    assert _rows_naming(NAME, EMAIL, USER_NAME, USER_EMAIL) == []
    # Their place, attendance and answers still count; only who they were is gone.
    assert Registration.objects.filter(contact=everywhere).count() == 1
    assert EvaluationInvitation.objects.get(contact=everywhere).responded_at is not None
    assert everywhere.enquiries.get().contact_name == ERASED_NAME
    assert EnquiryMessage.objects.filter(author_name=ERASED_NAME).exists()
    assert not CalendarFeed.objects.filter(contact=everywhere).exists()
    # Nothing more goes to them; the colleague's copy keeps its other address.
    assert not OutgoingEmail.objects.filter(to__icontains=EMAIL).exists()
    assert OutgoingEmail.objects.get(subject="Market day follow-up").to == ["deputy@alpha.example"]
    about_her = OutgoingEmail.objects.get(to=["olu.officer@council.example"])
    reference = everywhere.enquiries.get().reference
    assert about_her.subject == f"A call from {ERASED_NAME}"
    assert about_her.body_text == f"{ERASED_NAME} ([erased]) rang about {reference}."


def test_only_whole_names_in_emails_about_their_enquiries_are_redacted(
    everywhere: Any, pem: Any
) -> None:
    topic = f"enquiry:{everywhere.enquiries.get().reference}"
    about = queue_email(
        to=["olu.officer@council.example"],
        subject="Rota",
        body_text=f"{USER_NAME} asked; Ama Alphabet's rota is unchanged.",
        topic=topic,
    )
    other = queue_email(
        to=["someone@else.example"],
        subject="Ama Alphabet",
        body_text="Ama Alphabet and the Ama Alpharetta team.",
        headers={"List-Unsubscribe": "<https://engage.example/market/unsubscribe/Ama/>"},
        topic="newsletter",
    )
    services.erase_contact(actor=pem, contact=everywhere)
    about.refresh_from_db()
    other.refresh_from_db()
    assert about.body_text == f"{ERASED_NAME} asked; Ama Alphabet's rota is unchanged."
    assert other.body_text == "Ama Alphabet and the Ama Alpharetta team."
    assert other.headers == {"List-Unsubscribe": "<https://engage.example/market/unsubscribe/Ama/>"}


def test_an_erased_invitee_is_sent_no_cancellation(everywhere: Any, pem: Any) -> None:
    event = Invitation.objects.get().activity
    event.status = event.Status.PUBLISHED
    event.save()
    services.erase_contact(actor=pem, contact=everywhere)
    invitation = Invitation.objects.get()
    assert invitation.cancelled and invitation.email == "" and invitation.name == ERASED_NAME
    engagement_services.send_invitations(activity_id=event.pk)
    key = f"activity:{event.pk}:cancel:contact:{everywhere.pk}:"
    assert not OutgoingEmail.objects.filter(idempotency_key__startswith=key).exists()


def test_an_erasure_that_fails_in_one_app_erases_nothing(
    everywhere: Any, pem: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(contact: Any, user: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(
        "engage.market.personal_data.HOLDERS", [*HOLDERS, Holder("x", dict, broken)]
    )
    monkeypatch.setattr("engage.market.services.HOLDERS", [*HOLDERS, Holder("x", dict, broken)])
    with pytest.raises(RuntimeError):
        services.erase_contact(actor=pem, contact=everywhere)
    everywhere.refresh_from_db()
    assert everywhere.erased_at is None and everywhere.name == NAME
    assert Invitation.objects.get().email == EMAIL
    assert OutgoingEmail.objects.filter(to__icontains=EMAIL).exists()


def test_a_section_is_held_by_one_app() -> None:
    with pytest.raises(ValueError, match="registered already"):
        register(Holder(HOLDERS[0].section, dict))
