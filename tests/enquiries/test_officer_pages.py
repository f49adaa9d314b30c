"""The officer pages: the queue with its tabs, an enquiry, replying, notes, status,
reassignment and logging a phone or email enquiry."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engage.enquiries import services
from engage.enquiries.models import Enquiry, EnquiryMessage, Status
from engage.outbox.models import OutgoingEmail
from tests.council.factories import OfficerFactory
from tests.enquiries.factories import london, submit

pytestmark = pytest.mark.django_db

QUEUE = reverse("enquiries:queue")


@pytest.fixture(autouse=True)
def _thursday() -> Iterator[None]:
    """Every test here happens on Thursday 14 January 2027, 10:00."""
    with time_machine.travel(london(2027, 1, 14, 10), tick=False):
        yield


def _references(html: str) -> list[str]:
    return re.findall(r">(ENQ-\d{4}-\d{5})</a>", html)


@pytest.fixture
def queue_data(
    provider_a: Any, provider_b: Any, categories: Any, officer: Any, teams: Any
) -> dict[str, Enquiry]:
    """Mine (overdue), my team's queue (due soon), another team's, and a resolved one."""
    with time_machine.travel(london(2027, 1, 11, 10), tick=False):
        mine = submit(provider_a, categories["payments"], subject="Mine overdue")
        services.reassign_enquiry(actor=officer, enquiry=mine, owner=officer.officer)
    with time_machine.travel(london(2027, 1, 13, 10), tick=False):
        team = submit(provider_b, categories["payments"], subject="Team due soon")
        other = submit(provider_b, categories["quality"], subject="Quality far away")
        done = submit(provider_a, categories["payments"], subject="Done already")
        services.change_status(actor=officer, enquiry=done, to_status=Status.RESOLVED)
    return {"mine": mine, "team": team, "other": other, "done": done}


@pytest.mark.parametrize(
    ("tab", "expected"),
    [
        ("mine", ["mine"]),
        ("team", ["mine", "team"]),
        ("due-soon", ["team"]),
        ("overdue", ["mine"]),
        ("all", ["mine", "team", "other"]),
    ],
)
def test_each_tab_shows_its_enquiries(
    client_for: Any, officer: Any, queue_data: dict[str, Enquiry], tab: str, expected: list[str]
) -> None:
    html = client_for(officer).get(f"{QUEUE}?tab={tab}&sort=received").content.decode()
    assert sorted(_references(html)) == sorted(queue_data[k].reference for k in expected)


def test_the_tabs_show_how_many_open_enquiries_each_holds(
    client_for: Any, officer: Any, queue_data: dict[str, Enquiry]
) -> None:
    html = client_for(officer).get(QUEUE).content.decode()
    counts = dict(
        re.findall(r'href="\?tab=([a-z-]+)"[^>]*>[^<]+<span class="engage-tabs__count">(\d+)', html)
    )
    assert counts == {"mine": "1", "team": "2", "due-soon": "1", "overdue": "1", "all": "3"}
    assert "Overdue</strong>" in html


def test_filters_narrow_the_queue(
    client_for: Any, officer: Any, queue_data: dict[str, Enquiry]
) -> None:
    client = client_for(officer)

    def refs(query: str) -> set[str]:
        return set(_references(client.get(f"{QUEUE}?tab=all&{query}").content.decode()))

    assert refs("status=any") == {e.reference for e in queue_data.values()}
    assert refs("status=resolved") == {queue_data["done"].reference}
    assert refs("category=quality") == {queue_data["other"].reference}
    assert refs("team=contracts") == {queue_data["mine"].reference, queue_data["team"].reference}
    assert refs("q=Beta+Nursing") == {queue_data["team"].reference, queue_data["other"].reference}
    assert refs(f"q={queue_data['team'].reference}") == {queue_data["team"].reference}
    assert refs("target=overdue") == {queue_data["mine"].reference}
    provider = queue_data["mine"].provider_id
    assert refs(f"provider={provider}&status=any") == {
        queue_data["mine"].reference,
        queue_data["done"].reference,
    }


def test_the_queue_sorts_by_next_target_and_by_received(
    client_for: Any, officer: Any, queue_data: dict[str, Enquiry]
) -> None:
    client = client_for(officer)
    by_due = _references(client.get(f"{QUEUE}?tab=all&sort=due").content.decode())
    assert by_due == [queue_data[k].reference for k in ("mine", "team", "other")]
    newest = _references(client.get(f"{QUEUE}?tab=all&sort=-received").content.decode())
    assert newest[-1] == queue_data["mine"].reference


def test_the_queue_exports_what_it_shows(
    client_for: Any, officer: Any, queue_data: dict[str, Enquiry]
) -> None:
    response = client_for(officer).get(f"{QUEUE}?tab=all&export=csv")
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Disposition"].startswith('attachment; filename="enquiries-')
    assert body.count("\n") == 4  # heading and three open enquiries
    assert queue_data["team"].reference in body


def _queue_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{QUEUE}?tab=all&status=any").status_code == 200
    return len(queries)


def test_the_queue_uses_the_same_queries_for_few_or_many(
    client_for: Any,
    officer: Any,
    provider_a: Any,
    provider_b: Any,
    categories: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(officer)
    submit(provider_a, categories["payments"])
    few = _queue_queries(client)
    slugs = list(categories)
    for index in range(15):
        enquiry = submit(provider_b if index % 2 else provider_a, categories[slugs[index % 7]])
        if index % 3 == 0:
            services.take_enquiry(actor=officer, enquiry=enquiry)
    many = _queue_queries(client)
    assert few == many
    with django_assert_max_num_queries(14):
        client.get(f"{QUEUE}?tab=all&status=any")


def test_the_queue_pages(
    client_for: Any, officer: Any, provider_a: Any, categories: Any, settings: Any
) -> None:
    settings.ENGAGE_PAGE_SIZE = 5
    for _ in range(7):
        submit(provider_a, categories["payments"])
    client = client_for(officer)
    first = _references(client.get(f"{QUEUE}?tab=all").content.decode())
    second = _references(client.get(f"{QUEUE}?tab=all&page=2").content.decode())
    assert (len(first), len(second)) == (5, 2)
    assert not set(first) & set(second)


def test_only_officers_may_open_the_queue(
    client_for: Any, councillor: Any, partner: Any, provider_a_user: Any, ldd: Any
) -> None:
    for user in (councillor, partner, provider_a_user):
        assert client_for(user).get(QUEUE).status_code == 403
    assert client_for(ldd).get(QUEUE).status_code == 200


def test_the_navigation_leads_officers_to_the_queue(client_for: Any, officer: Any) -> None:
    html = client_for(officer).get("/").content.decode()
    assert f'href="{QUEUE}"' in html


def test_the_enquiry_page_shows_the_thread_with_internal_notes_marked(
    client_for: Any, officer: Any, enquiry_a: Any
) -> None:
    services.add_note(actor=officer, enquiry=enquiry_a, body="Finance says Friday.")
    html = (
        client_for(officer).get(reverse("enquiries:detail", args=[enquiry_a.pk])).content.decode()
    )
    assert "Finance says Friday." in html
    assert "engage-message--note" in html
    assert "Only officers can see this" in html
    assert "Who to contact" in html
    assert "Received by provider portal" in html


def test_replying_on_the_page_emails_the_provider_and_can_wait_for_them(
    client_for: Any, officer: Any, enquiry_a: Any
) -> None:
    response = client_for(officer).post(
        reverse("enquiries:reply", args=[enquiry_a.pk]),
        {"reply-body": "Which invoice number?", "reply-then_status": "waiting"},
    )
    assert response.status_code == 302
    enquiry_a.refresh_from_db()
    assert enquiry_a.status == Status.WAITING
    assert enquiry_a.first_response_met is True
    reply = enquiry_a.messages.get(kind=EnquiryMessage.Kind.REPLY)
    email = OutgoingEmail.objects.get(idempotency_key=f"enquiry-reply:{reply.pk}")
    assert email.to == ["manager@alpha.example"]
    assert "Which invoice number?" in email.body_text


def test_an_empty_reply_is_refused_with_the_error_summary(
    client_for: Any, officer: Any, enquiry_a: Any
) -> None:
    response = client_for(officer).post(
        reverse("enquiries:reply", args=[enquiry_a.pk]), {"reply-body": ""}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_reply-body">Enter your reply' in html
    assert "<title>Error:" in html


def test_a_note_on_the_page_is_not_emailed(client_for: Any, officer: Any, enquiry_a: Any) -> None:
    before = OutgoingEmail.objects.count()
    response = client_for(officer).post(
        reverse("enquiries:note", args=[enquiry_a.pk]), {"note-body": "Called them."}
    )
    assert response.status_code == 302
    assert enquiry_a.messages.filter(kind="note", body="Called them.").exists()
    assert OutgoingEmail.objects.count() == before


def test_status_changes_on_the_page_follow_the_table(
    client_for: Any, officer: Any, enquiry_a: Any
) -> None:
    client = client_for(officer)
    url = reverse("enquiries:status", args=[enquiry_a.pk])
    assert client.post(url, {"status-to_status": "closed"}).status_code == 302
    enquiry_a.refresh_from_db()
    assert enquiry_a.status == Status.CLOSED
    refused = client.post(url, {"status-to_status": "waiting"})
    assert refused.status_code == 422
    assert "Select a valid choice" in refused.content.decode()
    page = client.get(reverse("enquiries:detail", args=[enquiry_a.pk])).content.decode()
    assert "Reopen (in progress)" in page


def test_reassigning_and_taking_on_the_page(
    client_for: Any, officer: Any, pem: Any, enquiry_a: Any, teams: Any
) -> None:
    colleague = OfficerFactory(team=teams["contracts"], user__full_name="Cal Colleague")
    response = client_for(pem).post(
        reverse("enquiries:reassign", args=[enquiry_a.pk]),
        {"reassign-owner": colleague.pk, "reassign-note": "Cover"},
    )
    assert response.status_code == 302
    enquiry_a.refresh_from_db()
    assert enquiry_a.owner == colleague
    client_for(officer).post(reverse("enquiries:take", args=[enquiry_a.pk]))
    enquiry_a.refresh_from_db()
    assert enquiry_a.owner == officer.officer
    history = client_for(pem).get(reverse("enquiries:detail", args=[enquiry_a.pk])).content.decode()
    assert "Contracts queue → Cal Colleague" in history
    assert "Cal Colleague → Olu Officer" in history


def test_an_officer_logs_a_phone_enquiry_for_a_provider(
    client_for: Any, officer: Any, provider_b: Any, provider_b_user: Any, categories: Any
) -> None:
    client = client_for(officer)
    found = client.get(reverse("enquiries:log") + "?q=Beta").content.decode()
    log_url = reverse("enquiries:log_for_provider", args=[provider_b.pk])
    assert log_url in found
    assert client.get(log_url).status_code == 200
    refused = client.post(log_url, {"channel": "phone", "category": categories["payments"].pk})
    assert refused.status_code == 422
    assert "Choose who raised it or type their name" in refused.content.decode()
    response = client.post(
        log_url,
        {
            "channel": "phone",
            "contact": provider_b_user.contact.pk,
            "category": categories["payments"].pk,
            "received_on": "2027-01-13",
            "received_time": "16:45",
            "subject": "Remittance query",
            "body": "Rang about the remittance.",
        },
    )
    enquiry = Enquiry.objects.get(subject="Remittance query")
    assert response.status_code == 302
    assert response["Location"] == reverse("enquiries:detail", args=[enquiry.pk])
    assert (enquiry.channel, enquiry.contact_email, enquiry.submitted_by) == (
        "phone",
        "manager@beta.example",
        officer,
    )
    assert enquiry.received_at == london(2027, 1, 13, 16, 45)
    assert OutgoingEmail.objects.filter(idempotency_key=f"enquiry-ack:{enquiry.pk}").exists()


def test_a_logged_enquiry_cannot_be_received_in_the_future(
    client_for: Any, officer: Any, provider_b: Any, categories: Any
) -> None:
    response = client_for(officer).post(
        reverse("enquiries:log_for_provider", args=[provider_b.pk]),
        {
            "channel": "email",
            "contact_name": "Someone New",
            "category": categories["payments"].pk,
            "received_on": "2027-01-15",
            "subject": "x",
            "body": "y",
        },
    )
    assert response.status_code == 422
    assert "cannot be in the future" in response.content.decode()


def test_the_home_page_tells_an_officer_what_is_theirs_and_overdue(
    client_for: Any, officer: Any, queue_data: dict[str, Enquiry], councillor: Any
) -> None:
    html = client_for(officer).get("/").content.decode()
    assert "1 open enquiry of yours" in html
    assert "2 open in the Contracts team" in html
    assert "1 overdue" in html
    assert "1 due within a working day" in html
    assert "Enquiries from providers" not in client_for(councillor).get("/").content.decode()


def test_finding_a_provider_to_log_for_uses_the_same_queries_for_few_or_many(
    client_for: Any, officer: Any
) -> None:
    from tests.market.factories import ProviderFactory

    client = client_for(officer)
    url = reverse("enquiries:log") + "?q=Care"
    ProviderFactory(name="First Care Ltd")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(25):
        ProviderFactory(name=f"Care Home {index} Ltd")
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(few) == len(many)
    assert "Showing 1 to 20 of 26" in html


def _tab_counts(client: Any) -> dict[str, str]:
    html = client.get(QUEUE).content.decode()
    return dict(
        re.findall(r'href="\?tab=([a-z-]+)"[^>]*>[^<]+<span class="engage-tabs__count">(\d+)', html)
    )


def test_the_tab_counts_change_as_soon_as_an_enquiry_does(
    client_for: Any, officer: Any, queue_data: dict[str, Enquiry], provider_a: Any, categories: Any
) -> None:
    # The counts are cached between requests: every save of an enquiry makes them stale.
    client = client_for(officer)
    assert _tab_counts(client) == {
        "mine": "1",
        "team": "2",
        "due-soon": "1",
        "overdue": "1",
        "all": "3",
    }
    services.reassign_enquiry(actor=officer, enquiry=queue_data["team"], owner=officer.officer)
    assert _tab_counts(client)["mine"] == "2"
    services.change_status(actor=officer, enquiry=queue_data["mine"], to_status=Status.RESOLVED)
    assert _tab_counts(client) == {
        "mine": "1",
        "team": "1",
        "due-soon": "1",
        "overdue": "0",
        "all": "2",
    }
    submit(provider_a, categories["quality"], subject="A new one")
    assert _tab_counts(client)["all"] == "3"
    html = client.get(reverse("core:home")).content.decode()
    assert "1 open enquiry of yours" in html
    Enquiry.objects.filter(pk=queue_data["team"].pk).get().delete()
    assert _tab_counts(client)["all"] == "2"


def test_the_tab_counts_are_read_once_until_something_changes(
    client_for: Any, officer: Any, queue_data: dict[str, Enquiry]
) -> None:
    client = client_for(officer)
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as cached:
        client.get(QUEUE)
    services.change_status(actor=officer, enquiry=queue_data["team"], to_status=Status.RESOLVED)
    with CaptureQueriesContext(connection) as fresh:
        client.get(QUEUE)
    assert len(fresh) == len(cached) + 1


def test_the_tab_counts_follow_the_day_without_any_change(
    client_for: Any, officer: Any, queue_data: dict[str, Enquiry], monkeypatch: Any
) -> None:
    from engage.enquiries import selectors

    monkeypatch.setattr(selectors, "QUEUE_COUNTS_TIMEOUT", None)  # kept: the day must tell
    client = client_for(officer)
    assert _tab_counts(client)["overdue"] == "1"
    # On Monday the team's enquiry, due soon today, is past its target too.
    with time_machine.travel(london(2027, 1, 18, 10), tick=False):
        assert _tab_counts(client_for(officer))["overdue"] == "2"
