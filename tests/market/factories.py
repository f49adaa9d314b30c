"""Factories of the market register."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from engage.market.models import (
    Association,
    AssociationMembership,
    Contact,
    Level,
    Locality,
    Provider,
    Service,
    ServiceType,
)


class LocalityFactory(DjangoModelFactory[Locality]):
    class Meta:
        model = Locality
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Locality {n}")
    slug = factory.Sequence(lambda n: f"locality-{n}")


class ServiceTypeFactory(DjangoModelFactory[ServiceType]):
    class Meta:
        model = ServiceType
        django_get_or_create = ("slug",)

    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").capitalize())
    slug = factory.Sequence(lambda n: f"type-{n}")


class ProviderFactory(DjangoModelFactory[Provider]):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Provider {n} Care Ltd")
    cqc_provider_id = factory.Sequence(lambda n: f"1-{900000000 + n}")


class ServiceFactory(DjangoModelFactory[Service]):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"Service {n} House")
    cqc_location_id = factory.Sequence(lambda n: f"1-{800000000 + n}")
    locality = factory.SubFactory(LocalityFactory)
    postcode = "CM1 1AA"

    @factory.post_generation
    def types(self, create: bool, extracted: list[ServiceType] | None, **kwargs: object) -> None:
        if create and extracted:
            self.service_types.set(extracted)


class ContactFactory(DjangoModelFactory[Contact]):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Faker("name", locale="en_GB")
    level = Level.MANAGER
    email = factory.Sequence(lambda n: f"contact{n}@provider.example")
    email_consent = True

    @factory.post_generation
    def works_at(self, create: bool, extracted: list[Service] | None, **kwargs: object) -> None:
        if create and extracted:
            self.services.set(extracted)


class AssociationFactory(DjangoModelFactory[Association]):
    class Meta:
        model = Association

    name = factory.Sequence(lambda n: f"Association {n}")
    kind = Association.Kind.MEMBER_BODY


class MembershipFactory(DjangoModelFactory[AssociationMembership]):
    class Meta:
        model = AssociationMembership

    association = factory.SubFactory(AssociationFactory)
    provider = factory.SubFactory(ProviderFactory)
    start = factory.Faker("date_between", start_date="-3y", end_date="-1y")


def make_market(
    count: int, *, localities: list[Locality], types: list[ServiceType]
) -> list[Provider]:
    """``count`` providers, each with two services, two contacts and a membership: enough
    variety for query-count tests (every relation a page shows is filled)."""
    from engage.council.models import Officer

    association = AssociationFactory()
    manager = Officer.objects.select_related("user").first()
    providers = []
    for n in range(count):
        provider = ProviderFactory(contract_manager=manager, is_tier_one=n % 3 == 0)
        first = ServiceFactory(
            provider=provider,
            locality=localities[n % len(localities)],
            beds=10 + n,
            types=types[:2],
        )
        ServiceFactory(
            provider=provider, locality=localities[(n + 1) % len(localities)], types=types[1:]
        )
        ContactFactory(provider=provider, works_at=[first])
        ContactFactory(provider=provider)
        MembershipFactory(association=association, provider=provider)
        providers.append(provider)
    return providers
