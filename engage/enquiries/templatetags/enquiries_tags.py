"""Template tags of enquiries: status tags, and "who to contact" for any provider page.

On a provider page: ``{% load enquiries_tags %}{% who_to_contact provider %}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from engage.core.listing import pk_path
from engage.enquiries.models import Status
from engage.enquiries.selectors import who_to_contact as contacts_of

register = template.Library()

_TAG_COLOURS = {
    Status.NEW: "govuk-tag--blue",
    Status.ACKNOWLEDGED: "govuk-tag--light-blue",
    Status.IN_PROGRESS: "govuk-tag--turquoise",
    Status.WAITING: "govuk-tag--yellow",
    Status.RESOLVED: "govuk-tag--green",
    Status.CLOSED: "govuk-tag--grey",
}


@register.simple_tag
def status_tag(enquiry: Any) -> SafeString:
    """The enquiry's status as a GOV.UK tag."""
    return _status_tag(enquiry.status)


def _status_tag(status: str) -> SafeString:
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>',
        _TAG_COLOURS.get(status, ""),
        _STATUS_LABELS.get(status, status),
    )


_STATUS_LABELS = dict(Status.choices)

_QUEUE_ROW = (
    '\n  <tr class="govuk-table__row">\n'
    '    <td class="govuk-table__cell engage-nowrap"><a class="govuk-link" href="{}">{}</a></td>\n'
    '    <td class="govuk-table__cell"><strong>{}</strong><br>{}<br>'
    '<span class="engage-muted">{}</span>{}</td>\n'
    '    <td class="govuk-table__cell">{}</td>\n'
    '    <td class="govuk-table__cell">{}</td>\n'
    '    <td class="govuk-table__cell engage-nowrap">{}</td>\n'
    '    <td class="govuk-table__cell">\n{}</td>\n'
    "  </tr>\n  "
)
_SAFEGUARDING = mark_safe(' <strong class="govuk-tag govuk-tag--red">Safeguarding</strong>')
_OVERDUE = '<br><strong class="govuk-tag govuk-tag--red">Overdue</strong>'
_DAY = "D j M Y"


def _due_cell(
    status: str,
    first_response_at: datetime | None,
    first_response_due: date,
    next_due: date,
    is_overdue: bool,
) -> SafeString:
    """The next target: date, or "paused", with an overdue tag."""
    if status == Status.WAITING:
        if first_response_at:
            cell = '<span class="govuk-body-s">Paused (waiting on provider)</span>\n\n'
        else:
            cell = format_html(
                '<span class="engage-nowrap">{}</span><br><span class="govuk-body-s">first reply'
                "</span>\n\n",
                date_format(first_response_due, _DAY) if first_response_due else "",
            )
    elif status in (Status.RESOLVED, Status.CLOSED):
        cell = format_html(
            '<span class="govuk-body-s">{}</span>\n\n', _STATUS_LABELS.get(status, status)
        )
    else:
        cell = format_html(
            '<span class="engage-nowrap">{}</span><br><span class="govuk-body-s">{}</span>\n',
            date_format(next_due, _DAY) if next_due else "",
            "resolve" if first_response_at else "first reply",
        )
    return mark_safe(cell + _OVERDUE if is_overdue else cell)  # noqa: S308 - escaped above


@register.simple_tag
def queue_rows(rows: Iterable[tuple[Any, ...]]) -> SafeString:
    """The rows of the enquiry queue, from tuples of ``selectors.QUEUE_ROW_FIELDS``.

    Built here rather than with a template loop: the queue shows 50 enquiries a page, and a
    row rendered node by node (its link, dates, status tag and owner) costs several times one
    built in one pass.
    """
    detail = pk_path("enquiries:detail")
    return mark_safe(  # noqa: S308 - each row is built by format_html
        "".join(
            format_html(
                _QUEUE_ROW,
                detail(pk),
                reference,
                subject,
                provider,
                category,
                _SAFEGUARDING if safeguarding else "",
                _status_tag(status),
                owner_name
                if owner_id is not None
                else format_html('<span class="govuk-body-s">{} queue</span>', team),
                date_format(localtime(received_at), _DAY),
                _due_cell(status, first_response_at, first_response_due, next_due, is_overdue),
            )
            for (
                pk,
                reference,
                subject,
                provider,
                category,
                safeguarding,
                status,
                owner_id,
                owner_name,
                team,
                received_at,
                first_response_at,
                first_response_due,
                next_due,
                is_overdue,
            ) in rows
        )
    )


@register.inclusion_tag("enquiries/_who_to_contact.html")
def who_to_contact(provider: Any, heading_level: int = 2) -> dict[str, Any]:
    """The named people per topic for ``provider``, as a summary card."""
    return {"routes": contacts_of(provider), "provider": provider, "heading_level": heading_level}
