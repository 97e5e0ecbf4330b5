"""Receivers connecting documents to other apps' events (they never import documents)."""

from __future__ import annotations

from django.dispatch import receiver

from clients.signals import engagement_proposed
from documents.agreements import service_agreement_request


@receiver(engagement_proposed, dispatch_uid="documents.service_agreement")
def render_service_agreement(sender, engagement, user=None, **kwargs) -> None:
    """A proposed engagement gets its service agreement PDF (rendered by a worker)."""
    service_agreement_request(engagement=engagement, user=user)
