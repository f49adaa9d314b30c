"""The review's topic-to-level guide as starting data (a council edits it in the admin)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

HINTS = (
    ("pricing", "owner", "Pricing is for owners and directors: it decides their business."),
    ("fee", "owner", "Fees and uplifts are for owners and directors."),
    ("contract", "owner", "Contracting is for owners and directors."),
    ("tender", "owner", "Tendering and procurement are for owners and directors."),
    ("procurement", "owner", "Tendering and procurement are for owners and directors."),
    ("commissioning strategy", "owner", "Commissioning strategy is for owners and directors."),
    ("market position", "owner", "The market position statement is for owners and directors."),
    ("workforce strategy", "owner", "Workforce strategy is for owners and directors."),
    ("implement", "manager", "Implementing a scheme is for care managers, who make it work."),
    ("scheme", "manager", "Implementing a scheme is for care managers, who make it work."),
    ("rollout", "manager", "Rolling something out is for care managers."),
    ("new process", "manager", "A new process is for care managers to put in place."),
    ("discharge", "manager", "Hospital discharge arrangements are for care managers."),
    ("medicine", "worker", "Frontline practice such as medicines is for care workers."),
    ("medication", "worker", "Frontline practice such as medication is for care workers."),
    ("moving and handling", "worker", "Frontline practice is for care workers."),
    ("infection control", "worker", "Frontline practice is for care workers."),
    ("frontline practice", "worker", "Frontline practice is for care workers."),
    ("oral health", "worker", "Frontline practice is for care workers."),
)


def seed(apps: Any, schema_editor: Any) -> None:
    TopicLevelHint = apps.get_model("engagement", "TopicLevelHint")
    for keyword, level, explanation in HINTS:
        TopicLevelHint.objects.get_or_create(
            keyword=keyword, defaults={"level": level, "explanation": explanation}
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    TopicLevelHint = apps.get_model("engagement", "TopicLevelHint")
    TopicLevelHint.objects.filter(keyword__in=[h[0] for h in HINTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("engagement", "0001_activities_registrations_and_feeds")]

    operations = [migrations.RunPython(seed, unseed)]
