"""Template tags of enquiries: status tags, and "who to contact" for any provider page.

On a provider page: ``{% load enquiries_tags %}{% who_to_contact provider %}``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

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
    colour = _TAG_COLOURS.get(enquiry.status, "")
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', colour, enquiry.get_status_display()
    )


@register.inclusion_tag("enquiries/_who_to_contact.html")
def who_to_contact(provider: Any, heading_level: int = 2) -> dict[str, Any]:
    """The named people per topic for ``provider``, as a summary card."""
    return {"routes": contacts_of(provider), "provider": provider, "heading_level": heading_level}
