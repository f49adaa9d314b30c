"""The review's standards, each measured and explained (engage/groups/standards.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from engage.groups.models import ForwardPlanItem, MeetingNotes
from engage.groups.selectors import register
from engage.groups.standards import Outcome, compliance_for
from tests.council.factories import OfficerFactory, PartnerOrganisationFactory, PartnerPersonFactory
from tests.groups.factories import ForumFactory, GroupFactory, attended, meeting_of
from tests.market.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _result(group: Any, key: str) -> Any:
    group.refresh_from_db()
    compliance = compliance_for([group])[group.pk]
    return next(r for r in compliance.results if r.key == key)


def test_a_group_that_met_twice_in_a_year_fails_the_three_a_year_standard_and_says_so(
    localities,
) -> None:
    forum = ForumFactory(locality=localities["mid"], frequency_target=3)
    meeting_of(forum, days_from_now=-300)
    meeting_of(forum, days_from_now=-100)
    meeting_of(forum, days_from_now=-400)  # more than a year ago: not counted
    meeting_of(forum, days_from_now=-50, status="cancelled")  # cancelled: not counted
    result = _result(forum, "frequency")
    assert result.outcome == Outcome.NOT_MET
    assert result.reason == "Met twice in the last 12 months against a target of 3."


def test_three_meetings_in_a_year_meet_the_three_a_year_standard(localities) -> None:
    forum = ForumFactory(locality=localities["mid"], frequency_target=3)
    for days in (-320, -200, -80):
        meeting_of(forum, days_from_now=days)
    result = _result(forum, "frequency")
    assert result.outcome == Outcome.MET
    assert "Met 3 times" in result.reason


def test_a_missing_team_at_a_meeting_is_named(teams, localities) -> None:
    forum = ForumFactory(locality=localities["mid"])
    required = [teams["contracts"], teams["safeguarding"]]
    early = meeting_of(forum, days_from_now=-200, teams=required)
    late = meeting_of(forum, days_from_now=-20, teams=required)
    contracts = OfficerFactory(team=teams["contracts"])
    safeguarding = OfficerFactory(team=teams["safeguarding"])
    for meeting in (early, late):
        attended(meeting, officer=contracts)
    attended(early, officer=safeguarding)
    result = _result(forum, "teams")
    assert result.outcome == Outcome.NOT_MET
    day = timezone.localtime(late.activity.starts_at)
    assert result.details == (f"{day:%-d %B %Y}: Safeguarding missing",)
    assert "Safeguarding missing" in result.reason and "1 of 2 held meetings" in result.reason


def test_every_team_present_meets_the_teams_standard(teams, localities) -> None:
    forum = ForumFactory(locality=localities["mid"])
    meeting = meeting_of(forum, days_from_now=-20, teams=[teams["contracts"]])
    attended(meeting, officer=OfficerFactory(team=teams["contracts"]))
    assert _result(forum, "teams").outcome == Outcome.MET


def test_an_officer_recorded_as_absent_does_not_count_for_their_team(teams, localities) -> None:
    forum = ForumFactory(locality=localities["mid"])
    meeting = meeting_of(forum, days_from_now=-20, teams=[teams["contracts"]])
    record = attended(meeting, officer=OfficerFactory(team=teams["contracts"]))
    record.attended = False
    record.save()
    assert _result(forum, "teams").outcome == Outcome.NOT_MET


def test_dates_published_short_of_the_horizon_fail_and_say_how_far(localities) -> None:
    forum = ForumFactory(
        locality=localities["mid"], frequency_target=3, publication_horizon_months=12
    )
    meeting_of(forum, days_from_now=60, status="published")
    meeting_of(forum, days_from_now=180, status="published")
    meeting_of(forum, days_from_now=330, status="draft")  # planned, not published
    result = _result(forum, "horizon")
    assert result.outcome == Outcome.NOT_MET
    assert result.reason.startswith("Dates are published only to ")
    assert "they are due to" in result.reason


def test_dates_published_a_year_ahead_meet_the_horizon(localities) -> None:
    forum = ForumFactory(
        locality=localities["mid"], frequency_target=3, publication_horizon_months=12
    )
    for days in (60, 180, 300):
        meeting_of(forum, days_from_now=days, status="published")
    assert _result(forum, "horizon").outcome == Outcome.MET


def test_no_published_dates_fail_the_horizon(localities) -> None:
    forum = ForumFactory(locality=localities["mid"])
    result = _result(forum, "horizon")
    assert result.outcome == Outcome.NOT_MET
    assert result.reason.startswith("No future meeting dates are published")


def test_partners_standard_names_meetings_no_invited_partner_attended(localities) -> None:
    icb = PartnerOrganisationFactory(name="Mid ICB")
    other = PartnerOrganisationFactory(name="Somewhere Else Trust")
    forum = ForumFactory(locality=localities["mid"])
    forum.invited_partners.set([icb])
    with_icb = meeting_of(forum, days_from_now=-150)
    without = meeting_of(forum, days_from_now=-30)
    attended(with_icb, partner=PartnerPersonFactory(organisation=icb))
    attended(without, partner=PartnerPersonFactory(organisation=other))  # not invited
    result = _result(forum, "partners")
    assert result.outcome == Outcome.NOT_MET
    day = timezone.localtime(without.activity.starts_at)
    assert f"{day:%-d %B %Y}" in result.reason and "1 of 2 held meetings" in result.reason


def test_partners_do_not_apply_to_a_group_that_invites_none() -> None:
    group = GroupFactory()
    meeting_of(group, days_from_now=-30)
    assert _result(group, "partners").outcome == Outcome.NOT_APPLICABLE


def test_notes_and_provider_items_are_measured_from_what_engage_records(
    localities, provider_a
) -> None:
    """A held meeting whose notes were never sent fails once they are overdue; notes sent in
    time pass. No provider proposals in 12 months fails; one passes."""
    forum = ForumFactory(locality=localities["mid"])
    meeting = meeting_of(forum, days_from_now=-30)
    result = _result(forum, "notes")
    assert result.outcome == Outcome.NOT_MET and "notes not sent" in result.reason
    sent = meeting.activity.starts_at + timezone.timedelta(days=2)
    MeetingNotes.objects.create(meeting=meeting, body="Notes", published_at=sent, sent_at=sent)
    assert _result(forum, "notes").outcome == Outcome.MET

    assert _result(forum, "forward-plan").outcome == Outcome.NOT_MET
    ForwardPlanItem.objects.create(
        group=forum, title="Fees", proposer_contact=ContactFactory(provider=provider_a)
    )
    result = _result(forum, "forward-plan")
    assert result.outcome == Outcome.MET and "proposed 1 item" in result.reason


def test_notes_sent_late_fail_once_notes_are_recorded(localities) -> None:
    from engage.groups.models import MeetingNotes

    forum = ForumFactory(locality=localities["mid"])
    meeting = meeting_of(forum, days_from_now=-60)
    sent = meeting.activity.starts_at + timezone.timedelta(days=30)
    MeetingNotes.objects.create(meeting=meeting, body="Notes", sent_at=sent)
    result = _result(forum, "notes")
    assert result.outcome == Outcome.NOT_MET
    assert "notes sent" in result.reason


def test_score_counts_met_of_measured_and_ignores_what_is_not_measured(teams, localities) -> None:
    forum = ForumFactory(locality=localities["mid"], frequency_target=1)
    meeting = meeting_of(forum, days_from_now=-20, teams=[teams["contracts"]])
    attended(meeting, officer=OfficerFactory(team=teams["contracts"]))
    compliance = compliance_for([forum])[forum.pk]
    # frequency met, horizon not met, teams met; partners n/a; notes overdue (14 working days,
    # not met); no evaluation sent (not met); no provider items (not met); jadedness needs
    # three held meetings (not measured)
    assert (compliance.met, compliance.measured) == (2, 6)
    assert compliance.score_label == "2 of 6 standards met"


def test_compliance_of_many_groups_takes_the_same_queries_as_of_one(
    localities, django_assert_max_num_queries
) -> None:
    one = ForumFactory(locality=localities["mid"])
    meeting_of(one, days_from_now=-20)
    groups = list(register().prefetch_related("invited_partners").filter(pk=one.pk))
    with django_assert_max_num_queries(9):
        compliance_for(groups)
    for _ in range(5):
        meeting_of(GroupFactory(), days_from_now=-10)
    groups = list(register().prefetch_related("invited_partners"))
    with django_assert_max_num_queries(9):
        compliance_for(groups)


def test_register_figures_count_meetings_of_the_last_12_months_and_the_next_date(
    localities,
) -> None:
    forum = ForumFactory(locality=localities["mid"])
    meeting_of(forum, days_from_now=-300)
    meeting_of(forum, days_from_now=-30, status="evaluated")
    meeting_of(forum, days_from_now=-20, status="cancelled")
    meeting_of(forum, days_from_now=-500)
    meeting_of(forum, days_from_now=10, status="cancelled")
    coming = meeting_of(forum, days_from_now=40, status="published")
    meeting_of(forum, days_from_now=90, status="published")
    row = register().get(pk=forum.pk)
    assert row.meetings_last_12_months == 2
    from engage.groups.selectors import meeting_figures

    figures = meeting_figures(row)
    assert figures.next_meeting_on == timezone.localtime(coming.activity.starts_at).date()


def test_the_group_page_shows_meetings_and_the_compliance_panel(
    client_for, pem, localities
) -> None:
    forum = ForumFactory(locality=localities["mid"], frequency_target=3)
    meeting_of(forum, days_from_now=-100)
    meeting_of(forum, days_from_now=-30)
    html = client_for(pem).get(f"/groups/{forum.pk}/").content.decode()
    assert "Met twice in the last 12 months against a target of 3." in html
    assert "Past meetings" in html and "Standards" in html


def test_the_standards_page_lists_each_group_with_what_it_fails(
    client_for, councillor, localities
) -> None:
    forum = ForumFactory(name="Mid Provider Forum", locality=localities["mid"], frequency_target=3)
    meeting_of(forum, days_from_now=-30)
    html = client_for(councillor).get("/groups/standards/").content.decode()
    assert "Mid Provider Forum" in html
    assert "Met once in the last 12 months against a target of 3." in html


def test_jadedness_judges_the_last_three_held_meetings_as_the_feedback_trend_does(pem) -> None:
    """The panel reads only each group's last three held meetings; the verdict and reason are
    those of the whole trend in the feedback app, whatever came before."""
    from engage.feedback import selectors as feedback
    from tests.feedback.factories import attended as came_to
    from tests.feedback.factories import held_meeting, registered_contacts

    tiring = GroupFactory(name="Tiring Forum")
    recovered = GroupFactory(name="Recovered Forum")
    series = {
        # A rise long ago, then a fall at each of the last three meetings: flagged.
        tiring: (2, 3, 9, 7, 4),
        # A fall at each of the first three, then back up: not flagged.
        recovered: (9, 7, 4, 3, 8),
    }
    for group, attendance in series.items():
        for month, came in enumerate(attendance, start=1):
            meeting = held_meeting(group, day=f"2025-{month:02d}-10")
            came_to(meeting.activity, registered_contacts(meeting.activity, 10), came)
    few = GroupFactory(name="New Forum")
    for month in (1, 2):
        held_meeting(few, day=f"2025-{month:02d}-10")

    # Meetings of more than a year ago count: the signal reads the last three held, however old.
    results = {group: _result(group, "jadedness") for group in (tiring, recovered, few)}
    reasons = {
        group.pk: result.reason if result.outcome == Outcome.NOT_MET else ""
        for group, result in results.items()
        if result.outcome != Outcome.NOT_MEASURED
    }
    assert results[recovered].outcome == Outcome.MET

    signal = feedback.jadedness(tiring)
    assert signal is not None and reasons[tiring.pk] == signal.reason
    assert "90%" in reasons[tiring.pk] and "40%" in reasons[tiring.pk]
    assert feedback.jadedness(recovered) is None and reasons[recovered.pk] == ""
    assert few.pk not in reasons  # fewer than three held meetings: not measured


def test_a_meeting_counts_as_evaluated_once_evaluations_were_sent_for_it(pem) -> None:
    from engage.feedback.selectors import evaluations_by_meeting as feedback_figures
    from engage.groups.standards import evaluations_by_meeting
    from tests.feedback.factories import invite, registered_contacts

    forum = GroupFactory()
    sent = meeting_of(forum, days_from_now=-20)
    registered_contacts(sent.activity, 2)
    invite(sent.activity)
    not_sent = meeting_of(forum, days_from_now=-10)

    evaluated = evaluations_by_meeting(
        {sent.pk: sent.activity_id, not_sent.pk: not_sent.activity_id}
    )

    assert evaluated == {sent.pk: True, not_sent.pk: False}
    figures = feedback_figures([sent.pk, not_sent.pk])
    assert evaluated == {pk: summary.invitations > 0 for pk, summary in figures.items()}
    assert _result(forum, "evaluation").outcome == Outcome.NOT_MET  # one of two not evaluated


@pytest.mark.parametrize(
    ("working_days_after", "outcome"), [(10, Outcome.MET), (11, Outcome.NOT_MET)]
)
def test_notes_are_in_time_up_to_the_tenth_working_day_after_the_meeting(
    localities, settings, working_days_after, outcome
) -> None:
    """Weekends and bank holidays between the meeting and the notes do not count."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from engage.core.working_days import add_working_days, local_date
    from engage.groups.models import MeetingNotes

    settings.GROUPS_NOTES_DUE_WORKING_DAYS = 10
    forum = ForumFactory(locality=localities["mid"])
    meeting = meeting_of(forum, days_from_now=-60)
    day = add_working_days(local_date(meeting.activity.starts_at), working_days_after)
    sent = datetime.combine(day, time(23, 30), tzinfo=ZoneInfo("Europe/London"))
    MeetingNotes.objects.create(meeting=meeting, body="Notes", sent_at=sent)
    assert _result(forum, "notes").outcome == outcome
