"""Maturity assessments: five dimensions scored 1 to 4, evidence per dimension, the trend."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.groups import selectors, services
from engage.groups.models import DIMENSIONS, MaturityAssessment, MaturityDimension
from tests.clock import TODAY
from tests.groups.factories import AssessmentFactory, GroupFactory, scores

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


def test_the_five_dimensions_are_the_reviews() -> None:
    assert [d.label for d in DIMENSIONS] == [
        "Clear purpose and terms of reference",
        "Representative membership",
        "Attendance and continuity",
        "Actions completed and outcomes achieved",
        "Evaluation and feedback acted on",
    ]
    assert {d.key for d in DIMENSIONS} == set(MaturityDimension)
    assert all(d.help_text for d in DIMENSIONS)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(score=st.integers(min_value=-3, max_value=8), which=st.sampled_from(list(MaturityDimension)))
def test_a_score_is_accepted_only_from_one_to_four(pem, score, which) -> None:
    group = GroupFactory()
    values = scores(2, **{which.value: score})
    if 1 <= score <= 4:
        assessment = services.record_maturity_assessment(
            actor=pem, group=group, assessed_on=TODAY, scores=values
        )
        assert assessment.score(next(d for d in DIMENSIONS if d.key == which)) == score
    else:
        with pytest.raises(ValidationError):
            services.record_maturity_assessment(
                actor=pem, group=group, assessed_on=TODAY, scores=values
            )
        assert not MaturityAssessment.objects.filter(group=group).exists()


@pytest.mark.parametrize("dimension", DIMENSIONS, ids=lambda d: d.key.value)
@pytest.mark.parametrize("score", [0, 5])
def test_the_database_refuses_a_score_outside_one_to_four(dimension, score) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentFactory(**{dimension.score_field: score})


def test_every_dimension_must_be_scored(pem) -> None:
    values = scores(3)
    del values["evaluation"]
    with pytest.raises(ValidationError, match="Score each of the five"):
        services.record_maturity_assessment(
            actor=pem, group=GroupFactory(), assessed_on=TODAY, scores=values
        )


def test_an_assessment_is_not_dated_in_the_future_nor_twice_on_one_day(pem) -> None:
    group = GroupFactory()
    with pytest.raises(ValidationError, match="future"):
        services.record_maturity_assessment(
            actor=pem, group=group, assessed_on=TODAY + timedelta(days=1), scores=scores()
        )
    services.record_maturity_assessment(actor=pem, group=group, assessed_on=TODAY, scores=scores())
    with pytest.raises(ValidationError, match="already has an assessment on that day"):
        services.record_maturity_assessment(
            actor=pem, group=group, assessed_on=TODAY, scores=scores()
        )


def test_the_average_is_the_mean_of_the_five_scores(pem) -> None:
    assessment = services.record_maturity_assessment(
        actor=pem,
        group=GroupFactory(),
        assessed_on=TODAY,
        scores=scores(2, purpose=4, outcomes=3),
        evidence={"purpose": "Terms approved in March."},
    )
    assert assessment.total == 13 and assessment.average == 2.6
    assert assessment.evidence(DIMENSIONS[0]) == "Terms approved in March."


def test_the_trend_is_in_date_order_and_says_which_way_it_moves(pem) -> None:
    group = GroupFactory()
    for days_ago, value in ((300, 1), (30, 3), (150, 2)):
        AssessmentFactory(
            group=group,
            assessed_on=TODAY - timedelta(days=days_ago),
            **{d.score_field: value for d in DIMENSIONS},
        )
    trend = selectors.maturity_trend(group)
    assert [a.average for a in trend.assessments] == [1.0, 2.0, 3.0]
    assert trend.latest.average == 3.0
    assert (trend.change, trend.direction) == (1.0, "Improving")
    chart = trend.chart_data()
    assert chart["series"][0] == {"label": "Average", "values": [1.0, 2.0, 3.0]}
    assert [s["label"] for s in chart["series"][1:]] == [d.short_label for d in DIMENSIONS]
    assert [row["values"] for row in trend.table_rows()][-1] == [1.0, 2.0, 3.0]


@pytest.mark.parametrize(
    ("before", "after", "direction"),
    [(3, 2, "Declining"), (2, 2, "Steady"), (None, 2, "Not enough assessments yet")],
)
def test_trend_direction(before, after, direction) -> None:
    group = GroupFactory()
    if before is not None:
        AssessmentFactory(
            group=group,
            assessed_on=TODAY - timedelta(days=200),
            **{d.score_field: before for d in DIMENSIONS},
        )
    AssessmentFactory(group=group, **{d.score_field: after for d in DIMENSIONS})
    assert selectors.maturity_trend(group).direction == direction


def test_the_register_shows_the_latest_assessment_by_date_not_by_entry(pem) -> None:
    group = GroupFactory()
    AssessmentFactory(group=group, assessed_on=TODAY - timedelta(days=5), purpose_score=4)
    AssessmentFactory(group=group, assessed_on=TODAY - timedelta(days=400), purpose_score=1)
    row = selectors.register().get(pk=group.pk)
    assert row.maturity_assessed_on == TODAY - timedelta(days=5)
    assert row.latest_maturity_average == 2.4


def test_the_group_page_draws_the_trend_with_a_table_beside_it_and_no_inline_script(
    client_for, pem
) -> None:
    group = GroupFactory()
    AssessmentFactory(group=group, assessed_on=TODAY - timedelta(days=200), purpose_score=1)
    AssessmentFactory(group=group, assessed_on=TODAY - timedelta(days=20), purpose_score=3)
    for url in (f"/groups/{group.pk}/", f"/groups/{group.pk}/maturity/"):
        response = client_for(pem).get(url)
        html = response.content.decode()
        assert 'data-maturity-chart="maturity-trend-data"' in html
        assert "groups/maturity-chart.js" in html and "build/chart.umd.min.js" in html
        data = json.loads(
            re.search(r'id="maturity-trend-data" type="application/json">(.*?)</script>', html)[1]
        )
        assert data["series"][1]["values"] == [1, 3]
        assert "Scores by assessment" in html  # the table of the same figures
        inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
        assert all("nonce=" in tag for tag in inline)  # only the layout's own nonce'd line


def test_a_single_assessment_shows_its_table_without_a_chart(client_for, pem) -> None:
    group = GroupFactory()
    AssessmentFactory(group=group)
    html = client_for(pem).get(f"/groups/{group.pk}/maturity/").content.decode()
    assert "Scores by assessment" in html and "data-maturity-chart" not in html


def test_assessing_through_the_form(client_for, pem) -> None:
    group = GroupFactory()
    answers = {
        "assessed_on_0": TODAY.day,
        "assessed_on_1": TODAY.month,
        "assessed_on_2": TODAY.year,
        **{d.score_field: 3 for d in DIMENSIONS},
        "purpose_evidence": "Approved terms of reference",
        "summary": "Publish next year's dates",
    }
    response = client_for(pem).post(f"/groups/{group.pk}/maturity/add/", answers)
    assert response.status_code == 302
    assessment = MaturityAssessment.objects.get(group=group)
    assert (assessment.average, assessment.assessed_by) == (3.0, pem)
    assert assessment.purpose_evidence == "Approved terms of reference"
    detail = client_for(pem).get(f"/groups/{group.pk}/maturity/{assessment.pk}/").content.decode()
    assert "Approved terms of reference" in detail and "3 – Established" in detail


def test_the_form_names_each_missing_score(client_for, pem) -> None:
    group = GroupFactory()
    response = client_for(pem).post(
        f"/groups/{group.pk}/maturity/add/",
        {"assessed_on_0": TODAY.day, "assessed_on_1": TODAY.month, "assessed_on_2": TODAY.year},
    )
    html = response.content.decode()
    assert "Score “Representative membership” from 1 to 4" in html
    assert not MaturityAssessment.objects.exists()


def test_an_assessment_of_another_group_is_not_found(client_for, pem) -> None:
    assessment = AssessmentFactory()
    other = GroupFactory()
    assert client_for(pem).get(f"/groups/{other.pk}/maturity/{assessment.pk}/").status_code == 404
