"""Writing and describing the audit log (``ActivityEvent``) and the security log."""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from secretary.models import ActivityEvent, Practice

security_log = logging.getLogger("secretary.security")

# verb -> human label. Apps add their own verbs with ``register_verbs`` at import time.
VERB_LABELS: dict[str, Any] = {
    "practice.created": _("created the practice"),
    "practice.settings_changed": _("changed the practice's settings"),
    "member.invited": _("invited a member"),
    "member.joined": _("joined the practice"),
    "member.role_changed": _("changed a member's role"),
    "member.removed": _("removed a member"),
    "invitation.revoked": _("revoked an invitation"),
    "token.created": _("created an API token"),
    "token.revoked": _("revoked an API token"),
}


def register_verbs(labels: dict[str, Any]) -> None:
    VERB_LABELS.update(labels)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, found exactly as allauth finds it for its rate limits.

    ``X-Forwarded-For`` counts only behind the ``TRUSTED_PROXY_COUNT`` proxies we run (a client
    can write anything in it); otherwise the address is the peer's. Always a valid IP or None.
    """
    if request is None:
        return None
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except (DjangoPermissionDenied, ImproperlyConfigured):
        # No usable address, or fewer forwarded hops than the proxies we trust: keep the peer's.
        return clean_ip(request.META.get("REMOTE_ADDR"))


def clean_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def activity_record(
    *,
    practice: Practice,
    actor=None,
    verb: str,
    target: models.Model | None = None,
    data: dict | None = None,
    request: HttpRequest | None = None,
) -> ActivityEvent:
    """Write one audit-log entry. Never put secrets (passwords, tokens) into ``data``."""
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor = None
    return ActivityEvent.objects.create(
        practice=practice,
        actor=actor,
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        data=data or {},
        ip_address=client_ip(request),
    )


def verb_label(verb: str) -> str:
    return str(VERB_LABELS.get(verb, verb))


def security_event(
    message: str,
    *,
    request: HttpRequest | None = None,
    user=None,
    practice: Practice | str | None = None,
    **fields: Any,
) -> None:
    """Log a security-relevant event with user, practice and IP (never secrets)."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    user_label = getattr(user, "email", None) if user is not None else None
    practice_label = getattr(practice, "slug", practice)
    extras = " ".join(f"{key}={value}" for key, value in sorted(fields.items()))
    security_log.info(
        "%s user=%s practice=%s ip=%s %s",
        message,
        user_label or "-",
        practice_label or "-",
        client_ip(request) or "-",
        extras,
    )
