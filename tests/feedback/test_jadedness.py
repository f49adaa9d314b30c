"""The jadedness signal: attendance or score falling at each of a group's last three meetings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engage.feedback import selectors
from engage.feedback.selectors import MeetingPoint, signal_from
from tests.feedback.factories import answer, attended, held_meeting, invite, registered_contacts
from tests.groups.factories import GroupFactory


def meeting_point(attended_n: int, registered: int, mean: float | None) -> MeetingPoint:
    return MeetingPoint(1, 1, "m", None, registered, attended_n, 10, 5, mean)


def test_a_falling_attendance_series_is_flagged() -> None:
    signal = signal_from(
        1, [meeting_point(9, 10, 4.0), meeting_point(8, 10, 4.0), meeting_point(6, 10, 4.0)]
    )
    assert signal is not None
    assert signal.attendance_falling and not signal.score_falling
    assert "80%" in signal.reason or "80.0%" in signal.reason


def test_a_falling_score_is_flagged() -> None:
    signal = signal_from(
        1, [meeting_point(5, 10, 4.5), meeting_point(5, 10, 4.0), meeting_point(5, 10, 3.1)]
    )
    assert signal is not None and signal.score_falling and not signal.attendance_falling


def test_a_flat_series_is_not_flagged() -> None:
    assert signal_from(1, [meeting_point(5, 10, 4.0)] * 3) is None


def test_only_the_last_three_meetings_count() -> None:
    # Fell, then recovered at the last meeting: not strictly falling over the last three.
    points = [
        meeting_point(9, 10, 4.8),
        meeting_point(8, 10, 4.5),
        meeting_point(7, 10, 4.1),
        meeting_point(8, 10, 4.2),
    ]
    assert signal_from(1, points) is None


def test_fewer_than_three_meetings_is_never_flagged() -> None:
    assert signal_from(1, [meeting_point(9, 10, 5.0), meeting_point(1, 10, 1.0)]) is None


def test_a_missing_score_does_not_flag_on_score() -> None:
    assert (
        signal_from(
            1, [meeting_point(5, 10, 4.0), meeting_point(5, 10, None), meeting_point(5, 10, 3.0)]
        )
        is None
    )


@pytest.mark.django_db
def test_jadedness_of_a_group_from_its_held_meetings(pem: Any, client: Client) -> None:
    group = GroupFactory(name="Tiring Forum")
    steady = GroupFactory(name="Steady Forum")
    for day, came in (("2026-01-10", 9), ("2026-02-10", 7), ("2026-03-10", 4)):
        meeting = held_meeting(group, day=day)
        contacts = registered_contacts(meeting.activity, 10)
        attended(meeting.activity, contacts, came)
        other = held_meeting(steady, day=day)
        attended(other.activity, registered_contacts(other.activity, 10), 6)
    signal = selectors.jadedness(group)
    assert signal is not None and signal.attendance_falling
    assert [p.attendance_rate for p in signal.points] == [90.0, 70.0, 40.0]
    assert selectors.jadedness(steady) is None
    assert [g.name for g, _ in selectors.jaded_groups()] == ["Tiring Forum"]
    client.force_login(pem)
    page = client.get(reverse("feedback:group_results", args=[group.pk])).content.decode()
    assert "Jadedness" in page
    steady_page = client.get(reverse("feedback:group_results", args=[steady.pk])).content.decode()
    assert "Jadedness" not in steady_page


@pytest.mark.django_db
def test_group_trend_means_and_rates() -> None:
    group = GroupFactory()
    meeting = held_meeting(group)
    registered_contacts(meeting.activity, 4)
    first, second, *_ = invite(meeting.activity)
    answer(first, 5)
    answer(second, 2)
    (point,) = selectors.group_trend(group)
    assert point.mean_usefulness == 3.5
    assert point.response_rate == 50.0
    assert point.invited == 4


def test_the_groups_standards_panel_flags_a_jaded_group_and_measures_evaluations(
    pem: Any,
) -> None:
    from engage.groups.standards import Outcome, compliance_for

    group = GroupFactory(name="Tiring Forum")
    # Within the last year whenever the test runs: the evaluation standard looks back a year.
    today = timezone.localdate()
    for days_ago, came in ((100, 9), (70, 7), (40, 4)):
        day = (today - timedelta(days=days_ago)).isoformat()
        meeting = held_meeting(group, day=day)
        attended(meeting.activity, registered_contacts(meeting.activity, 10), came)
    results = {r.key: r for r in compliance_for([group])[group.pk].results}
    assert results["jadedness"].outcome == Outcome.NOT_MET
    assert "90%" in results["jadedness"].reason and "40%" in results["jadedness"].reason
    # No evaluation was sent for these meetings: measured now, and not met.
    assert results["evaluation"].outcome == Outcome.NOT_MET


@pytest.mark.django_db
def test_the_flagged_groups_are_judged_on_their_last_three_held_meetings_only() -> None:
    # Falling over the last three of five; rising before (which must not hide the fall).
    falling = GroupFactory(name="Falling Forum")
    # Fell over its first three, then recovered: not flagged now.
    recovered = GroupFactory(name="Recovered Forum")
    days = ("2026-01-10", "2026-02-10", "2026-03-10", "2026-04-10", "2026-05-10")
    for day, came_falling, came_recovered in zip(
        days, (2, 5, 9, 7, 4), (9, 7, 4, 6, 8), strict=True
    ):
        meeting = held_meeting(falling, day=day)
        attended(meeting.activity, registered_contacts(meeting.activity, 10), came_falling)
        other = held_meeting(recovered, day=day)
        attended(other.activity, registered_contacts(other.activity, 10), came_recovered)
    flagged = selectors.jaded_groups()
    assert [g.name for g, _ in flagged] == ["Falling Forum"]
    ((_, signal),) = flagged
    assert [p.attendance_rate for p in signal.points] == [90.0, 70.0, 40.0]
    assert signal == selectors.jadedness(falling)
