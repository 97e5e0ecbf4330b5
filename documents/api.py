"""API routes of this app, mounted under /api/v1/practices/<practice_slug>/.

Composed documents (letters, newsletters, brochures…) and their rendered files.

Who may do what:
- staff (secretary and up) create compositions, save content (each change a new version),
  render, send for approval, comment, and read every document of the practice;
- a client contact who may see documents (``portal_documents``) reads its own client's
  compositions that were sent for approval (only the versions sent), comments on the version
  sent, and approves it (typed name and read confirmation) or asks for changes; anything
  else answers 404 (a draft included).
A broken rule answers 400 ``{"message", "errors"}`` and nothing is saved.
"""

from __future__ import annotations

import django_filters
from django.http import Http404
from django.urls import path
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.access import ContactPartMixin
from documents import api_library, compose, proofing, selectors
from documents.models import (
    Composition,
    CompositionStatus,
    CompositionVersion,
    Document,
    ProofComment,
)
from documents.newsletter_email import newsletter_email
from documents.serializers import (
    COMPOSABLE_KIND_CHOICES,
    CompositionCreateSerializer,
    CompositionDecisionResultSerializer,
    CompositionDecisionSerializer,
    CompositionDetailSerializer,
    CompositionSerializer,
    CompositionUpdateSerializer,
    CompositionVersionSerializer,
    DocumentStatusSerializer,
    NewsletterEmailSerializer,
    ProofCommentCreateSerializer,
    ProofCommentSerializer,
    RenderResultSerializer,
)
from secretary.api.schema import ErrorSerializer
from secretary.api_base import PracticeScopedMixin
from secretary.api_filters import FilterSet, IdFilter
from secretary.audit import client_ip
from secretary.files import stored_file_response
from secretary.idempotency import IdempotentCreateMixin

TAGS = ["documents"]


class DocumentsScopedMixin(ContactPartMixin, PracticeScopedMixin):
    """Staff see the practice's rows; a contact with ``portal_documents`` its client's rows that
    were sent to it (404 for anything else, and for contacts without that part)."""

    allow_clients = True
    portal_part = "documents"

    def compositions(self):
        practice = self.request.practice
        if self.contact is not None:
            return proofing.client_compositions(practice=practice, client=self.contact.client)
        return Composition.objects.for_practice(practice)

    def get_composition(self) -> Composition:
        cached = getattr(self, "_composition", None)
        if cached is None:
            cached = (
                self.compositions()
                .filter(pk=self.kwargs["composition_id"])
                .select_related("client", "approved_version")
                .first()
            )
            if cached is None:
                raise Http404
            self._composition = cached
        return cached

    def version_for_reader(self, composition):
        practice = self.request.practice
        if self.contact is not None:
            return proofing.version_shown(practice=practice, composition=composition)
        return compose.version_latest(composition)

    def detail_response(self, composition, *, status_code=status.HTTP_200_OK) -> Response:
        composition.refresh_from_db()
        version = self.version_for_reader(composition)
        data = CompositionDetailSerializer(composition, context={"version": version}).data
        return Response(data, status=status_code)


class StaffOnlyMixin(DocumentsScopedMixin):
    allow_clients = False


class CompositionFilter(FilterSet):
    client = IdFilter(field_name="client_id", label=gettext_lazy("Documents of this client"))
    kind = django_filters.ChoiceFilter(choices=COMPOSABLE_KIND_CHOICES)
    status = django_filters.ChoiceFilter(choices=CompositionStatus.choices)

    class Meta:
        model = Composition
        fields = ["client", "kind", "status"]


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary=gettext_lazy("Composed documents"),
        description=gettext_lazy(
            "Latest changed first. A client contact sees its client's documents that were sent "
            "for approval."
        ),
    ),
    post=extend_schema(
        tags=TAGS,
        summary=gettext_lazy("Start a document"),
        description=gettext_lazy("Its first version holds `content` (empty by default)."),
        request=CompositionCreateSerializer,
        responses={201: CompositionDetailSerializer},
    ),
)
class CompositionListView(IdempotentCreateMixin, DocumentsScopedMixin, generics.ListCreateAPIView):
    serializer_class = CompositionSerializer
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    filterset_class = CompositionFilter
    queryset = Composition.objects.none()

    def get_queryset(self):
        return self.compositions().order_by("-updated_at", "-pk")

    def create(self, request, *args, **kwargs):
        serializer = CompositionCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        composition = compose.composition_create(
            practice=request.practice,
            client=data["client"],
            kind=data["kind"],
            title=data["title"],
            user=request.user,
            task=data.get("task"),
            content=data.get("content"),
            paper=data.get("paper", ""),
            template=data.get("template"),
        )
        return self.detail_response(composition, status_code=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary=gettext_lazy("A composed document with its latest version's content"),
        responses=CompositionDetailSerializer,
    ),
    patch=extend_schema(
        tags=TAGS,
        summary=gettext_lazy("Save new content (a new version)"),
        description=gettext_lazy(
            "Content equal to the latest version's makes no version, and no content changes "
            "nothing. An approved document is locked (400). Problems of blocks are listed by "
            "block number under `blocks`."
        ),
        request=CompositionUpdateSerializer,
        responses=CompositionDetailSerializer,
    ),
)
class CompositionDetailView(DocumentsScopedMixin, generics.GenericAPIView):
    serializer_class = CompositionDetailSerializer

    def get(self, request, *args, **kwargs):
        return self.detail_response(self.get_composition())

    def patch(self, request, *args, **kwargs):
        composition = self.get_composition()
        serializer = CompositionUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if "content" in serializer.validated_data:
            compose.composition_save(
                practice=request.practice,
                composition=composition,
                content=serializer.validated_data["content"],
                user=request.user,
            )
        return self.detail_response(composition)


class CompositionRenderView(StaffOnlyMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary=gettext_lazy("Render the latest version"),
        description=gettext_lazy(
            "A worker makes the PDF; follow `documents/<id>/` until it is ready."
        ),
        request=None,
        responses={202: RenderResultSerializer},
    )
    def post(self, request, *args, **kwargs):
        composition = self.get_composition()
        version = compose.version_latest(composition)
        document = compose.version_render(
            practice=request.practice, composition=composition, version=version, user=request.user
        )
        return Response(
            {"document": document.pk, "status": document.status, "version": version.number},
            status=status.HTTP_202_ACCEPTED,
        )


class CompositionSendView(StaffOnlyMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary=gettext_lazy("Send the latest version to the client for approval"),
        description=gettext_lazy(
            "Renders it and tells the client's contacts who may approve documents."
        ),
        request=None,
        responses=CompositionDetailSerializer,
    )
    def post(self, request, *args, **kwargs):
        composition = self.get_composition()
        compose.composition_send_for_approval(
            practice=request.practice, composition=composition, user=request.user
        )
        return self.detail_response(composition)


class CompositionEmailView(StaffOnlyMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary=gettext_lazy("The email version of a newsletter"),
        description=gettext_lazy(
            "The latest version as a mailing list sends it: subject, HTML (pictures as `cid:` "
            "references, sent as parts of the message), plain text and warnings. Newsletters "
            "only: another kind of document answers 400."
        ),
        responses={
            200: NewsletterEmailSerializer,
            400: OpenApiResponse(
                ErrorSerializer, description=gettext_lazy("The document is not a newsletter.")
            ),
        },
    )
    def get(self, request, *args, **kwargs):
        email = newsletter_email(practice=request.practice, composition=self.get_composition())
        data = {
            "version": email.version,
            "subject": email.subject,
            "preheader": email.preheader,
            "html": email.html,
            "text": email.text,
            "images": [
                {
                    "content_id": image.content_id,
                    "content_type": image.content_type,
                    "size": len(image.data),
                    "width": image.width,
                    "height": image.height,
                }
                for image in email.images
            ],
            "warnings": [str(warning) for warning in email.warnings],
        }
        return Response(NewsletterEmailSerializer(data).data)


class CompositionVersionListView(DocumentsScopedMixin, generics.ListAPIView):
    serializer_class = CompositionVersionSerializer
    queryset = CompositionVersion.objects.none()

    @extend_schema(
        tags=TAGS,
        summary=gettext_lazy("The versions of a composed document, newest first"),
        description=gettext_lazy("A client contact sees the versions sent for approval only."),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        composition = self.get_composition()
        if self.contact is not None:
            return proofing.sent_versions(practice=self.request.practice, composition=composition)
        return composition.versions.order_by("-number")


class CompositionDecideView(DocumentsScopedMixin, APIView):
    def clients_may_write(self, request) -> bool:
        return True

    @extend_schema(
        tags=TAGS,
        summary=gettext_lazy("Approve, or ask for changes to, the version sent (client contacts)"),
        description=gettext_lazy(
            "Approving needs the typed full name and `read_confirmed`; asking for changes needs "
            "a comment (pinned on `page`). Records who, when, from where and the version's "
            "hash. A version not sent, or already decided, answers 400."
        ),
        request=CompositionDecisionSerializer,
        responses=CompositionDecisionResultSerializer,
    )
    def post(self, request, *args, **kwargs):
        composition = self.get_composition()  # another practice's id: 404 before 403
        if self.contact is None:
            raise exceptions.PermissionDenied(_("Only the client's contacts decide."))
        serializer = CompositionDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        approval = compose.composition_decide(
            practice=request.practice,
            composition=composition,
            version_id=data["version"],
            user=request.user,
            decision=data["decision"],
            name=data.get("name") or request.user.get_full_name() or request.user.email,
            comment=data.get("comment", ""),
            page=data.get("page") or 1,
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
        composition.refresh_from_db()
        return Response(
            {
                "id": approval.pk,
                "decision": approval.decision,
                "name": approval.name,
                "content_hash": approval.content_hash,
                "decided_at": approval.decided_at,
                "composition_status": composition.status,
            }
        )


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary=gettext_lazy("Comments on the version shown, by page")),
    post=extend_schema(
        tags=TAGS,
        summary=gettext_lazy("Comment on a page of the version shown"),
        description=gettext_lazy(
            "Contacts comment while the version awaits their approval; `x`/`y` pin it to a "
            "spot (in % of the page)."
        ),
        request=ProofCommentCreateSerializer,
        responses={201: ProofCommentSerializer},
    ),
)
class CompositionCommentListView(
    IdempotentCreateMixin, DocumentsScopedMixin, generics.ListCreateAPIView
):
    serializer_class = ProofCommentSerializer
    queryset = ProofComment.objects.none()

    def clients_may_write(self, request) -> bool:
        return True

    def version(self):
        version = self.version_for_reader(self.get_composition())
        if self.contact is not None and version is None:
            raise Http404
        return version

    ordering_fields = ["page", "created_at"]

    def get_queryset(self):
        version = self.version()
        if version is None:
            return ProofComment.objects.for_practice(self.request.practice).none()
        return proofing.version_comments(practice=self.request.practice, version=version)

    def create(self, request, *args, **kwargs):
        composition = self.get_composition()
        version = self.version()
        serializer = ProofCommentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if version is None:
            raise exceptions.ValidationError({"version": [_("This document has no version.")]})
        if self.contact is not None and composition.status != CompositionStatus.AWAITING_APPROVAL:
            raise exceptions.ValidationError(
                {"version": [_("This version is no longer open for comments.")]}
            )
        data = serializer.validated_data
        comment = compose.proof_comment_add(
            practice=request.practice,
            version=version,
            user=request.user,
            body=data["body"],
            page=data["page"],
            x=data.get("x"),
            y=data.get("y"),
            from_client=self.contact is not None,
        )
        return Response(ProofCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


def _document_for(view) -> Document:
    request = view.request
    if view.contact is None:
        return selectors.document_get(
            practice=request.practice, document_id=view.kwargs["document_id"]
        )
    # A contact reads the documents of the versions sent to its client only.
    document = selectors.document_get(
        practice=request.practice,
        document_id=view.kwargs["document_id"],
        client=view.contact.client,
    )
    if document.subject_type == compose.VERSION_SUBJECT:
        shown = proofing.sent_versions_of_client(
            practice=request.practice, client=view.contact.client
        ).filter(document=document)
        if not shown.exists():
            raise Http404
    return document


class DocumentDetailView(DocumentsScopedMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary=gettext_lazy("A rendered document's status"),
        responses=DocumentStatusSerializer,
    )
    def get(self, request, *args, **kwargs):
        return Response(DocumentStatusSerializer(_document_for(self)).data)


class DocumentDownloadView(DocumentsScopedMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary=gettext_lazy("A ready document's PDF"),
        description=gettext_lazy("404 until the document is ready."),
        responses={(200, "application/pdf"): bytes},
    )
    def get(self, request, *args, **kwargs):
        document = _document_for(self)
        if not document.is_ready or not document.file:
            raise Http404
        name = slugify(document.title) or "document"
        return stored_file_response(document.file, filename=f"{name}.pdf", max_age=300)


_COMPOSITION = "compositions/<int:composition_id>/"
api_patterns: list = [
    path("compositions/", CompositionListView.as_view(), name="api_composition_list"),
    path(_COMPOSITION, CompositionDetailView.as_view(), name="api_composition_detail"),
    path(f"{_COMPOSITION}render/", CompositionRenderView.as_view(), name="api_composition_render"),
    path(
        f"{_COMPOSITION}send-for-approval/",
        CompositionSendView.as_view(),
        name="api_composition_send",
    ),
    path(f"{_COMPOSITION}email/", CompositionEmailView.as_view(), name="api_composition_email"),
    path(
        f"{_COMPOSITION}versions/",
        CompositionVersionListView.as_view(),
        name="api_composition_versions",
    ),
    path(f"{_COMPOSITION}decide/", CompositionDecideView.as_view(), name="api_composition_decide"),
    path(
        f"{_COMPOSITION}comments/",
        CompositionCommentListView.as_view(),
        name="api_composition_comments",
    ),
    path("documents/<int:document_id>/", DocumentDetailView.as_view(), name="api_document_detail"),
    path(
        "documents/<int:document_id>/download/",
        DocumentDownloadView.as_view(),
        name="api_document_download",
    ),
    *api_library.api_patterns,
]
