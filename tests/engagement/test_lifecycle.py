"""The lifecycle: one transition table, no step skipped, approval guarded by the checklist."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.engagement import services
from engage.engagement.models import AcceptedWarning, Activity, StatusChange
from engage.engagement.selectors import report_for
from tests.engagement.factories import ActivityFactory, at

pytestmark = pytest.mark.django_db
Status = Activity.Status


def _far_future() -> Any:
    return timezone.now() + timedelta(days=200)


def _weekday(moment: Any) -> Any:
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    return moment


@pytest.fixture
def activity(officer: Any) -> Activity:
    starts = _weekday(_far_future()).replace(hour=10, minute=0, second=0, microsecond=0)
    return ActivityFactory(
        lead_officer=officer.officer, starts_at=starts, ends_at=starts + timedelta(hours=2)
    )


def test_the_happy_path_goes_through_every_status_and_records_each_step(
    activity: Activity, officer: Any, pem: Any
) -> None:
    services.submit_activity(actor=officer, activity=activity)
    services.approve_activity(actor=pem, activity=activity)
    services.publish_activity(actor=officer, activity=activity)
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    activity.refresh_from_db()
    services.mark_held(actor=officer, activity=activity)
    services.mark_evaluated(actor=officer, activity=activity)
    services.close_activity(actor=officer, activity=activity)
    assert activity.status == Status.CLOSED
    steps = list(StatusChange.objects.filter(activity=activity).values_list("to_status", flat=True))
    assert steps == ["submitted", "approved", "published", "held", "evaluated", "closed"]
    assert activity.approved_by == pem and activity.published_at is not None


def test_skipping_a_step_is_refused_with_a_clear_error(activity: Activity, pem: Any) -> None:
    with pytest.raises(services.TransitionError) as error:
        services.approve_activity(actor=pem, activity=activity)
    assert error.value.messages == [
        "You cannot approve an activity that is draft; it must be submitted first."
    ]
    with pytest.raises(services.TransitionError):
        services.publish_activity(actor=pem, activity=activity)
    activity.refresh_from_db()
    assert activity.status == Status.DRAFT


ACTIONS = ["submit", "approve", "return", "publish", "hold", "evaluate", "close", "cancel"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=10))
def test_random_sequences_of_actions_only_ever_follow_the_table(
    actions: list[str], officer: Any, pem: Any
) -> None:
    starts = timezone.now() - timedelta(hours=2)  # already started, so "hold" is possible
    activity = ActivityFactory(
        lead_officer=officer.officer, starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    order = [Status.DRAFT]
    for action in actions:
        before = activity.status
        calls = {
            "submit": lambda: services.submit_activity(actor=officer, activity=activity),
            "approve": lambda: services.approve_activity(actor=pem, activity=activity),
            "return": lambda: services.return_activity(actor=pem, activity=activity, reason="x"),
            "publish": lambda: services.publish_activity(actor=officer, activity=activity),
            "hold": lambda: services.mark_held(actor=officer, activity=activity),
            "evaluate": lambda: services.mark_evaluated(actor=officer, activity=activity),
            "close": lambda: services.close_activity(actor=officer, activity=activity),
            "cancel": lambda: services.cancel_activity(
                actor=officer, activity=activity, reason="x"
            ),
        }
        transition = services.TRANSITIONS[action]
        try:
            calls[action]()
        except ValidationError:
            activity.refresh_from_db()
            assert activity.status == before
            continue
        activity.refresh_from_db()
        assert before in transition.sources and activity.status == transition.target
        order.append(activity.status)
    path = ["draft", "submitted", "approved", "published", "held", "evaluated", "closed"]
    forward = [s for s in order if s in path]
    # Whatever happened, no status was reached without the one before it on the path.
    for previous, current in itertools.pairwise(forward):
        assert path.index(current) <= path.index(previous) + 1


def test_approval_is_refused_while_the_design_checklist_is_incomplete(
    activity: Activity, officer: Any, pem: Any
) -> None:
    Activity.objects.filter(pk=activity.pk).update(
        outcomes_sought="", questions="", facilitator=None
    )
    activity.refresh_from_db()
    services.submit_activity(actor=officer, activity=activity)
    with pytest.raises(services.ActivityRuleError) as error:
        services.approve_activity(actor=pem, activity=activity)
    assert error.value.messages == [
        "The design checklist lacks the outcomes sought.",
        "The design checklist lacks the facilitator.",
        "The design checklist lacks the questions to ask.",
    ]
    assert Activity.objects.get(pk=activity.pk).status == Status.SUBMITTED


def test_only_the_pem_approves(activity: Activity, officer: Any) -> None:
    services.submit_activity(actor=officer, activity=activity)
    with pytest.raises(PermissionDenied):
        services.approve_activity(actor=officer, activity=activity)


def test_an_ad_hoc_activity_needs_a_written_justification_to_be_submitted(
    activity: Activity, officer: Any
) -> None:
    Activity.objects.filter(pk=activity.pk).update(ad_hoc_justification="")
    activity.refresh_from_db()
    with pytest.raises(services.ActivityRuleError) as error:
        services.submit_activity(actor=officer, activity=activity)
    assert "ad hoc" in error.value.messages[0]
    Activity.objects.filter(pk=activity.pk).update(within_agreed_structure=True)
    activity.refresh_from_db()
    services.submit_activity(actor=officer, activity=activity)


def test_a_gathering_needs_a_venue_or_an_online_link(activity: Activity, officer: Any) -> None:
    Activity.objects.filter(pk=activity.pk).update(venue=None, online_link="")
    activity.refresh_from_db()
    with pytest.raises(services.ActivityRuleError, match="venue or give an online link"):
        services.submit_activity(actor=officer, activity=activity)


def test_a_warning_blocks_approval_until_the_pem_accepts_it_with_a_reason(
    officer: Any, pem: Any
) -> None:
    saturday = at("2030-03-16")
    activity = ActivityFactory(
        lead_officer=officer.officer, starts_at=saturday, ends_at=saturday + timedelta(hours=2)
    )
    services.submit_activity(actor=officer, activity=activity)
    with pytest.raises(services.ActivityRuleError) as error:
        services.approve_activity(actor=pem, activity=activity)
    assert error.value.messages == [
        "Warning not yet accepted: Saturday 16 March 2030 is a weekend."
    ]
    warning = report_for(activity).open_warnings[0]
    with pytest.raises(PermissionDenied):
        services.accept_warning(actor=officer, activity=activity, clash_key=warning.key, reason="x")
    services.accept_warning(
        actor=pem,
        activity=activity,
        clash_key=warning.key,
        reason="Care workers asked for a Saturday.",
    )
    row = AcceptedWarning.objects.get(activity=activity)
    assert (row.accepted_by, row.reason, row.message) == (
        pem,
        "Care workers asked for a Saturday.",
        "Saturday 16 March 2030 is a weekend.",
    )
    services.approve_activity(actor=pem, activity=activity)
    assert activity.status == Status.APPROVED


def test_a_real_clash_blocks_approval(officer: Any, pem: Any, teams: Any) -> None:
    day = at("2030-03-12")
    other = ActivityFactory(
        starts_at=day,
        ends_at=day + timedelta(hours=2),
        status=Status.PUBLISHED,
        teams=[teams["contracts"]],
    )
    activity = ActivityFactory(
        lead_officer=officer.officer, starts_at=day, ends_at=day + timedelta(hours=2)
    )
    services.submit_activity(actor=officer, activity=activity)
    with pytest.raises(services.ActivityRuleError) as error:
        services.approve_activity(actor=pem, activity=activity)
    assert error.value.messages[0].startswith(f"Clash: Same day, shared audience: “{other.title}”")


def test_cancelling_needs_a_reason_and_a_held_activity_cannot_be_cancelled(
    activity: Activity, officer: Any
) -> None:
    with pytest.raises(services.ActivityRuleError):
        services.cancel_activity(actor=officer, activity=activity, reason=" ")
    Activity.objects.filter(pk=activity.pk).update(status=Status.HELD)
    activity.refresh_from_db()
    with pytest.raises(services.TransitionError):
        services.cancel_activity(actor=officer, activity=activity, reason="Too late")


def test_someone_elses_activity_cannot_be_edited_or_submitted(activity: Activity, ldd: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.submit_activity(actor=ldd, activity=activity)


def test_a_mechanism_that_is_not_recommended_needs_a_reason(officer: Any) -> None:
    data = services.ActivityData(
        title="Fees",
        starts_at=at("2030-03-12"),
        ends_at=at("2030-03-12", 12),
        mode="inform",
        mechanism="workshop",
    )
    assert services.activity_data_errors(data) == {
        "mechanism_reason": "Say why you chose a mechanism that is not recommended for this mode"
    }
    data.mechanism_reason = "Providers asked to discuss it face to face."
    activity = services.create_activity(actor=officer, data=data)
    assert activity.mechanism_reason and not activity.mechanism_is_recommended


def test_estimated_cost_is_venue_plus_officer_hours_at_the_rate_plus_other(
    settings: Any, officer: Any
) -> None:
    settings.ENGAGE_OFFICER_HOURLY_RATE_PENCE = 4000
    data = services.ActivityData(
        title="Costed",
        starts_at=at("2030-03-12"),
        ends_at=at("2030-03-12", 12),
        cost_venue_pence=25000,
        officer_hours=__import__("decimal").Decimal("7.5"),
        cost_other_pence=1234,
    )
    activity = services.create_activity(actor=officer, data=data)
    assert activity.officer_hourly_rate_pence == 4000
    assert activity.estimated_cost_pence == 25000 + 30000 + 1234
