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
