"""Template helpers of engagement planning: money, status tags and clash markers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timezone import localtime

from engage.core.listing import as_html, pk_path

register = template.Library()

_STATUS_COLOURS = {
    "draft": "grey",
    "submitted": "blue",
    "approved": "turquoise",
    "published": "green",
    "held": "purple",
    "evaluated": "pink",
    "closed": "grey",
    "cancelled": "red",
}


@register.filter
def pounds(pence: Any) -> str:
    """1234 -> "£12.34"."""
    if pence is None or pence == "":
        return ""
    value = int(pence)
    return f"£{value // 100:,}.{value % 100:02d}"


@register.simple_tag
def status_tag(activity: Any) -> SafeString:
    colour = _STATUS_COLOURS.get(activity.status, "grey")
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
        colour,
        activity.get_status_display(),
    )


def status_tag_of(status: str) -> SafeString:
    """``status_tag`` of an activity of which only the status was read."""
    from engage.engagement.models import Activity

    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
        _STATUS_COLOURS.get(status, "grey"),
        dict(Activity.Status.choices).get(status, status),
    )


@register.simple_tag
def clash_marker(report: Any) -> SafeString:
    """A visible, screen-reader-friendly marker of an activity's clashes (or nothing)."""
    if report is None or not report.marker:
        return SafeString("")
    if report.marker == "clash":
        count = len(report.clashes)
        return format_html(
            '<strong class="govuk-tag govuk-tag--red engage-clash-tag">{} clash{}</strong>',
            count,
            "" if count == 1 else "es",
        )
    count = len(report.open_warnings)
    return format_html(
        '<strong class="govuk-tag govuk-tag--yellow engage-clash-tag">{} warning{}</strong>',
        count,
        "" if count == 1 else "s",
    )


_AD_HOC_TAG = SafeString(' <strong class="govuk-tag govuk-tag--orange">Ad hoc</strong>')


@register.simple_tag
def calendar_entry(activity: Any, report: Any) -> SafeString:
    """One activity in a day of the calendar: time, link, status, clash marker, ad hoc tag.

    A tag rather than an included template: a month shows dozens of them. Written as one
    string (each value escaped as ``{{ value }}`` would be) rather than with ``format_html``.
    """
    return SafeString(_calendar_entry(activity, report, pk_path("engagement:activity_detail")))


def _calendar_entry(activity: Any, report: Any, detail_url: Callable[[int], str]) -> str:
    status = activity.status
    return (
        f'<li class="engage-cal-item engage-cal-item--{as_html(status)}">\n'
        f'  <span class="engage-cal-item__time">{localtime(activity.starts_at):%H:%M}</span>\n'
        f'  <a class="govuk-link" href="{detail_url(activity.pk)}">{as_html(activity.title)}</a>\n'
        f'  <span class="engage-cal-item__tags">{status_tag_of(status)} {clash_marker(report)}'
        f"{_AD_HOC_TAG if activity.is_ad_hoc else ''}</span>\n"
        "</li>"
    )


#: English names, as the ``date`` filter's "l" and "F" give them (the site is in UK English).
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@register.simple_tag
def month_day(day: dict[str, Any], month: int) -> SafeString:
    """One day's cell of the month grid, with its entries (``calendar_entry``).

    A tag rather than template markup: a month has up to 42 cells, and this is the page's
    largest part.
    """
    when = day["date"]
    modifiers = "".join(
        (
            " engage-month__day--outside" if when.month != month else "",
            " engage-month__day--off" if day["weekend"] or day["holiday"] else "",
            " engage-month__day--today" if day["is_today"] else "",
            " engage-month__day--empty" if not day["items"] else "",
        )
    )
    today = '<span class="govuk-visually-hidden">Today, </span>' if day["is_today"] else ""
    holiday = (
        f'<span class="engage-month__holiday">{as_html(day["holiday"])}</span>'
        if day["holiday"]
        else ""
    )
    entries = ""
    if day["items"]:
        detail_url = pk_path("engagement:activity_detail")
        entries = (
            '<ul class="engage-cal-list">'
            + "".join(_calendar_entry(a, report, detail_url) for a, report in day["items"])
            + "</ul>"
        )
    return SafeString(
        f'<td class="govuk-table__cell engage-month__day{modifiers}">\n'
        f'      <span class="engage-month__date">{today}<time datetime="{when.isoformat()}">'
        f'<span class="engage-month__weekday">{_WEEKDAYS[when.weekday()]} </span>{when.day}'
        f'<span class="engage-month__monthname"> {_MONTHS[when.month]}</span></time></span>\n'
        f"      {holiday}\n"
        f"      {entries}\n"
        "    </td>"
    )
