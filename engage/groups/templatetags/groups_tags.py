"""Tags of the groups pages: the terms-of-reference and status tags, Markdown, maturity levels."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from engage.core.markdown import render_markdown
from engage.groups.models import (
    ActionStatus,
    GroupStatus,
    ItemStatus,
    MaturityLevel,
    TermsOfReference,
    TermsState,
)

register = template.Library()

_TERMS_COLOURS = {
    TermsState.CURRENT: "green",
    TermsState.REVIEW_OVERDUE: "orange",
    TermsState.NONE: "red",
}
_STATUS_COLOURS = {
    GroupStatus.PROPOSED: "blue",
    GroupStatus.ACTIVE: "green",
    GroupStatus.PAUSED: "yellow",
    GroupStatus.CLOSED: "grey",
}
_VERSION_COLOURS = {
    TermsOfReference.Status.DRAFT: "blue",
    TermsOfReference.Status.APPROVED: "green",
    TermsOfReference.Status.SUPERSEDED: "grey",
}


def _tag(label: str, colour: str) -> SafeString:
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)


@register.simple_tag
def terms_tag(state: Any) -> SafeString:
    """A group's terms of reference state as a coloured tag."""
    value = TermsState(state or TermsState.NONE)
    return _tag(value.label, _TERMS_COLOURS[value])


@register.simple_tag
def group_status_tag(status: str) -> SafeString:
    value = GroupStatus(status)
    return _tag(value.label, _STATUS_COLOURS[value])


@register.simple_tag
def version_status_tag(status: str) -> SafeString:
    value = TermsOfReference.Status(status)
    return _tag(value.label, _VERSION_COLOURS[value])


@register.filter
def markdown(text: str) -> SafeString:
    """Markdown as sanitised GOV.UK-styled HTML (see ``engage.core.markdown``)."""
    return render_markdown(text, id_prefix="terms-")


@register.filter
def maturity_level(score: int | None) -> str:
    """The name of a score: 3 → "3 – Established"."""
    if score is None:
        return ""
    return str(MaturityLevel(int(score)).label)


_ITEM_COLOURS = {
    ItemStatus.PROPOSED: "blue",
    ItemStatus.ACCEPTED: "turquoise",
    ItemStatus.SCHEDULED: "purple",
    ItemStatus.DONE: "green",
    ItemStatus.DECLINED: "grey",
}
_ACTION_COLOURS = {
    ActionStatus.OPEN: "blue",
    ActionStatus.IN_PROGRESS: "yellow",
    ActionStatus.DONE: "green",
    ActionStatus.DROPPED: "grey",
}


@register.simple_tag
def item_status_tag(status: str) -> SafeString:
    """A forward plan item's status as a tag (the words carry the meaning, not the colour)."""
    value = ItemStatus(status)
    return _tag(value.label, _ITEM_COLOURS[value])


@register.simple_tag
def action_status_tag(action: Any, today: Any = None) -> SafeString:
    """An action's status as a tag; "Overdue" when open past its due date."""
    if today is not None and action.is_overdue(today):
        return _tag("Overdue", "red")
    value = ActionStatus(action.status)
    return _tag(value.label, _ACTION_COLOURS[value])


@register.filter
def notes_markdown(text: str) -> SafeString:
    """Meeting notes as sanitised HTML, with heading ids kept apart from the page's."""
    return render_markdown(text, id_prefix="notes-")
