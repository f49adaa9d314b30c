from __future__ import annotations

from django.urls import path

from engage.enquiries import views

app_name = "enquiries"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/note/", views.note, name="note"),
    path("<int:pk>/status/", views.change_status, name="status"),
    path("<int:pk>/reassign/", views.reassign, name="reassign"),
    path("<int:pk>/take/", views.take, name="take"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    path("log/", views.log_find_provider, name="log"),
    path("log/<int:provider_pk>/", views.log_enquiry, name="log_for_provider"),
    path("overview/", views.overview, name="overview"),
    path("categories/", views.category_list, name="categories"),
    path("categories/add/", views.category_edit, name="category_create"),
    path("categories/<int:pk>/", views.category_edit, name="category_edit"),
]
