"""Attendance rate and usefulness per segment (service type, locality, level) of a group."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engage.feedback.models import EvaluationInvitation
from engage.feedback.selectors import SegmentDimension, group_trend, segment_trends
from engage.market.models import Level
from tests.engagement.factories import RegistrationFactory
from tests.feedback.factories import answer, attended, held_meeting, invite
from tests.groups.factories import GroupFactory
from tests.market.factories import (
    ContactFactory,
    LocalityFactory,
    ServiceFactory,
    ServiceTypeFactory,
)

pytestmark = pytest.mark.django_db

# Residential managers came 4, 3, 2 of 4 (100 → 75 → 50: falling); home-care owners came
# 2, 4, 4 of 5 (40 → 80 → 80: not falling).
CAME = {"residential": (4, 3, 2), "home-care": (2, 4, 4)}
DAYS = ("2026-01-10", "2026-02-10", "2026-03-10")


def market(per_segment: int) -> dict[str, list[Any]]:
    """Residential managers tied to their care home (in North); home-care owners tied to no
    service, so they belong to their provider's active home-care office (in South)."""
    north = LocalityFactory(name="North", slug="north")
    south = LocalityFactory(name="South", slug="south")
    residential = ServiceTypeFactory(name="Residential", slug="residential")
    home_care = ServiceTypeFactory(name="Home care", slug="home-care")
    care_home = ServiceFactory(locality=north, types=[residential])
    office = ServiceFactory(locality=south, types=[home_care])
    # A deregistered service of the home-care provider must not place its owners in North.
    ServiceFactory(
        provider=office.provider, locality=north, types=[residential], status="deregistered"
    )
    return {
        "residential": [
            ContactFactory(provider=care_home.provider, level=Level.MANAGER, works_at=[care_home])
            for _ in range(per_segment)
        ],
        "home-care": [
            ContactFactory(provider=office.provider, level=Level.OWNER)
            for _ in range(per_segment + 1)
        ],
    }


def three_meetings(group: Any, people: dict[str, list[Any]], scale: int = 1) -> list[Any]:
    meetings = []
    for index, day in enumerate(DAYS):
        meeting = held_meeting(group, day=day)
        for segment, contacts in people.items():
            for contact in contacts:
                RegistrationFactory(activity=meeting.activity, contact=contact)
            attended(meeting.activity, contacts, CAME[segment][index] * scale)
        meetings.append(meeting)
    return meetings


def answered_last_meeting(meeting: Any, people: dict[str, list[Any]]) -> None:
    invite(meeting.activity)
    by_contact = {
        i.contact_id: i for i in EvaluationInvitation.objects.filter(activity=meeting.activity)
    }
    first, second = people["residential"][:2]
    answer(by_contact[first.pk], 5)
    answer(by_contact[second.pk], 4)
    answer(by_contact[people["home-care"][0].pk], 2)


def test_attendance_rates_means_and_the_falling_flag_per_service_type() -> None:
    group = GroupFactory()
    people = market(4)
    meetings = three_meetings(group, people)
    answered_last_meeting(meetings[-1], people)

    trends = segment_trends(group, "service_type")

    assert trends.dimension == SegmentDimension.SERVICE_TYPE
    assert [activity for activity, _ in trends.meetings] == [m.activity_id for m in meetings]
    home, resi = trends.rows
    assert (home.label, resi.label) == ("Home care", "Residential")
    assert [c.attendance_rate for c in resi.cells] == [100.0, 75.0, 50.0]
    assert [(c.attended, c.expected) for c in resi.cells] == [(4, 4), (3, 4), (2, 4)]
    assert [c.attendance_rate for c in home.cells] == [40.0, 80.0, 80.0]
    assert [c.mean_usefulness for c in resi.cells] == [None, None, 4.5]
    assert [c.mean_usefulness for c in home.cells] == [None, None, 2.0]
    assert resi.cells[-1].responses == 2 and home.cells[-1].responses == 1
    assert resi.attendance_falling and not home.attendance_falling
    assert trends.chart == {
        "labels": ["10 Jan 2026", "10 Feb 2026", "10 Mar 2026"],
        "datasets": [
            {"label": "Home care", "values": [40.0, 80.0, 80.0]},
            {"label": "Residential", "values": [100.0, 75.0, 50.0]},
        ],
    }
    # The segments add up to the group's own figures (each contact is in one service type).
    for point, *cells in zip(group_trend(group), *(row.cells for row in trends.rows), strict=True):
        assert sum(c.attended for c in cells) == point.attended
        assert sum(c.expected for c in cells) == point.registered


def test_locality_and_level_cut_the_same_people_differently() -> None:
    group = GroupFactory()
    people = market(4)
    three_meetings(group, people)

    by_locality = segment_trends(group, "locality")
    assert [r.label for r in by_locality.rows] == ["North", "South"]
    assert [c.attendance_rate for c in by_locality.rows[0].cells] == [100.0, 75.0, 50.0]
    assert by_locality.rows[0].attendance_falling

    by_level = segment_trends(group, "level")
    assert [r.label for r in by_level.rows] == ["Care managers", "Owners and directors"]
    assert [c.attendance_rate for c in by_level.rows[1].cells] == [40.0, 80.0, 80.0]


def test_only_the_last_six_held_meetings_count_and_an_empty_segment_cell_has_no_rate() -> None:
    group = GroupFactory()
    contact = ContactFactory(works_at=[ServiceFactory(types=[ServiceTypeFactory(name="Nursing")])])
    latecomer = ContactFactory(
        works_at=[ServiceFactory(types=[ServiceTypeFactory(name="Supported living")])]
    )
    for month in range(1, 9):
        meeting = held_meeting(group, day=f"2026-{month:02d}-05")
        RegistrationFactory(activity=meeting.activity, contact=contact)
        attended(meeting.activity, [contact], 1)
        if month == 8:
            RegistrationFactory(activity=meeting.activity, contact=latecomer)
    trends = segment_trends(group, "service_type")
    assert [f"{starts:%m}" for _, starts in trends.meetings] == ["03", "04", "05", "06", "07", "08"]
    nursing, supported = trends.rows
    assert [c.attendance_rate for c in nursing.cells] == [100.0] * 6
    assert [c.attendance_rate for c in supported.cells] == [None] * 5 + [0.0]


def test_an_unknown_dimension_falls_back_to_service_type() -> None:
    assert segment_trends(GroupFactory(), "colour").dimension == SegmentDimension.SERVICE_TYPE


@pytest.mark.parametrize(("dimension", "queries"), [("service_type", 7), ("level", 5)])
def test_segment_trends_take_a_fixed_number_of_queries(dimension: str, queries: int) -> None:
    counts = []
    for scale in (1, 3):
        group = GroupFactory()
        people = market(4 * scale)
        meetings = three_meetings(group, people, scale)
        answered_last_meeting(meetings[-1], people)
        with CaptureQueriesContext(connection) as captured:
            trends = segment_trends(group, dimension)
        counts.append(len(captured))
        assert trends.rows
    assert counts == [queries, queries]


@pytest.mark.parametrize(
    ("by", "caption", "labels"),
    [
        ("service_type", "by service type", ("Home care", "Residential")),
        ("locality", "by locality", ("North", "South")),
        ("level", "by level", ("Care managers", "Owners and directors")),
        ("colour", "by service type", ("Home care", "Residential")),
    ],
)
def test_the_page_shows_the_segment_table_for_each_dimension(
    pem: Any, client: Client, by: str, caption: str, labels: tuple[str, ...]
) -> None:
    group = GroupFactory()
    three_meetings(group, market(4))
    client.force_login(pem)
    response = client.get(reverse("feedback:group_results", args=[group.pk]), {"by": by})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Attendance and usefulness {caption}" in page
    for label in labels:
        assert f'<th scope="row" class="govuk-table__header">{label}</th>' in page
    selected = by if by in SegmentDimension.values else "service_type"
    assert f'<option value="{selected}" selected>' in page
    assert "segment-trend-data" in page


def test_the_page_falls_back_when_no_one_was_at_a_meeting(pem: Any, client: Client) -> None:
    group = GroupFactory()
    held_meeting(group)
    client.force_login(pem)
    page = client.get(reverse("feedback:group_results", args=[group.pk])).content.decode()
    assert "No provider contacts were registered or recorded" in page


def test_the_group_trend_can_stand_in_for_the_meetings_query() -> None:
    group = GroupFactory()
    people = market(4)
    three_meetings(group, people)
    points = group_trend(group)
    with CaptureQueriesContext(connection) as captured:
        given = segment_trends(group, "service_type", points)
    assert len(captured) == 6
    assert given == segment_trends(group, "service_type")
