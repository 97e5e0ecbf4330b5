"""API of the clients app, mounted under /api/v1/practices/<practice_slug>/.

Who may do what:
- categories and plans: staff read; owners and admins write.
- clients, contacts, engagements: staff read and write; a client contact reads its own client,
  its contacts and the engagements proposed to it (never drafts), and accepts or asks for
  changes when allowed to approve documents.
- questionnaires (onboarding answers): staff send, read and fill them; a contact reads and
  answers its own client's, and submits once.
"""

from django.urls import include, path

from clients.api.catalog import (
    CategoryDetailView,
    CategoryListView,
    PlanDetailView,
    PlanListView,
)
from clients.api.clients import (
    ClientDetailView,
    ClientListView,
    ContactDetailView,
    ContactListView,
)
from clients.api.engagements import (
    EngagementAcceptView,
    EngagementDetailView,
    EngagementEndView,
    EngagementListView,
    EngagementProposeView,
    EngagementRequestChangesView,
    EngagementReviseView,
    EngagementWithdrawView,
)
from clients.api.onboarding import (
    QuestionnaireDetailView,
    QuestionnaireListView,
    QuestionnaireSubmitView,
)
from clients.bulk import api as bulk_api
from clients.mailing import api as mailing_api
from clients.playbook import api as playbook_api

api_patterns: list = [
    path("categories/", CategoryListView.as_view(), name="api_category_list"),
    path("categories/<int:category_id>/", CategoryDetailView.as_view(), name="api_category_detail"),
    path("plans/", PlanListView.as_view(), name="api_plan_list"),
    path("plans/<int:plan_id>/", PlanDetailView.as_view(), name="api_plan_detail"),
    path("clients/", ClientListView.as_view(), name="api_client_list"),
    path("clients/<int:client_id>/", ClientDetailView.as_view(), name="api_client_detail"),
    path("contacts/", ContactListView.as_view(), name="api_contact_list"),
    path("contacts/<int:contact_id>/", ContactDetailView.as_view(), name="api_contact_detail"),
    path("questionnaires/", QuestionnaireListView.as_view(), name="api_questionnaire_list"),
    path(
        "questionnaires/<int:questionnaire_id>/",
        QuestionnaireDetailView.as_view(),
        name="api_questionnaire_detail",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/submit/",
        QuestionnaireSubmitView.as_view(),
        name="api_questionnaire_submit",
    ),
    path("engagements/", EngagementListView.as_view(), name="api_engagement_list"),
    path(
        "engagements/<int:engagement_id>/",
        EngagementDetailView.as_view(),
        name="api_engagement_detail",
    ),
    path(
        "engagements/<int:engagement_id>/propose/",
        EngagementProposeView.as_view(),
        name="api_engagement_propose",
    ),
    path(
        "engagements/<int:engagement_id>/withdraw/",
        EngagementWithdrawView.as_view(),
        name="api_engagement_withdraw",
    ),
    path(
        "engagements/<int:engagement_id>/revise/",
        EngagementReviseView.as_view(),
        name="api_engagement_revise",
    ),
    path(
        "engagements/<int:engagement_id>/end/",
        EngagementEndView.as_view(),
        name="api_engagement_end",
    ),
    path(
        "engagements/<int:engagement_id>/accept/",
        EngagementAcceptView.as_view(),
        name="api_engagement_accept",
    ),
    path(
        "engagements/<int:engagement_id>/request-changes/",
        EngagementRequestChangesView.as_view(),
        name="api_engagement_request_changes",
    ),
    path("", include(mailing_api.api_patterns)),
    path("", include(bulk_api.api_patterns)),
    *playbook_api.api_patterns,
]
