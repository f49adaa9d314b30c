"""Factories of the council side (and of users, which every app needs)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from engage.accounts.models import Role, User
from engage.council.models import Councillor, Officer, PartnerOrganisation, PartnerPerson, Team

TEST_PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    role = Role.OFFICER
    password = factory.django.Password(TEST_PASSWORD)


class TeamFactory(DjangoModelFactory[Team]):
    class Meta:
        model = Team
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class OfficerFactory(DjangoModelFactory[Officer]):
    class Meta:
        model = Officer

    user = factory.SubFactory(UserFactory, role=Role.OFFICER)
    team = factory.SubFactory(TeamFactory)
    job_title = "Contract Manager"


class PartnerOrganisationFactory(DjangoModelFactory[PartnerOrganisation]):
    class Meta:
        model = PartnerOrganisation

    name = factory.Sequence(lambda n: f"Integrated Care Board {n}")
    kind = PartnerOrganisation.Kind.ICB


class PartnerPersonFactory(DjangoModelFactory[PartnerPerson]):
    class Meta:
        model = PartnerPerson

    organisation = factory.SubFactory(PartnerOrganisationFactory)
    name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"partner{n}@nhs.example")


class CouncillorFactory(DjangoModelFactory[Councillor]):
    class Meta:
        model = Councillor

    name = factory.Faker("name", locale="en_GB")
    division = factory.Sequence(lambda n: f"Division {n}")
