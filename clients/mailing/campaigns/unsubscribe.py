"""The public unsubscribe page, ``/mailing/unsubscribe/<token>/``, and its signed tokens.

The token (``django.core.signing``, its own salt) names the practice, the subscriber and the
campaign; it never expires (a link in an old newsletter must still work). GET shows a
confirmation in the client's colours; POST unsubscribes, the page's button and a mail
program's one-click ``List-Unsubscribe=One-Click`` body alike (RFC 8058), so the route is
exempt from CSRF checks. Unsubscribing twice changes nothing; a forged or altered token gets
a 400 page and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from clients.mailing.campaigns.models import Campaign, Delivery, DeliveryStatus
from clients.mailing.models import Subscriber, SubscriberStatus
from secretary import rls
from secretary.audit import activity_record
from secretary.models import Practice
from secretary.tenancy import practice_scope

SALT = "clients.mailing.unsubscribe"
# What a placeholder link holds until each subscriber's token replaces it (see sending.py).
PLACEHOLDER = "UNSUBSCRIBE-TOKEN-PLACEHOLDER"


def unsubscribe_token(*, practice_id: int, subscriber_id: int, campaign_id: int | None) -> str:
    return signing.dumps([practice_id, subscriber_id, campaign_id or 0], salt=SALT)


def unsubscribe_url(token: str) -> str:
    return settings.SITE_URL + reverse("mailing_unsubscribe", kwargs={"token": token})


def unsubscribe_url_prefix() -> tuple[str, str]:
    """The unsubscribe URL split around the token: ``prefix + token + suffix``."""
    prefix, suffix = unsubscribe_url(PLACEHOLDER).split(PLACEHOLDER)
    return prefix, suffix


@dataclass(frozen=True)
class TokenContent:
    practice_id: int
    subscriber_id: int
    campaign_id: int | None


def read_token(token: str) -> TokenContent | None:
    """What a genuine token names, or None for a forged, altered or malformed one."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 3
        or not all(isinstance(part, int) and not isinstance(part, bool) for part in value)
    ):
        return None
    practice_id, subscriber_id, campaign_id = value
    return TokenContent(practice_id, subscriber_id, campaign_id or None)


def _subject_of(content: TokenContent):
    """(practice, subscriber, campaign or None), or None when any is gone."""
    # A public page: the practice comes from the signed token, nothing else.
    with rls.cross_practice("unsubscribe link: the practice named by a signed token"):
        practice = Practice.objects.filter(pk=content.practice_id).first()
    if practice is None:
        return None
    subscriber = (
        Subscriber.objects.for_practice(practice)
        .select_related("audience", "audience__client")
        .filter(pk=content.subscriber_id)
        .first()
    )
    if subscriber is None:
        return None
    campaign = None
    if content.campaign_id:
        campaign = (
            Campaign.objects.for_practice(practice)
            .filter(pk=content.campaign_id, audience_id=subscriber.audience_id)
            .first()
        )
    return practice, subscriber, campaign


def subscriber_unsubscribe(*, practice, subscriber: Subscriber, campaign: Campaign | None) -> bool:
    """Unsubscribe ``subscriber`` (through ``campaign``'s link); False when they were no longer
    subscribed (a second click changes nothing)."""
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.for_practice(practice).select_for_update().get(pk=subscriber.pk)
        )
        if subscriber.status != SubscriberStatus.SUBSCRIBED:
            return False
        now = timezone.now()
        subscriber.status = SubscriberStatus.UNSUBSCRIBED
        subscriber.status_changed_at = now
        subscriber.status_reason = (
            _("Unsubscribed through the link in “%(campaign)s”") % {"campaign": campaign.name}
            if campaign is not None
            else _("Unsubscribed through a newsletter's link")
        )[:300]
        subscriber.save(
            update_fields=["status", "status_changed_at", "status_reason", "updated_at"]
        )
        if campaign is not None:
            Delivery.objects.for_practice(practice).filter(
                campaign=campaign,
                subscriber=subscriber,
                status__in=(DeliveryStatus.SENT, DeliveryStatus.QUEUED),
            ).update(status=DeliveryStatus.UNSUBSCRIBED, updated_at=now)
        activity_record(
            practice=practice,
            verb="subscriber.unsubscribed",
            target=subscriber,
            data={"campaign": campaign.pk if campaign is not None else None},
        )
    return True


def _brand_css(practice, client) -> str:
    from clients.portal_brand import theme
    from clients.selectors import brand_for

    kit = brand_for(practice=practice, client=client)
    if kit is None:
        return ""
    return ":root{" + "".join(f"{k}:{v};" for k, v in theme(kit).items()) + "}"


@csrf_exempt  # mail programs post the one-click body without a CSRF token (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    content = read_token(token)
    if content is None:
        return render(request, "clients/mailing/campaigns/unsubscribe_invalid.html", status=400)
    with practice_scope(content.practice_id):
        found = _subject_of(content)
        if found is None:
            return render(request, "clients/mailing/campaigns/unsubscribe_invalid.html", status=404)
        practice, subscriber, campaign = found
        client = subscriber.audience.client
        done = subscriber.status != SubscriberStatus.SUBSCRIBED
        if request.method == "POST":
            subscriber_unsubscribe(practice=practice, subscriber=subscriber, campaign=campaign)
            done = True
        return render(
            request,
            "clients/mailing/campaigns/unsubscribe.html",
            {
                "client": client,
                "audience": subscriber.audience,
                "email": subscriber.email,
                "done": done,
                "brand_css": _brand_css(practice, client),
            },
        )
