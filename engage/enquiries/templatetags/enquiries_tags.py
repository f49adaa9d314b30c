"""Template tags of enquiries: status tags, and "who to contact" for any provider page.

On a provider page: ``{% load enquiries_tags %}{% who_to_contact provider %}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from engage.core.date_text import date_text
from engage.core.listing import as_html, pk_path
from engage.enquiries.models import Status

register = template.Library()

_TAG_COLOURS: dict[str, str] = {
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


_STATUS_LABELS: dict[str, str] = dict(Status.choices)

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
                date_text(first_response_due, _DAY) if first_response_due else "",
            )
    elif status in (Status.RESOLVED, Status.CLOSED):
        cell = format_html(
            '<span class="govuk-body-s">{}</span>\n\n', _STATUS_LABELS.get(status, status)
        )
    else:
        cell = format_html(
            '<span class="engage-nowrap">{}</span><br><span class="govuk-body-s">{}</span>\n',
            date_text(next_due, _DAY) if next_due else "",
            "resolve" if first_response_at else "first reply",
        )
    return mark_safe(cell + _OVERDUE if is_overdue else cell)  # noqa: S308 - escaped above


@register.simple_tag
def queue_rows(rows: Iterable[tuple[Any, ...]]) -> SafeString:
    """The rows of the enquiry queue, from tuples of ``selectors.QUEUE_ROW_FIELDS``.

    Built here rather than with a template loop: the queue shows 50 enquiries a page, and a
    row rendered node by node (its link, dates, status tag and owner) costs several times one
    built in one pass. Every value is escaped here, as autoescaping does
    (``core.listing.as_html``).
    """
    detail = pk_path("enquiries:detail")
    tags: dict[str, str] = {}
    written = []
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
    ) in rows:
        if status not in tags:
            tags[status] = _status_tag(status)
        owner = (
            as_html(owner_name)
            if owner_id is not None
            else f'<span class="govuk-body-s">{as_html(team)} queue</span>'
        )
        written.append(
            '\n  <tr class="govuk-table__row">\n'
            '    <td class="govuk-table__cell engage-nowrap">'
            f'<a class="govuk-link" href="{detail(pk)}">{as_html(reference)}</a></td>\n'
            f'    <td class="govuk-table__cell"><strong>{as_html(subject)}</strong><br>'
            f'{as_html(provider)}<br><span class="engage-muted">{as_html(category)}</span>'
            f"{_SAFEGUARDING if safeguarding else ''}</td>\n"
            f'    <td class="govuk-table__cell">{tags[status]}</td>\n'
            f'    <td class="govuk-table__cell">{owner}</td>\n'
            '    <td class="govuk-table__cell engage-nowrap">'
            f"{date_text(received_at, _DAY)}</td>\n"
            '    <td class="govuk-table__cell">\n'
            f"{_due_cell(status, first_response_at, first_response_due, next_due, is_overdue)}"
            "</td>\n"
            "  </tr>\n  "
        )
    return mark_safe("".join(written))  # noqa: S308 - every value escaped above


@register.inclusion_tag("enquiries/_who_to_contact.html")
def who_to_contact(provider: Any, heading_level: int = 2) -> dict[str, Any]:
    """The named people per topic for ``provider``, as a summary card."""
    from engage.enquiries.portal import cached_who_to_contact  # (it uses this module's tags)

    routes = cached_who_to_contact(provider)
    return {"routes": routes, "provider": provider, "heading_level": heading_level}
