"""Pages of the market register, all under /market/."""

from __future__ import annotations

from django.urls import path

from engage.market.views import (
    associations,
    care_services,
    contacts,
    imports,
    providers,
    unsubscribe,
)

app_name = "market"

urlpatterns = [
    path("", providers.provider_list, name="provider_list"),
    path("providers/add/", providers.provider_create, name="provider_create"),
    path("providers/bulk/", providers.provider_bulk, name="provider_bulk"),
    path("providers/<int:pk>/", providers.provider_detail, name="provider_detail"),
    path("providers/<int:pk>/edit/", providers.provider_edit, name="provider_edit"),
    path(
        "providers/<int:provider_pk>/services/add/",
        care_services.service_create,
        name="service_create",
    ),
    path(
        "providers/<int:provider_pk>/contacts/add/", contacts.contact_create, name="contact_create"
    ),
    path(
        "providers/<int:provider_pk>/associations/add/",
        associations.membership_add,
        name="membership_add",
    ),
    path("services/", care_services.service_list, name="service_list"),
    path("services/<int:pk>/", care_services.service_detail, name="service_detail"),
    path("services/<int:pk>/edit/", care_services.service_edit, name="service_edit"),
    path("contacts/", contacts.contact_list, name="contact_list"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", contacts.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/personal-data/", contacts.contact_export, name="contact_export"),
    path("contacts/<int:pk>/erase/", contacts.contact_erase, name="contact_erase"),
    path("associations/", associations.association_list, name="association_list"),
    path("associations/add/", associations.association_create, name="association_create"),
    path("associations/merge/", associations.association_merge, name="association_merge"),
    path("associations/<int:pk>/", associations.association_detail, name="association_detail"),
    path("associations/<int:pk>/edit/", associations.association_edit, name="association_edit"),
    path("memberships/<int:pk>/end/", associations.membership_end, name="membership_end"),
    path("coverage/", associations.coverage, name="coverage"),
    path("imports/", imports.cqc_import_list, name="cqc_import_list"),
    path("imports/upload/", imports.cqc_import_upload, name="cqc_import_upload"),
    path("imports/<int:pk>/", imports.cqc_import_detail, name="cqc_import_detail"),
    # Public: the link in emails to provider contacts (no sign-in).
    path("unsubscribe/<str:token>/", unsubscribe.unsubscribe_page, name="unsubscribe"),
]
