"""Sessions inside a meeting: made from a forum's streams, edited on the sessions page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from engage.groups.models import MeetingSession
from engage.groups.services import schedule_meeting
from tests.groups.factories import ForumFactory, GroupFactory

pytestmark = pytest.mark.django_db


def _forum(localities, streams, service_types):
    forum = ForumFactory(locality=localities["mid"], for_managers=True)
    forum.streams.set(streams.values())
    forum.audience_localities.set([localities["mid"]])
    return forum


def _start():
    return (timezone.now() + timedelta(days=60)).replace(hour=10, minute=0, second=0, microsecond=0)


def test_a_forum_meeting_gets_a_session_per_stream_with_the_overlap_between(
    pem, localities, streams, service_types
) -> None:
    forum = _forum(localities, streams, service_types)
    starts = _start()
    meeting = schedule_meeting(
        actor=pem, group=forum, starts_at=starts, ends_at=starts + timedelta(hours=3)
    )
    sessions = list(meeting.sessions.order_by("starts_at"))
    assert [s.title for s in sessions] == [
        "Residential and nursing",
        "Networking overlap",
        "Domiciliary care",
    ]
    assert [s.starts_at - starts for s in sessions] == [
        timedelta(0),
        timedelta(hours=1),
        timedelta(hours=2),
    ]
    assert sessions[-1].ends_at == starts + timedelta(hours=3)
    residential, overlap, domiciliary = sessions
    assert {t.slug for t in residential.audience_service_types.all()} == {"residential", "nursing"}
    assert {t.slug for t in domiciliary.audience_service_types.all()} == {"domiciliary"}
    assert list(overlap.audience_service_types.all()) == [] and overlap.is_overlap
    assert all(
        s.for_managers and [loc.slug for loc in s.audience_localities.all()] == ["mid"]
        for s in sessions
    )


def test_a_group_without_streams_has_no_sessions(pem) -> None:
    group = GroupFactory()
    starts = _start()
    meeting = schedule_meeting(
        actor=pem, group=group, starts_at=starts, ends_at=starts + timedelta(hours=2)
    )
    assert meeting.sessions.count() == 0


def test_sessions_page_edits_adds_and_refuses_a_session_outside_the_meeting(
    client_for, pem, localities, streams, service_types
) -> None:
    forum = _forum(localities, streams, service_types)
    starts = _start()
    meeting = schedule_meeting(
        actor=pem, group=forum, starts_at=starts, ends_at=starts + timedelta(hours=3)
    )
    sessions = list(meeting.sessions.order_by("starts_at"))
    url = f"/groups/meetings/{meeting.pk}/sessions/"
    client = client_for(pem)
    assert client.get(url).status_code == 200
    data = {"form-TOTAL_FORMS": "4", "form-INITIAL_FORMS": "3"}
    for i, s in enumerate(sessions):
        local_start = timezone.localtime(s.starts_at)
        local_end = timezone.localtime(s.ends_at)
        data |= {
            f"form-{i}-session_id": str(s.pk),
            f"form-{i}-title": s.title,
            f"form-{i}-starts": f"{local_start:%H:%M}",
            f"form-{i}-ends": f"{local_end:%H:%M}",
            f"form-{i}-stream": str(s.stream_id),
        }
    data["form-1-delete"] = "on"
    data |= {"form-3-title": "Question time", "form-3-starts": "12:30", "form-3-ends": "15:00"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "within the meeting" in response.content.decode()
    assert meeting.sessions.count() == 3  # nothing saved
    data["form-3-ends"] = "13:00"
    response = client.post(url, data)
    assert response.status_code == 302
    titles = list(
        meeting.sessions.order_by("starts_at", "position").values_list("title", flat=True)
    )
    assert "Networking overlap" not in titles and "Question time" in titles
    assert MeetingSession.objects.filter(meeting=meeting).count() == 3


def test_a_councillor_sees_sessions_but_cannot_change_them(
    client_for, pem, councillor, localities, streams, service_types
) -> None:
    forum = _forum(localities, streams, service_types)
    starts = _start()
    meeting = schedule_meeting(
        actor=pem, group=forum, starts_at=starts, ends_at=starts + timedelta(hours=3)
    )
    client = client_for(councillor)
    page = client.get(f"/groups/meetings/{meeting.pk}/sessions/")
    assert page.status_code == 200 and "Change the sessions" not in page.content.decode()
    assert client.post(f"/groups/meetings/{meeting.pk}/sessions/", {}).status_code == 403
