"""Web pages of the tenancy core. The root URLconf imports the names below from here."""

from django.urls import path

from secretary.views.account import profile
from secretary.views.activity import activity_log
from secretary.views.invitations import invitation_accept
from secretary.views.members import (
    invitation_revoke,
    member_invite,
    member_list,
    member_remove,
    member_role,
)
from secretary.views.practices import (
    home,
    membership_home_url,
    practice_list,
    practice_new,
    practice_settings,
)
from secretary.views.search import search_page
from secretary.views.system import healthz, page_not_found, server_error
from secretary.views.tokens import api_token_create, api_token_list, api_token_revoke

# Under /app/<practice_slug>/.
staff_patterns = [
    path("members/", member_list, name="members"),
    path("members/invite/", member_invite, name="member_invite"),
    path("members/<int:membership_id>/role/", member_role, name="member_role"),
    path("members/<int:membership_id>/remove/", member_remove, name="member_remove"),
    path("invitations/<int:invitation_id>/revoke/", invitation_revoke, name="invitation_revoke"),
    path("activity/", activity_log, name="activity"),
    path("search/", search_page, name="search"),
    path("settings/practice/", practice_settings, name="practice_settings"),
    path("settings/tokens/", api_token_list, name="api_tokens"),
    path("settings/tokens/new/", api_token_create, name="api_token_create"),
    path("settings/tokens/<int:token_id>/revoke/", api_token_revoke, name="api_token_revoke"),
]
# Under /portal/<practice_slug>/.
# The staff dashboard and the portal home are the tasks app's pages (names "dashboard" and
# "portal_home"): the core names them only as where members land.
portal_patterns: list = []

__all__ = [
    "healthz",
    "home",
    "invitation_accept",
    "membership_home_url",
    "page_not_found",
    "portal_patterns",
    "practice_list",
    "practice_new",
    "profile",
    "server_error",
    "staff_patterns",
]
