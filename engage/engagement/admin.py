from __future__ import annotations

from django.contrib import admin

from engage.engagement.models import Activity, TopicLevelHint, Venue


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin[Venue]):
    list_display = ["name", "postcode", "capacity", "is_active"]
    search_fields = ["name", "postcode"]


@admin.register(TopicLevelHint)
class TopicLevelHintAdmin(admin.ModelAdmin[TopicLevelHint]):
    list_display = ["keyword", "level", "explanation"]
    list_filter = ["level"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin[Activity]):
    list_display = ["title", "kind", "status", "starts_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title"]
    raw_id_fields = ["lead_officer", "facilitator", "venue", "created_by", "approved_by"]
