"""Reads of the council side, shaped for the pages and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q, QuerySet

from engage.council.models import Councillor, Officer, PartnerOrganisation, Team


def officers(
    *, search: str = "", team: Team | None = None, include_inactive: bool = False
) -> QuerySet[Officer]:
    """Officers with their user, team and locality loaded (one query for any number)."""
    queryset = Officer.objects.select_related("user", "team", "locality")
    if not include_inactive:
        queryset = queryset.filter(user__is_active=True)
    if search:
        queryset = queryset.filter(
            Q(user__full_name__icontains=search)
            | Q(user__email__icontains=search)
            | Q(job_title__icontains=search)
        )
    if team is not None:
        queryset = queryset.filter(team=team)
    return queryset


def officer_rows(officers: QuerySet[Officer]) -> QuerySet[Officer, Any]:
    """``officers`` as dictionaries of what a list shows (id, name, email, role, job title,
    team and locality names): one query, no model instances to build."""
    return officers.values(
        "id",
        "job_title",
        name=F("user__full_name"),
        email=F("user__email"),
        role=F("user__role"),
        team_name=F("team__name"),
        locality_name=F("locality__name"),
    )


def teams_with_counts() -> QuerySet[Team]:
    """Teams with the number of active officers in each."""
    return Team.objects.annotate(
        officer_count=Count("officers", filter=Q(officers__user__is_active=True))
    ).order_by("name")


def partner_organisations() -> QuerySet[PartnerOrganisation]:
    """Partner organisations with their people (prefetched)."""
    return PartnerOrganisation.objects.prefetch_related("people").order_by("name")


def councillors(*, include_inactive: bool = False) -> QuerySet[Councillor]:
    queryset = Councillor.objects.all()
    return queryset if include_inactive else queryset.filter(is_active=True)


def officer_for(user: Any) -> Officer | None:
    """The officer record of a signed-in user (with their team), or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Officer.objects.select_related("user", "team").filter(user_id=user.pk).first()
