"""The market pages' tags write what the template markup they replace wrote."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.http import QueryDict
from django.template import Context, Template
from django.utils import timezone

from engage.market import selectors
from engage.market.filters import (
    ContactFilterForm,
    ProviderFilterForm,
    ProviderFilters,
    ServiceFilterForm,
)
from engage.market.models import Level
from engage.market.templatetags.market_tags import filter_fields
from tests.council.factories import OfficerFactory
from tests.market.factories import (
    AssociationFactory,
    ContactFactory,
    LocalityFactory,
    MembershipFactory,
    ProviderFactory,
    ServiceFactory,
    ServiceTypeFactory,
)

pytestmark = pytest.mark.django_db

#: The markup the tags replaced, kept here as the reference.
CHECKBOXES = Template(
    """{% for field in form %}{% if field.field.widget.allow_multiple_selected %}
          {% for choice in field %}
          <div class="govuk-checkboxes__item">
            <input class="govuk-checkboxes__input" id="{{ choice.id_for_label }}" name="{{ field.html_name }}" type="checkbox" value="{{ choice.data.value }}"{% if choice.data.selected %} checked{% endif %}>
            <label class="govuk-label govuk-checkboxes__label" for="{{ choice.id_for_label }}">{{ choice.choice_label }}</label>
          </div>
          {% endfor %}{% endif %}{% endfor %}"""
)
CHECKBOX_TAGS = Template(
    "{% load market_tags %}{% for field in form %}"
    "{% if field.field.widget.allow_multiple_selected %}\n"
    "          {% checkbox_items field %}{% endif %}{% endfor %}"
)
OPTIONS = Template(
    """{% for field in form %}{% if field.field.widget.input_type == "select" %}<select>{% for value, text in field.field.choices %}<option value="{{ value }}"{% if field.value|stringformat:"s" == value|stringformat:"s" %} selected{% endif %}>{{ text }}</option>{% endfor %}</select>{% endif %}{% endfor %}"""
)
OPTION_TAGS = Template(
    '{% load market_tags %}{% for field in form %}{% if field.field.widget.input_type == "select" %}'
    "<select>{% select_options field %}</select>{% endif %}{% endfor %}"
)
PROVIDER_ROWS = Template(
    """{% for provider in providers %}
  <tr class="govuk-table__row">
    {% if selectable %}<td class="govuk-table__cell">
      <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes"><div class="govuk-checkboxes__item">
        <input class="govuk-checkboxes__input" id="select-{{ provider.pk }}" name="provider" type="checkbox" value="{{ provider.pk }}">
        <label class="govuk-label govuk-checkboxes__label" for="select-{{ provider.pk }}"><span class="govuk-visually-hidden">Select {{ provider.name }}</span></label>
      </div></div>
    </td>{% endif %}
    <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'market:provider_detail' provider.pk %}">{{ provider.name }}</a>
      {% if provider.is_tier_one %}<strong class="govuk-tag govuk-tag--purple engage-tag--inline">Tier One</strong>{% endif %}
      {% if not provider.is_active %}<strong class="govuk-tag govuk-tag--grey engage-tag--inline">No registered service</strong>{% endif %}
      {% if provider.cqc_provider_id %}<br><span class="govuk-body-s engage-secondary">{{ provider.cqc_provider_id }}</span>{% endif %}</td>
    <td class="govuk-table__cell govuk-table__cell--numeric">{{ provider.active_services }}</td>
    <td class="govuk-table__cell govuk-table__cell--numeric">{{ provider.total_beds|default:"–" }}</td>
    <td class="govuk-table__cell govuk-table__cell--numeric">{{ provider.locality_count }}</td>
    <td class="govuk-table__cell">{% if provider.contract_manager %}{{ provider.contract_manager.user.full_name }}{% else %}<span class="engage-secondary">None</span>{% endif %}</td>
    <td class="govuk-table__cell">{% for membership in provider.current_memberships %}<strong class="govuk-tag govuk-tag--blue engage-tag--inline" title="{{ membership.association.name }}">{{ membership.association.short_name|default:membership.association.name }}</strong>{% endfor %}</td>
  </tr>
  {% endfor %}"""
)
PROVIDER_ROW_TAGS = Template("{% load market_tags %}{% provider_rows rows selectable %}")

ODD = "<b>Odd</b> & 'quoted' \"name\""


def _filter_data() -> None:
    LocalityFactory(slug="mid", name="Mid & <North>")
    LocalityFactory(slug="south", name="South")
    AssociationFactory(name=ODD, short_name="")
    OfficerFactory(user__full_name="O'Brien <Officer>")


@pytest.mark.parametrize(
    "query",
    ["", "locality=mid&locality=nowhere&rating=good&rating=not-rated&tier_one=yes", "locality=x"],
)
def test_filter_checkboxes_and_options_read_as_the_template_loops_did(query: str) -> None:
    _filter_data()
    for form_class in (ProviderFilterForm, ContactFilterForm):
        form = form_class(QueryDict(query) if query else None)
        form.filters()
        context = Context({"form": form})
        assert CHECKBOX_TAGS.render(context) == CHECKBOXES.render(context)
        assert OPTION_TAGS.render(context) == OPTIONS.render(context)
    assert "Mid &amp; &lt;North&gt;" in CHECKBOX_TAGS.render(Context({"form": form}))


def test_filter_options_mark_the_chosen_association_and_manager() -> None:
    _filter_data()
    officer = OfficerFactory()
    association = AssociationFactory(name="Forum")
    form = ProviderFilterForm(
        QueryDict(f"association={association.pk}&contract_manager={officer.pk}&contracted=no")
    )
    form.filters()
    context = Context({"form": form})
    rendered = OPTION_TAGS.render(context)
    assert rendered == OPTIONS.render(context)
    assert rendered.count(" selected") == 3


@pytest.mark.parametrize("selectable", [True, False])
def test_provider_rows_read_as_the_template_loop_did(
    selectable: bool, officer: Any, provider_a: Any
) -> None:
    odd = ProviderFactory(name=ODD, cqc_provider_id=None, is_active=False, is_tier_one=True)
    ProviderFactory(name="No ID", cqc_provider_id="")
    managed = ProviderFactory(name="Managed", contract_manager=OfficerFactory())
    today = timezone.localdate()
    zeta, alpha = (
        AssociationFactory(name="Zeta"),
        AssociationFactory(name="Alpha", short_name="A&B"),
    )
    for provider in (odd, managed):
        MembershipFactory(provider=provider, association=zeta)
        MembershipFactory(provider=provider, association=alpha)
    MembershipFactory(
        provider=managed,
        association=AssociationFactory(name="Ended"),
        start=today - timedelta(days=400),
        end=today - timedelta(days=1),
    )
    queryset = selectors.providers(
        user=officer, filters=ProviderFilters(include_inactive=True)
    ).order_by("name", "pk")
    providers = list(queryset)
    rows = selectors.with_current_associations(list(selectors.provider_rows(queryset)))
    reference = PROVIDER_ROWS.render(Context({"providers": providers, "selectable": selectable}))
    rendered = PROVIDER_ROW_TAGS.render(Context({"rows": rows, "selectable": selectable}))
    assert rendered == reference
    assert "&lt;b&gt;Odd&lt;/b&gt; &amp; &#x27;quoted&#x27; &quot;name&quot;" in rendered
    assert ">A&amp;B<" in rendered and "Ended" not in rendered


SERVICE_ROWS = Template(
    """{% for service in services %}
  <tr class="govuk-table__row">
    <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'market:service_detail' service.pk %}">{{ service.name }}</a>{% if not service.is_active %} <strong class="govuk-tag govuk-tag--grey engage-tag--inline">Deregistered</strong>{% endif %}<br><span class="govuk-body-s engage-secondary">{{ service.postcode }}</span></td>
    <td class="govuk-table__cell">{% for type in service.type_list %}{{ type.name }}{% if not forloop.last %}, {% endif %}{% endfor %}</td>
    <td class="govuk-table__cell">{{ service.locality.name|default:"–" }}</td>
    <td class="govuk-table__cell govuk-table__cell--numeric">{{ service.beds|default_if_none:"–" }}</td>
    <td class="govuk-table__cell">{% include "market/_rating.html" %}</td>
    <td class="govuk-table__cell">{{ service.is_contracted|yes_no }}</td>
  </tr>
  {% endfor %}"""
)
CONTACT_ROWS = Template(
    """{% for contact in contacts %}
  <tr class="govuk-table__row">
    <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'market:contact_detail' contact.pk %}">{{ contact.name }}</a>{% if contact.job_title %}<br><span class="govuk-body-s engage-secondary">{{ contact.job_title }}</span>{% endif %}{% if not contact.is_active %} <strong class="govuk-tag govuk-tag--grey engage-tag--inline">Left</strong>{% endif %}</td>
    <td class="govuk-table__cell">{{ contact.get_level_display }}</td>
    <td class="govuk-table__cell">{% for service in contact.services.all %}{{ service.name }}{% if not forloop.last %}, {% endif %}{% empty %}Across the provider{% endfor %}</td>
    <td class="govuk-table__cell">{% if contact.email %}{{ contact.email }}{% if not contact.can_be_emailed %}<br><strong class="govuk-tag govuk-tag--grey engage-tag--inline">{% if contact.unsubscribed %}Unsubscribed{% else %}No consent{% endif %}</strong>{% endif %}{% else %}<span class="engage-secondary">None</span>{% endif %}</td>
  </tr>
  {% endfor %}"""
)
PAGE_TAGS = Template(
    "{% load market_tags %}{% service_rows services %}|{% contact_rows contacts %}"
)


def test_provider_page_tables_read_as_the_template_loops_did(
    provider_a: Any, service_types: Any
) -> None:
    today = timezone.localdate()
    odd_types = [ServiceTypeFactory(name="Day & <night>"), *service_types.values()]
    services = [
        ServiceFactory(provider=provider_a, name=ODD, locality=None, beds=None, types=odd_types),
        ServiceFactory(provider=provider_a, name="Closed", beds=0, rating="inadequate"),
        ServiceFactory(provider=provider_a, name="Rated", rating="requires-improvement"),
        ServiceFactory(provider=provider_a, name="Unknown", rating="no-such-rating"),
    ]
    services[1].status, services[1].deregistered_on = "deregistered", today
    services[1].save()
    ServiceFactory(provider=provider_a, name="Best", rating="outstanding", is_contracted=True)
    ContactFactory(provider=provider_a, name=ODD, job_title="Boss & <co>", works_at=services[:2])
    ContactFactory(provider=provider_a, name="Gone", is_active=False, works_at=[services[2]])
    ContactFactory(provider=provider_a, name="Quiet", email="", job_title="")
    ContactFactory(provider=provider_a, name="Out", unsubscribed=True, level=Level.OWNER)
    ContactFactory(provider=provider_a, name="Unasked", email_consent=False, level=Level.WORKER)
    context = Context(
        {
            "services": list(selectors.service_rows_of_provider(provider_a)),
            "contacts": list(selectors.contacts_of_provider(provider_a)),
        }
    )
    rendered = PAGE_TAGS.render(context)
    assert rendered == f"{SERVICE_ROWS.render(context)}|{CONTACT_ROWS.render(context)}"
    for expected in ("Deregistered", "Left", "Unsubscribed", "No consent", "Across the provider"):
        assert expected in rendered
    assert "Day &amp; &lt;night&gt;" in rendered and "Boss &amp; &lt;co&gt;" in rendered


@pytest.mark.parametrize("form_class", [ProviderFilterForm, ServiceFilterForm, ContactFilterForm])
def test_filter_fields_sorts_the_fields_as_the_panels_conditions_did(form_class: Any) -> None:
    form = form_class(QueryDict("provider=7&include_left=on"))
    reference = Template(
        "{% for field in form %}"
        '{% if field.name != "q" and field.field.widget.input_type == "checkbox" and field.field.widget.allow_multiple_selected %}g:{{ field.name }} {% endif %}'
        '{% if field.field.widget.input_type == "select" %}s:{{ field.name }} {% endif %}'
        '{% if field.field.widget.input_type == "checkbox" and not field.field.widget.allow_multiple_selected or field.is_hidden and field.value %}o:{{ field.name }} {% endif %}'
        "{% endfor %}"
    )
    fields = filter_fields(form)
    sorted_names = sorted(
        [f"g:{f.name}" for f in fields["checkbox_groups"]]
        + [f"s:{f.name}" for f in fields["selects"]]
        + [f"o:{f.name}" for f in fields["others"]]
    )
    assert sorted_names == sorted(reference.render(Context({"form": form})).split())
    assert [f.name for f in fields["others"]] == [
        name for name in form.fields if f"o:{name}" in sorted_names
    ]
