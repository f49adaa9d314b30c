"""The cached compliance with the standards is never stale (engage/groups/standards.py).

Each test renders a page that shows compliance (a group's page, the standards page), makes one
kind of write the standards read, renders again and checks the change shows: a writer that
did not bump the ``groups-standards`` data version would leave the first rendering cached.
The cache is a LocMem one (as in the tests' settings without Redis), forced here so that the
cached path is the one exercised.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engage.council.models import Team
from engage.engagement.models import Activity, Attendance, Registration
from engage.feedback import services as feedback_services
from engage.groups.models import ForwardPlanItem, Meeting, MeetingNotes
from engage.groups.standards import Outcome, compliance_for
from tests.council.factories import OfficerFactory, PartnerOrganisationFactory, PartnerPersonFactory
from tests.feedback.factories import answer, invite, registered_contacts
from tests.feedback.factories import attended as contacts_attended
from tests.groups.factories import GroupFactory, attended, meeting_of
from tests.market.factories import ContactFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("locmem_cache")]


@pytest.fixture
def client_of_pem(pem: Any) -> Client:
    client = Client()
    client.force_login(pem)
    return client


def _group_page(client: Client, group: Any) -> str:
    response = client.get(reverse("groups:group_detail", args=[group.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _standards_page(client: Client) -> str:
    response = client.get(reverse("groups:standards"))
    assert response.status_code == 200
    return response.content.decode()


def _changes_show(
    client: Client, group: Any, write: Callable[[], None], before: str, after: str
) -> None:
    """The group's page shows ``before``, then ``write()``, then it shows ``after`` (and not
    ``before``), and the standards page (scores and failings only) has changed too."""
    group_page, standards_page = _group_page(client, group), _standards_page(client)
    assert before in group_page
    assert after not in group_page
    write()
    group_page = _group_page(client, group)
    assert after in group_page
    assert before not in group_page
    assert _standards_page(client) != standards_page


# --- The group, its meetings and their activities ------------------------------------------


def test_a_new_meeting_shows(client_of_pem: Client) -> None:
    group = GroupFactory(frequency_target=3)
    meeting_of(group, days_from_now=-100)
    _changes_show(
        client_of_pem,
        group,
        lambda: meeting_of(group, days_from_now=-50),
        "Met once in the last 12 months",
        "Met twice in the last 12 months",
    )


def test_a_deleted_meeting_shows(client_of_pem: Client) -> None:
    group = GroupFactory(frequency_target=3)
    meeting_of(group, days_from_now=-100)
    second = meeting_of(group, days_from_now=-50)
    _changes_show(
        client_of_pem,
        group,
        lambda: Meeting.objects.filter(pk=second.pk).delete(),
        "Met twice in the last 12 months",
        "Met once in the last 12 months",
    )


def test_a_cancelled_activity_shows(client_of_pem: Client) -> None:
    group = GroupFactory(frequency_target=3)
    meeting_of(group, days_from_now=-100)
    second = meeting_of(group, days_from_now=-50)

    def cancel() -> None:
        activity = second.activity
        activity.status = Activity.Status.CANCELLED
        activity.save()

    _changes_show(
        client_of_pem,
        group,
        cancel,
        "Met twice in the last 12 months",
        "Met once in the last 12 months",
    )


def test_a_changed_frequency_target_shows(client_of_pem: Client) -> None:
    group = GroupFactory(frequency_target=3)
    meeting_of(group, days_from_now=-100)

    def retarget() -> None:
        group.frequency_target = 4
        group.save()

    _changes_show(client_of_pem, group, retarget, "against a target of 3", "against a target of 4")


# --- Teams and partners ---------------------------------------------------------------------


def test_a_team_added_to_a_meeting_shows(client_of_pem: Client, teams: dict[str, Any]) -> None:
    group = GroupFactory()
    meeting = meeting_of(group, days_from_now=-20, teams=[teams["contracts"]])
    attended(meeting, officer=OfficerFactory(team=teams["contracts"]))
    _changes_show(
        client_of_pem,
        group,
        lambda: meeting.activity.required_teams.add(teams["safeguarding"]),
        "Every team that must attend was at all 1 held meeting.",
        "Safeguarding missing",
    )


def test_a_renamed_team_shows(client_of_pem: Client, teams: dict[str, Any]) -> None:
    group = GroupFactory()
    meeting_of(group, days_from_now=-20, teams=[teams["safeguarding"]])

    def rename() -> None:
        team = Team.objects.get(pk=teams["safeguarding"].pk)
        team.name = "Adult Safeguarding"
        team.save()

    _changes_show(
        client_of_pem, group, rename, ": Safeguarding missing", ": Adult Safeguarding missing"
    )


def test_an_officer_recorded_as_attending_shows(
    client_of_pem: Client, teams: dict[str, Any]
) -> None:
    group = GroupFactory()
    meeting = meeting_of(group, days_from_now=-20, teams=[teams["contracts"]])
    _changes_show(
        client_of_pem,
        group,
        lambda: attended(meeting, officer=OfficerFactory(team=teams["contracts"])),
        "Contracts missing",
        "Every team that must attend was at all 1 held meeting.",
    )


def test_an_attendance_changed_to_absent_shows(
    client_of_pem: Client, teams: dict[str, Any]
) -> None:
    group = GroupFactory()
    meeting = meeting_of(group, days_from_now=-20, teams=[teams["contracts"]])
    record = attended(meeting, officer=OfficerFactory(team=teams["contracts"]))

    def absent() -> None:
        Attendance.objects.get(pk=record.pk).delete()

    _changes_show(
        client_of_pem,
        group,
        absent,
        "Every team that must attend was at all 1 held meeting.",
        "Contracts missing",
    )


def test_an_officer_moving_team_shows(client_of_pem: Client, teams: dict[str, Any]) -> None:
    group = GroupFactory()
    meeting = meeting_of(group, days_from_now=-20, teams=[teams["contracts"]])
    officer = OfficerFactory(team=teams["contracts"])
    attended(meeting, officer=officer)

    def move() -> None:
        officer.team = teams["safeguarding"]
        officer.save()

    _changes_show(
        client_of_pem,
        group,
        move,
        "Every team that must attend was at all 1 held meeting.",
        "Contracts missing",
    )


def test_a_partner_invited_to_the_group_shows(client_of_pem: Client) -> None:
    group = GroupFactory()
    meeting_of(group, days_from_now=-20)
    _changes_show(
        client_of_pem,
        group,
        lambda: group.invited_partners.add(PartnerOrganisationFactory()),
        "The group invites no partners.",
        "No invited partner attended 1 of 1 held meetings",
    )


def test_a_partner_attending_and_moving_organisation_shows(client_of_pem: Client) -> None:
    group = GroupFactory()
    invited = PartnerOrganisationFactory()
    group.invited_partners.add(invited)
    meeting = meeting_of(group, days_from_now=-20)
    person = PartnerPersonFactory(organisation=invited)
    _changes_show(
        client_of_pem,
        group,
        lambda: attended(meeting, partner=person),
        "No invited partner attended 1 of 1 held meetings",
        "An invited partner attended each of the 1 held meetings.",
    )

    def move() -> None:
        person.organisation = PartnerOrganisationFactory()
        person.save()

    _changes_show(
        client_of_pem,
        group,
        move,
        "An invited partner attended each of the 1 held meetings.",
        "No invited partner attended 1 of 1 held meetings",
    )

    def move_back() -> None:
        person.organisation = invited
        person.save()

    _changes_show(
        client_of_pem,
        group,
        move_back,
        "No invited partner attended 1 of 1 held meetings",
        "An invited partner attended each of the 1 held meetings.",
    )


# --- Notes, forward plan, evaluations --------------------------------------------------------


def test_notes_sent_show(client_of_pem: Client) -> None:
    group = GroupFactory()
    meeting = meeting_of(group, days_from_now=-40)
    notes = MeetingNotes.objects.create(meeting=meeting, body="Notes")

    def send() -> None:
        notes.sent_at = meeting.activity.starts_at + timedelta(days=1)
        notes.save()

    _changes_show(client_of_pem, group, send, "notes not sent", "Notes of all 1 held meetings")


def test_a_provider_item_on_the_forward_plan_shows(client_of_pem: Client) -> None:
    group = GroupFactory()

    def propose() -> None:
        ForwardPlanItem.objects.create(group=group, title="Fees", proposer_contact=ContactFactory())

    _changes_show(
        client_of_pem,
        group,
        propose,
        "Providers proposed no forward plan items",
        "Providers proposed 1 item in the last 12 months.",
    )


def test_evaluations_sent_in_bulk_show(client_of_pem: Client) -> None:
    group = GroupFactory()
    meeting = meeting_of(group, days_from_now=-5)
    Activity.objects.filter(pk=meeting.activity_id).update(kind="forum-meeting")
    contacts_attended(meeting.activity, registered_contacts(meeting.activity, 2), 2)
    _changes_show(
        client_of_pem,
        group,
        lambda: feedback_services.send_evaluations(activity_id=meeting.activity_id),
        "1 of 1 held meetings were not evaluated",
        "All 1 held meetings were evaluated.",
    )


HOLDING_UP = "Neither attendance nor the usefulness score fell at each of the last three meetings."


def _jadedness_changes_show(client: Client, group: Any, write: Callable[[], None]) -> None:
    """The group is flagged as jaded before ``write()`` and not after, on both pages."""
    standards_page = _standards_page(client)
    assert HOLDING_UP not in _group_page(client, group)
    write()
    assert HOLDING_UP in _group_page(client, group)
    assert _standards_page(client) != standards_page


def test_an_evaluation_answered_shows_in_the_jadedness_signal(client_of_pem: Client) -> None:
    group = GroupFactory()
    invitations = []
    for days in (-90, -60, -30):
        meeting = meeting_of(group, days_from_now=days)
        Activity.objects.filter(pk=meeting.activity_id).update(kind="forum-meeting")
        contacts_attended(meeting.activity, registered_contacts(meeting.activity, 10), 8)
        invitations.append(invite(meeting.activity))
    answer(invitations[0][0], 5)
    answer(invitations[1][0], 4)
    answer(invitations[2][0], 3)
    # Usefulness 5, 4, 3: falling; a second answer of 5 at the last meeting lifts it to 4.
    _jadedness_changes_show(client_of_pem, group, lambda: answer(invitations[2][1], 5))


def test_registrations_cancelled_show_in_the_jadedness_signal(client_of_pem: Client) -> None:
    group = GroupFactory()
    meetings = []
    for days, came in ((-90, 9), (-60, 8), (-30, 7)):
        meeting = meeting_of(group, days_from_now=days)
        contacts_attended(meeting.activity, registered_contacts(meeting.activity, 10), came)
        meetings.append(meeting)

    def fewer_registered() -> None:
        # 7 came of 7 registered: attendance no longer falls.
        for registration in Registration.objects.filter(activity=meetings[2].activity).order_by(
            "pk"
        )[:3]:
            registration.delete()

    _jadedness_changes_show(client_of_pem, group, fewer_registered)


# --- Time ----------------------------------------------------------------------------------


def test_a_meeting_starting_after_the_first_reading_counts_once_it_has_started() -> None:
    group = GroupFactory(frequency_target=3)
    meeting_of(group, days_from_now=-100)
    meeting_of(group, days_from_now=1 / 24)  # in an hour, marked held in advance
    now = timezone.now()
    first = compliance_for([group], now=now)[group.pk].results[0]
    assert "Met once" in first.reason
    later = compliance_for([group], now=now + timedelta(hours=2))[group.pk].results[0]
    assert "Met twice" in later.reason
    # And the earlier time still reads as it did.
    assert "Met once" in compliance_for([group], now=now)[group.pk].results[0].reason


def test_a_meeting_leaving_the_last_12_months_stops_counting() -> None:
    group = GroupFactory(frequency_target=3)
    meeting_of(group, days_from_now=-365 + 1 / 24)  # leaves the 12 months in an hour
    meeting_of(group, days_from_now=-100)
    now = timezone.now()
    assert "Met twice" in compliance_for([group], now=now)[group.pk].results[0].reason
    later = compliance_for([group], now=now + timedelta(hours=2))[group.pk].results[0]
    assert "Met once" in later.reason


def test_a_provider_item_leaving_the_last_12_months_stops_counting() -> None:
    group = GroupFactory()
    item = ForwardPlanItem.objects.create(
        group=group, title="Fees", proposer_contact=ContactFactory()
    )
    ForwardPlanItem.objects.filter(pk=item.pk).update(
        created_at=timezone.now() - timedelta(days=365) + timedelta(hours=1)
    )
    now = timezone.now()

    def items(at: Any) -> str:
        return next(
            r for r in compliance_for([group], now=at)[group.pk].results if r.key == "forward-plan"
        ).reason

    assert items(now) == "Providers proposed 1 item in the last 12 months."
    assert items(now + timedelta(hours=2)) == (
        "Providers proposed no forward plan items in the last 12 months."
    )


def test_notes_becoming_late_on_a_later_day_show() -> None:
    group = GroupFactory()
    meeting = meeting_of(group, days_from_now=-2)
    MeetingNotes.objects.create(meeting=meeting, body="Notes")
    now = timezone.now()

    def notes(at: Any) -> Any:
        return next(
            r for r in compliance_for([group], now=at)[group.pk].results if r.key == "notes"
        )

    assert notes(now).outcome == Outcome.MET
    assert notes(now + timedelta(days=30)).outcome == Outcome.NOT_MET
