"""Top-level URLs: one include per domain app, the API, and the error pages."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from engage.api.api import api

urlpatterns = [
    path("", include("engage.core.urls")),
    path("accounts/", include("engage.accounts.urls")),
    path("account/tokens/", include("engage.api.urls")),
    path("council/", include("engage.council.urls")),
    path("market/", include("engage.market.urls")),
    path("engagement/", include("engage.engagement.urls")),
    path("groups/", include("engage.groups.urls")),
    path("planner/", include("engage.planner.urls")),
    path("enquiries/", include("engage.enquiries.urls")),
    path("feedback/", include("engage.feedback.urls")),
    path("portal/", include("engage.portal.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "engage.core.views.bad_request"
handler403 = "engage.core.views.permission_denied"
handler404 = "engage.core.views.page_not_found"
handler500 = "engage.core.views.server_error"
