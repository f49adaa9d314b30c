"""Shared pieces of the demo data generator (``manage.py seed_demo``).

Every app that has demo data keeps it in its own ``demo.py`` with a ``seed(ctx)`` function;
``STEPS`` below runs them in order. All names are invented; CQC-registered services and
companies may be real public ones. The output is deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils.module_loading import import_string

DEMO_PASSWORD = "engage-demo-2026"  # noqa: S105 - the printed password of invented demo logins
DEMO_EMAIL_DOMAIN = "engage.example"

#: (dotted path of a seed function, what it makes) in the order they run.
STEPS: tuple[tuple[str, str], ...] = (
    ("engage.market.demo.seed_localities", "localities"),
    ("engage.council.demo.seed", "teams, officers, partners and councillors"),
    ("engage.market.demo.seed", "providers, services, contacts and associations"),
    ("engage.engagement.demo.seed", "venues, activities and registrations"),
    ("engage.enquiries.demo.seed", "enquiries, their threads and history"),
    ("engage.groups.demo.seed", "engagement groups, terms of reference and maturity"),
    # After the groups' meetings: forward plans, agendas, notes and actions over them.
    ("engage.groups.demo_agendas.seed", "forward plans, agendas, notes and actions"),
    ("engage.feedback.demo.seed", "evaluations, surveys and you said, we did"),
    ("engage.planner.demo.seed", "year planner data: team capacity, leave, school holidays"),
)

FIRST_NAMES = [
    "Aisha",
    "Alex",
    "Amara",
    "Amelia",
    "Andrew",
    "Anika",
    "Ben",
    "Bethany",
    "Callum",
    "Carmen",
    "Chloe",
    "Daniel",
    "Deborah",
    "Dev",
    "Eleanor",
    "Elliot",
    "Emeka",
    "Erin",
    "Fatima",
    "Finley",
    "Grace",
    "Hannah",
    "Harvey",
    "Imran",
    "Isla",
    "Jack",
    "Jasmine",
    "Jonah",
    "Kavita",
    "Kieran",
    "Laila",
    "Leon",
    "Lucy",
    "Marcus",
    "Maya",
    "Megan",
    "Mohammed",
    "Nadia",
    "Nathan",
    "Niamh",
    "Oliver",
    "Olivia",
    "Omar",
    "Patrick",
    "Priya",
    "Rachel",
    "Rhys",
    "Rosa",
    "Ruth",
    "Sam",
    "Sara",
    "Simone",
    "Sophie",
    "Tariq",
    "Tom",
    "Uma",
    "Victor",
    "Yusuf",
    "Zara",
]
LAST_NAMES = [
    "Abbott",
    "Ahmed",
    "Akhtar",
    "Allen",
    "Archer",
    "Bailey",
    "Baker",
    "Banerjee",
    "Bennett",
    "Bishop",
    "Booth",
    "Carter",
    "Chandler",
    "Clarke",
    "Coleman",
    "Cooper",
    "Dawson",
    "Dixon",
    "Doyle",
    "Ellis",
    "Evans",
    "Fernandes",
    "Fletcher",
    "Foster",
    "Francis",
    "Gill",
    "Graham",
    "Hall",
    "Harper",
    "Hayes",
    "Hughes",
    "Hussain",
    "Jenkins",
    "Kaur",
    "Kelly",
    "Khan",
    "Lawson",
    "Marsh",
    "Mason",
    "Mills",
    "Morgan",
    "Murphy",
    "Nash",
    "Okafor",
    "Osei",
    "Palmer",
    "Parry",
    "Patel",
    "Pearce",
    "Quinn",
    "Rahman",
    "Reid",
    "Rowe",
    "Shah",
    "Sharp",
    "Singh",
    "Stone",
    "Sutton",
    "Thornton",
    "Turner",
    "Walsh",
    "Ward",
    "Webb",
    "Wells",
    "Whitaker",
    "Wong",
    "Young",
]


@dataclass
class DemoContext:
    """What every seed step shares: the scale, a seeded random generator, invented names."""

    scale: str  # "county" or "national"
    seed: int
    rng: random.Random = field(init=False)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    _used_emails: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    @property
    def is_national(self) -> bool:
        return self.scale == "national"

    @property
    def password_hash(self) -> str:
        """The demo password, hashed once (Argon2 is slow on purpose) and shared by every login."""
        if not hasattr(self, "_password_hash"):
            from django.contrib.auth.hashers import make_password

            self._password_hash = make_password(DEMO_PASSWORD)
        return self._password_hash

    def person_name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def email_for(self, name: str, domain: str = DEMO_EMAIL_DOMAIN) -> str:
        """A unique invented address for ``name`` at ``domain``."""
        base = name.lower().replace(" ", ".").replace("'", "")
        email, n = f"{base}@{domain}", 2
        while email in self._used_emails:
            email, n = f"{base}{n}@{domain}", n + 1
        self._used_emails.add(email)
        return email

    def add_login(self, role_label: str, email: str, what: str) -> None:
        self.logins.append((role_label, email, what))


def run_steps(ctx: DemoContext, progress: Any = None) -> None:
    """Run every step of the demo in order.

    On PostgreSQL the tables are analysed after each step: the whole demo is written in one
    transaction, whose new rows autovacuum cannot see, so without statistics a later step's
    queries are planned for empty tables (the national seed's audience matching ran for
    more than six minutes on one query). ANALYZE counts the transaction's own new rows.
    """
    for dotted, what in STEPS:
        if progress is not None:
            progress(what)
        import_string(dotted)(ctx)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
