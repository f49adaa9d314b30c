"""Terms of reference: versions numbered per group, one draft and one approved at a time,
approval supersedes atomically, approved text is never edited, current / review overdue / none."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.groups import selectors, services
from engage.groups.models import TermsOfReference, TermsState
from tests.clock import TODAY
from tests.groups.factories import GroupFactory, TermsFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


def _draft(group, actor=None, body="# Purpose\n\nTo meet.\n", **extra):
    return services.draft_terms(actor=actor, group=group, title="Terms", body=body, **extra)


def _approve(terms, actor, days_ago=0, review_days=365):
    approved_on = TODAY - timedelta(days=days_ago)
    return services.approve_terms(
        actor=actor,
        terms=terms,
        approved_on=approved_on,
        review_due=approved_on + timedelta(days=review_days),
    )


def test_versions_are_numbered_from_one_per_group(pem) -> None:
    first, second = GroupFactory(), GroupFactory()
    assert _draft(first).version == 1
    _approve(TermsOfReference.objects.get(group=first), pem)
    assert _draft(first).version == 2
    assert _draft(second).version == 1


def test_a_group_has_one_draft_at_a_time(pem) -> None:
    group = GroupFactory()
    _draft(group)
    with pytest.raises(ValidationError, match="already has a draft"):
        _draft(group)
    assert TermsOfReference.objects.filter(group=group).count() == 1


def test_approving_supersedes_the_previous_approved_version(pem) -> None:
    group = GroupFactory()
    first = _approve(_draft(group), pem, days_ago=400)
    second = _approve(_draft(group, body="# Purpose\n\nTo meet more.\n"), pem, days_ago=10)
    first.refresh_from_db()
    assert first.status == TermsOfReference.Status.SUPERSEDED
    assert first.superseded_on == second.approved_on
    assert second.status == TermsOfReference.Status.APPROVED
    assert second.approved_by == pem
    assert TermsOfReference.objects.filter(group=group, status="approved").count() == 1


def test_a_failed_approval_leaves_the_previous_version_approved(pem) -> None:
    group = GroupFactory()
    first = _approve(_draft(group), pem, days_ago=10)
    draft = _draft(group)
    with pytest.raises(ValidationError, match="before the approval of version 1"):
        _approve(draft, pem, days_ago=20)
    first.refresh_from_db()
    draft.refresh_from_db()
    assert first.status == TermsOfReference.Status.APPROVED
    assert draft.status == TermsOfReference.Status.DRAFT


def test_only_a_draft_can_be_approved(pem) -> None:
    group = GroupFactory()
    approved = _approve(_draft(group), pem)
    with pytest.raises(services.TermsLockedError):
        _approve(approved, pem)


@pytest.mark.parametrize(
    ("days_ago", "review_days", "message"),
    [
        (-1, 365, "cannot be in the future"),
        (0, 0, "review date must be after"),
        (0, -5, "review date must be after"),
    ],
)
def test_approval_dates_are_checked(pem, days_ago, review_days, message) -> None:
    draft = _draft(GroupFactory())
    with pytest.raises(ValidationError, match=message):
        _approve(draft, pem, days_ago=days_ago, review_days=review_days)


def test_an_approved_version_is_never_edited_by_the_service(pem) -> None:
    group = GroupFactory()
    approved = _approve(_draft(group, body="Original"), pem)
    with pytest.raises(services.TermsLockedError, match="draft a new version"):
        services.update_draft_terms(actor=pem, terms=approved, title="New", body="Changed")
    approved.refresh_from_db()
    assert approved.body == "Original" and approved.title == "Terms"


@pytest.mark.parametrize("status", ["approved", "superseded"])
def test_an_approved_or_superseded_version_refuses_to_save_changed_text(status) -> None:
    terms = TermsFactory(status=status, body="Original")
    stored = TermsOfReference.objects.get(pk=terms.pk)
    stored.body = "Edited in place"
    with pytest.raises(ValidationError, match="never changed"):
        stored.save()
    assert TermsOfReference.objects.get(pk=terms.pk).body == "Original"


def test_a_draft_can_be_edited_until_it_is_approved(pem) -> None:
    draft = _draft(GroupFactory(), body="First go")
    edited = services.update_draft_terms(actor=pem, terms=draft, title="Better", body="Second go")
    assert (edited.version, edited.title, edited.body) == (1, "Better", "Second go")


def test_the_draft_page_makes_a_new_version_instead_of_editing_an_approved_one(
    client_for, pem
) -> None:
    group = GroupFactory(owner=pem.officer)
    approved = _approve(_draft(group, body="# Purpose\n\nOld text\n"), pem)
    client = client_for(pem)
    page = client.get(f"/groups/{group.pk}/terms/draft/").content.decode()
    assert "Old text" in page  # a new version starts from the approved text
    response = client.post(
        f"/groups/{group.pk}/terms/draft/",
        {"title": "Terms", "body": "# Purpose\n\nNew text\n", "change_summary": "Clearer"},
    )
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.body == "# Purpose\n\nOld text\n"
    new = TermsOfReference.objects.get(group=group, version=2)
    assert new.status == "draft" and new.change_summary == "Clearer"


def test_approval_asks_for_confirmation_before_anything_changes(client_for, pem) -> None:
    group = GroupFactory()
    draft = _draft(group)
    url = f"/groups/{group.pk}/terms/{draft.version}/approve/"
    client = client_for(pem)
    assert client.get(url).status_code == 200
    answers = {
        "approved_on_0": TODAY.day,
        "approved_on_1": TODAY.month,
        "approved_on_2": TODAY.year,
        "review_due_0": TODAY.day,
        "review_due_1": TODAY.month,
        "review_due_2": TODAY.year + 1,
        "approval_note": "At the forum",
    }
    check = client.post(url, answers)
    assert check.status_code == 200
    assert "Approve version 1?" in check.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    done = client.post(url, {**answers, "confirm": "yes"})
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "approved" and draft.approval_note == "At the forum"


def test_the_approval_form_says_what_is_wrong(client_for, pem) -> None:
    group = GroupFactory()
    _draft(group)
    tomorrow = TODAY + timedelta(days=1)
    response = client_for(pem).post(
        f"/groups/{group.pk}/terms/1/approve/",
        {
            "approved_on_0": tomorrow.day,
            "approved_on_1": tomorrow.month,
            "approved_on_2": tomorrow.year,
            "review_due_0": "",
            "review_due_1": "",
            "review_due_2": "",
        },
    )
    html = response.content.decode()
    assert "The approval date cannot be in the future" in html
    assert "govuk-error-summary" in html


def _state(group, today=TODAY):
    return selectors.register(today=today).get(pk=group.pk).terms_state


def test_terms_state_is_current_overdue_or_none(pem) -> None:
    never = GroupFactory()
    draft_only = GroupFactory()
    _draft(draft_only)
    current = GroupFactory()
    _approve(_draft(current), pem, days_ago=30, review_days=365)
    overdue = GroupFactory()
    _approve(_draft(overdue), pem, days_ago=400, review_days=365)
    assert _state(never) == TermsState.NONE
    assert _state(draft_only) == TermsState.NONE
    assert _state(current) == TermsState.CURRENT
    assert _state(overdue) == TermsState.REVIEW_OVERDUE


def test_terms_are_current_on_their_review_date_and_overdue_the_day_after(pem) -> None:
    group = GroupFactory()
    approved = _approve(_draft(group), pem, days_ago=100, review_days=100)
    assert approved.review_due == TODAY
    assert _state(group) == TermsState.CURRENT
    assert _state(group, today=TODAY + timedelta(days=1)) == TermsState.REVIEW_OVERDUE


def test_a_new_draft_does_not_change_the_current_terms(pem) -> None:
    group = GroupFactory()
    _approve(_draft(group), pem)
    _draft(group)
    row = selectors.register().get(pk=group.pk)
    assert row.terms_state == TermsState.CURRENT
    assert (row.terms_version, row.terms_draft_version) == (1, 2)


def test_register_filters_by_terms_state(client_for, pem) -> None:
    none = GroupFactory(name="Group Without Terms")
    overdue = GroupFactory(name="Group Overdue")
    _approve(_draft(overdue), pem, days_ago=400, review_days=365)
    client = client_for(pem)
    page = client.get("/groups/?terms=review-overdue").content.decode()
    assert overdue.name in page and none.name not in page
    page = client.get("/groups/?terms=none").content.decode()
    assert none.name in page and overdue.name not in page


def test_group_page_flags_missing_and_overdue_terms(client_for, pem) -> None:
    none = GroupFactory()
    overdue = GroupFactory()
    _approve(_draft(overdue), pem, days_ago=400, review_days=365)
    client = client_for(pem)
    assert (
        "has no approved terms of reference" in client.get(f"/groups/{none.pk}/").content.decode()
    )
    assert "were due for review on" in client.get(f"/groups/{overdue.pk}/").content.decode()


def test_history_lists_every_version_with_links_to_the_changes(client_for, pem) -> None:
    group = GroupFactory()
    _approve(_draft(group, body="# Purpose\n\nOne\n"), pem, days_ago=20)
    _approve(_draft(group, body="# Purpose\n\nTwo\n"), pem, days_ago=5)
    _draft(group, body="# Purpose\n\nThree\n")
    html = client_for(pem).get(f"/groups/{group.pk}/terms/").content.decode()
    for label in ("Version 1", "Version 2", "Version 3", "Superseded", "Approved", "Draft"):
        assert label in html
    assert f"/groups/{group.pk}/terms/3/changes/" in html
    assert f"/groups/{group.pk}/terms/1/changes/" not in html


def test_changes_page_shows_what_changed_between_consecutive_versions(client_for, pem) -> None:
    group = GroupFactory()
    old = "# Purpose\n\nTo meet providers.\n\n# Meetings\n\nTwice a year.\n"
    new = "# Purpose\n\nTo meet providers.\n\n# Meetings\n\nThree times a year.\n"
    _approve(_draft(group, body=old), pem, days_ago=20)
    _draft(group, body=new, change_summary="Meet more often")
    html = client_for(pem).get(f"/groups/{group.pk}/terms/2/changes/").content.decode()
    assert "<del>Twice</del>" in html
    assert "<ins>Three times</ins>" in html
    assert "Meet more often" in html
    assert "Sections changed" in html and "<li>Meetings</li>" in html
    assert "1 added, 1 removed" in html


def test_the_first_version_has_no_changes_page(client_for, pem) -> None:
    group = GroupFactory()
    _draft(group)
    response = client_for(pem).get(f"/groups/{group.pk}/terms/1/changes/")
    assert response.status_code == 302
    assert response["Location"] == f"/groups/{group.pk}/terms/1/"


def test_unknown_versions_are_not_found(client_for, pem) -> None:
    group = GroupFactory()
    assert client_for(pem).get(f"/groups/{group.pk}/terms/9/").status_code == 404


operations = st.lists(st.sampled_from(["draft", "approve", "edit"]), max_size=12)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=operations)
def test_any_sequence_of_changes_keeps_the_versioning_rules(pem, steps) -> None:
    group = GroupFactory()
    approvals = 0
    for step in steps:
        draft = TermsOfReference.objects.filter(group=group, status="draft").first()
        if step == "draft" and draft is None:
            _draft(group, body=f"# Purpose\n\nVersion text {approvals}\n")
        elif step == "approve" and draft is not None:
            _approve(draft, pem, days_ago=max(0, 100 - approvals))
            approvals += 1
        elif step == "edit" and draft is not None:
            services.update_draft_terms(actor=pem, terms=draft, title="Edited", body="Edited")
    versions = list(
        TermsOfReference.objects.filter(group=group)
        .order_by("version")
        .values_list("version", "status")
    )
    assert [v for v, _ in versions] == list(range(1, len(versions) + 1))
    statuses = [s for _, s in versions]
    assert statuses.count("approved") == min(approvals, 1)
    assert statuses.count("draft") <= 1
    assert statuses.count("superseded") == max(0, approvals - 1)
    # Versions leave draft in order: every superseded one is older than the approved one.
    if "approved" in statuses:
        approved_version = statuses.index("approved") + 1
        assert all(v < approved_version for v, s in versions if s == "superseded")


def test_the_database_allows_one_approved_version_per_group() -> None:
    group = GroupFactory()
    TermsFactory(group=group, version=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        TermsFactory(group=group, version=2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_drafting_at_once_never_share_a_version_number() -> None:
    group = GroupFactory()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def draft_in_thread() -> None:
        try:
            barrier.wait()
            services.draft_terms(actor=None, group=group, title="Terms", body="Text")
            outcomes.append("drafted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=draft_in_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["drafted", "refused"]
    assert list(TermsOfReference.objects.filter(group=group).values_list("version", flat=True)) == [
        1
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_approving_the_same_draft_at_once_approve_it_once(pem, officer) -> None:
    group = GroupFactory()
    draft = _draft(group)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve_in_thread(user) -> None:
        try:
            barrier.wait()
            _approve(TermsOfReference.objects.get(pk=draft.pk), user)
            outcomes.append("approved")
        except services.TermsLockedError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve_in_thread, args=(u,)) for u in (pem, officer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "refused"]
