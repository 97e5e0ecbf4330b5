"""Personal access tokens for the API: ``Authorization: Bearer sec_…``.

A token belongs to one membership: it authenticates as the member's user but opens only the
practice of that membership (``PracticeScopedMixin`` answers 404 elsewhere). Only the SHA-256
of the secret is stored; a revoked or unknown token gets 401 with a JSON message.

Kept free of view imports: DRF loads these classes while it builds ``APIView`` itself.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, throttling
from rest_framework.settings import api_settings

from secretary import rls
from secretary.audit import security_event
from secretary.models import ApiToken, hash_secret

# Write ``last_used_at`` at most this often per token, not on every call.
LAST_USED_PRECISION_SECONDS = 60


def token_of(request) -> ApiToken | None:
    """The personal access token that authenticated this request, if any."""
    return request.auth if isinstance(request.auth, ApiToken) else None


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"bearer", b"token"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            secret = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from exc
        with rls.cross_practice("API token lookup by hash"):
            token = self._token(secret)
        if token is None or not token.is_active or not token.membership.user.is_active:
            security_event("api.token_rejected", request=request._request)
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        return token.membership.user, token

    @staticmethod
    def _token(secret: str) -> ApiToken | None:
        """The token a secret names, across practices (before any practice is known)."""
        if not secret.startswith(ApiToken.PREFIX):
            return None
        token = (
            ApiToken.objects.unscoped()
            .select_related("membership__user", "membership__practice")
            .filter(token_hash=hash_secret(secret))
            .first()
        )
        if token is None or not token.is_active or not token.membership.user.is_active:
            return token
        now = timezone.now()
        if (
            token.last_used_at is None
            or (now - token.last_used_at).total_seconds() > LAST_USED_PRECISION_SECONDS
        ):
            ApiToken.objects.unscoped().filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token

    def authenticate_header(self, request):
        return self.keyword


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Rate-limit calls made with personal access tokens, per user.

    All tokens of one user share one budget (minting more tokens buys no more calls). Browser
    sessions are not limited here. The counters live in the cache, so web hosts sharing Redis
    share the limit.
    """

    scope = "token"

    def get_rate(self):
        # Read per request (not at import) so the rate follows the settings.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if token_of(request) is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "secretary.api_auth.ApiTokenAuthentication"
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Personal access token (sec_…), scoped to one practice.",
        }
