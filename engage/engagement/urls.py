from __future__ import annotations

from django.urls import path

from engage.engagement import portal_views, views

app_name = "engagement"

urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/check/", views.activity_check, name="activity_check"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/warnings/accept/", views.accept_warning, name="accept_warning"),
    path("activities/<int:pk>/registrations/", views.registrations, name="registrations"),
    path(
        "activities/<int:pk>/registrations/<int:registration_pk>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path("activities/<int:pk>/costs/", views.activity_costs, name="activity_costs"),
    path("activities/<int:pk>/attendance/", views.attendance_capture, name="attendance"),
    path(
        "activities/<int:pk>/attendance/walk-in/",
        views.attendance_walk_in,
        name="attendance_walk_in",
    ),
    path("activities/<int:pk>/<slug:action>/", views.activity_action, name="activity_action"),
    path("mode-guide/", views.mode_guide, name="mode_guide"),
    path("venues/", views.venue_list, name="venue_list"),
    path("venues/add/", views.venue_edit, name="venue_create"),
    path("venues/<int:pk>/", views.venue_edit, name="venue_edit"),
    path("feeds/", views.my_feed, name="my_feed"),
    path("feeds/public.ics", views.public_feed, name="public_feed"),
    path("feeds/contact/<str:token>.ics", views.contact_feed, name="contact_feed"),
    path("feeds/officer/<str:token>.ics", views.officer_feed, name="officer_feed"),
    path("events/", portal_views.portal_events, name="portal_events"),
    path("events/<int:pk>/", portal_views.portal_event, name="portal_event"),
    path("events/<int:pk>/register/", portal_views.portal_register, name="portal_register"),
    path("events/<int:pk>/cancel/", portal_views.portal_cancel, name="portal_cancel"),
    path("invitations/", portal_views.partner_invitations, name="partner_invitations"),
]
