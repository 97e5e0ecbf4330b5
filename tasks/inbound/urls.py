"""Routes of inbound email, added to ``tasks.urls``."""

from django.urls import path

from tasks.inbound import views, webhooks

# Under /app/<practice_slug>/ (staff).
staff_patterns: list = [
    path("email/held/", views.inbound_quarantine, name="inbound_quarantine"),
    path("email/held/<int:inbound_id>/accept/", views.inbound_accept, name="inbound_accept"),
    path("email/held/<int:inbound_id>/discard/", views.inbound_discard, name="inbound_discard"),
    path(
        "clients/<int:client_id>/email-address/rotate/",
        views.inbound_address_rotate,
        name="inbound_address_rotate",
    ),
]

# Outside the practice prefix (mounted under /mail/ by the root urlconf).
public_patterns: list = [
    path("inbound/<slug:provider>/", webhooks.inbound_webhook, name="inbound_webhook"),
]
