"""What the register and a group's page cache under the ``groups-pages`` data version
(``engage.groups.selectors.PAGES_VERSION``) is never older than the data: the register's headline
counts, a group's lists (teams, partners, streams, audience) and its maturity assessments.

Each test renders a page, makes one kind of write, renders again and checks the change shows;
the first also checks that the second rendering of an unchanged page is served from the cache,
so that the others exercise the cached path.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from engage.groups.models import GroupStatus
from tests.council.factories import PartnerOrganisationFactory, TeamFactory
from tests.groups.factories import AssessmentFactory, ForumStreamFactory, GroupFactory, TermsFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("locmem_cache")]

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def client(pem: Any) -> Client:
    client = Client()
    client.force_login(pem)
    return client


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _totals(client: Client) -> str:
    """The register's headline sentence, without spaces and line breaks between words."""
    html = _page(client, "/groups/")
    start = html.index("open group")
    return " ".join(html[start - 40 : start + 400].split())


def test_the_registers_counts_follow_groups_and_terms(client: Client) -> None:
    group = GroupFactory(name="Fees Working Group")
    with CaptureQueriesContext(connection) as first:
        assert "1 open group." in _totals(client)
    with CaptureQueriesContext(connection) as second:
        assert "1 without approved terms" in _totals(client)
    # (the second visit read the counts from the cache: the cached path is what is tested)
    assert len(second.captured_queries) <= len(first.captured_queries)

    GroupFactory(name="Workforce Working Group")
    assert "2 open groups." in _totals(client)

    TermsFactory(group=group)  # approved terms
    assert "1 without approved terms" in _totals(client)

    group.status = GroupStatus.CLOSED
    group.save()
    assert "1 open group." in _totals(client)


def test_a_terms_review_falls_overdue_on_the_next_day_without_any_write(pem: Any) -> None:
    due = timezone.localdate() + timedelta(days=40)
    TermsFactory(group=GroupFactory(), approved_on=due - timedelta(days=365), review_due=due)
    last_evening = datetime.combine(due, datetime.min.time(), LONDON) + timedelta(
        hours=23, minutes=50
    )
    with time_machine.travel(last_evening, tick=False):
        client = Client()
        client.force_login(pem)
        assert "0 with a review overdue" in _totals(client)
    with time_machine.travel(last_evening + timedelta(minutes=20), tick=False):
        assert "1 with a review overdue" in _totals(client)


def _group_page(client: Client, group: Any) -> str:
    return _page(client, f"/groups/{group.pk}/")


def test_a_groups_lists_follow_their_many_to_many_fields_and_names(
    client: Client, localities: Any, service_types: Any
) -> None:
    group = GroupFactory()
    team = TeamFactory(name="Brokerage")
    partner = PartnerOrganisationFactory(name="Healthwatch Essex-like")
    stream = ForumStreamFactory(name="Workforce stream")
    html = _group_page(client, group)
    assert "Brokerage" not in html and "Healthwatch Essex-like" not in html
    _group_page(client, group)  # (from the cache)

    group.required_teams.add(team)
    assert "Brokerage" in _group_page(client, group)
    team.name = "Brokerage and Placements"
    team.save()
    assert "Brokerage and Placements" in _group_page(client, group)

    group.invited_partners.add(partner)
    assert "Healthwatch Essex-like" in _group_page(client, group)
    partner.name = "Healthwatch Mid"
    partner.save()
    assert "Healthwatch Mid" in _group_page(client, group)

    group.streams.add(stream)
    assert "Workforce stream" in _group_page(client, group)
    stream.name = "Recruitment stream"
    stream.save()
    assert "Recruitment stream" in _group_page(client, group)

    group.audience_localities.add(localities["north"])
    html = _group_page(client, group)
    assert "North" in html.split("Localities", 1)[1][:400]
    localities["north"].name = "North Essex"
    localities["north"].save()
    assert "North Essex" in _group_page(client, group).split("Localities", 1)[1][:400]

    group.audience_service_types.add(service_types["nursing"])
    name = service_types["nursing"].name
    assert name in _group_page(client, group).split("Services", 1)[1][:400]
    group.audience_service_types.clear()
    assert name not in _group_page(client, group).split("Services", 1)[1][:400]


def test_a_groups_maturity_follows_new_and_changed_assessments(client: Client) -> None:
    group = GroupFactory()
    first = AssessmentFactory(group=group, purpose_score=1)
    html = _group_page(client, group)
    assert "1.8" in html  # (1 + 2 + 2 + 2 + 2) / 5
    before = _group_page(client, group)

    AssessmentFactory(group=group, purpose_score=4, assessed_on=timezone.localdate())
    after = _group_page(client, group)
    assert after != before
    assert "2.4" in after  # the latest average: (4 + 2 + 2 + 2 + 2) / 5

    first.purpose_score = 3
    first.save()
    assert "2.2" in _group_page(client, group)  # the first assessment's average in the trend


# --- The register's rows and count -----------------------------------------------------------


def test_the_registers_rows_follow_every_kind_of_write(client: Client, localities: Any) -> None:
    group = GroupFactory(name="Fees Working Group", locality=localities["mid"])
    html = _page(client, "/groups/")
    assert "Fees Working Group" in html and "Not assessed" in html
    _page(client, "/groups/")  # (from the cache)

    group.name = "Fees and Uplifts Group"
    group.save()
    assert "Fees and Uplifts Group" in _page(client, "/groups/")

    owner = group.owner.user
    owner.full_name = "Rowan Renamed"
    owner.save()
    assert "Rowan Renamed" in _page(client, "/groups/")

    localities["mid"].name = "Mid Essex"
    localities["mid"].save()
    assert "Mid Essex" in _page(client, "/groups/")

    AssessmentFactory(group=group, purpose_score=4)
    html = _page(client, "/groups/")
    assert "Not assessed" not in html and "2.4" in html

    before = _page(client, "/groups/")
    TermsFactory(group=group, version=7)
    after = _page(client, "/groups/")
    assert after != before and "7" in after.split("Fees and Uplifts Group", 1)[1][:1500]


def test_the_registers_filtered_count_follows_new_groups(client: Client, localities: Any) -> None:
    GroupFactory(name="North Working Group", locality=localities["north"])
    url = "/groups/?locality=north"
    assert _page(client, url).count("North Working Group") == 1
    assert "Second North Group" not in _page(client, url)
    GroupFactory(name="Second North Group", locality=localities["north"])
    response = client.get(url)
    html = response.content.decode()
    assert "North Working Group" in html and "Second North Group" in html
    assert response.context["page"].paginator.count == 2


def test_a_rows_terms_fall_overdue_on_the_next_day_without_any_write(pem: Any) -> None:
    due = timezone.localdate() + timedelta(days=40)
    group = GroupFactory(name="Due Group")
    TermsFactory(group=group, approved_on=due - timedelta(days=365), review_due=due)
    last_evening = datetime.combine(due, datetime.min.time(), LONDON) + timedelta(
        hours=23, minutes=50
    )
    with time_machine.travel(last_evening, tick=False):
        client = Client()
        client.force_login(pem)
        assert "was due" not in _page(client, "/groups/")
    with time_machine.travel(last_evening + timedelta(minutes=20), tick=False):
        assert "was due" in _page(client, "/groups/")
