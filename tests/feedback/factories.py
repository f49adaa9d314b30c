"""Helpers of the feedback tests: held meetings with attendance, and answered evaluations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from engage.engagement.models import Activity, Attendance, Registration
from engage.feedback import services
from engage.feedback.models import EvaluationInvitation
from engage.groups.models import Meeting
from tests.engagement.factories import ActivityFactory, RegistrationFactory, at
from tests.groups.factories import GroupFactory
from tests.market.factories import ContactFactory


def held_activity(**kwargs: Any) -> Activity:
    kwargs.setdefault("status", Activity.Status.HELD)
    kwargs.setdefault("starts_at", at("2026-03-12"))
    return ActivityFactory(**kwargs)


def held_meeting(group: Any = None, *, day: str = "2026-03-12", **kwargs: Any) -> Meeting:
    group = group or GroupFactory()
    activity = held_activity(starts_at=at(day), kind="forum-meeting", **kwargs)
    return Meeting.objects.create(group=group, activity=activity)


def registered_contacts(activity: Activity, n: int, provider: Any = None) -> list[Any]:
    contacts = []
    for _ in range(n):
        contact = ContactFactory(**({"provider": provider} if provider else {}))
        contact.email_consent = True
        contact.save()
        RegistrationFactory(
            activity=activity, contact=contact, status=Registration.Status.REGISTERED
        )
        contacts.append(contact)
    return contacts


def attended(activity: Activity, contacts: list[Any], came: int) -> None:
    for index, contact in enumerate(contacts):
        Attendance.objects.create(
            activity=activity,
            kind=Attendance.Kind.CONTACT,
            contact=contact,
            attended=index < came,
        )


def answer(invitation: EvaluationInvitation, usefulness: int, **others: Any) -> None:
    services.submit_evaluation(token=invitation.token, answers={"usefulness": usefulness, **others})


def invite(activity: Activity) -> list[EvaluationInvitation]:
    services.send_evaluations(activity_id=activity.pk)
    return list(EvaluationInvitation.objects.filter(activity=activity).order_by("pk"))


def days_ago(n: int) -> Any:
    return timezone.now() - timedelta(days=n)
