"""Template tags of the audit trail: ``{% load audit_tags %}{% audit_changes entry %}``."""

from __future__ import annotations

from functools import lru_cache
from html import escape as escape_text
from typing import Any

from auditlog.models import LogEntry
from django import template
from django.contrib.contenttypes.models import ContentType
from django.template.base import render_value_in_context
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # not in the stubs
from django.utils.translation import get_language

from engage.core.date_text import date_text

register = template.Library()

EMPTY = "(empty)"


def _side(values: Any, index: int) -> Any:
    """``values.<index>`` as the template language reads it: a list's item (an m2m change is
    a dict, which has none), or "" when there is none."""
    if isinstance(values, dict):
        return values.get(str(index), values.get(index, ""))
    try:
        return values[index]
    except (TypeError, IndexError, KeyError):
        return ""


@register.simple_tag(takes_context=True)
def audit_changes(context: template.Context, entry: Any) -> SafeString:
    """The changed fields of a log entry, before and after, in a details component.

    Built in Python rather than with a template loop: a page of the trail holds hundreds of
    field changes, and each template lookup of ``values.0`` costs more than the whole line
    here. Values are shown as ``{{ value|default:"(empty)" }}`` would show them.
    """
    return _changes(context, entry.changes_dict)


def _changes(context: template.Context, changes: Any) -> SafeString:
    if not changes:
        return mark_safe("")
    # Plain html.escape (what django's escape does, without its lazy-string wrapping): a page
    # holds hundreds of values.
    summary = ", ".join(escape_text(field) for field in changes)
    if len(summary) > 80 or not summary.isascii():  # else the Truncator would return it as is
        summary = Truncator(summary).chars(80)

    def shown(value: Any) -> str:
        value = value or EMPTY
        if type(value) is str:  # nearly every value: auditlog stores text
            return escape_text(value)
        return render_value_in_context(value, context)

    lines = "\n".join(
        f"<dt><strong>{escape_text(field)}</strong></dt>"
        f'<dd class="govuk-!-margin-left-0">{shown(_side(values, 0))} → {shown(_side(values, 1))}</dd>'
        for field, values in changes.items()
    )
    return format_html(
        '<details class="govuk-details govuk-!-margin-bottom-0">'
        '<summary class="govuk-details__summary"><span class="govuk-details__summary-text">{}'
        "</span></summary>"
        '<div class="govuk-details__text"><dl class="govuk-body-s govuk-!-margin-0">\n{}\n</dl>'
        "</div></details>",
        mark_safe(summary),  # noqa: S308 - built from escaped field names
        mark_safe(lines),  # noqa: S308 - every part escaped above
    )


# The labels of a page's 50 entries are a handful of strings: each translated once per
# language rather than once per entry.


@lru_cache(maxsize=32)
def _action_label(action: int, language: str | None) -> str:
    return capfirst(str(dict(LogEntry.Action.choices).get(action, action)))


@lru_cache(maxsize=512)
def _record_type(app_label: str, model: str, language: str | None) -> str:
    return capfirst(ContentType(app_label=app_label, model=model).name)


@register.filter
def audit_action(entry: Any) -> str:
    """``entry.get_action_display|capfirst``: "Create", "Update", "Delete"…"""
    return _action_label(entry.action, get_language())


@register.filter
def audit_record_type(content_type: Any) -> str:
    """``content_type.name|capfirst``: the kind of record, as its model names it."""
    return _record_type(content_type.app_label, content_type.model, get_language())


@register.simple_tag
def select_options(field: Any) -> SafeString:
    """The ``<option>`` elements of a bound choice field, its current value selected (values
    compared as text, as ``stringformat:"s"`` compares them); one tag rather than a template
    loop over the trail's sixty record types."""
    chosen = str(field.value())
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if chosen == str(value) else "", label)
            for value, label in field.field.choices
        ),
    )


@register.simple_tag(takes_context=True)
def audit_row(context: template.Context, entry: Any) -> SafeString:
    """One row of the trail: when, who, the change, the record and its values."""
    return mark_safe(  # noqa: S308 - every part escaped in _row
        _row(
            context,
            entry.timestamp,
            entry.actor.full_name if entry.actor else None,
            entry.action,
            entry.content_type_id,
            entry.object_pk,
            entry.object_repr,
            entry.changes_dict,
        )
    )


@register.simple_tag(takes_context=True)
def audit_rows(context: template.Context, rows: Any) -> SafeString:
    """The rows of a page of the trail, from tuples of ``audit.TRAIL_FIELDS``, as
    ``{% for entry in entries %}`` and ``audit_row`` on a line of its own would write them.

    A tag rather than template markup: the trail shows 50 entries a page, and a row built
    here costs a fraction of one rendered node by node.
    """
    return mark_safe(  # noqa: S308 - every part escaped in _row
        "".join(
            f"\n  {_row(context, at, actor, action, kind, pk, text, changes or {})}\n  "
            for at, actor, action, kind, pk, text, changes in rows
        )
    )


def _text(value: Any, context: template.Context) -> str:
    """``{{ value }}``: text (nearly always) escaped as is, anything else as the template would
    show it."""
    if type(value) is str:
        return escape_text(value)
    return str(render_value_in_context(value, context))


def _row(
    context: template.Context,
    timestamp: Any,
    actor_name: str | None,
    action: int,
    content_type_id: int,
    object_pk: Any,
    object_repr: Any,
    changes: Any,
) -> str:
    when = date_text(template_localtime(timestamp, context.use_tz), "j M Y H:i")
    record_type = ContentType.objects.get_for_id(content_type_id)
    return (
        '<tr class="govuk-table__row">\n'
        f'<td class="govuk-table__cell engage-nowrap">{escape_text(when)}</td>\n'
        '<td class="govuk-table__cell">'
        f"{_text(actor_name, context) if actor_name is not None else 'System'}</td>\n"
        '<td class="govuk-table__cell">'
        f"{escape_text(_action_label(action, get_language()))}</td>\n"
        '<td class="govuk-table__cell">'
        f"{escape_text(audit_record_type(record_type))}"
        f" #{_text(object_pk, context)}<br>"
        f'<span class="govuk-body-s">{_text(object_repr, context)}</span></td>\n'
        f'<td class="govuk-table__cell">\n{_changes(context, changes)}\n</td>\n'
        "</tr>"
    )
