"""A team's capacity moves onto the team (``council.Team.officers_out_at_once``).

The calendar's clash rule and the planner now read the same field; the planner's own
``TeamCapacity`` rows are copied onto their teams, then the model goes. Reversing recreates a
row for every team whose capacity is not the default 1.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def copy_onto_teams(apps: Any, schema_editor: Any) -> None:
    TeamCapacity = apps.get_model("planner", "TeamCapacity")
    Team = apps.get_model("council", "Team")
    for team_id, capacity in TeamCapacity.objects.values_list("team_id", "officers_out_at_once"):
        Team.objects.filter(pk=team_id).update(officers_out_at_once=min(capacity, 50))


def copy_back(apps: Any, schema_editor: Any) -> None:
    TeamCapacity = apps.get_model("planner", "TeamCapacity")
    Team = apps.get_model("council", "Team")
    TeamCapacity.objects.bulk_create(
        TeamCapacity(team_id=pk, officers_out_at_once=capacity)
        for pk, capacity in Team.objects.exclude(officers_out_at_once=1).values_list(
            "pk", "officers_out_at_once"
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("planner", "0001_planning_data_and_runs"),
        ("council", "0003_team_officers_out_at_once"),
    ]

    operations = [
        migrations.RunPython(copy_onto_teams, copy_back),
        migrations.DeleteModel(name="TeamCapacity"),
    ]
