"""The audit trail's tags write what the template markup they replace wrote."""

from __future__ import annotations

import re
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template

from engage.council.models import Team

pytestmark = pytest.mark.django_db

#: The markup the tags replaced, kept here as the reference.
REFERENCE = Template(
    """{% for entry in entries %}<tr class="govuk-table__row">
<td class="govuk-table__cell engage-nowrap">{{ entry.timestamp|date:"j M Y H:i" }}</td>
<td class="govuk-table__cell">{% if entry.actor %}{{ entry.actor.full_name }}{% else %}System{% endif %}</td>
<td class="govuk-table__cell">{{ entry.get_action_display|capfirst }}</td>
<td class="govuk-table__cell">{{ entry.content_type.name|capfirst }} #{{ entry.object_pk }}<br><span class="govuk-body-s">{{ entry.object_repr }}</span></td>
<td class="govuk-table__cell">
{% with changes=entry.changes_dict %}{% if changes %}<details class="govuk-details govuk-!-margin-bottom-0"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">{{ changes|join:", "|truncatechars:80 }}</span></summary><div class="govuk-details__text"><dl class="govuk-body-s govuk-!-margin-0">
{% for field, values in changes.items %}<dt><strong>{{ field }}</strong></dt><dd class="govuk-!-margin-left-0">{{ values.0|default:"(empty)" }} → {{ values.1|default:"(empty)" }}</dd>
{% endfor %}</dl></div></details>{% endif %}{% endwith %}
</td>
</tr>{% endfor %}"""
)
TAGS = Template("{% load audit_tags %}{% for entry in entries %}{% audit_row entry %}{% endfor %}")


def _squeeze(html: str) -> str:
    return re.sub(r">\s*<", "><", html).strip()


def _entry(changes: Any, actor: Any = None, repr_: str = "<b>Team</b> & co") -> LogEntry:
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Team),
        object_pk="7",
        object_repr=repr_,
        action=LogEntry.Action.UPDATE,
        changes=changes,
        actor=actor,
    )


def test_a_row_reads_as_the_template_markup_did(pem: Any) -> None:
    long_names = {f"field_{n}_with_a_long_name": ["a", "b"] for n in range(8)}
    entries = [
        _entry({"name": ["<old> & 'quoted'", '"new"'], "email": ["None", ""], "team": [None, 3]}),
        _entry({"service_types": {"type": "m2m", "operation": "add", "objects": ["Nursing"]}}),
        _entry(long_names, actor=pem),
        _entry({}, repr_="Nothing changed"),
        _entry({"odd": ["only one"]}),
    ]
    for entry in entries:
        entry.refresh_from_db()
    context = {"entries": entries}
    assert _squeeze(TAGS.render(Context(context))) == _squeeze(REFERENCE.render(Context(context)))
    assert "&lt;old&gt; &amp; &#x27;quoted&#x27;" in TAGS.render(Context(context))


def test_the_page_of_rows_reads_as_a_loop_of_rows_did(pem: Any) -> None:
    from engage.core.audit import TRAIL_FIELDS, AuditFilterForm, filtered_entries

    long_names = {f"field_{n}_with_a_long_name": ["a", "b"] for n in range(8)}
    _entry({"name": ["<old> & 'quoted'", '"new"'], "email": ["None", ""], "team": [None, 3]})
    _entry({"service_types": {"type": "m2m", "operation": "add", "objects": ["Nursing"]}})
    _entry(long_names, actor=pem)
    _entry({}, repr_="Nothing changed")
    _entry(None, repr_="No changes recorded")
    _entry({"odd": ["only one"]})
    entries = filtered_entries(AuditFilterForm())
    loop = Template(
        "{% load audit_tags %}  {% for entry in entries %}\n  {% audit_row entry %}\n"
        "  {% endfor %}\n  </tbody>"
    )
    # As the trail reads them: only the columns its rows show.
    rows = Template("{% load audit_tags %}  {% audit_rows rows %}\n  </tbody>")
    context = {"entries": list(entries), "rows": list(entries.values_list(*TRAIL_FIELDS))}
    assert rows.render(Context(context)) == loop.render(Context(context))
    assert rows.render(Context(context)).count("<tr ") == len(context["rows"]) > 6
