"""Routes of the mailing lists, included by ``clients/urls.py`` under ``mailing-lists/``."""

from django.urls import path

from clients.mailing import views

# Under /app/<practice_slug>/mailing-lists/ (staff).
staff_patterns: list = [
    path("", views.audience_list, name="audience_list"),
    path("new/", views.audience_create, name="audience_create"),
    path("<int:audience_id>/", views.audience_detail, name="audience_detail"),
    path("<int:audience_id>/edit/", views.audience_edit, name="audience_edit"),
    path("<int:audience_id>/delete/", views.audience_delete, name="audience_delete"),
    path("<int:audience_id>/export/", views.audience_export, name="audience_export"),
    path("<int:audience_id>/people/new/", views.subscriber_create, name="subscriber_create"),
    path(
        "<int:audience_id>/people/<int:subscriber_id>/",
        views.subscriber_detail,
        name="subscriber_detail",
    ),
    path(
        "<int:audience_id>/people/<int:subscriber_id>/status/",
        views.subscriber_status,
        name="subscriber_status",
    ),
    path(
        "<int:audience_id>/people/<int:subscriber_id>/delete/",
        views.subscriber_delete,
        name="subscriber_delete",
    ),
    path("<int:audience_id>/segments/new/", views.segment_create, name="segment_create"),
    path("<int:audience_id>/segments/<int:segment_id>/", views.segment_edit, name="segment_edit"),
    path(
        "<int:audience_id>/segments/<int:segment_id>/delete/",
        views.segment_delete,
        name="segment_delete",
    ),
    path(
        "<int:audience_id>/segments/<int:segment_id>/export/",
        views.segment_export,
        name="segment_export",
    ),
    path("<int:audience_id>/imports/new/", views.import_create, name="import_create"),
    path("<int:audience_id>/imports/<int:job_id>/", views.import_detail, name="import_detail"),
]

# Under /portal/<practice_slug>/mailing-lists/ (client contacts who may see documents).
portal_patterns: list = [
    path("", views.portal_audience_list, name="portal_audience_list"),
    path(
        "<int:audience_id>/export/",
        views.portal_audience_export,
        name="portal_audience_export",
    ),
]
