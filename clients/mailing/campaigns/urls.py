"""Routes of campaigns: staff pages (``/app/<practice_slug>/mailing/…``), portal pages
(``/portal/<practice_slug>/newsletters/…``) and the public ones (``/mailing/…``: the
unsubscribe page and the providers' webhooks), mounted by the root urlconf."""

from django.urls import path

from clients.mailing.campaigns import portal, unsubscribe, views, webhooks

staff_patterns: list = [
    path("mailing/campaigns/", views.campaign_list, name="campaign_list"),
    path("mailing/campaigns/new/", views.campaign_new, name="campaign_new"),
    path("mailing/campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path("mailing/campaigns/<int:campaign_id>/edit/", views.campaign_edit, name="campaign_edit"),
    path(
        "mailing/campaigns/<int:campaign_id>/test/",
        views.campaign_test_send,
        name="campaign_test_send",
    ),
    path(
        "mailing/campaigns/<int:campaign_id>/request-approval/",
        views.campaign_request_approval,
        name="campaign_request_approval",
    ),
    path(
        "mailing/campaigns/<int:campaign_id>/schedule/",
        views.campaign_schedule,
        name="campaign_schedule",
    ),
    path(
        "mailing/campaigns/<int:campaign_id>/send/",
        views.campaign_send_now,
        name="campaign_send_now",
    ),
    path(
        "mailing/campaigns/<int:campaign_id>/cancel/",
        views.campaign_cancel,
        name="campaign_cancel",
    ),
    path(
        "mailing/campaigns/<int:campaign_id>/deliveries/",
        views.campaign_deliveries,
        name="campaign_deliveries",
    ),
    path("mailing/settings/", views.sending_settings, name="sending_settings"),
]

portal_patterns: list = [
    path("newsletters/", portal.portal_campaigns, name="portal_campaigns"),
    path("newsletters/<int:campaign_id>/", portal.portal_campaign, name="portal_campaign"),
]

# Outside the practice prefix (mounted under /mailing/ by the root urlconf).
public_patterns: list = [
    path("unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="mailing_unsubscribe"),
    path("webhooks/<slug:provider>/", webhooks.provider_webhook, name="mailing_webhook"),
]
