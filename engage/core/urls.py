from __future__ import annotations

from django.urls import path

from engage.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("audit/", views.audit_log, name="audit_log"),
    path("bench/floor/", views.bench_floor, name="bench_floor"),
]
