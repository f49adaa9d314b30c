"""Template helpers of the market pages.

The long parts of the register's pages (the list's rows, the filters' checkboxes and options)
are built here in one pass rather than by template loops: each variable, filter and ``{% url %}``
of a loop costs a little, and a page repeats them thousands of times. Each helper writes the
same markup as the template loop it replaces, escaping every value as autoescaping does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString

from engage.core.listing import as_html, pk_path

register = template.Library()


@register.simple_tag
def filter_fields(form: Any) -> dict[str, list[Any]]:
    """The bound fields of a filter form by where the filter panel shows them: groups of
    checkboxes (``checkbox_groups``), drop-downs (``selects``) and the rest (``others``: single
    checkboxes and hidden fields), each in the form's order. Sorted once here rather than by a
    condition per field in each of the panel's loops."""
    fields: dict[str, list[Any]] = {"checkbox_groups": [], "selects": [], "others": []}
    for field in form:
        widget = field.field.widget
        kind = getattr(widget, "input_type", "")
        multiple = getattr(widget, "allow_multiple_selected", False)
        if kind == "checkbox" and multiple and field.name != "q":
            fields["checkbox_groups"].append(field)
        if kind == "select":
            fields["selects"].append(field)
        if (kind == "checkbox" and not multiple) or (field.is_hidden and field.value()):
            fields["others"].append(field)
    return fields


@register.simple_tag
def select_options(field: Any) -> SafeString:
    """The ``<option>`` elements of a bound choice field, its current value selected.

    The contract manager filter lists every officer: one string built here rather than a
    template loop (or a ``format_html`` per option) over hundreds of them.
    """
    chosen = str(field.value())
    return SafeString(
        "".join(
            f'<option value="{as_html(value)}"{" selected" if str(value) == chosen else ""}>'
            f"{as_html(text)}</option>"
            for value, text in field.field.choices
        )
    )


@register.simple_tag
def checkbox_items(field: Any) -> SafeString:
    """The GOV.UK checkbox items of a bound multiple-choice field (``CheckboxSelectMultiple``):
    what ``{% for choice in field %}`` gives, with the same ids (``<id>_<index>``), values,
    labels and checked boxes, without building a subwidget per choice."""
    widget = field.field.widget
    selected = set(widget.format_value(field.value()))
    base_id = widget.attrs.get("id") or field.auto_id
    name = as_html(field.html_name)
    items = []
    for index, (value, label) in enumerate(field.field.choices):
        ident = as_html(f"{base_id}_{index}" if base_id else None)
        checked = " checked" if str(value) in selected else ""
        items.append(
            '\n          <div class="govuk-checkboxes__item">\n'
            f'            <input class="govuk-checkboxes__input" id="{ident}" name="{name}"'
            f' type="checkbox" value="{as_html(value)}"{checked}>\n'
            f'            <label class="govuk-label govuk-checkboxes__label" for="{ident}">'
            f"{as_html(label)}</label>\n"
            "          </div>\n          "
        )
    return SafeString("".join(items))


_TIER_ONE_TAG = '<strong class="govuk-tag govuk-tag--purple engage-tag--inline">Tier One</strong>'
_INACTIVE_TAG = (
    '<strong class="govuk-tag govuk-tag--grey engage-tag--inline">No registered service</strong>'
)
_NO_MANAGER = '<span class="engage-secondary">None</span>'


@register.simple_tag
def provider_rows(rows: Iterable[dict[str, Any]], selectable: bool) -> SafeString:
    """The rows of the register's list (``selectors.provider_rows`` with their
    ``associations``), with a checkbox each when ``selectable`` (for the bulk actions)."""
    detail_url = pk_path("market:provider_detail")  # a path of digits: nothing to escape
    out = []
    for row in rows:
        pk = row["pk"]
        name = as_html(row["name"])
        select = ""
        if selectable:
            select = (
                '<td class="govuk-table__cell">\n'
                '      <div class="govuk-checkboxes govuk-checkboxes--small"'
                ' data-module="govuk-checkboxes"><div class="govuk-checkboxes__item">\n'
                f'        <input class="govuk-checkboxes__input" id="select-{pk}" name="provider"'
                f' type="checkbox" value="{pk}">\n'
                f'        <label class="govuk-label govuk-checkboxes__label" for="select-{pk}">'
                f'<span class="govuk-visually-hidden">Select {name}</span></label>\n'
                "      </div></div>\n"
                "    </td>"
            )
        cqc_id = row["cqc_provider_id"]
        cqc = (
            f'<br><span class="govuk-body-s engage-secondary">{as_html(cqc_id)}</span>'
            if cqc_id
            else ""
        )
        manager = (
            as_html(row["contract_manager__user__full_name"])
            if row["contract_manager_id"] is not None
            else _NO_MANAGER
        )
        associations = "".join(
            '<strong class="govuk-tag govuk-tag--blue engage-tag--inline"'
            f' title="{as_html(association)}">{as_html(short_name or association)}</strong>'
            for _, association, short_name in row["associations"]
        )
        out.append(
            '\n  <tr class="govuk-table__row">\n'
            f"    {select}\n"
            f'    <td class="govuk-table__cell"><a class="govuk-link"'
            f' href="{detail_url(pk)}">{name}</a>\n'
            f"      {_TIER_ONE_TAG if row['is_tier_one'] else ''}\n"
            f"      {'' if row['is_active'] else _INACTIVE_TAG}\n"
            f"      {cqc}</td>\n"
            f'    <td class="govuk-table__cell govuk-table__cell--numeric">{row["active_services"]}</td>\n'
            f'    <td class="govuk-table__cell govuk-table__cell--numeric">{row["total_beds"] or "–"}</td>\n'
            f'    <td class="govuk-table__cell govuk-table__cell--numeric">{row["locality_count"]}</td>\n'
            f'    <td class="govuk-table__cell">{manager}</td>\n'
            f'    <td class="govuk-table__cell">{associations}</td>\n'
            "  </tr>\n  "
        )
    return SafeString("".join(out))


#: ``market/_rating.html`` for each rating (anything else is "Not rated").
_RATING_TAGS = {
    "outstanding": '<strong class="govuk-tag govuk-tag--green">Outstanding</strong>',
    "good": '<strong class="govuk-tag govuk-tag--turquoise">Good</strong>',
    "requires-improvement": (
        '<strong class="govuk-tag govuk-tag--yellow">Requires improvement</strong>'
    ),
    "inadequate": '<strong class="govuk-tag govuk-tag--red">Inadequate</strong>',
}
_NOT_RATED = '<span class="engage-secondary">Not rated</span>'
_DEREGISTERED_TAG = (
    ' <strong class="govuk-tag govuk-tag--grey engage-tag--inline">Deregistered</strong>'
)


@register.simple_tag
def service_rows(services: Iterable[Any]) -> SafeString:
    """The rows of a provider page's services table (``selectors.service_rows_of_provider``:
    each service with its locality and ``type_list``)."""
    detail_url = pk_path("market:service_detail")  # a path of digits: nothing to escape
    out = []
    for service in services:
        locality = service.locality.name if service.locality is not None else ""
        beds = service.beds
        out.append(
            '\n  <tr class="govuk-table__row">\n'
            f'    <td class="govuk-table__cell"><a class="govuk-link"'
            f' href="{detail_url(service.pk)}">{as_html(service.name)}</a>'
            f"{'' if service.is_active else _DEREGISTERED_TAG}"
            f'<br><span class="govuk-body-s engage-secondary">{as_html(service.postcode)}</span></td>\n'
            f'    <td class="govuk-table__cell">'
            f"{', '.join(as_html(kind.name) for kind in service.type_list)}</td>\n"
            f'    <td class="govuk-table__cell">{as_html(locality) if locality else "–"}</td>\n'
            f'    <td class="govuk-table__cell govuk-table__cell--numeric">'
            f"{'–' if beds is None else beds}</td>\n"
            f'    <td class="govuk-table__cell">{_RATING_TAGS.get(service.rating, _NOT_RATED)}\n</td>\n'
            f'    <td class="govuk-table__cell">{"Yes" if service.is_contracted else "No"}</td>\n'
            "  </tr>\n  "
        )
    return SafeString("".join(out))


_LEFT_TAG = ' <strong class="govuk-tag govuk-tag--grey engage-tag--inline">Left</strong>'
_NO_EMAIL = '<span class="engage-secondary">None</span>'


@register.simple_tag
def contact_rows(contacts: Iterable[Any]) -> SafeString:
    """The rows of a provider page's contacts table (``selectors.contacts_of_provider``: each
    contact with the services they work at prefetched)."""
    detail_url = pk_path("market:contact_detail")  # a path of digits: nothing to escape
    out = []
    for contact in contacts:
        job_title = (
            f'<br><span class="govuk-body-s engage-secondary">{as_html(contact.job_title)}</span>'
            if contact.job_title
            else ""
        )
        places = [as_html(service.name) for service in contact.services.all()]
        works_at = ", ".join(places) if places else "Across the provider"
        email = _NO_EMAIL
        if contact.email:
            email = as_html(contact.email)
            if not contact.can_be_emailed:
                reason = "Unsubscribed" if contact.unsubscribed else "No consent"
                email += (
                    '<br><strong class="govuk-tag govuk-tag--grey engage-tag--inline">'
                    f"{reason}</strong>"
                )
        out.append(
            '\n  <tr class="govuk-table__row">\n'
            f'    <td class="govuk-table__cell"><a class="govuk-link"'
            f' href="{detail_url(contact.pk)}">{as_html(contact.name)}</a>'
            f"{job_title}{'' if contact.is_active else _LEFT_TAG}</td>\n"
            f'    <td class="govuk-table__cell">{as_html(contact.get_level_display())}</td>\n'
            f'    <td class="govuk-table__cell">{works_at}</td>\n'
            f'    <td class="govuk-table__cell">{email}</td>\n'
            "  </tr>\n  "
        )
    return SafeString("".join(out))
