"""The tags that write the rows of the groups register and of a group's meetings write what
the template markup they replaced wrote (kept here as the reference)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.template import Context, Template

from engage.accounts.permissions import Capabilities
from engage.groups.models import GroupStatus, MeetingSession
from engage.groups.selectors import group_meetings, meeting_figures, register
from tests.clock import TODAY
from tests.engagement.factories import VenueFactory
from tests.groups.factories import (
    AssessmentFactory,
    ForumFactory,
    GroupFactory,
    TermsFactory,
    meeting_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


REGISTER_REFERENCE = Template(
    """{% load groups_tags %}{% for group in groups %}
  <tr class="govuk-table__row">
    <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'groups:group_detail' group.pk %}">{{ group.name }}</a><br><span class="govuk-body-s govuk-!-margin-0">{{ group.get_kind_display }}</span></td>
    <td class="govuk-table__cell">{{ group.locality.name|default:"All" }}</td>
    <td class="govuk-table__cell">{{ group.owner.user.full_name }}</td>
    <td class="govuk-table__cell">
      {% terms_tag group.terms_state %}
      {% if group.terms_version %}<br><span class="govuk-body-s">Version {{ group.terms_version }}, review {% if group.terms_state == "review-overdue" %}was due{% else %}by{% endif %} {{ group.terms_review_due|date:"j M Y" }}</span>{% endif %}
      {% if group.terms_draft_version %}<br><span class="govuk-body-s">Draft version {{ group.terms_draft_version }} in progress</span>{% endif %}
    </td>
    <td class="govuk-table__cell">{% if group.latest_maturity_average is not None %}<strong>{{ group.latest_maturity_average }}</strong><span class="govuk-visually-hidden"> out of 4</span><br><span class="govuk-body-s">{{ group.maturity_assessed_on|date:"j M Y" }}</span>{% else %}Not assessed{% endif %}</td>
    <td class="govuk-table__cell">{{ group.figures.last_12_months_label }}</td>
    <td class="govuk-table__cell">{{ group.figures.next_meeting_label }}</td>
    <td class="govuk-table__cell">{% group_status_tag group.status %}</td>
  </tr>
  {% endfor %}"""
)
REGISTER_TAG = Template("{% load groups_tags %}{% register_rows groups %}")

MEETING_REFERENCE = Template(
    """{% for meeting in meetings %}{% with activity=meeting.activity %}{% with day=activity.starts_at|date:"j M Y" status=activity.status %}
<tr class="govuk-table__row">
  <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'groups:meeting' meeting.pk %}">{{ day }}<span class="govuk-visually-hidden">: agenda, notes and actions of the meeting</span></a><br><span class="govuk-body-s">{{ activity.starts_at|time:"H:i" }} to {{ activity.ends_at|time:"H:i" }}</span></td>
  <td class="govuk-table__cell">{% if activity.venue %}{{ activity.venue.name }}{% elif activity.online_link %}Online{% else %}To be confirmed{% endif %}</td>
  <td class="govuk-table__cell"><strong class="govuk-tag {% if status == 'cancelled' %}govuk-tag--red{% elif status == 'published' %}govuk-tag--blue{% elif status == 'held' or status == 'evaluated' or status == 'closed' %}govuk-tag--green{% else %}govuk-tag--grey{% endif %}">{{ activity.get_status_display }}</strong>
    {% if show_attendance and can.activity_propose and status != "cancelled" and status != "draft" %}<br><a class="govuk-link govuk-body-s" href="{% url 'engagement:attendance' activity.pk %}">Attendance<span class="govuk-visually-hidden"> at the meeting of {{ day }}</span></a>{% endif %}</td>
  <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'groups:meeting_sessions' meeting.pk %}">{% if meeting.session_count %}{{ meeting.session_count }} session{{ meeting.session_count|pluralize }}{% else %}None{% endif %}<span class="govuk-visually-hidden"> of the meeting of {{ day }}</span></a></td>
</tr>
{% endwith %}{% endwith %}
{% endfor %}"""
)


def test_register_rows_write_what_the_template_wrote(localities: dict[str, Any]) -> None:
    overdue = ForumFactory(name="Forum <b>&</b> 'friends'", locality=localities["north"])
    TermsFactory(
        group=overdue,
        version=1,
        approved_on=TODAY - timedelta(days=400),
        review_due=TODAY - timedelta(days=35),
    )
    TermsFactory(
        group=overdue,
        version=2,
        status="draft",
        approved_on=None,
        approved_by=None,
        review_due=None,
    )
    AssessmentFactory(group=overdue, purpose_score=4, outcomes_score=3)
    current = GroupFactory(name="Working group", status=GroupStatus.PAUSED)
    TermsFactory(group=current, version=3)
    AssessmentFactory(group=current)
    meeting_of(current, days_from_now=-20)
    meeting_of(current, days_from_now=30, status="published")
    GroupFactory(name="Nothing yet", status=GroupStatus.PROPOSED)
    groups = list(register().order_by("name"))
    for group in groups:
        group.figures = meeting_figures(group)
    context = Context({"groups": groups})
    expected = REGISTER_REFERENCE.render(context)
    assert "Draft version 2" in expected and "was due" in expected and "&lt;b&gt;" in expected
    assert REGISTER_TAG.render(context) == expected


@pytest.mark.parametrize("may_plan", [True, False])
@pytest.mark.parametrize("show_attendance", [True, False])
def test_meeting_rows_write_what_the_template_wrote(
    pem: Any, may_plan: bool, show_attendance: bool
) -> None:
    group = GroupFactory()
    meetings = [
        meeting_of(group, days_from_now=-40, status=status)
        for status in ("held", "cancelled", "draft", "evaluated", "closed", "approved")
    ]
    meetings.append(meeting_of(group, days_from_now=10, status="published"))
    venue = VenueFactory(name="Hall <of> 'Fame' & co")
    activities = [m.activity for m in meetings]
    activities[0].venue = venue
    activities[1].venue = None
    activities[1].online_link = "https://meet.example/abc"
    activities[2].venue = None
    activities[2].online_link = ""
    for activity in activities[:3]:
        activity.save()
    for position in range(2):
        MeetingSession.objects.create(
            meeting=meetings[0],
            title=f"Session {position}",
            starts_at=activities[0].starts_at,
            ends_at=activities[0].ends_at,
            position=position,
        )
    MeetingSession.objects.create(
        meeting=meetings[1],
        title="Only",
        starts_at=activities[1].starts_at,
        ends_at=activities[1].ends_at,
    )
    rows = list(group_meetings(group))
    context = Context(
        {
            "meetings": rows,
            "show_attendance": show_attendance,
            "can": Capabilities(pem if may_plan else None),
        }
    )
    tag = Template(
        "{% load groups_tags %}"
        + (
            "{% meeting_rows meetings show_attendance=True %}"
            if show_attendance
            else "{% meeting_rows meetings %}"
        )
    )
    expected = MEETING_REFERENCE.render(context)
    assert "Online" in expected and "To be confirmed" in expected and "&lt;of&gt;" in expected
    assert "2 sessions" in expected and "1 session<" in expected
    assert ("Attendance<span" in expected) == (show_attendance and may_plan)
    assert tag.render(context) == expected


STANDARDS_REFERENCE = Template(
    """{% for group, compliance in rows %}
  <tr class="govuk-table__row">
    <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'groups:group_detail' group.pk %}">{{ group.name }}</a><br><span class="govuk-body-s">{{ group.get_kind_display }}{% if group.locality %}, {{ group.locality.name }}{% endif %}</span></td>
    <td class="govuk-table__cell"><strong>{{ compliance.met }} of {{ compliance.measured }}</strong>{% if compliance.percent is not None %}<br><span class="govuk-body-s">{{ compliance.percent }}%</span>{% endif %}</td>
    <td class="govuk-table__cell">
      {% if compliance.failing %}
      <ul class="govuk-list govuk-!-margin-bottom-0">
      {% for result in compliance.failing %}<li><strong>{{ result.title }}:</strong> <span class="govuk-body-s">{{ result.reason }}</span></li>{% endfor %}
      </ul>
      {% elif compliance.measured %}Every measured standard is met{% else %}Nothing measured yet{% endif %}
    </td>
  </tr>
  {% endfor %}"""
)


def test_standards_rows_write_what_the_template_wrote(localities: dict[str, Any]) -> None:
    from engage.groups.standards import Compliance, Outcome, StandardResult

    forum = ForumFactory(name="North <forum> & co", locality=localities["north"])
    group = GroupFactory(name="Working group")
    quiet = GroupFactory(name="Quiet group")

    def result(key: str, outcome: Outcome, reason: str = "") -> StandardResult:
        return StandardResult(key, f"Standard {key} <b>", outcome, reason)

    rows = [
        (
            forum,
            Compliance(
                forum.pk,
                (
                    result("a", Outcome.MET),
                    result("b", Outcome.NOT_MET, "Met twice < three & 'more'"),
                    result("c", Outcome.NOT_MET, "No notes"),
                    result("d", Outcome.NOT_MEASURED),
                ),
            ),
        ),
        (group, Compliance(group.pk, (result("a", Outcome.MET), result("b", Outcome.MET)))),
        (quiet, Compliance(quiet.pk, (result("d", Outcome.NOT_MEASURED),))),
    ]
    context = Context({"rows": rows})
    expected = STANDARDS_REFERENCE.render(context)
    assert "Every measured standard is met" in expected and "Nothing measured yet" in expected
    assert "&lt;forum&gt;" in expected and "33%" in expected
    assert Template("{% load groups_tags %}{% standards_rows rows %}").render(context) == expected


COMPLIANCE_ITEMS_REFERENCE = Template(
    """{% for result in results %}
    <li>
      {% if result.outcome == "met" %}<strong class="govuk-tag govuk-tag--green">Met</strong>
      {% elif result.outcome == "not-met" %}<strong class="govuk-tag govuk-tag--red">Not met</strong>
      {% elif result.outcome == "not-measured" %}<strong class="govuk-tag govuk-tag--grey">Not measured</strong>
      {% else %}<strong class="govuk-tag govuk-tag--grey">Does not apply</strong>{% endif %}
      <span class="govuk-body govuk-!-font-weight-bold govuk-!-display-block govuk-!-margin-top-1 govuk-!-margin-bottom-0">{{ result.title }}</span>
      <span class="govuk-body-s govuk-!-display-block">{{ result.reason }}</span>
    </li>
  {% endfor %}"""
)


def test_compliance_items_write_what_the_template_wrote() -> None:
    from engage.groups.standards import Outcome, StandardResult

    results = [
        StandardResult(outcome.value, f"Standard <{outcome.value}>", outcome, "Met twice & 'more'")
        for outcome in Outcome
    ]
    context = Context({"results": results})
    expected = COMPLIANCE_ITEMS_REFERENCE.render(context)
    assert "Does not apply" in expected and "&lt;met&gt;" in expected and "&#x27;more" in expected
    rendered = Template("{% load groups_tags %}{% compliance_items results %}").render(context)
    assert rendered == expected


MATURITY_ROWS_REFERENCE = Template(
    """{% for row in trend.table_rows %}
      <tr class="govuk-table__row{% if row.is_average %} engage-maturity-table__average{% endif %}">
        <th scope="row" class="govuk-table__header">{% if row.dimension %}<abbr title="{{ row.dimension.label }}">{{ row.dimension.short_label }}</abbr>{% else %}Average{% endif %}</th>
        {% for value in row.values %}<td class="govuk-table__cell govuk-table__cell--numeric">{{ value }}</td>{% endfor %}
      </tr>
      {% endfor %}"""
)


def test_maturity_rows_write_what_the_template_wrote() -> None:
    from engage.groups.selectors import maturity_trend

    group = GroupFactory()
    AssessmentFactory(group=group, assessed_on=TODAY - timedelta(days=300))
    AssessmentFactory(group=group, assessed_on=TODAY - timedelta(days=100), purpose_score=4)
    context = Context({"trend": maturity_trend(group)})
    expected = MATURITY_ROWS_REFERENCE.render(context)
    assert "engage-maturity-table__average" in expected and "2.4" in expected
    assert Template("{% load groups_tags %}{% maturity_rows trend %}").render(context) == expected
