"""DRF building blocks: practice resolution, role permissions, errors, pagination.

Every API view under ``/api/v1/practices/<practice_slug>/`` mixes in ``PracticeScopedMixin``;
it resolves the practice once per request from the slug and the caller's membership, and
answers 404 to anyone who is not a member (never 403).

DRF imports this module while it builds its own generic views (for ``Pagination``): keep it free
of imports of ``rest_framework.generics``, ``drf_spectacular.openapi`` and views.
"""

from __future__ import annotations

import contextlib

from allauth.account.decorators import reauthentication_required
from allauth.core.exceptions import ReauthenticationRequired
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, permissions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from secretary import rls, scope
from secretary.access import membership_for
from secretary.api_auth import token_of
from secretary.api_parsers import body_too_large
from secretary.audit import security_event
from secretary.errors import ApplicationError
from secretary.models import Membership, Role
from secretary.paging import BOUND, BoundedPaginator


class Pagination(pagination.PageNumberPagination):
    """``{"count", "count_exact", "next", "previous", "results"}``; ``?page=`` and
    ``?page_size=`` (≤ 200). Rows are counted up to 10,000 while the page asked for lies
    within them (``BoundedPaginator``): past that, ``count`` is 10,000, ``count_exact`` false
    and there are more (follow ``next``)."""

    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = BoundedPaginator

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.bound if paginator.more else paginator.count,
                "count_exact": not paginator.more,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = _(
            "How many results there are; when count_exact is false, there are more than this."
        )
        response["properties"] = {
            "count": response["properties"].pop("count"),
            "count_exact": {
                "type": "boolean",
                "description": _(
                    "False when the results were counted only up to count (%(bound)s): a page "
                    "asked for within them need not count them all."
                )
                % {"bound": f"{BOUND:,}"},
            },
            **response["properties"],
        }
        response["required"] = ["count", "count_exact", "results"]
        return response

    def get_page_size(self, request):
        """``?page_size=`` is a whole number from 1 (above 200 counts as 200); anything else is a
        400, not silently the default. Empty is the same as leaving it out."""
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        digits = raw.lstrip("0") if raw.isascii() and raw.isdigit() else None
        if not digits:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [_("Enter a whole number, 1 or more.")]}
            )
        # A number of any length is a size; compare its digits before converting.
        return self.max_page_size if len(digits) > 4 else min(int(digits), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            # Page numbers and sizes start at 1 (a page past the last one answers 404).
            parameter["schema"]["minimum"] = 1
        return parameters


def exception_handler(exc, context):
    """Every API error is JSON: ``{"message": str, "errors": {field: [messages]}}``."""
    if isinstance(exc, ApplicationError):
        set_rollback()
        return Response(
            {"message": str(exc.message), "errors": exc.errors}, status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, RequestDataTooBig):
        exc = body_too_large()
    if isinstance(exc, DjangoValidationError):
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(errors)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, Http404):
        # One answer for "no such practice", "not a member" and "no such row" (no model names).
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = {"message": _("Please correct the errors below."), "errors": errors}
    elif isinstance(data, dict) and "detail" in data:
        response.data = {"message": str(data["detail"]), "errors": {}}
    return response


def require_session(request) -> None:
    """Refuse callers authenticated by a personal access token (e.g. a token minting tokens)."""
    if token_of(request) is not None:
        raise exceptions.PermissionDenied(
            _("Personal access tokens cannot do this. Sign in to Secretary and try again.")
        )


def require_recent_authentication(request) -> None:
    """Sensitive changes by a signed-in browser session need a recent password confirmation.

    Uses allauth's reauthentication (the same one the web pages use). Token callers have no
    password to confirm: their token is the credential, so they pass.
    """
    if token_of(request) is not None:
        return
    try:
        reauthentication_required(lambda _request: None)(request._request)
    except ReauthenticationRequired as exc:
        raise exceptions.PermissionDenied(
            _("Please confirm your password first at %(url)s, then try again.")
            % {"url": reverse("account_reauthenticate")}
        ) from exc


class PracticeScopedMixin:
    """Resolve ``request.practice`` / ``request.membership`` from the ``practice_slug`` URL kwarg.

    Non-members get 404. A token only works in the practice of its membership (404 elsewhere,
    even where its user is a member). Subclasses set ``min_role`` (staff ladder) or
    ``allow_clients = True`` to let client contacts in (the view then narrows what they see).
    """

    min_role: str = Role.SECRETARY
    allow_clients: bool = False
    # Roles needed for unsafe methods (POST/PUT/PATCH/DELETE); defaults to ``min_role``.
    write_role: str | None = None

    def dispatch(self, request, *args, **kwargs):
        # What ``initial`` enters (the practice's transaction and scope) ends with the request,
        # whether the view answered or raised.
        with contextlib.ExitStack() as self._practice_exit:
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        slug = kwargs.get("practice_slug")
        token = token_of(request)
        enter = self._practice_exit.enter_context
        if token is not None:
            # The authenticator loaded the token's membership and practice already.
            membership = token.membership if token.membership.practice.slug == slug else None
            if membership is not None:
                enter(rls.practice_transaction(membership.practice))
        elif slug:
            # One transaction for the request, seeing only the practice of the slug (rls).
            enter(rls.practice_transaction_for_slug(slug))
            membership = membership_for(request.user, slug)
        else:
            membership = None
        if membership is None:
            security_event("practice.denied", request=request, practice=slug)
            raise Http404
        request.practice = membership.practice
        request.membership = membership
        # Django logs an uncaught error with the plain HttpRequest: let that line name it too.
        request._request.practice = membership.practice
        enter(scope.practice_scope(membership.practice))
        self.check_role(request, membership)

    def check_role(self, request, membership: Membership) -> None:
        if membership.is_client:
            if not self.allow_clients:
                raise Http404
            if request.method not in permissions.SAFE_METHODS and not self.clients_may_write(
                request
            ):
                raise exceptions.PermissionDenied()
            return
        needed = self.min_role
        if request.method not in permissions.SAFE_METHODS and self.write_role:
            needed = self.write_role
        if not membership.has_role_at_least(needed):
            raise exceptions.PermissionDenied()

    def clients_may_write(self, request) -> bool:
        return False
