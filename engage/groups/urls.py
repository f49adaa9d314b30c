"""Pages of the groups register, forward plans, meetings (agenda, notes), actions, and the
provider-facing forward plans and notes."""

from __future__ import annotations

from django.urls import path

from engage.groups import meeting_views, portal_views, views

app_name = "groups"

urlpatterns = [
    path("", views.register, name="register"),
    path("add/", views.group_create, name="group_create"),
    path("standards/", views.standards_page, name="standards"),
    path("meetings/<int:pk>/sessions/", views.meeting_sessions, name="meeting_sessions"),
    path("<int:pk>/", views.group_detail, name="group_detail"),
    path("<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("<int:pk>/terms/", views.terms_history, name="terms_history"),
    path("<int:pk>/terms/draft/", views.terms_draft, name="terms_draft"),
    path("<int:pk>/terms/<int:version>/", views.terms_detail, name="terms_detail"),
    path("<int:pk>/terms/<int:version>/changes/", views.terms_changes, name="terms_changes"),
    path("<int:pk>/terms/<int:version>/approve/", views.terms_approve, name="terms_approve"),
    path("<int:pk>/maturity/", views.maturity_history, name="maturity_history"),
    path("<int:pk>/maturity/add/", views.maturity_add, name="maturity_add"),
    path("<int:pk>/maturity/<int:assessment>/", views.maturity_detail, name="maturity_detail"),
    # Forward plan
    path("<int:pk>/forward-plan/", meeting_views.forward_plan, name="forward_plan"),
    path("<int:pk>/forward-plan/add/", meeting_views.forward_plan_add, name="forward_plan_add"),
    path(
        "<int:pk>/forward-plan/<int:item>/",
        meeting_views.forward_plan_item,
        name="forward_plan_item",
    ),
    path(
        "<int:pk>/forward-plan/<int:item>/decline/",
        meeting_views.forward_plan_decline,
        name="forward_plan_decline",
    ),
    # Meetings: agenda, notes, actions
    path("meetings/<int:pk>/", meeting_views.meeting, name="meeting"),
    path(
        "meetings/<int:pk>/agenda/<int:item>/",
        meeting_views.agenda_change,
        name="agenda_change",
    ),
    path(
        "meetings/<int:pk>/agenda/<int:item>/outcome/",
        meeting_views.agenda_outcome,
        name="agenda_outcome",
    ),
    path(
        "meetings/<int:pk>/agenda/carry-forward/",
        meeting_views.agenda_carry_forward,
        name="agenda_carry_forward",
    ),
    path("meetings/<int:pk>/notes/", meeting_views.meeting_notes, name="meeting_notes"),
    path(
        "meetings/<int:pk>/notes/send/",
        meeting_views.meeting_notes_send,
        name="meeting_notes_send",
    ),
    path("meetings/<int:pk>/actions/add/", meeting_views.action_add, name="action_add"),
    path("<int:pk>/actions/", meeting_views.group_actions, name="group_actions"),
    path("actions/mine/", meeting_views.my_actions, name="my_actions"),
    path("actions/<int:pk>/", meeting_views.action_detail, name="action_detail"),
    # The portal
    path("forward-plans/", portal_views.portal_forward_plans, name="portal_forward_plans"),
    path("forward-plans/<int:pk>/suggest/", portal_views.portal_propose, name="portal_propose"),
    path("forward-plans/meetings/<int:pk>/", portal_views.portal_meeting, name="portal_meeting"),
]
