"""Pages of the groups register. ``portal_forward_plans`` (the provider-facing forward plans
the navigation points at) belongs to meetings and arrives with them."""

from __future__ import annotations

from django.urls import path

from engage.groups import views

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
]
