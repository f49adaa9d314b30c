"""Defaults of each kind of group, from the council review's recommendations.

Provider forums meet at least three times a year with dates set 12 months ahead and are aimed
at care managers and care staff; strategic and Tier One groups are for owners and directors.
Teams that must attend and forum streams are data a council adds (they do not exist yet when
this runs); the demo data sets them. A council changes all of this in the admin site.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

#: kind -> (target a year, minimum a year, months published ahead, levels, Tier One only)
DEFAULTS = {
    "provider-forum": (3, 3, 12, ("managers", "workers"), False),
    "tier-one": (4, 1, 12, ("owners",), True),
    "strategic": (4, 1, 12, ("owners",), False),
    "association-liaison": (4, 1, 6, ("owners",), False),
    "skills-board": (4, 1, 6, ("owners", "managers"), False),
    "working-group": (6, 1, 3, ("managers",), False),
    "other": (4, 1, 6, (), False),
}


def add_defaults(apps: Any, schema_editor: Any) -> None:
    GroupKindDefaults = apps.get_model("groups", "GroupKindDefaults")
    for kind, (target, minimum, horizon, levels, tier_one) in DEFAULTS.items():
        GroupKindDefaults.objects.get_or_create(
            kind=kind,
            defaults={
                "frequency_target": target,
                "minimum_frequency": minimum,
                "publication_horizon_months": horizon,
                "terms_review_months": 12,
                "for_owners": "owners" in levels,
                "for_managers": "managers" in levels,
                "for_workers": "workers" in levels,
                "tier_one_only": tier_one,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_register_terms_maturity")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
