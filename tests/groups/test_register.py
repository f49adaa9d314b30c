"""The register page: every group with its terms state, maturity and meetings; filters, sort,
pages, downloads; the same number of queries whatever the number of groups."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.html import escape

from engage.groups import services
from engage.groups.models import GroupKind, GroupStatus
from engage.groups.selectors import MeetingFigures, meeting_figures, register
from tests.clock import TODAY
from tests.groups.factories import AssessmentFactory, ForumFactory, GroupFactory, TermsFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


def _populate(count: int, localities) -> None:
    """``count`` groups of each kind the register shows, with terms and assessments."""
    for n in range(count):
        forum = ForumFactory(locality=localities["mid"] if n % 2 else localities["north"])
        TermsFactory(group=forum, version=1)
        AssessmentFactory(group=forum)
        AssessmentFactory(group=forum, assessed_on=TODAY - timedelta(days=200))
        group = GroupFactory(kind=GroupKind.STRATEGIC)
        TermsFactory(
            group=group,
            version=1,
            status="draft",
            approved_on=None,
            approved_by=None,
            review_due=None,
        )
        GroupFactory(status=GroupStatus.CLOSED)


def test_register_lists_every_group_with_what_the_issue_asks_for(
    client_for, pem, localities
) -> None:
    forum = ForumFactory(name="Mid Provider Forum", locality=localities["mid"])
    TermsFactory(group=forum, version=1, approved_on=TODAY - timedelta(days=400))
    AssessmentFactory(group=forum, assessed_on=TODAY - timedelta(days=3), purpose_score=4)
    html = client_for(pem).get("/groups/").content.decode()
    assert "Mid Provider Forum" in html and "Provider forum" in html
    # (a generated name may hold an apostrophe, which the page escapes)
    assert "Mid" in html and escape(forum.owner.user.full_name) in html
    assert "Review overdue" in html  # approved 400 days ago, reviewed after a year
    assert "<strong>2.4</strong>" in html
    assert "Meetings in the last 12 months" in html and "Next meeting" in html
    assert MeetingFigures.NOT_RECORDED not in html and "None planned" in html


def test_meeting_figures_of_a_group_without_meetings_are_zero_and_none_planned(localities) -> None:
    group = register().get(pk=GroupFactory().pk)
    figures = meeting_figures(group)
    assert figures == MeetingFigures(recorded=True, last_12_months=0, next_meeting_on=None)
    recorded = MeetingFigures(recorded=True, last_12_months=0, next_meeting_on=None)
    assert (recorded.last_12_months_label, recorded.next_meeting_label) == ("0", "None planned")


def test_register_filters_by_kind_locality_status_and_search(client_for, pem, localities) -> None:
    mid = ForumFactory(name="Mid Provider Forum", locality=localities["mid"])
    north = ForumFactory(name="North Provider Forum", locality=localities["north"])
    closed = GroupFactory(name="Old Fee Group", status=GroupStatus.CLOSED, purpose="Fees, 2019")
    client = client_for(pem)

    def names(query: str) -> set[str]:
        html = client.get(f"/groups/{query}").content.decode()
        return {g.name for g in (mid, north, closed) if g.name in html}

    assert names("?kind=provider-forum") == {mid.name, north.name}
    assert names("?locality=north") == {north.name}
    assert names("?status=closed") == {closed.name}
    assert names("?q=fees") == {closed.name}
    assert names("?kind=nonsense") == set()


def test_register_sorts_by_maturity_and_pages(client_for, pem, settings) -> None:
    settings.ENGAGE_PAGE_SIZE = 5
    for n in range(7):
        group = GroupFactory(name=f"Group {n}")
        AssessmentFactory(group=group, purpose_score=1 + n % 4, membership_score=1)
    client = client_for(pem)
    first = client.get("/groups/?sort=-maturity").context["page"]
    averages = [g.latest_maturity_average for g in first.object_list]
    assert averages == sorted(averages, reverse=True)
    assert first.paginator.num_pages == 2
    second = client.get("/groups/?sort=-maturity&page=2").context["page"]
    assert len(second.object_list) == 2


def test_register_downloads_as_csv(client_for, pem, localities) -> None:
    ForumFactory(name="Mid Provider Forum", locality=localities["mid"])
    response = client_for(pem).get("/groups/?export=csv")
    body = b"".join(response.streaming_content).decode()
    assert "Name,Kind,Status,Locality,Owner" in body
    assert "Mid Provider Forum,Provider forum,Active,Mid" in body
    assert body.rstrip().endswith(",0,None planned")


def test_register_has_constant_queries(
    client_for, pem, localities, django_assert_max_num_queries
) -> None:
    client = client_for(pem)
    _populate(1, localities)
    client.get("/groups/")
    cache.clear()  # (counts are cached: compare what a page reads when they are not)
    with django_assert_max_num_queries(8) as small:
        client.get("/groups/")
    _populate(12, localities)
    cache.clear()
    with django_assert_max_num_queries(8) as large:
        client.get("/groups/")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_group_page_has_constant_queries(
    client_for, pem, localities, django_assert_max_num_queries
) -> None:
    client = client_for(pem)
    forum = ForumFactory(locality=localities["mid"])
    AssessmentFactory(group=forum)
    client.get(f"/groups/{forum.pk}/")
    cache.clear()  # (lists, assessments and compliance are cached: compare uncached reads)
    with django_assert_max_num_queries(19) as small:
        client.get(f"/groups/{forum.pk}/")
    for days in range(1, 10):
        AssessmentFactory(group=forum, assessed_on=TODAY - timedelta(days=40 * days))
    cache.clear()
    with django_assert_max_num_queries(19) as large:
        client.get(f"/groups/{forum.pk}/")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_empty_register_says_so(client_for, pem) -> None:
    html = client_for(pem).get("/groups/").content.decode()
    assert "There are no groups on the register yet." in html
    html = client_for(pem).get("/groups/?kind=tier-one").content.decode()
    assert "No groups match these filters." in html


def test_register_counts_open_groups_without_current_terms(client_for, pem) -> None:
    GroupFactory()
    current = GroupFactory()
    services.approve_terms(
        actor=pem,
        terms=services.draft_terms(actor=pem, group=current, title="T", body="x"),
        approved_on=TODAY,
        review_due=TODAY + timedelta(days=365),
    )
    GroupFactory(status=GroupStatus.CLOSED)
    totals = client_for(pem).get("/groups/").context["totals"]
    assert totals == {"groups": 2, "without_terms": 1, "overdue": 0}


def test_register_counts_open_groups_whose_review_is_overdue(client_for, pem) -> None:
    overdue = GroupFactory()
    services.approve_terms(
        actor=pem,
        terms=services.draft_terms(actor=pem, group=overdue, title="T", body="x"),
        approved_on=TODAY - timedelta(days=400),
        review_due=TODAY - timedelta(days=1),
    )
    closed = GroupFactory()
    services.approve_terms(
        actor=pem,
        terms=services.draft_terms(actor=pem, group=closed, title="T", body="x"),
        approved_on=TODAY - timedelta(days=400),
        review_due=TODAY - timedelta(days=1),
    )
    closed.status = GroupStatus.CLOSED
    closed.save()
    totals = client_for(pem).get("/groups/").context["totals"]
    assert totals == {"groups": 1, "without_terms": 0, "overdue": 1}


@pytest.mark.parametrize(
    "meetings",
    [
        [],
        [(-400, "held"), (-364, "held"), (-30, "cancelled"), (-10, "draft"), (-5, "evaluated")],
        [(-1, "closed"), (2, "cancelled"), (3, "draft"), (40, "published"), (9, "approved")],
        [(5, "cancelled")],
    ],
)
def test_meeting_figures_of_loaded_meetings_follow_the_register_rule(meetings) -> None:
    """The group page works the figures out from the meetings it lists: the same figures as
    the register's annotations."""
    from engage.groups.models import EngagementGroup
    from engage.groups.selectors import (
        group_meetings,
        meeting_figures_by_group,
        meeting_figures_of,
        with_meeting_figures,
    )
    from tests.groups.factories import meeting_of

    group = GroupFactory()
    for days, status in meetings:
        meeting_of(group, days_from_now=days, status=status)
    now = timezone.now()
    annotated = with_meeting_figures(EngagementGroup.objects.filter(pk=group.pk), now=now).get()
    assert meeting_figures_of(group_meetings(group), now=now) == meeting_figures(annotated)
    # The register reads its rows' figures in one query of their meetings: the same again.
    other = GroupFactory()
    meeting_of(other, days_from_now=-3)
    by_group = meeting_figures_by_group([group.pk, other.pk], now=now)
    assert by_group[group.pk] == meeting_figures(annotated)


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"kind": GroupKind.PROVIDER_FORUM},
        {"kind": "no-such-kind"},
        {"locality_slug": "mid"},
        {"status": GroupStatus.CLOSED},
        {"status": "no-such-status"},
        {"search": "forum"},
        {"terms_state": "current"},
        {"terms_state": "none", "kind": GroupKind.STRATEGIC},
        {"terms_state": "no-such-state"},
    ],
)
def test_the_register_count_is_the_number_of_groups_it_lists(localities, filters) -> None:
    from engage.groups.selectors import register_count

    _populate(3, localities)
    # A group with an approved version and a draft of its terms, and two assessments: still
    # one row.
    forum = ForumFactory(locality=localities["mid"])
    TermsFactory(group=forum, version=1)
    TermsFactory(
        group=forum, version=2, status="draft", approved_on=None, approved_by=None, review_due=None
    )
    AssessmentFactory(group=forum)
    AssessmentFactory(group=forum, assessed_on=TODAY - timedelta(days=100))
    assert register_count(**filters) == len(list(register(**filters)))


def test_the_group_page_lists_teams_partners_streams_and_audience_in_order(
    client_for, pem, teams, localities, service_types
) -> None:
    from tests.council.factories import PartnerOrganisationFactory
    from tests.groups.factories import ForumStreamFactory

    forum = ForumFactory(locality=localities["mid"])
    forum.required_teams.set([teams["safeguarding"], teams["contracts"]])
    forum.invited_partners.set(
        [
            PartnerOrganisationFactory(name="Zeta Trust"),
            PartnerOrganisationFactory(name="Alpha NHS"),
        ]
    )
    forum.streams.set(
        [
            ForumStreamFactory(slug="b", name="Second", position=2),
            ForumStreamFactory(slug="o", name="Overlap", position=1, is_overlap=True),
        ]
    )
    forum.audience_localities.set([localities["south"], localities["mid"]])
    page = client_for(pem).get(f"/groups/{forum.pk}/").content.decode()
    assert "<li>Contracts</li><li>Safeguarding</li>" in page
    assert "<li>Alpha NHS</li><li>Zeta Trust</li>" in page
    assert (
        '<li>Overlap <span class="govuk-body-s">(networking overlap, open to all)</span></li>'
        "<li>Second</li>" in page
    )
    assert "Mid, South" in page
