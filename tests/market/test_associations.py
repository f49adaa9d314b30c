"""Associations: memberships over time, adding and ending them, and merging two into one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from engage.market import selectors, services
from engage.market.models import Association, AssociationMembership
from tests.market.factories import AssociationFactory, MembershipFactory, ProviderFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def two_associations(db):
    """ICA and CPN: Both Ltd in both, Only-ICA and Only-CPN in one each, Left-ICA gone."""
    ica = AssociationFactory(name="Independent Care Association", short_name="ICA")
    cpn = AssociationFactory(name="Care Provider Network", short_name="CPN", kind="network")
    both = ProviderFactory(name="Both Ltd")
    only_ica = ProviderFactory(name="Only ICA Ltd")
    only_cpn = ProviderFactory(name="Only CPN Ltd")
    left = ProviderFactory(name="Left ICA Ltd")
    MembershipFactory(association=ica, provider=both, start=date(2022, 1, 1))
    MembershipFactory(association=cpn, provider=both, start=date(2023, 1, 1))
    MembershipFactory(association=ica, provider=only_ica, start=date(2022, 6, 1))
    MembershipFactory(association=cpn, provider=only_cpn, start=date(2022, 9, 1))
    MembershipFactory(
        association=ica, provider=left, start=date(2021, 1, 1), end=date(2023, 12, 31)
    )
    return {
        "ica": ica,
        "cpn": cpn,
        "both": both,
        "only_ica": only_ica,
        "only_cpn": only_cpn,
        "left": left,
    }


def test_merging_keeps_every_memberships_history(officer, two_associations) -> None:
    ica, cpn = two_associations["ica"], two_associations["cpn"]
    merged_on = date(2025, 4, 1)
    merged = services.merge_associations(
        actor=officer,
        associations=[ica, cpn],
        name="Care Association of the County",
        short_name="CAC",
        kind="member-body",
        merged_on=merged_on,
    )

    new = AssociationMembership.objects.filter(association=merged)
    assert sorted(m.provider.name for m in new) == ["Both Ltd", "Only CPN Ltd", "Only ICA Ltd"]
    assert all(m.start == merged_on and m.end is None for m in new)
    assert "ICA" in new.get(provider=two_associations["both"]).note
    old = AssociationMembership.objects.filter(association__in=[ica, cpn])
    assert old.count() == 5  # nothing deleted
    assert set(old.exclude(provider=two_associations["left"]).values_list("end", flat=True)) == {
        merged_on
    }
    assert old.get(provider=two_associations["left"]).end == date(2023, 12, 31)  # past untouched
    for association in (ica, cpn):
        association.refresh_from_db()
        assert association.merged_into == merged and association.merged_on == merged_on
        assert not association.is_active
    assert set(merged.merged_from.all()) == {ica, cpn}
    # The history before the merger is unchanged: on 1 Jan 2024 ICA had two members.
    assert selectors.current_memberships(date(2024, 1, 1)).filter(association=ica).count() == 2
    assert LogEntry.objects.get_for_object(ica).filter(actor=officer).exists()


def test_merging_is_refused_for_one_association_a_merged_one_or_a_future_date(
    officer, two_associations
) -> None:
    ica, cpn = two_associations["ica"], two_associations["cpn"]
    common = {"actor": officer, "name": "New", "short_name": "", "kind": "network"}
    with pytest.raises(ValidationError, match="at least two"):
        services.merge_associations(associations=[ica, ica], merged_on=TODAY(), **common)
    with pytest.raises(ValidationError, match="future"):
        services.merge_associations(
            associations=[ica, cpn], merged_on=TODAY() + timedelta(days=1), **common
        )
    with pytest.raises(ValidationError, match="start after"):
        services.merge_associations(associations=[ica, cpn], merged_on=date(2022, 12, 1), **common)
    services.merge_associations(associations=[ica, cpn], merged_on=TODAY(), **common)
    ica.refresh_from_db()
    with pytest.raises(ValidationError, match="already been merged"):
        services.merge_associations(
            associations=[ica, AssociationFactory()],
            merged_on=TODAY(),
            **{**common, "name": "Newer"},
        )


def test_merge_pages_check_answers_before_merging(client_for, officer, two_associations) -> None:
    ica, cpn = two_associations["ica"], two_associations["cpn"]
    client = client_for(officer)
    form = {
        "associations": [ica.pk, cpn.pk],
        "name": "Care Association of the County",
        "short_name": "CAC",
        "kind": "member-body",
        "merged_on_0": "1",
        "merged_on_1": "4",
        "merged_on_2": "2025",
    }
    check = client.post("/market/associations/merge/", form)
    html = check.content.decode()
    assert "Check the merger before you confirm it" in html
    assert "3 providers become members" in html and "1 of them were in more than one" in html
    assert not Association.objects.filter(name="Care Association of the County").exists()
    change = client.post("/market/associations/merge/", {**form, "edit": "yes"})
    assert 'value="Care Association of the County"' in change.content.decode()
    done = client.post("/market/associations/merge/", {**form, "confirm": "yes"})
    merged = Association.objects.get(name="Care Association of the County")
    assert done.url == f"/market/associations/{merged.pk}/"
    page = client.get(done.url).content.decode()
    assert "Formed by merging" in page and "Independent Care Association" in page
    old_page = client.get(f"/market/associations/{ica.pk}/").content.decode()
    assert "Merged into" in old_page and "Left ICA Ltd" in old_page


def test_merge_form_explains_its_errors(client_for, officer, two_associations) -> None:
    response = client_for(officer).post(
        "/market/associations/merge/",
        {
            "associations": [two_associations["ica"].pk],
            "name": "Care Provider Network",
            "kind": "network",
        },
    )
    html = response.content.decode()
    assert "Select at least two associations to merge" in html
    assert "An association with this name already exists" in html
    assert "Enter the day, month and year" in html


def test_adding_a_membership_refuses_an_overlap(client_for, officer, two_associations) -> None:
    client = client_for(officer)
    both = two_associations["both"]
    url = f"/market/providers/{both.pk}/associations/add/"
    overlap = client.post(
        url,
        {
            "association": two_associations["ica"].pk,
            "start_0": "1",
            "start_1": "1",
            "start_2": "2024",
        },
    )
    assert "already a member of this association at that time" in overlap.content.decode()
    other = AssociationFactory(name="Skills Board Group")
    response = client.post(
        url, {"association": other.pk, "start_0": "1", "start_1": "2", "start_2": "2025"}
    )
    assert response.status_code == 302
    assert AssociationMembership.objects.filter(
        association=other, provider=both, start=date(2025, 2, 1)
    ).exists()


def test_ending_a_membership_keeps_it_as_history(client_for, officer, two_associations) -> None:
    membership = AssociationMembership.objects.get(
        association=two_associations["cpn"], provider=two_associations["only_cpn"]
    )
    client = client_for(officer)
    early = client.post(
        f"/market/memberships/{membership.pk}/end/", {"end_0": "1", "end_1": "1", "end_2": "2020"}
    )
    assert "it cannot end before that" in early.content.decode()
    client.post(
        f"/market/memberships/{membership.pk}/end/", {"end_0": "30", "end_1": "6", "end_2": "2025"}
    )
    membership.refresh_from_db()
    assert membership.end == date(2025, 6, 30)
    provider_page = client.get(f"/market/providers/{membership.provider_id}/").content.decode()
    assert "30 Jun 2025" in provider_page


def test_members_over_time(two_associations) -> None:
    ica = two_associations["ica"]
    series = selectors.members_over_time(ica, until=date(2024, 6, 30), quarters=12)
    counts = {point.on: point.members for point in series}
    assert counts[date(2022, 1, 1)] == 2  # Left ICA and Both
    assert counts[date(2022, 7, 1)] == 3
    assert counts[date(2024, 4, 1)] == 2  # Left ICA left at the end of 2023
    assert series[-1].on == date(2024, 6, 30)


def test_association_pages_show_members_and_a_chart_with_its_table(
    client_for, councillor, two_associations
) -> None:
    client = client_for(councillor)
    listing = client.get("/market/associations/").content.decode()
    assert "Independent Care Association" in listing and "Care Provider Network" in listing
    page = client.get(f"/market/associations/{two_associations['ica'].pk}/").content.decode()
    assert "Only ICA Ltd" in page and "Left ICA Ltd" in page
    assert 'id="members-chart"' in page and "Members on the first day of each quarter" in page
    assert "<script>" not in page.replace('<script type="application/json"', "")  # no inline code


def test_association_pages_have_constant_queries(
    client_for, pem, two_associations, django_assert_max_num_queries
) -> None:
    client = client_for(pem)
    ica = two_associations["ica"]
    with django_assert_max_num_queries(10) as small:
        client.get(f"/market/associations/{ica.pk}/")
        client.get("/market/associations/")
    for _ in range(20):
        MembershipFactory(association=ica)
        MembershipFactory(association=AssociationFactory())
    with django_assert_max_num_queries(10) as large:
        client.get(f"/market/associations/{ica.pk}/")
        client.get("/market/associations/")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_adding_and_editing_an_association(client_for, officer) -> None:
    client = client_for(officer)
    client.post("/market/associations/add/", {"name": "Homecare Forum", "kind": "network"})
    association = Association.objects.get(name="Homecare Forum")
    duplicate = client.post(
        "/market/associations/add/", {"name": "homecare forum", "kind": "network"}
    )
    assert "already exists" in duplicate.content.decode()
    client.post(
        f"/market/associations/{association.pk}/edit/",
        {"name": "Homecare Forum", "short_name": "HF", "kind": "member-body"},
    )
    association.refresh_from_db()
    assert association.short_name == "HF" and association.kind == "member-body"
