"""Routes of this app, mounted by the root urlconf under the practice prefixes."""

from django.urls import include, path

from clients.bulk import views as bulk_views
from clients.mailing import urls as mailing_urls
from clients.playbook import urls as playbook_urls
from clients.views import brand, catalog, clients, engagements, onboarding, profile

# Under /app/<practice_slug>/ (staff).
staff_patterns: list = [
    path("clients/", clients.client_list, name="client_list"),
    path("clients/new/", clients.client_create, name="client_create"),
    path("clients/import/", bulk_views.client_import_create, name="client_import_create"),
    path(
        "clients/import/<int:job_id>/",
        bulk_views.client_import_detail,
        name="client_import_detail",
    ),
    path(
        "clients/import/<int:job_id>/problems/",
        bulk_views.client_import_report,
        name="client_import_report",
    ),
    path("clients/export/", bulk_views.client_export, name="client_export"),
    path("clients/<int:client_id>/", clients.client_detail, name="client_detail"),
    path("clients/<int:client_id>/edit/", clients.client_edit, name="client_edit"),
    path("clients/<int:client_id>/archive/", clients.client_archive, name="client_archive"),
    path("clients/<int:client_id>/contacts/new/", clients.contact_create, name="contact_create"),
    path(
        "clients/<int:client_id>/contacts/<int:contact_id>/edit/",
        clients.contact_edit,
        name="contact_edit",
    ),
    path(
        "clients/<int:client_id>/contacts/<int:contact_id>/delete/",
        clients.contact_delete,
        name="contact_delete",
    ),
    path(
        "clients/<int:client_id>/contacts/<int:contact_id>/invite/",
        clients.contact_invite,
        name="contact_invite",
    ),
    path(
        "clients/<int:client_id>/team/<int:membership_id>/remove/",
        clients.client_team_remove,
        name="client_team_remove",
    ),
    path(
        "clients/<int:client_id>/agreements/new/", clients.agreement_create, name="agreement_create"
    ),
    path(
        "clients/<int:client_id>/agreements/<int:agreement_id>/file/",
        clients.agreement_file,
        name="agreement_file",
    ),
    path(
        "clients/<int:client_id>/onboarding/",
        onboarding.client_onboarding,
        name="client_onboarding",
    ),
    path(
        "clients/<int:client_id>/onboarding/send/",
        onboarding.onboarding_send,
        name="onboarding_send",
    ),
    path("clients/<int:client_id>/brand/", brand.client_brand, name="client_brand"),
    path(
        "clients/<int:client_id>/engagements/new/",
        engagements.engagement_create,
        name="engagement_create",
    ),
    path(
        "engagements/<int:engagement_id>/", engagements.engagement_detail, name="engagement_detail"
    ),
    path(
        "engagements/<int:engagement_id>/edit/", engagements.engagement_edit, name="engagement_edit"
    ),
    path(
        "engagements/<int:engagement_id>/propose/",
        engagements.engagement_propose,
        name="engagement_propose",
    ),
    path(
        "engagements/<int:engagement_id>/withdraw/",
        engagements.engagement_withdraw,
        name="engagement_withdraw",
    ),
    path(
        "engagements/<int:engagement_id>/revise/",
        engagements.engagement_revise,
        name="engagement_revise",
    ),
    path("engagements/<int:engagement_id>/end/", engagements.engagement_end, name="engagement_end"),
    path(
        "engagements/<int:engagement_id>/discard/",
        engagements.engagement_discard,
        name="engagement_discard",
    ),
    path("plans/", catalog.plan_list, name="plan_list"),
    path("plans/new/", catalog.plan_create, name="plan_create"),
    path("plans/<int:plan_id>/", catalog.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/edit/", catalog.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/archive/", catalog.plan_archive, name="plan_archive"),
    path("plans/categories/", catalog.category_list, name="category_list"),
    path("plans/categories/new/", catalog.category_create, name="category_create"),
    path("plans/categories/<int:category_id>/edit/", catalog.category_edit, name="category_edit"),
    path("brand/", brand.practice_brand, name="practice_brand"),
    path("brand/<int:kit_id>/logo/", brand.brand_logo, name="brand_logo"),
    path("mailing-lists/", include(mailing_urls.staff_patterns)),
    *playbook_urls.staff_patterns,
]

# Under /portal/<practice_slug>/ (client contacts).
portal_patterns: list = [
    path("onboarding/", onboarding.portal_onboarding, name="portal_onboarding"),
    path("profile/", profile.portal_profile, name="portal_profile"),
    path("brand/logo/", brand.portal_brand_logo, name="portal_brand_logo"),
    path("plan/", engagements.portal_plan, name="portal_plan"),
    path("plan/<int:engagement_id>/", engagements.portal_engagement, name="portal_engagement"),
    path(
        "plan/<int:engagement_id>/accept/",
        engagements.portal_engagement_accept,
        name="portal_engagement_accept",
    ),
    path(
        "plan/<int:engagement_id>/changes/",
        engagements.portal_engagement_changes,
        name="portal_engagement_changes",
    ),
    path("mailing-lists/", include(mailing_urls.portal_patterns)),
    *playbook_urls.portal_patterns,
]
