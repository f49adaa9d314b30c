"""Reading the audit trail (written by django-auditlog for every registered model)."""

from __future__ import annotations

from datetime import datetime, time
from functools import lru_cache
from typing import Any, cast

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language


def _model_choices() -> list[tuple[str, str]]:
    return list(_model_choices_in(get_language()))


@lru_cache(maxsize=8)
def _model_choices_in(language: str | None) -> tuple[tuple[str, str], ...]:
    # The audited models are registered once, at start-up: their names are worked out once
    # per language, not on every page.
    models = sorted(auditlog.get_models(), key=lambda m: str(m._meta.verbose_name))
    return (
        ("", "All records"),
        *(
            (f"{m._meta.app_label}.{m._meta.model_name}", str(m._meta.verbose_name).capitalize())
            for m in models
        ),
    )


class AuditFilterForm(forms.Form):
    record_type = forms.ChoiceField(label="Type of record", required=False)
    actor = forms.CharField(label="Changed by (name or email)", required=False, max_length=200)
    object_id = forms.CharField(label="Record ID", required=False, max_length=40)
    action = forms.ChoiceField(
        label="Change",
        required=False,
        choices=[("", "Any change")]
        + [(str(v), str(label).capitalize()) for v, label in LogEntry.Action.choices],
    )
    date_from = forms.DateField(label="From (YYYY-MM-DD)", required=False)
    date_to = forms.DateField(label="To (YYYY-MM-DD)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        record_type = cast(forms.ChoiceField, self.fields["record_type"])
        record_type.choices = _model_choices()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be on or after the start date")
        return cleaned


#: What the trail's rows show of an entry, in the order ``audit_tags.audit_rows`` reads them.
#: The changes are ``LogEntry.changes_dict`` as Engage sets auditlog up: the JSON of the
#: changes, or none (``changes_text`` is only read when auditlog is set to fall back on it).
TRAIL_FIELDS = (
    "timestamp",
    "actor__full_name",
    "action",
    "content_type_id",
    "object_pk",
    "object_repr",
    "changes",
)


def filtered_entries(form: AuditFilterForm) -> QuerySet[LogEntry]:
    """Log entries, newest first, narrowed by whatever of ``form`` is valid, with what the
    trail shows of them only (the record types are ContentType's cache's)."""
    entries: QuerySet[LogEntry] = (
        LogEntry.objects.select_related("actor").only(*TRAIL_FIELDS).order_by("-timestamp", "-pk")
    )
    if not form.is_bound or not form.is_valid():
        return entries
    data = form.cleaned_data
    if data["record_type"]:
        app_label, model = data["record_type"].split(".")
        entries = entries.filter(
            content_type=ContentType.objects.get_by_natural_key(app_label, model)
        )
    if data["actor"]:
        actor = data["actor"]
        entries = entries.filter(actor__full_name__icontains=actor) | entries.filter(
            actor__email__icontains=actor
        )
    if data["object_id"]:
        entries = entries.filter(object_pk=data["object_id"])
    if data["action"] != "" and data["action"] is not None:
        entries = entries.filter(action=int(data["action"]))
    tz = timezone.get_current_timezone()
    if data["date_from"]:
        entries = entries.filter(
            timestamp__gte=datetime.combine(data["date_from"], time.min, tzinfo=tz)
        )
    if data["date_to"]:
        entries = entries.filter(
            timestamp__lte=datetime.combine(data["date_to"], time.max, tzinfo=tz)
        )
    return entries


def entries_for_object(obj: Any) -> QuerySet[LogEntry]:
    """The history of one record, newest first."""
    entries: QuerySet[LogEntry] = LogEntry.objects.get_for_object(obj)
    return entries.select_related("actor").order_by("-timestamp", "-pk")


def acting_as(actor: Any) -> Any:
    """Attribute the audit entries written inside this block to ``actor``.

    The audit middleware does this for signed-in page requests; services call it too, so that
    changes through the API (token authentication) and commands are attributed as well.
    """
    from auditlog.context import set_actor

    if actor is None or not getattr(actor, "is_authenticated", False):
        from contextlib import nullcontext

        return nullcontext()
    return set_actor(actor)
