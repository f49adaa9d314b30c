"""Categories, targets and routes are data the PEM edits."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from engage.enquiries.models import EnquiryCategory
from tests.enquiries.factories import submit

pytestmark = pytest.mark.django_db

LIST = reverse("enquiries:categories")


def _form(category: EnquiryCategory, **changes: Any) -> dict[str, Any]:
    data = {
        "name": category.name,
        "description": category.description,
        "first_response_days": category.first_response_days,
        "resolve_days": category.resolve_days,
        "route": category.route,
        "team": category.team_id,
        "position": category.position,
        "is_active": "on" if category.is_active else "",
        "is_safeguarding": "on" if category.is_safeguarding else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_the_pem_changes_targets_and_new_enquiries_get_them(
    client_for: Any, pem: Any, provider_a: Any, categories: Any
) -> None:
    payments = categories["payments"]
    before = submit(provider_a, payments)
    url = reverse("enquiries:category_edit", args=[payments.pk])
    response = client_for(pem).post(url, _form(payments, first_response_days=5, resolve_days=20))
    assert response.status_code == 302
    payments.refresh_from_db()
    assert (payments.first_response_days, payments.resolve_days) == (5, 20)
    after = submit(provider_a, payments)
    before.refresh_from_db()
    assert after.first_response_due > before.first_response_due
    assert (
        before.first_response_due == submit(provider_a, categories["contract"]).first_response_due
    )


def test_a_resolution_target_shorter_than_the_first_response_is_refused(
    client_for: Any, pem: Any, categories: Any
) -> None:
    payments = categories["payments"]
    response = client_for(pem).post(
        reverse("enquiries:category_edit", args=[payments.pk]),
        _form(payments, first_response_days=5, resolve_days=2),
    )
    assert response.status_code == 200
    assert "cannot be shorter than the first-response target" in response.content.decode()


def test_the_pem_adds_a_category(client_for: Any, pem: Any, teams: Any, categories: Any) -> None:
    response = client_for(pem).post(
        reverse("enquiries:category_create"),
        {
            "slug": "workforce",
            "name": "Workforce",
            "first_response_days": 3,
            "resolve_days": 15,
            "route": "team",
            "team": teams["commissioning"].pk,
            "position": 9,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert EnquiryCategory.objects.get(slug="workforce").team == teams["commissioning"]
    listing = client_for(pem).get(LIST).content.decode()
    assert "Workforce" in listing
    assert "The provider's contract manager" in listing


def test_only_the_pem_and_administrators_edit_categories(
    client_for: Any, officer: Any, admin_user: Any, categories: Any
) -> None:
    assert client_for(officer).get(LIST).status_code == 403
    assert client_for(admin_user).get(LIST).status_code == 200


def test_the_default_categories_come_from_a_command_and_are_not_duplicated(teams: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("setup_enquiry_categories", stdout=out)
    assert "Created 7 categories." in out.getvalue()
    call_command("setup_enquiry_categories", stdout=out)
    assert "Created 0 categories." in out.getvalue()
    assert EnquiryCategory.objects.filter(is_safeguarding=True).count() == 1
