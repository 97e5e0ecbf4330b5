"""DRF building blocks: practice resolution, role permissions, errors, pagination."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination, permissions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from secretary.access import membership_for
from secretary.audit import security_event
from secretary.errors import ApplicationError
from secretary.models import ApiToken, Membership, Role
from secretary.tenancy import practice_scope


class Pagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc, context):
    """Every API error is JSON: ``{"message": str, "errors": {field: [messages]}}``."""
    if isinstance(exc, ApplicationError):
        return Response({"message": str(exc.message), "errors": exc.errors},
                        status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(errors)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = {"message": str(_("Please correct the errors below.")), "errors": errors}
    elif isinstance(data, dict) and "detail" in data:
        response.data = {"message": str(data["detail"]), "errors": {}}
    return response


class PracticeScopedMixin:
    """Resolve ``request.practice`` / ``request.membership`` from the ``practice_slug`` URL kwarg.

    Non-members get 404. A token only works in the practice of its membership. Subclasses set
    ``min_role`` (staff ladder) or ``allow_clients = True`` to let client contacts in (the view
    then narrows what they see).
    """

    min_role: str = Role.SECRETARY
    allow_clients: bool = False
    # Roles needed for unsafe methods (POST/PUT/PATCH/DELETE); defaults to ``min_role``.
    write_role: str | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        slug = kwargs.get("practice_slug")
        membership = membership_for(request.user, slug) if slug else None
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if membership is not None and token is not None and token.membership_id != membership.pk:
            membership = None
        if membership is None:
            security_event("practice.denied", request=request._request, practice=slug)
            raise Http404
        request.practice = membership.practice
        request.membership = membership
        self._practice_scope = practice_scope(membership.practice)
        self._practice_scope.__enter__()
        self.check_role(request, membership)

    def finalize_response(self, request, response, *args, **kwargs):
        scope = getattr(self, "_practice_scope", None)
        if scope is not None:
            scope.__exit__(None, None, None)
            self._practice_scope = None
        return super().finalize_response(request, response, *args, **kwargs)

    def check_role(self, request, membership: Membership) -> None:
        if membership.is_client:
            if not self.allow_clients:
                raise Http404
            if request.method not in permissions.SAFE_METHODS and not self.clients_may_write(request):
                raise exceptions.PermissionDenied()
            return
        needed = self.min_role
        if request.method not in permissions.SAFE_METHODS and self.write_role:
            needed = self.write_role
        if not membership.has_role_at_least(needed):
            raise exceptions.PermissionDenied()

    def clients_may_write(self, request) -> bool:
        return False
