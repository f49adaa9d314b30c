from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from engage.feedback import views

app_name = "feedback"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("activities/<int:pk>/", views.activity_results, name="activity_results"),
    path("activities/<int:pk>/outcomes/", views.activity_outcomes, name="activity_outcomes"),
    path("groups/<int:pk>/", views.group_results, name="group_results"),
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/new/", views.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/send/", views.survey_send, name="survey_send"),
    path("surveys/<int:pk>/close/", views.survey_close, name="survey_close"),
    path("surveys/<int:pk>/responses.csv", views.survey_export, name="survey_export"),
    path("items/", views.item_list, name="item_list"),
    path("items/new/", views.item_create, name="item_create"),
    path("costs/", views.event_costs, name="event_costs"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("you-said-we-did/", views.you_said_we_did, name="you_said_we_did"),
    # Anyone with the emailed link (the token is the key).
    path("evaluate/<str:token>/", views.evaluation_form, name="evaluation_form"),
    path("survey/<str:token>/", views.survey_form, name="survey_form"),
    # The provider portal.
    path("portal/evaluations/", views.portal_evaluations, name="portal_evaluations"),
    path("portal/evaluations/<int:pk>/", views.portal_evaluation, name="portal_evaluation"),
    path("portal/you-said-we-did/", views.portal_you_said_we_did, name="portal_you_said_we_did"),
]
