import zoneinfo

from django.http import Http404
from django.utils import timezone

from secretary.files import media_origin


class MediaOriginMiddleware:
    """On the separate origin of user files (``MEDIA_DOMAIN``) answer signed file links only:
    no page, no form, no cookie of the application ever lives there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        origin = media_origin()
        if origin and request.get_host() == origin.split("://", 1)[1]:
            if not request.path.startswith("/files/"):
                raise Http404
        return self.get_response(request)


class UserTimezoneMiddleware:
    """Show times in the signed-in user's own time zone (stored in UTC)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)
