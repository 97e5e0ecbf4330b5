"""Views of the core API: the current user, their practices, a practice's members, invitations,
activity and the caller's personal access tokens.

Who may do what:
- ``me/`` and ``practices/``: any signed-in user (a token sees only its own practice).
- a practice: any member, client contacts included.
- members: staff read; owners and admins change roles and remove members.
- invitations and activity: owners and admins.
- tokens: each member manages their own, from a signed-in session only (a token never mints or
  lists tokens); creating or revoking one needs a recent password confirmation, like role
  changes.
"""

from __future__ import annotations

import django_filters
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import filters, generics, status
from rest_framework.response import Response

from secretary import rls, services
from secretary.api.search import SearchView
from secretary.api_auth import token_of
from secretary.api_base import PracticeScopedMixin, require_recent_authentication, require_session
from secretary.api_filters import FilterSet
from secretary.idempotency import IdempotentCreateMixin
from secretary.models import ActivityEvent, ApiToken, Invitation, Membership, Role
from secretary.serializers import (
    ActivityEventSerializer,
    ApiTokenCreatedSerializer,
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    MemberRoleSerializer,
    MemberSerializer,
    PracticeSerializer,
    UserSerializer,
)

# Views keep ``queryset = Model.objects.none()`` only so the schema generator knows the model;
# rows always come from ``get_queryset``, scoped to ``request.practice``.

SESSION_ONLY = [{"cookieAuth": []}]


# --- The current user ---------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(tags=["account"], summary=_("The signed-in user")),
    patch=extend_schema(tags=["account"], summary=_("Change your name or time zone")),
)
class MeView(generics.RetrieveUpdateAPIView):
    serializer_class = UserSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user


@extend_schema_view(
    get=extend_schema(tags=["account"], summary=_("The practices you belong to, with your role")),
)
class PracticeListView(generics.ListAPIView):
    serializer_class = PracticeSerializer
    queryset = Membership.objects.none()
    filter_backends: list = []

    def list(self, request, *args, **kwargs):
        with rls.cross_practice("a user's practices"):
            return super().list(request, *args, **kwargs)

    def get_queryset(self):
        memberships = self.request.user.memberships.select_related("practice")
        token = token_of(self.request)
        if token is not None:
            memberships = memberships.filter(pk=token.membership_id)
        return memberships.order_by("practice__name", "pk")


# --- A practice -----------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(tags=["practices"], summary=_("A practice you belong to, with your role")),
)
class PracticeDetailView(PracticeScopedMixin, generics.RetrieveAPIView):
    allow_clients = True
    serializer_class = PracticeSerializer
    queryset = Membership.objects.none()

    def get_object(self):
        return self.request.membership


class MemberFilter(FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)
    ordering = django_filters.OrderingFilter(
        fields=(
            ("user__email", "email"),
            ("user__full_name", "full_name"),
            ("created_at", "joined_at"),
        ),
    )

    class Meta:
        model = Membership
        fields = ["role"]


@extend_schema_view(
    get=extend_schema(tags=["members"], summary=_("The members of the practice")),
)
class MemberListView(PracticeScopedMixin, generics.ListAPIView):
    min_role = Role.SECRETARY
    serializer_class = MemberSerializer
    queryset = Membership.objects.none()
    filter_backends = [DjangoFilterBackend, filters.SearchFilter]
    filterset_class = MemberFilter
    search_fields = ["user__email", "user__full_name"]

    def get_queryset(self):
        return (
            Membership.objects.for_practice(self.request.practice)
            .select_related("user")
            .order_by("user__email", "pk")
        )


@extend_schema_view(
    get=extend_schema(tags=["members"], summary=_("A member of the practice")),
    patch=extend_schema(
        tags=["members"],
        summary=_("Change a member's role (owners and admins)"),
        description=_(
            "A practice always keeps an owner: demoting the last one is refused. "
            "From a browser session this needs a recent password confirmation."
        ),
        request=MemberRoleSerializer,
        responses=MemberSerializer,
    ),
    delete=extend_schema(
        tags=["members"],
        summary=_("Remove a member (owners and admins)"),
        description=_(
            "The member's API tokens are revoked. The last owner cannot be removed. "
            "From a browser session this needs a recent password confirmation."
        ),
    ),
)
class MemberDetailView(PracticeScopedMixin, generics.RetrieveDestroyAPIView):
    min_role = Role.SECRETARY
    write_role = Role.ADMIN
    serializer_class = MemberSerializer
    queryset = Membership.objects.none()
    lookup_url_kwarg = "member_id"
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return Membership.objects.for_practice(self.request.practice).select_related("user")

    def patch(self, request, *args, **kwargs):
        membership = self.get_object()
        serializer = MemberRoleSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        role = serializer.validated_data.get("role")
        if role is not None:
            require_recent_authentication(request)
            membership = services.membership_change_role(
                practice=request.practice,
                actor=request.membership,
                membership=membership,
                role=role,
                request=request,
            )
        return Response(MemberSerializer(membership).data)

    def destroy(self, request, *args, **kwargs):
        membership = self.get_object()
        require_recent_authentication(request)
        services.membership_remove(
            practice=request.practice,
            actor=request.membership,
            membership=membership,
            request=request,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Invitations --------------------------------------------------------------------------


def pending_invitations(practice):
    return (
        Invitation.objects.for_practice(practice)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("invited_by")
    )


@extend_schema_view(
    get=extend_schema(tags=["invitations"], summary=_("Pending invitations (owners and admins)")),
    post=extend_schema(
        tags=["invitations"],
        summary=_("Invite someone by email with a role"),
        description=_(
            "The invitation email is sent in the background once saved. A new "
            "invitation to the same address replaces the pending one."
        ),
        request=InvitationCreateSerializer,
        responses={201: InvitationSerializer},
    ),
)
class InvitationListView(IdempotentCreateMixin, PracticeScopedMixin, generics.ListCreateAPIView):
    min_role = Role.ADMIN
    serializer_class = InvitationSerializer
    queryset = Invitation.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        return pending_invitations(self.request.practice).order_by("-created_at", "-pk")

    def create(self, request, *args, **kwargs):
        serializer = InvitationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation, _token = services.invitation_create(
            practice=request.practice,
            invited_by=request.membership,
            email=serializer.validated_data["email"],
            role=serializer.validated_data["role"],
            request=request,
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(tags=["invitations"], summary=_("A pending invitation")),
    delete=extend_schema(tags=["invitations"], summary=_("Revoke a pending invitation")),
)
class InvitationDetailView(PracticeScopedMixin, generics.RetrieveDestroyAPIView):
    min_role = Role.ADMIN
    serializer_class = InvitationSerializer
    queryset = Invitation.objects.none()
    lookup_url_kwarg = "invitation_id"

    def get_queryset(self):
        return pending_invitations(self.request.practice)

    def destroy(self, request, *args, **kwargs):
        invitation = self.get_object()
        services.invitation_revoke(
            practice=request.practice,
            actor=request.membership,
            invitation=invitation,
            request=request,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Activity -----------------------------------------------------------------------------


class ActivityFilter(FilterSet):
    verb = django_filters.CharFilter(
        max_length=100, help_text=_("Only events with this verb, e.g. member.invited.")
    )

    class Meta:
        model = ActivityEvent
        fields = ["verb"]


@extend_schema_view(
    get=extend_schema(
        tags=["activity"], summary=_("The audit log, newest first (owners and admins)")
    ),
)
class ActivityListView(PracticeScopedMixin, generics.ListAPIView):
    min_role = Role.ADMIN
    serializer_class = ActivityEventSerializer
    queryset = ActivityEvent.objects.none()
    filter_backends = [DjangoFilterBackend]
    filterset_class = ActivityFilter

    def get_queryset(self):
        return (
            ActivityEvent.objects.for_practice(self.request.practice)
            .select_related("actor")
            .order_by("-created_at", "-pk")
        )


# --- Personal access tokens ---------------------------------------------------------------


class OwnTokensMixin(PracticeScopedMixin):
    """The caller's own tokens in this practice; any member, from a browser session only."""

    allow_clients = True
    queryset = ApiToken.objects.none()

    def clients_may_write(self, request) -> bool:
        return True

    def check_role(self, request, membership: Membership) -> None:
        super().check_role(request, membership)
        require_session(request)

    def get_queryset(self):
        return ApiToken.objects.for_practice(self.request.practice).filter(
            membership=self.request.membership
        )


@extend_schema_view(
    get=extend_schema(
        tags=["tokens"], summary=_("Your personal access tokens (no secrets)"), auth=SESSION_ONLY
    ),
    post=extend_schema(
        tags=["tokens"],
        summary=_("Create a personal access token"),
        description=_(
            "The secret is in the answer, once; only its hash is kept. Needs a "
            "browser session with a recent password confirmation."
        ),
        request=ApiTokenCreateSerializer,
        responses={201: ApiTokenCreatedSerializer},
        auth=SESSION_ONLY,
    ),
)
class TokenListView(OwnTokensMixin, generics.ListCreateAPIView):
    serializer_class = ApiTokenSerializer
    filter_backends: list = []

    def get_queryset(self):
        return super().get_queryset().order_by("-created_at", "-pk")

    def create(self, request, *args, **kwargs):
        serializer = ApiTokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        require_recent_authentication(request)
        token, secret = services.token_create(
            membership=request.membership, name=serializer.validated_data["name"], request=request
        )
        data = {**ApiTokenSerializer(token).data, "token": secret}
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        tags=["tokens"], summary=_("One of your personal access tokens"), auth=SESSION_ONLY
    ),
    delete=extend_schema(
        tags=["tokens"],
        summary=_("Revoke one of your personal access tokens"),
        description=_(
            "It stops working at once and stays listed as revoked. Needs a recent password "
            "confirmation, as creating one does."
        ),
        responses={204: OpenApiResponse(description=_("Revoked."))},
        auth=SESSION_ONLY,
    ),
)
class TokenDetailView(OwnTokensMixin, generics.RetrieveDestroyAPIView):
    serializer_class = ApiTokenSerializer
    lookup_url_kwarg = "token_id"

    def destroy(self, request, *args, **kwargs):
        token = self.get_object()
        require_recent_authentication(request)
        services.token_revoke(membership=request.membership, token=token, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Under /api/v1/.
user_patterns: list = [
    path("me/", MeView.as_view(), name="api_me"),
    path("practices/", PracticeListView.as_view(), name="api_practice_list"),
]
# Under /api/v1/practices/<practice_slug>/.
practice_patterns: list = [
    path("", PracticeDetailView.as_view(), name="api_practice_detail"),
    path("members/", MemberListView.as_view(), name="api_member_list"),
    path("members/<int:member_id>/", MemberDetailView.as_view(), name="api_member_detail"),
    path("invitations/", InvitationListView.as_view(), name="api_invitation_list"),
    path(
        "invitations/<int:invitation_id>/",
        InvitationDetailView.as_view(),
        name="api_invitation_detail",
    ),
    path("activity/", ActivityListView.as_view(), name="api_activity_list"),
    path("tokens/", TokenListView.as_view(), name="api_token_list"),
    path("tokens/<int:token_id>/", TokenDetailView.as_view(), name="api_token_detail"),
    path("search/", SearchView.as_view(), name="api_search"),
]
