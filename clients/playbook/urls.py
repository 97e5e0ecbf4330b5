"""Routes of the playbook (included by ``clients.urls``)."""

from django.urls import path

from clients.playbook import views

_CLIENT = "clients/<int:client_id>/playbook/"

staff_patterns: list = [
    path(_CLIENT, views.playbook_detail, name="playbook_detail"),
    path(f"{_CLIENT}edit/", views.playbook_edit, name="playbook_edit"),
    path(f"{_CLIENT}versions/", views.playbook_versions, name="playbook_versions"),
    path(f"{_CLIENT}versions/<int:number>/", views.playbook_version, name="playbook_version"),
    path(f"{_CLIENT}proposals/<int:proposal_id>/", views.proposal_review, name="proposal_review"),
    path("switch/", views.client_switcher, name="client_switcher"),
]

portal_patterns: list = [
    path("playbook/", views.portal_playbook, name="portal_playbook"),
    path("playbook/propose/", views.portal_playbook_propose, name="portal_playbook_propose"),
]
