"""Demo data of the council side: teams, officers (with a demo login per role), partners."""

from __future__ import annotations

from engage.accounts.models import Role, User
from engage.core.demo import DemoContext
from engage.council.models import Councillor, Officer, PartnerOrganisation, PartnerPerson, Team
from engage.market.models import Locality

DEMO_TEAMS = (
    ("Commissioning", "commissioning", "Commissioning strategy and market shaping."),
    ("Quality Improvement", "quality-improvement", "Quality of care and improvement support."),
    ("Contracts", "contracts", "Contract management of care providers."),
    ("Safeguarding", "safeguarding", "Adult safeguarding."),
    ("Service Placement", "service-placement", "Finds and arranges placements and care packages."),
    ("Adult Operations", "adult-operations", "Social work and Local Delivery Directors."),
    ("Provider Engagement", "provider-engagement", "The Provider Engagement Manager and team."),
)

#: Officers per team at county scale (60 in all).
COUNTY_TEAM_SIZES = {
    "commissioning": 10,
    "quality-improvement": 9,
    "contracts": 12,
    "safeguarding": 7,
    "service-placement": 9,
    "adult-operations": 10,
    "provider-engagement": 3,
}

JOB_TITLES = {
    "commissioning": [
        "Commissioning Officer",
        "Senior Commissioning Officer",
        "Head of Commissioning",
    ],
    "quality-improvement": ["Quality Improvement Officer", "Quality Lead"],
    "contracts": ["Contract Officer", "Contract Manager", "Senior Contract Manager"],
    "safeguarding": ["Safeguarding Practitioner", "Safeguarding Lead"],
    "service-placement": ["Placement Officer", "Placement Team Manager"],
    "adult-operations": ["Social Work Team Manager", "Service Manager"],
    "provider-engagement": ["Provider Engagement Officer"],
}

DEMO_PARTNERS = (
    ("Mid and South Essex Integrated Care Board", PartnerOrganisation.Kind.ICB),
    ("Hertfordshire and West Essex Integrated Care Board", PartnerOrganisation.Kind.ICB),
    ("Suffolk and North East Essex Integrated Care Board", PartnerOrganisation.Kind.ICB),
    ("Mid and South Essex Hospitals NHS Foundation Trust", PartnerOrganisation.Kind.TRUST),
    ("Essex Partnership University NHS Foundation Trust", PartnerOrganisation.Kind.TRUST),
)

PORTFOLIOS = ("Adult Social Care and Health", "Health and Wellbeing", "Finance", "")


def _user(ctx: DemoContext, email: str, name: str, role: str, **extra: object) -> User:
    return User.objects.create(
        email=email, password=ctx.password_hash, full_name=name, role=role, **extra
    )


def seed(ctx: DemoContext) -> None:
    teams = {}
    for name, slug, description in DEMO_TEAMS:
        teams[slug], _ = Team.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "email": f"{slug}@{'engage.example'}",
            },
        )
    localities = list(Locality.objects.order_by("slug"))

    # The named demo logins first.
    pem = _user(ctx, "pem@engage.example", ctx.person_name(), Role.PEM)
    Officer.objects.create(
        user=pem, team=teams["provider-engagement"], job_title="Provider Engagement Manager"
    )
    ctx.add_login("Provider Engagement Manager", pem.email, "approves plans, owns the calendar")
    officer = _user(ctx, "officer@engage.example", ctx.person_name(), Role.OFFICER)
    Officer.objects.create(user=officer, team=teams["contracts"], job_title="Contract Manager")
    ctx.add_login("Officer (Contracts)", officer.email, "contract manager of many providers")
    ldd_locality = next(
        (loc for loc in localities if loc.slug == "mid"), localities[0] if localities else None
    )
    ldd = _user(ctx, "ldd@engage.example", ctx.person_name(), Role.LDD)
    Officer.objects.create(
        user=ldd,
        team=teams["adult-operations"],
        job_title="Local Delivery Director",
        locality=ldd_locality,
    )
    ctx.add_login(
        "Local Delivery Director",
        ldd.email,
        f"owns the {ldd_locality} forums" if ldd_locality else "",
    )
    admin = _user(
        ctx, "admin@engage.example", ctx.person_name(), Role.ADMIN, is_staff=True, is_superuser=True
    )
    ctx.add_login("Administrator", admin.email, "technical administration")

    # The other Local Delivery Directors, one per locality.
    for locality in localities:
        if locality == ldd_locality:
            continue
        name = ctx.person_name()
        user = _user(ctx, ctx.email_for(name), name, Role.LDD)
        Officer.objects.create(
            user=user,
            team=teams["adult-operations"],
            job_title="Local Delivery Director",
            locality=locality,
        )

    multiplier = 5 if ctx.is_national else 1
    for slug, size in COUNTY_TEAM_SIZES.items():
        existing = Officer.objects.filter(team=teams[slug]).count()
        for _ in range(size * multiplier - existing):
            name = ctx.person_name()
            user = _user(ctx, ctx.email_for(name), name, Role.OFFICER)
            Officer.objects.create(
                user=user,
                team=teams[slug],
                job_title=ctx.rng.choice(JOB_TITLES[slug]),
                locality=ctx.rng.choice(localities)
                if localities and ctx.rng.random() < 0.4
                else None,
            )

    for org_name, kind in DEMO_PARTNERS:
        organisation = PartnerOrganisation.objects.create(name=org_name, kind=kind)
        for _ in range(2):
            name = ctx.person_name()
            PartnerPerson.objects.create(
                organisation=organisation,
                name=name,
                job_title=ctx.rng.choice(
                    ["Head of Care Home Support", "Discharge Lead", "Commissioning Manager"]
                ),
                email=ctx.email_for(name, "nhs.example"),
            )
    partner_person = PartnerPerson.objects.order_by("pk").first()
    if partner_person is not None:
        partner_user = _user(ctx, "partner@engage.example", partner_person.name, Role.PARTNER)
        partner_person.user = partner_user
        partner_person.save(update_fields=["user"])
        ctx.add_login("Partner (NHS)", partner_user.email, partner_person.organisation.name)

    divisions = [
        "Braintree Eastern",
        "Chelmsford Central",
        "Colchester Abbey",
        "Harlow West",
        "Basildon Westley Heights",
        "Tendring Rural East",
        "Maldon",
        "Uttlesford",
    ]
    for index, division in enumerate(divisions):
        name = ctx.person_name()
        councillor = Councillor.objects.create(
            name=name,
            division=division,
            portfolio=PORTFOLIOS[index] if index < len(PORTFOLIOS) else "",
            email=ctx.email_for(name, "councillors.example"),
        )
        if index == 0:
            user = _user(ctx, "councillor@engage.example", name, Role.COUNCILLOR)
            councillor.user = user
            councillor.save(update_fields=["user"])
            ctx.add_login("Councillor", user.email, f"Cabinet Member for {councillor.portfolio}")
