from __future__ import annotations

from django.urls import path

from engage.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("enquiries/", views.enquiries, name="enquiries"),
    path("enquiries/new/", views.enquiry_new, name="enquiry_new"),
    path("enquiries/new/<slug:slug>/", views.enquiry_new_details, name="enquiry_new_details"),
    path("enquiries/<int:pk>/", views.enquiry_detail, name="enquiry_detail"),
    path("enquiries/<int:pk>/reply/", views.enquiry_reply, name="enquiry_reply"),
    path("enquiries/files/<int:pk>/", views.attachment, name="attachment"),
    path("organisation/", views.organisation, name="organisation"),
    path("organisation/details/", views.organisation_edit, name="organisation_edit"),
    path("organisation/people/add/", views.contact_edit, name="contact_create"),
    path("organisation/people/<int:pk>/", views.contact_edit, name="contact_edit"),
    path("organisation/people/<int:pk>/left/", views.contact_left, name="contact_left"),
]
