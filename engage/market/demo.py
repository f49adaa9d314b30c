"""Demo data of the market register: an Essex-like county."""

from __future__ import annotations

from engage.core.demo import DemoContext
from engage.market.caching import bump_register_version
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

#: Four localities of an Essex-like county, with the districts and postcode areas they cover.
DEMO_LOCALITIES = (
    ("North Essex", "north", ["Colchester", "Tendring"], [f"CO{n}" for n in range(1, 17)]),
    (
        "Mid Essex",
        "mid",
        ["Braintree", "Chelmsford", "Maldon"],
        ["CM0", "CM1", "CM2", "CM3", "CM4", "CM6", "CM7", "CM8", "CM9", "CM77"],
    ),
    (
        "South Essex",
        "south",
        ["Basildon", "Brentwood", "Castle Point", "Rochford", "Southend-on-Sea", "Thurrock"],
        [f"SS{n}" for n in range(0, 18)]
        + [
            "CM11",
            "CM12",
            "CM13",
            "CM14",
            "CM15",
            "RM14",
            "RM15",
            "RM16",
            "RM17",
            "RM18",
            "RM19",
            "RM20",
        ],
    ),
    (
        "West Essex",
        "west",
        ["Epping Forest", "Harlow", "Uttlesford"],
        [
            "CM5",
            "CM16",
            "CM17",
            "CM18",
            "CM19",
            "CM20",
            "CM21",
            "CM22",
            "CM23",
            "CM24",
            "CB10",
            "CB11",
            "IG7",
            "IG10",
            "EN9",
        ],
    ),
)


def seed_localities(ctx: DemoContext) -> None:
    for name, slug, districts, postcodes in DEMO_LOCALITIES:
        Locality.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "districts": districts, "postcode_districts": postcodes},
        )


DEMO_SERVICE_TYPES = (
    ("residential", "Residential care", "Care homes without nursing"),
    ("nursing", "Nursing care", "Care homes with nursing"),
    ("domiciliary", "Domiciliary care (home care)", "Care and support in people's own homes"),
    (
        "supported-living",
        "Learning disability and supported living",
        "Supported living, shared lives",
    ),
    ("extra-care", "Independent living and extra care", "Extra care housing schemes"),
    ("day-services", "Day services", "Day opportunities and day centres"),
    ("other", "Other", "Other adult social care"),
)

#: Share of services of each type (an Essex-like mix).
TYPE_WEIGHTS = {
    "residential": 45,
    "nursing": 12,
    "domiciliary": 27,
    "supported-living": 10,
    "extra-care": 3,
    "day-services": 2,
    "other": 1,
}

NAME_STEMS = [
    "Oakfield",
    "Willow",
    "Meadow",
    "Beech",
    "Riverside",
    "Elm",
    "Ashgrove",
    "Hawthorn",
    "Larkrise",
    "Orchard",
    "Rowan",
    "Fernleigh",
    "Kingfisher",
    "Heron",
    "Maple",
    "Holly",
    "Juniper",
    "Brook",
    "Cedar",
    "Linden",
    "Poplar",
    "Chestnut",
    "Bramble",
    "Heather",
    "Lavender",
    "Primrose",
    "Foxglove",
    "Bluebell",
    "Clover",
    "Sycamore",
    "Alder",
    "Hazel",
    "Harbour",
    "Lighthouse",
    "Windmill",
    "Mill",
    "Abbey",
    "Priory",
    "Manor",
    "Grange",
    "Spring",
    "Fairview",
    "Greenacres",
    "Sunrise",
    "Evergreen",
    "Harmony",
    "Compass",
    "Beacon",
]
PROVIDER_SUFFIXES = (
    "Care Ltd",
    "Care Homes Ltd",
    "Healthcare Ltd",
    "Homecare Services Ltd",
    "Living Ltd",
    "Care Group",
    "Support Services CIC",
)
SERVICE_SUFFIXES = {
    "residential": ("House", "Lodge", "Court", "Care Home", "Residential Home"),
    "nursing": ("Nursing Home", "Nursing Centre", "Care Centre"),
    "domiciliary": ("Homecare", "Home Care Services", "Care at Home"),
    "supported-living": ("Supported Living", "Shared Lives Scheme", "Community Living"),
    "extra-care": ("Extra Care Court", "Independent Living Scheme"),
    "day-services": ("Day Centre", "Day Opportunities"),
    "other": ("Care Services",),
}
TOWNS = {
    "north": (
        "Colchester",
        "Clacton-on-Sea",
        "Harwich",
        "Frinton-on-Sea",
        "Brightlingsea",
        "West Mersea",
    ),
    "mid": ("Chelmsford", "Braintree", "Witham", "Maldon", "Halstead", "South Woodham Ferrers"),
    "south": (
        "Basildon",
        "Brentwood",
        "Billericay",
        "Wickford",
        "Rayleigh",
        "Canvey Island",
        "Benfleet",
    ),
    "west": ("Harlow", "Epping", "Loughton", "Saffron Walden", "Great Dunmow", "Waltham Abbey"),
}
STREETS = (
    "High Street",
    "Station Road",
    "London Road",
    "Church Lane",
    "Mill Road",
    "Park Avenue",
    "The Green",
    "Manor Road",
)
RATING_WEIGHTS = (
    ("good", 70),
    ("outstanding", 5),
    ("requires-improvement", 16),
    ("inadequate", 2),
    ("", 7),
)
JOB_TITLES = {
    "owner": ("Managing Director", "Director", "Owner", "Operations Director", "Chief Executive"),
    "manager": ("Registered Manager", "Deputy Manager", "Care Manager", "Branch Manager"),
    "worker": ("Senior Carer", "Care Worker", "Support Worker", "Nurse", "Activities Coordinator"),
}
DEMO_ASSOCIATIONS = (
    ("Independent Care Association", "ICA", "member-body", 110),
    ("Care Provider Network", "CPN", "network", 60),
    ("South County Care and Health Association", "SCCHA", "member-body", 40),
)


def seed_service_types(ctx: DemoContext) -> None:
    for position, (slug, name, description) in enumerate(DEMO_SERVICE_TYPES):
        ServiceType.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )


def _weighted(ctx: DemoContext, weights: dict[str, int] | tuple[tuple[str, int], ...]) -> str:
    items = list(weights.items()) if isinstance(weights, dict) else list(weights)
    return ctx.rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


def seed(ctx: DemoContext) -> None:
    """Providers, services, contacts and associations: county ≈ 600/900/4,000; national ≈ 15,000/27,000/120,000."""
    from datetime import date, timedelta

    from django.utils import timezone

    from engage.accounts.models import Role, User
    from engage.council.models import Officer

    seed_service_types(ctx)
    scale = (
        {"providers": 15_000, "services": 27_000, "contacts": 120_000}
        if ctx.is_national
        else {"providers": 600, "services": 900, "contacts": 4_000}
    )
    types = {t.slug: t for t in ServiceType.objects.all()}
    localities = list(Locality.objects.order_by("slug"))
    contract_managers = list(Officer.objects.filter(team__slug="contracts").order_by("pk"))
    rng = ctx.rng
    today = timezone.localdate()

    # Providers: a few large groups (the Tier One candidates), many single-service providers.
    used_names: set[str] = set()
    providers = []
    for index in range(scale["providers"]):
        while True:
            name = (
                f"{rng.choice(NAME_STEMS)} {rng.choice(NAME_STEMS)} {rng.choice(PROVIDER_SUFFIXES)}"
            )
            if name not in used_names:
                used_names.add(name)
                break
        providers.append(
            Provider(
                cqc_provider_id=f"1-{100000000 + index * 7919:09d}"[:12],
                name=name,
                contract_manager=rng.choice(contract_managers)
                if contract_managers and rng.random() < 0.8
                else None,
                postcode="",
                website=f"https://www.{name.split()[0].lower()}{index}.example",
                phone=f"01{rng.randint(200, 799)} {rng.randint(100000, 999999)}",
            )
        )
    Provider.objects.bulk_create(providers, batch_size=2000)
    providers = list(Provider.objects.order_by("pk"))
    # The biggest groups: each has several services.
    group_count = max(25, len(providers) // 24)
    big_groups = providers[:group_count]
    extra = scale["services"] - len(providers)
    owners_of_services = list(providers)
    for _ in range(extra):
        owners_of_services.append(
            rng.choice(big_groups) if rng.random() < 0.7 else rng.choice(providers)
        )

    services = []
    service_type_of = []
    for index, provider in enumerate(owners_of_services):
        slug = _weighted(ctx, TYPE_WEIGHTS)
        locality = rng.choice(localities) if localities else None
        town = rng.choice(TOWNS.get(locality.slug, TOWNS["mid"])) if locality else "Chelmsford"
        stem = rng.choice(NAME_STEMS)
        beds = None
        if slug == "residential":
            beds = rng.randint(8, 70)
        elif slug == "nursing":
            beds = rng.randint(30, 120)
        prefix = (
            rng.choice(locality.postcode_districts)
            if locality and locality.postcode_districts
            else "CM1"
        )
        rating = _weighted(ctx, RATING_WEIGHTS)
        deregistered = rng.random() < 0.03
        services.append(
            Service(
                cqc_location_id=f"1-{200000000 + index * 104729:010d}"[:13],
                provider=provider,
                name=f"{stem} {rng.choice(SERVICE_SUFFIXES[slug])}",
                locality=locality,
                address=f"{rng.randint(1, 220)} {rng.choice(STREETS)}, {town}",
                postcode=f"{prefix} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
                local_authority="Essex"
                if not ctx.is_national
                else rng.choice(["Essex", "Kent", "Hampshire", "Lancashire", "Surrey"]),
                region="East of England",
                beds=beds,
                rating=rating,
                rating_date=today - timedelta(days=rng.randint(30, 1400)) if rating else None,
                is_contracted=rng.random() < 0.75,
                status=Service.Status.DEREGISTERED if deregistered else Service.Status.ACTIVE,
                deregistered_on=today - timedelta(days=rng.randint(10, 300))
                if deregistered
                else None,
                registered_since=date(2011, 1, 1) + timedelta(days=rng.randint(0, 5000)),
            )
        )
        service_type_of.append(slug)
    Service.objects.bulk_create(services, batch_size=2000)
    services = list(Service.objects.order_by("pk"))
    through = Service.service_types.through
    links = []
    for service, slug in zip(services, service_type_of, strict=True):
        links.append(through(service_id=service.pk, servicetype_id=types[slug].pk))
        # Some care homes are both residential and nursing; some supported-living also do home care.
        if slug == "nursing" and rng.random() < 0.4:
            links.append(through(service_id=service.pk, servicetype_id=types["residential"].pk))
        if slug == "supported-living" and rng.random() < 0.3:
            links.append(through(service_id=service.pk, servicetype_id=types["domiciliary"].pk))
    through.objects.bulk_create(links, batch_size=5000)
    # bulk_create skips Service.save(), which keeps the providers' figures.
    Provider.objects.refresh_figures()

    # Tier One: the largest groups by number of services.
    counts: dict[int, int] = {}
    for service in services:
        if service.provider_id is not None:
            counts[service.provider_id] = counts.get(service.provider_id, 0) + 1
    tier_one_ids = sorted(counts, key=lambda pk: (-counts[pk], pk))[: max(25, len(providers) // 24)]
    Provider.objects.filter(pk__in=tier_one_ids).update(is_tier_one=True)

    # Contacts: an owner per provider, managers per service, care workers.
    services_by_provider: dict[int, list[Service]] = {}
    for service in services:
        services_by_provider.setdefault(service.provider_id, []).append(service)  # type: ignore[arg-type]
    contacts: list[Contact] = []
    contact_services: list[list[Service]] = []
    now = timezone.now()
    provider_cycle = list(providers)
    providers_with_owner: set[int] = set()
    while len(contacts) < scale["contacts"]:
        for provider in provider_cycle:
            if len(contacts) >= scale["contacts"]:
                break
            own = services_by_provider.get(provider.pk, [])
            level = (
                Level.OWNER
                if provider.pk not in providers_with_owner and rng.random() < 0.9
                else rng.choice([Level.MANAGER, Level.MANAGER, Level.WORKER])
            )
            if level == Level.OWNER:
                providers_with_owner.add(provider.pk)
            name = ctx.person_name()
            consent = rng.random() < 0.8
            unsubscribed = rng.random() < 0.04
            contacts.append(
                Contact(
                    provider=provider,
                    name=name,
                    level=level,
                    job_title=rng.choice(JOB_TITLES[level]),
                    email=ctx.email_for(
                        name, f"{provider.name.split()[0].lower()}{provider.pk}.example"
                    ),
                    phone=f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
                    email_consent=consent,
                    email_consent_at=now - timedelta(days=rng.randint(1, 700)) if consent else None,
                    unsubscribed=unsubscribed,
                    unsubscribed_at=now - timedelta(days=rng.randint(1, 200))
                    if unsubscribed
                    else None,
                )
            )
            contact_services.append([] if level == Level.OWNER or not own else [rng.choice(own)])
    Contact.objects.bulk_create(contacts, batch_size=2000)
    contacts = list(Contact.objects.order_by("pk"))
    contact_through = Contact.services.through
    contact_through.objects.bulk_create(
        [
            contact_through(contact_id=contact.pk, service_id=service.pk)
            for contact, chosen in zip(contacts, contact_services, strict=True)
            for service in chosen
        ],
        batch_size=5000,
    )

    # Associations covering about a quarter of the market, with history.
    start_of_history = today - timedelta(days=365 * 4)
    members_pool = [p for p in providers if p.pk not in tier_one_ids] + [
        p for p in providers if p.pk in tier_one_ids
    ][:8]
    multiplier = 25 if ctx.is_national else 1
    for name, short, kind, size in DEMO_ASSOCIATIONS:
        association = Association.objects.create(name=name, short_name=short, kind=kind)
        chosen = rng.sample(members_pool, min(len(members_pool), size * multiplier))
        memberships = []
        for provider in chosen:
            start = start_of_history + timedelta(days=rng.randint(0, 900))
            left = rng.random() < 0.12
            memberships.append(
                AssociationMembership(
                    association=association,
                    provider=provider,
                    start=start,
                    end=start + timedelta(days=rng.randint(120, 500)) if left else None,
                )
            )
        AssociationMembership.objects.bulk_create(memberships, batch_size=2000)

    # Demo sign-ins for two providers (A is Tier One, B is not).
    provider_a = Provider.objects.filter(pk__in=tier_one_ids).order_by("pk").first()
    provider_b = Provider.objects.exclude(pk__in=tier_one_ids).order_by("pk").first()
    for email, demo_provider, label in (
        ("provider@engage.example", provider_a, "Provider user (provider A, Tier One)"),
        ("provider-b@engage.example", provider_b, "Provider user (provider B)"),
    ):
        if demo_provider is None:
            continue
        contact = (
            Contact.objects.filter(provider=demo_provider, level=Level.MANAGER)
            .order_by("pk")
            .first()
            or Contact.objects.filter(provider=demo_provider).order_by("pk").first()
        )
        if contact is None:
            continue
        user = User.objects.create(
            email=email, password=ctx.password_hash, full_name=contact.name, role=Role.PROVIDER
        )
        contact.user = user
        contact.email = email
        contact.email_consent = True
        contact.unsubscribed = False
        contact.save()
        ctx.add_login(label, email, demo_provider.name)

    seed_import_history(ctx)
    # The bulk writes above skip the signals that make cached counts stale.
    bump_register_version()


def seed_import_history(ctx: DemoContext) -> None:
    """Two runs of the CQC import, so the history page shows what a refusal looks like.

    They are records only: the demo register is invented, not imported.
    """
    from datetime import timedelta

    from django.utils import timezone

    from engage.accounts.models import User
    from engage.market.models import CqcImport

    pem = User.objects.filter(email="pem@engage.example").first()
    services = Service.objects.count()
    now = timezone.now()
    refused = CqcImport.objects.create(
        started_by=pem,
        file_name="HSCA_Active_Locations_demo_edited.csv",
        layout="hsca-active-locations",
        local_authorities=["Essex"],
        outcome=CqcImport.Outcome.REFUSED,
        rows=services + 41,
        skipped={
            "not adult social care: Dental service": 23,
            "outside the chosen local authorities": 18,
        },
        errors=[
            [214, "'Care homes beds' is 'forty', not a whole number"],
            [388, "expected 24 columns, found 23"],
            [1021, "Location ID '1-1234567890' appears again (first on line 977)"],
        ],
    )
    imported = CqcImport.objects.create(
        started_by=pem,
        file_name="HSCA_Active_Locations_demo.csv",
        layout="hsca-active-locations",
        local_authorities=["Essex"],
        outcome=CqcImport.Outcome.IMPORTED,
        rows=services + 41,
        created=services,
        providers_created=Provider.objects.count(),
        skipped={
            "not adult social care: Dental service": 23,
            "outside the chosen local authorities": 18,
        },
    )
    for record, days_ago in ((refused, 9), (imported, 8)):
        started = now - timedelta(days=days_ago, hours=2)
        CqcImport.objects.filter(pk=record.pk).update(
            started_at=started, finished_at=started + timedelta(seconds=4)
        )
