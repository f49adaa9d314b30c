"""The standard event evaluation questions and the feedback themes: data councils may edit."""

from __future__ import annotations

from typing import Any

from django.db import migrations

QUESTIONS = (
    ("usefulness", "Overall, how useful was the event?", "rating", True),
    ("purpose-clear", "The purpose of the event was clear", "agree", False),
    ("right-people", "The right people were in the room", "agree", False),
    ("listened-to", "I was listened to", "agree", False),
    ("attend-again", "I would attend again", "agree", False),
    ("what-worked", "What worked well?", "text", False),
    ("what-to-improve", "What could we improve?", "text", False),
    ("next-topics", "What topics should we cover next time?", "text", False),
)

THEMES = (
    ("Communication", "communication"),
    ("Fees and contracts", "fees-and-contracts"),
    ("Workforce and recruitment", "workforce"),
    ("Hospital discharge", "hospital-discharge"),
    ("Quality and safeguarding", "quality-and-safeguarding"),
    ("Meetings and events", "meetings-and-events"),
    ("Knowing whom to contact", "whom-to-contact"),
    ("Training", "training"),
)


def seed(apps: Any, schema_editor: Any) -> None:
    Question = apps.get_model("feedback", "EvaluationQuestion")
    Theme = apps.get_model("feedback", "Theme")
    for position, (key, text, kind, required) in enumerate(QUESTIONS):
        Question.objects.get_or_create(
            key=key,
            defaults={"text": text, "kind": kind, "required": required, "position": position},
        )
    for position, (name, slug) in enumerate(THEMES):
        Theme.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("feedback", "EvaluationQuestion").objects.filter(
        key__in=[q[0] for q in QUESTIONS], answers__isnull=True
    ).delete()
    apps.get_model("feedback", "Theme").objects.filter(slug__in=[t[1] for t in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_evaluations_surveys_feedback")]

    operations = [migrations.RunPython(seed, unseed)]
