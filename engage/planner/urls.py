from __future__ import annotations

from django.urls import path

from engage.planner import views

app_name = "planner"

urlpatterns = [
    path("", views.plan, name="plan"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/pin/", views.run_pin, name="run_pin"),
    path("runs/<int:pk>/accept/", views.run_accept, name="run_accept"),
    path("data/", views.planning_data, name="data"),
    path("data/leave/<int:pk>/remove/", views.leave_delete, name="leave_delete"),
    path("data/school-holidays/<int:pk>/remove/", views.holiday_delete, name="holiday_delete"),
]
