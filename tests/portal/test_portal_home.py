"""The portal home: who to contact, open enquiries, and the sections other apps fill."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engage.enquiries import services
from engage.enquiries.models import Status
from engage.enquiries.selectors import ContactRoute
from engage.portal import panels
from engage.portal.panels import PortalPanel
from tests.enquiries.factories import submit

pytestmark = pytest.mark.django_db

HOME = reverse("portal:home")


def events_panel(user: Any, provider: Any) -> dict[str, Any]:
    """A stand-in for the calendar app's panel."""
    return {"routes": [ContactRoute(topic="Forum", name=f"Spring forum for {provider.name}")]}


def nothing_panel(user: Any, provider: Any) -> None:
    return None


def test_provider_users_land_on_the_portal(client_for: Any, provider_a_user: Any) -> None:
    response = client_for(provider_a_user).get("/")
    assert response.status_code == 302
    assert response["Location"] == HOME


def test_the_home_shows_who_to_contact_and_open_enquiries_with_owner_and_target(
    client_for: Any,
    provider_a_user: Any,
    enquiry_a: Any,
    enquiry_b: Any,
    officer: Any,
    contract_manager: Any,
    provider_a: Any,
) -> None:
    provider_a.contract_manager = contract_manager
    provider_a.save()
    finished = submit(provider_a, enquiry_a.category, subject="Already sorted")
    services.change_status(actor=officer, enquiry=finished, to_status=Status.CLOSED)
    html = client_for(provider_a_user).get(HOME).content.decode()
    assert "Who to contact" in html
    assert "Carla Contracts" in html
    assert "Urgent:" in html
    assert enquiry_a.subject in html
    assert enquiry_a.reference in html
    assert "The Contracts team" in html  # the owner, a team queue
    assert enquiry_a.first_response_due.strftime("%-d %b %Y") in html
    assert "for a first reply" in html
    assert "Already sorted" not in html
    assert enquiry_b.reference not in html


def test_sections_with_nothing_yet_show_a_friendly_empty_state(
    client_for: Any, provider_a_user: Any, categories: Any
) -> None:
    html = unescape(client_for(provider_a_user).get(HOME).content.decode())
    for section in panels.PORTAL_SECTIONS:
        assert section.title in html
    assert "Your organisation has no open enquiries." in html
    assert "There are no events planned for your services yet." in html
    assert "There are no newsletters for you yet." in html


def test_other_apps_add_panels_without_touching_the_portal_views(
    client_for: Any, provider_a_user: Any, categories: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        panels,
        "PORTAL_PANELS",
        (
            *panels.PORTAL_PANELS,
            PortalPanel(
                "events",
                "enquiries/portal/_who_to_contact_panel.html",
                "tests.portal.test_portal_home.events_panel",
            ),
            PortalPanel(
                "newsletters",
                "enquiries/portal/_who_to_contact_panel.html",
                "tests.portal.test_portal_home.nothing_panel",
            ),
        ),
    )
    html = client_for(provider_a_user).get(HOME).content.decode()
    assert "Spring forum for Alpha Care Ltd" in html
    assert "There are no events planned for your services yet." not in html
    assert "There are no newsletters for you yet." in html  # its panel had nothing


def test_only_provider_users_linked_to_a_provider_use_the_portal(
    client_for: Any, officer: Any, pem: Any, provider_a_user: Any
) -> None:
    assert client_for(officer).get(HOME).status_code == 403
    assert client_for(pem).get(HOME).status_code == 403
    contact = provider_a_user.contact
    contact.user = None
    contact.save()
    assert client_for(provider_a_user).get(HOME).status_code == 404


def _count(client: Any, url: str) -> int:
    # With nothing cached: every panel's queries are counted (the home caches some panels).
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [HOME, reverse("portal:enquiries") + "?show=all"])
def test_portal_pages_use_the_same_queries_for_few_or_many_enquiries(
    client_for: Any, provider_a_user: Any, provider_a: Any, categories: Any, officer: Any, url: str
) -> None:
    client = client_for(provider_a_user)
    submit(provider_a, categories["payments"])
    client.get(url)  # the first visit ever makes the rows of the data versions it reads
    few = _count(client, url)
    for index, slug in enumerate(list(categories) * 2):
        enquiry = submit(provider_a, categories[slug])
        if index % 3 == 0:
            services.take_enquiry(actor=officer, enquiry=enquiry)
    assert _count(client, url) == few


def test_the_home_looks_the_contact_up_once_for_all_its_panels(
    client_for: Any, provider_a_user: Any
) -> None:
    from engage.market.models import Contact

    client = client_for(provider_a_user)
    client.get(HOME)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(HOME).status_code == 200
    contact_table = f'FROM "{Contact._meta.db_table}" '
    lookups = [q for q in captured.captured_queries if contact_table in q["sql"]]
    assert len(lookups) == 1


def test_contact_for_remembers_only_within_a_reading_block(provider_a_user: Any) -> None:
    from engage.portal.access import contact_for, reading

    with reading():
        first = contact_for(provider_a_user)
        with CaptureQueriesContext(connection) as captured:
            assert contact_for(provider_a_user) is first
        assert not captured.captured_queries
    assert first is not None
    first.is_active = False
    first.save()
    assert contact_for(provider_a_user) is None  # outside the block: looked up afresh
