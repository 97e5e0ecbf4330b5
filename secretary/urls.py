"""Root URLs. Feature apps contribute ``staff_patterns`` and ``portal_patterns`` (their
``urls.py``) and ``api_patterns`` (their ``api.py``); the practice prefix is added here once."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

import billing.api
import billing.urls
import clients.api
import clients.mailing.campaigns.api
import clients.mailing.campaigns.urls
import clients.urls
import documents.api
import documents.urls
import tasks.api
import tasks.urls
from secretary import api as core_api
from secretary import views
from secretary.files import media_file

# The admin signs in through allauth: same rate limits, same two-factor authentication.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Secretary"

FEATURE_URLS = (
    clients.urls,
    clients.mailing.campaigns.urls,
    tasks.urls,
    billing.urls,
    documents.urls,
)
FEATURE_APIS = (clients.api, clients.mailing.campaigns.api, tasks.api, billing.api, documents.api)

staff_patterns = list(views.staff_patterns)
portal_patterns = list(views.portal_patterns)
api_practice_patterns = list(core_api.practice_patterns)
for module in FEATURE_URLS:
    staff_patterns += module.staff_patterns
    portal_patterns += module.portal_patterns
for module in FEATURE_APIS:
    api_practice_patterns += module.api_patterns

urlpatterns = [
    path("", views.home, name="home"),
    path("practices/", views.practice_list, name="practice_list"),
    path("practices/new/", views.practice_new, name="practice_new"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("app/<slug:practice_slug>/", include(staff_patterns)),
    path("portal/<slug:practice_slug>/", include(portal_patterns)),
    path("api/v1/", include(core_api.user_patterns)),
    path("api/v1/practices/<slug:practice_slug>/", include(api_practice_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("healthz", views.healthz, name="healthz"),
    path("files/<str:token>/", media_file, name="media_file"),
    path("billing/", include(billing.urls.public_patterns)),
    path("mailing/", include(clients.mailing.campaigns.urls.public_patterns)),
    path("mail/", include(tasks.urls.public_patterns)),
]

# Media files are never served by URL: uploads and rendered documents go through
# permission-checked views only.

handler404 = "secretary.views.page_not_found"
handler500 = "secretary.views.server_error"
