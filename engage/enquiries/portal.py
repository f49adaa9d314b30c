"""What the enquiries app shows on the portal home (see engage/portal/panels.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from engage.core import data_versions
from engage.core.date_text import date_text
from engage.core.listing import pk_path
from engage.enquiries.models import Status
from engage.enquiries.selectors import ContactRoute, provider_open_enquiries, who_to_contact
from engage.enquiries.templatetags.enquiries_tags import _status_tag
from engage.portal import panel_versions

#: How many open enquiries the portal home lists before "all your enquiries".
OPEN_ENQUIRIES_SHOWN = 10

_STATUS_LABELS: dict[str, str] = dict(Status.choices)

#: What a row of the panel shows (``next_due`` is annotated by ``with_list_fields``).
_ROW_FIELDS = (
    "pk",
    "subject",
    "reference",
    "category__name",
    "status",
    "owner_id",
    "owner__user__full_name",
    "owner__team__name",
    "team__name",
    "first_response_at",
    "next_due",
)


#: The data versions who to contact is cached under, for pages that read them at once
#: (``data_versions.pinned``).
WHO_TO_CONTACT_VERSIONS = (panel_versions.CONTACTS, panel_versions.REGISTER)


def cached_who_to_contact(provider: Any) -> list[ContactRoute]:
    """``selectors.who_to_contact(provider)``: the same for every user, so cached under the
    versions of the categories, teams and officers (``panel_versions.CONTACTS``) and of the
    register (the provider's services decide its main locality). For the portal home, the
    provider page and the portal's organisation page."""
    return data_versions.cached(
        panel_versions.CONTACTS,
        (
            "who-to-contact",
            provider.pk,
            provider.contract_manager_id,
            settings.SAFEGUARDING_URGENT_ROUTE,
            data_versions.current(panel_versions.REGISTER),
        ),
        lambda: who_to_contact(provider),
        timeout=panel_versions.TIMEOUT,
    )


def who_to_contact_panel(user: Any, provider: Any) -> dict[str, Any] | None:
    """Who to contact at the council (``cached_who_to_contact``)."""
    routes = cached_who_to_contact(provider)
    return {"routes": routes} if routes else None


def open_enquiries_panel(user: Any, provider: Any) -> dict[str, Any] | None:
    """The provider's next open enquiries: rows with their link, status tag and target written
    out (the template only places them), from only the columns the panel shows."""
    enquiries = list(
        provider_open_enquiries(provider)
        .select_related(None)
        .values_list(*_ROW_FIELDS)[: OPEN_ENQUIRIES_SHOWN + 1]
    )
    if not enquiries:
        return None
    href = pk_path("portal:enquiry_detail")
    rows = [
        {
            "href": href(pk),
            "subject": subject,
            "reference": reference,
            "category": category or "",
            "status_tag": _status_tag(status),
            "owner": owner_id is not None,
            "owner_name": owner_name or "",
            "owner_team": owner_team or "",
            "team": team or "",
            "target": _target(status, first_response_at, next_due),
        }
        for (
            pk,
            subject,
            reference,
            category,
            status,
            owner_id,
            owner_name,
            owner_team,
            team,
            first_response_at,
            next_due,
        ) in enquiries[:OPEN_ENQUIRIES_SHOWN]
    ]
    return {"enquiries": rows, "more": len(enquiries) > OPEN_ENQUIRIES_SHOWN}


def _target(status: str, first_response_at: Any, next_due: Any) -> SafeString:
    """As ``enquiries/portal/_target.html`` writes an enquiry's target date."""
    if status == Status.WAITING and first_response_at:
        return mark_safe(
            '<span class="govuk-body-s">Waiting for your reply: the clock is paused</span>\n\n'
        )
    if status in (Status.RESOLVED, Status.CLOSED):
        return format_html(
            '<span class="govuk-body-s">{}</span>\n\n', _STATUS_LABELS.get(status, status)
        )
    return format_html(
        '<span class="engage-nowrap">{}</span><br><span class="govuk-body-s">{}</span>\n',
        date_text(next_due, "D j M Y") if next_due else "",
        "to resolve" if first_response_at else "for a first reply",
    )
