"""The rules of a group: forums meet at least 3 times a year and are owned by their locality's
Local Delivery Director; defaults come from data; liaison groups name their association."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from engage.accounts.models import Role
from engage.groups import services
from engage.groups.models import EngagementGroup, GroupKind, GroupKindDefaults
from tests.council.factories import OfficerFactory
from tests.groups.factories import ForumFactory, GroupFactory
from tests.market.factories import AssociationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mid_ldd(localities, teams):
    return OfficerFactory(
        user__role=Role.LDD,
        user__full_name="Morgan Mid",
        team=teams["adult-operations"],
        job_title="Local Delivery Director",
        locality=localities["mid"],
    )


def _forum(localities, **fields):
    return services.create_group(
        actor=None,
        name=fields.pop("name", "Mid Provider Forum"),
        kind=GroupKind.PROVIDER_FORUM,
        purpose="Meet providers of Mid.",
        locality=fields.pop("locality", localities["mid"]),
        **fields,
    )


def test_a_forum_takes_its_defaults_from_the_kind(
    kind_defaults, localities, mid_ldd, teams
) -> None:
    forum = _forum(localities)
    assert forum.owner == mid_ldd
    assert forum.frequency_target == 3 and forum.publication_horizon_months == 12
    assert {t.slug for t in forum.required_teams.all()} == {
        "commissioning",
        "quality-improvement",
        "contracts",
        "safeguarding",
        "service-placement",
    }
    assert [s.slug for s in forum.streams.all()] == [
        "residential-nursing",
        "domiciliary",
        "networking",
    ]
    assert list(forum.audience_localities.all()) == [localities["mid"]]
    assert {t.slug for t in forum.audience_service_types.all()} == {
        "residential",
        "nursing",
        "domiciliary",
    }
    assert (forum.for_owners, forum.for_managers, forum.for_workers) == (False, True, True)


def test_defaults_are_data_a_council_changes(kind_defaults, localities, mid_ldd, teams) -> None:
    row = kind_defaults["forum"]
    row.frequency_target = 5
    row.save()
    row.required_teams.set([teams["safeguarding"]])
    forum = _forum(localities)
    assert forum.frequency_target == 5
    assert [t.slug for t in forum.required_teams.all()] == ["safeguarding"]


def test_a_kind_without_a_defaults_row_uses_the_field_defaults(officer) -> None:
    GroupKindDefaults.objects.filter(kind=GroupKind.OTHER).delete()
    defaults = services.group_defaults(GroupKind.OTHER)
    assert defaults.frequency_target == 4 and defaults.required_teams == ()


@pytest.mark.parametrize(("frequency", "allowed"), [(1, False), (2, False), (3, True), (12, True)])
def test_a_forum_meets_at_least_three_times_a_year(
    kind_defaults, localities, mid_ldd, frequency, allowed
) -> None:
    if allowed:
        assert _forum(localities, frequency_target=frequency).frequency_target == frequency
    else:
        with pytest.raises(ValidationError) as error:
            _forum(localities, frequency_target=frequency)
        assert error.value.message_dict["frequency_target"] == [
            "A provider forum meets at least 3 times a year"
        ]


def test_the_forum_minimum_is_data(kind_defaults, localities, mid_ldd) -> None:
    kind_defaults["forum"].minimum_frequency = 2
    kind_defaults["forum"].save()
    assert _forum(localities, frequency_target=2).frequency_target == 2


def test_other_kinds_may_meet_less_often(kind_defaults, officer) -> None:
    group = services.create_group(
        actor=None,
        name="Small Working Group",
        kind=GroupKind.WORKING_GROUP,
        purpose="x",
        owner=officer.officer,
        frequency_target=1,
    )
    assert group.frequency_target == 1


def test_a_forum_is_owned_by_the_ldd_of_its_own_locality(kind_defaults, localities, teams) -> None:
    north_ldd = OfficerFactory(
        user__role=Role.LDD, team=teams["adult-operations"], locality=localities["north"]
    )
    mid_officer = OfficerFactory(team=teams["contracts"], locality=localities["mid"])
    for wrong_owner in (north_ldd, mid_officer):
        with pytest.raises(ValidationError) as error:
            _forum(localities, owner=wrong_owner)
        assert "Local Delivery Director of its locality" in str(error.value.message_dict["owner"])


def test_a_forum_needs_an_ldd_when_none_is_given(kind_defaults, localities) -> None:
    with pytest.raises(ValidationError, match="Choose who owns the group"):
        _forum(localities)


def test_a_forum_serves_a_locality(kind_defaults, localities, mid_ldd) -> None:
    forum = GroupFactory.build(kind=GroupKind.PROVIDER_FORUM, owner=mid_ldd, frequency_target=3)
    with pytest.raises(ValidationError) as error:
        forum.full_clean()
    assert "locality" in error.value.message_dict


def test_an_association_liaison_names_its_association(officer) -> None:
    liaison = GroupFactory.build(kind=GroupKind.ASSOCIATION_LIAISON, owner=officer.officer)
    with pytest.raises(ValidationError) as error:
        liaison.full_clean()
    assert error.value.message_dict["association"] == [
        "Choose the association this liaison is with"
    ]
    working = GroupFactory.build(owner=officer.officer, association=AssociationFactory())
    with pytest.raises(ValidationError, match="Only an association liaison"):
        working.full_clean()


def test_updating_a_forum_keeps_its_rules(kind_defaults, localities, mid_ldd) -> None:
    forum = _forum(localities)
    with pytest.raises(ValidationError):
        services.update_group(actor=None, group=forum, frequency_target=2)
    forum.refresh_from_db()
    assert forum.frequency_target == 3


def test_adding_a_forum_is_two_steps_starting_from_its_defaults(
    client_for, pem, kind_defaults, localities, mid_ldd, teams, streams
) -> None:
    client = client_for(pem)
    step_one = client.post("/groups/add/", {"kind": GroupKind.PROVIDER_FORUM, "locality": "mid"})
    assert step_one.status_code == 302
    step_two_url = step_one["Location"]
    assert step_two_url == "/groups/add/?kind=provider-forum&locality=mid"
    form = client.get(step_two_url)
    assert form.context["form"].initial["owner"] == mid_ldd
    assert form.context["form"].initial["frequency_target"] == 3
    response = client.post(
        step_two_url,
        {
            "name": "Mid Provider Forum",
            "kind": GroupKind.PROVIDER_FORUM,
            "purpose": "Meet providers of Mid",
            "status": "active",
            "locality": localities["mid"].pk,
            "owner": mid_ldd.pk,
            "frequency_target": 3,
            "publication_horizon_months": 12,
            "required_teams": [teams["contracts"].pk],
            "streams": [s.pk for s in streams.values()],
            "levels": ["manager", "worker"],
        },
    )
    assert response.status_code == 302
    forum = EngagementGroup.objects.get(name="Mid Provider Forum")
    assert response["Location"] == f"/groups/{forum.pk}/"
    assert forum.created_by == pem
    assert (forum.for_managers, forum.for_workers, forum.for_owners) == (True, True, False)


def test_step_one_asks_for_a_forums_locality(client_for, pem) -> None:
    response = client_for(pem).post("/groups/add/", {"kind": GroupKind.PROVIDER_FORUM})
    assert "Choose the locality this forum serves" in response.content.decode()


def test_the_group_form_explains_a_broken_forum_rule(
    client_for, pem, kind_defaults, localities, mid_ldd
) -> None:
    forum = ForumFactory(locality=localities["mid"], owner=mid_ldd)
    response = client_for(pem).post(
        f"/groups/{forum.pk}/edit/",
        {
            "name": forum.name,
            "kind": GroupKind.PROVIDER_FORUM,
            "purpose": "x",
            "status": "active",
            "locality": localities["mid"].pk,
            "owner": pem.officer.pk,
            "frequency_target": 2,
            "publication_horizon_months": 12,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "A provider forum meets at least 3 times a year" in html
    assert "owned by the Local Delivery Director of its locality" in html
    assert "govuk-error-summary" in html


def test_editing_keeps_what_it_does_not_show_and_records_changes(
    client_for, pem, kind_defaults, localities, mid_ldd
) -> None:
    forum = ForumFactory(locality=localities["mid"], owner=mid_ldd, for_managers=True)
    response = client_for(pem).post(
        f"/groups/{forum.pk}/edit/",
        {
            "name": "Renamed Forum",
            "kind": GroupKind.PROVIDER_FORUM,
            "purpose": "New purpose",
            "status": "paused",
            "locality": localities["mid"].pk,
            "owner": mid_ldd.pk,
            "frequency_target": 4,
            "publication_horizon_months": 12,
            "levels": ["owner"],
            "established_on_0": "1",
            "established_on_1": "4",
            "established_on_2": "2024",
        },
    )
    assert response.status_code == 302
    forum.refresh_from_db()
    assert (forum.name, forum.status, forum.frequency_target) == ("Renamed Forum", "paused", 4)
    assert (forum.for_owners, forum.for_managers) == (True, False)
    assert forum.established_on.isoformat() == "2024-04-01"
    from auditlog.models import LogEntry

    assert LogEntry.objects.get_for_object(forum).filter(actor=pem).exists()


def test_group_names_are_unique_whatever_their_case(officer) -> None:
    GroupFactory(name="Hospital Discharge Group")
    duplicate = GroupFactory.build(name="hospital discharge group", owner=officer.officer)
    with pytest.raises(ValidationError, match="already exists"):
        duplicate.full_clean()


def test_default_review_date_follows_the_kind(kind_defaults, localities, mid_ldd) -> None:
    forum = _forum(localities)
    day = timezone.localdate().replace(month=1, day=31)
    assert services.default_review_due(group=forum, approved_on=day) == day.replace(
        year=day.year + 1
    )
    assert services.add_months(day, 1).day in {28, 29}


def test_the_data_migration_seeds_the_reviews_forum_rules() -> None:
    """A new deployment starts with the review's rules: forums 3 a year, dates 12 months ahead."""
    from importlib import import_module

    migration = import_module("engage.groups.migrations.0002_kind_defaults_from_the_review")
    target, minimum, horizon, levels, tier_one = migration.DEFAULTS[GroupKind.PROVIDER_FORUM]
    assert (target, minimum, horizon) == (3, 3, 12)
    assert set(levels) == {"managers", "workers"} and not tier_one
    assert set(migration.DEFAULTS) == set(GroupKind.values)
