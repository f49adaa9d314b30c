"""The technical admin site: the data a council configures (kinds' defaults, forum streams)."""

from __future__ import annotations

from django.contrib import admin

from engage.groups.models import (
    EngagementGroup,
    ForumStream,
    GroupKindDefaults,
    MaturityAssessment,
    TermsOfReference,
)


@admin.register(GroupKindDefaults)
class GroupKindDefaultsAdmin(admin.ModelAdmin[GroupKindDefaults]):
    list_display = [
        "kind",
        "frequency_target",
        "minimum_frequency",
        "publication_horizon_months",
        "terms_review_months",
    ]
    filter_horizontal = ["required_teams", "streams"]


@admin.register(ForumStream)
class ForumStreamAdmin(admin.ModelAdmin[ForumStream]):
    list_display = ["name", "slug", "is_overlap", "position", "is_active"]
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ["service_types"]


@admin.register(EngagementGroup)
class EngagementGroupAdmin(admin.ModelAdmin[EngagementGroup]):
    list_display = ["name", "kind", "status", "locality", "owner"]
    list_filter = ["kind", "status", "locality"]
    search_fields = ["name"]
    list_select_related = ["locality", "owner__user"]


@admin.register(TermsOfReference)
class TermsOfReferenceAdmin(admin.ModelAdmin[TermsOfReference]):
    """Read-only: versions are written through the pages, which keep the versioning rules."""

    list_display = ["group", "version", "status", "approved_on", "review_due"]
    list_filter = ["status"]
    list_select_related = ["group"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(MaturityAssessment)
class MaturityAssessmentAdmin(admin.ModelAdmin[MaturityAssessment]):
    list_display = ["group", "assessed_on", "assessed_by"]
    list_select_related = ["group", "assessed_by"]
