from __future__ import annotations

from django.urls import path

from engage.council import views

app_name = "council"

urlpatterns = [
    path("", views.officer_list, name="officer_list"),
    path("officers/add/", views.officer_create, name="officer_create"),
    path("officers/<int:pk>/", views.officer_edit, name="officer_edit"),
    path("officers/<int:pk>/active/", views.officer_set_active, name="officer_set_active"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/add/", views.team_edit, name="team_create"),
    path("teams/<int:pk>/", views.team_edit, name="team_edit"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/add/", views.partner_organisation_edit, name="partner_organisation_create"),
    path("partners/<int:pk>/", views.partner_organisation_edit, name="partner_organisation_edit"),
    path("partners/people/add/", views.partner_person_edit, name="partner_person_create"),
    path("partners/people/<int:pk>/", views.partner_person_edit, name="partner_person_edit"),
    path("councillors/", views.councillor_list, name="councillor_list"),
    path("councillors/add/", views.councillor_edit, name="councillor_create"),
    path("councillors/<int:pk>/", views.councillor_edit, name="councillor_edit"),
]
