"""Template helpers of engagement planning: money, status tags and clash markers."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timezone import localtime

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

    A tag rather than an included template: a month shows dozens of them.
    """
    return format_html(
        '<li class="engage-cal-item engage-cal-item--{}">\n'
        '  <span class="engage-cal-item__time">{}</span>\n'
        '  <a class="govuk-link" href="{}">{}</a>\n'
        '  <span class="engage-cal-item__tags">{} {}{}</span>\n'
        "</li>",
        activity.status,
        f"{localtime(activity.starts_at):%H:%M}",
        reverse("engagement:activity_detail", args=[activity.pk]),
        activity.title,
        status_tag(activity),
        clash_marker(report),
        _AD_HOC_TAG if activity.is_ad_hoc else "",
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
    today = (
        SafeString('<span class="govuk-visually-hidden">Today, </span>') if day["is_today"] else ""
    )
    holiday = (
        format_html('<span class="engage-month__holiday">{}</span>', day["holiday"])
        if day["holiday"]
        else ""
    )
    entries = (
        format_html(
            '<ul class="engage-cal-list">{}</ul>',
            SafeString("".join(calendar_entry(a, report) for a, report in day["items"])),
        )
        if day["items"]
        else ""
    )
    return format_html(
        '<td class="govuk-table__cell engage-month__day{}">\n'
        '      <span class="engage-month__date">{}<time datetime="{}">'
        '<span class="engage-month__weekday">{} </span>{}'
        '<span class="engage-month__monthname"> {}</span></time></span>\n'
        "      {}\n"
        "      {}\n"
        "    </td>",
        modifiers,
        today,
        when.isoformat(),
        _WEEKDAYS[when.weekday()],
        when.day,
        _MONTHS[when.month],
        holiday,
        entries,
    )
