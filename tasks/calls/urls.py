"""Routes of the call log (included by ``tasks.urls``)."""

from django.urls import path

from tasks.calls import views

staff_patterns: list = [
    path("calls/", views.call_list, name="call_list"),
    path("calls/new/", views.call_new, name="call_new"),
    path("calls/<int:call_id>/", views.call_detail, name="call_detail"),
]

portal_patterns: list = [
    path("messages/", views.portal_call_messages, name="portal_call_messages"),
]
