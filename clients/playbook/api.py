"""API of playbooks, under /api/v1/practices/<practice_slug>/clients/<client_id>/playbook/.

Staff read and write: a PUT saves the content as a new version (none when nothing changed),
proposals from the client's contacts are listed, accepted or declined. Client contacts use
the portal.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.response import Response

from clients import selectors as client_selectors
from clients.playbook import selectors, services
from clients.playbook.content import empty_content
from clients.playbook.models import Playbook, PlaybookProposal, PlaybookVersion
from clients.playbook.serializers import (
    DeclineSerializer,
    PlaybookProposalSerializer,
    PlaybookSerializer,
    PlaybookUpdateSerializer,
    PlaybookVersionListSerializer,
    PlaybookVersionSerializer,
)
from clients.services import regulated_view_record
from secretary.api_base import PracticeScopedMixin

TAG = "playbooks"


class ClientPlaybookMixin(PracticeScopedMixin):
    """Views under one client's playbook: ``self.client`` (404 for another practice's id)."""

    _client = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._client = client_selectors.client_get(
            practice=request.practice, client_id=self.kwargs["client_id"]
        )
        if request.method in ("GET", "HEAD"):
            regulated_view_record(request=request, client=self._client)

    @property
    def client(self):
        return self._client

    def playbook(self) -> Playbook:
        """The client's playbook; an empty one (not stored) when none was written yet."""
        found = selectors.playbook_of(practice=self.request.practice, client=self.client)
        if found is not None:
            return found
        return Playbook(
            practice=self.request.practice,
            client=self.client,
            content=empty_content(),
            version=0,
            updated_at=self.client.created_at,
        )


@extend_schema_view(
    get=extend_schema(tags=[TAG], summary=_("A client's playbook (the current version)")),
    put=extend_schema(
        tags=[TAG],
        summary=_("Save a client's playbook as a new version"),
        description=_(
            "The whole content; a section left out is saved empty. Nothing changes (and no "
            "version is made) when the content is the current one."
        ),
        request=PlaybookUpdateSerializer,
        responses=PlaybookSerializer,
    ),
)
class PlaybookView(ClientPlaybookMixin, generics.GenericAPIView):
    serializer_class = PlaybookSerializer
    queryset = Playbook.objects.none()
    http_method_names = ["get", "put", "head", "options"]

    def get(self, request, *args, **kwargs):
        return Response(PlaybookSerializer(self.playbook()).data)

    def put(self, request, *args, **kwargs):
        serializer = PlaybookUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.playbook_save(
            practice=request.practice,
            client=self.client,
            actor=request.membership,
            content=data["content"],
            base_number=data.get("base_version"),
            note=data.get("note", ""),
            request=request,
        )
        return Response(PlaybookSerializer(self.playbook()).data)


@extend_schema_view(get=extend_schema(tags=[TAG], summary=_("The versions of a playbook")))
class PlaybookVersionListView(ClientPlaybookMixin, generics.ListAPIView):
    serializer_class = PlaybookVersionListSerializer
    queryset = PlaybookVersion.objects.none()

    def get_queryset(self):
        playbook = selectors.playbook_of(practice=self.request.practice, client=self.client)
        return selectors.versions_of(practice=self.request.practice, playbook=playbook)


@extend_schema_view(get=extend_schema(tags=[TAG], summary=_("One version of a playbook")))
class PlaybookVersionDetailView(ClientPlaybookMixin, generics.RetrieveAPIView):
    serializer_class = PlaybookVersionSerializer
    queryset = PlaybookVersion.objects.none()

    def get_object(self):
        playbook = selectors.playbook_of(practice=self.request.practice, client=self.client)
        return selectors.version_get(
            practice=self.request.practice, playbook=playbook, number=self.kwargs["number"]
        )


@extend_schema_view(
    get=extend_schema(tags=[TAG], summary=_("Changes the client's contacts proposed"))
)
class ProposalListView(ClientPlaybookMixin, generics.ListAPIView):
    serializer_class = PlaybookProposalSerializer
    queryset = PlaybookProposal.objects.none()

    def get_queryset(self):
        playbook = selectors.playbook_of(practice=self.request.practice, client=self.client)
        return selectors.proposals_of(practice=self.request.practice, playbook=playbook)


class ProposalActionView(ClientPlaybookMixin, generics.GenericAPIView):
    serializer_class = PlaybookProposalSerializer
    queryset = PlaybookProposal.objects.none()
    http_method_names = ["post", "options"]

    def proposal(self) -> PlaybookProposal:
        return selectors.proposal_get(
            practice=self.request.practice,
            client=self.client,
            proposal_id=self.kwargs["proposal_id"],
        )


class ProposalAcceptView(ProposalActionView):
    @extend_schema(
        tags=[TAG],
        summary=_("Accept a proposal: its changed sections become the next version"),
        request=None,
        responses=PlaybookProposalSerializer,
    )
    def post(self, request, *args, **kwargs):
        proposal = services.proposal_accept(
            practice=request.practice,
            proposal=self.proposal(),
            actor=request.membership,
            request=request,
        )
        return Response(PlaybookProposalSerializer(proposal).data)


class ProposalDeclineView(ProposalActionView):
    @extend_schema(
        tags=[TAG],
        summary=_("Decline a proposal with a reason the client reads"),
        request=DeclineSerializer,
        responses=PlaybookProposalSerializer,
    )
    def post(self, request, *args, **kwargs):
        proposal = self.proposal()
        serializer = DeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = services.proposal_decline(
            practice=request.practice,
            proposal=proposal,
            actor=request.membership,
            reason=serializer.validated_data["reason"],
            request=request,
        )
        return Response(PlaybookProposalSerializer(proposal).data)


_PLAYBOOK = "clients/<int:client_id>/playbook/"

api_patterns: list = [
    path(_PLAYBOOK, PlaybookView.as_view(), name="api_playbook"),
    path(f"{_PLAYBOOK}versions/", PlaybookVersionListView.as_view(), name="api_playbook_versions"),
    path(
        f"{_PLAYBOOK}versions/<int:number>/",
        PlaybookVersionDetailView.as_view(),
        name="api_playbook_version",
    ),
    path(f"{_PLAYBOOK}proposals/", ProposalListView.as_view(), name="api_playbook_proposals"),
    path(
        f"{_PLAYBOOK}proposals/<int:proposal_id>/accept/",
        ProposalAcceptView.as_view(),
        name="api_playbook_proposal_accept",
    ),
    path(
        f"{_PLAYBOOK}proposals/<int:proposal_id>/decline/",
        ProposalDeclineView.as_view(),
        name="api_playbook_proposal_decline",
    ),
]
