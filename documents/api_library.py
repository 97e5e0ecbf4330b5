"""API of the practice's template library, under /api/v1/practices/<practice_slug>/.

Staff read the templates and their versions; admins create (a copy of the kind's built-in unless
a source is sent), save a new source as a new version, rename, archive or bring back. A source
the restricted engine or the CSS guard refuses answers 400 with the line of the problem under
``source``, and nothing is saved.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from documents import practice_templates
from documents.models import DocumentTemplate, DocumentTemplateVersion
from documents.serializers import COMPOSABLE_KIND_CHOICES
from secretary import limits
from secretary.api_base import PracticeScopedMixin
from secretary.idempotency import IdempotentCreateMixin
from secretary.models import Role

TAGS = ["documents"]
SOURCE_HELP = gettext_lazy(
    "The template in the document template language (HTML and CSS); `url(…)` may name the "
    "practice's own files only."
)


class TemplateSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=COMPOSABLE_KIND_CHOICES, read_only=True)
    version = serializers.IntegerField(
        source="latest_number", read_only=True, allow_null=True, help_text="The latest version."
    )

    class Meta:
        model = DocumentTemplate
        fields = ["id", "kind", "name", "description", "archived", "version", "created_at"]
        read_only_fields = fields


class TemplateDetailSerializer(TemplateSerializer):
    source = serializers.CharField(read_only=True, help_text=SOURCE_HELP)

    class Meta(TemplateSerializer.Meta):
        fields = [*TemplateSerializer.Meta.fields, "source"]
        read_only_fields = fields


class TemplateCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=COMPOSABLE_KIND_CHOICES)
    name = serializers.CharField(max_length=practice_templates.MAX_NAME)
    description = serializers.CharField(
        max_length=limits.TEXT_SHORT, required=False, allow_blank=True
    )
    source = serializers.CharField(
        max_length=practice_templates.MAX_SOURCE,
        required=False,
        trim_whitespace=False,
        help_text=gettext_lazy("Leave it out for a copy of the kind's built-in template."),
    )


class TemplateUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=practice_templates.MAX_NAME, required=False)
    description = serializers.CharField(
        max_length=limits.TEXT_SHORT, required=False, allow_blank=True
    )
    source = serializers.CharField(
        max_length=practice_templates.MAX_SOURCE,
        required=False,
        trim_whitespace=False,
        help_text=gettext_lazy("A changed source is kept as a new version."),
    )
    archived = serializers.BooleanField(
        required=False,
        help_text=gettext_lazy("Archived templates are not offered for new documents."),
    )


class TemplateVersionSerializer(serializers.ModelSerializer):
    created_by = serializers.SerializerMethodField()

    class Meta:
        model = DocumentTemplateVersion
        fields = ["id", "number", "source", "created_by", "created_at"]
        read_only_fields = fields

    def get_created_by(self, version) -> str:
        user = version.created_by
        return (user.get_full_name() or user.email) if user else ""


class LibraryMixin(PracticeScopedMixin):
    min_role = Role.SECRETARY
    write_role = Role.ADMIN

    def get_template(self) -> DocumentTemplate:
        return practice_templates.template_get(
            practice=self.request.practice, template_id=self.kwargs["template_id"]
        )

    def detail(self, template: DocumentTemplate, *, status_code=status.HTTP_200_OK) -> Response:
        row = practice_templates.template_rows(practice=self.request.practice).get(pk=template.pk)
        latest = practice_templates.template_latest(
            practice=self.request.practice, template=template
        )
        row.source = latest.source if latest else ""
        return Response(TemplateDetailSerializer(row).data, status=status_code)


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary=gettext_lazy("The practice's document templates")),
    post=extend_schema(
        tags=TAGS,
        summary=gettext_lazy("Add a document template (admins)"),
        description=gettext_lazy(
            "Version 1 holds `source`, or the kind's built-in template. A refused source "
            "answers 400 with the line of the problem under `source`."
        ),
        request=TemplateCreateSerializer,
        responses={201: TemplateDetailSerializer},
    ),
)
class TemplateListView(IdempotentCreateMixin, LibraryMixin, generics.ListCreateAPIView):
    serializer_class = TemplateSerializer
    queryset = DocumentTemplate.objects.none()

    def get_queryset(self):
        return practice_templates.template_rows(practice=self.request.practice)

    def create(self, request, *args, **kwargs):
        serializer = TemplateCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        template = practice_templates.template_create(
            practice=request.practice,
            kind=data["kind"],
            name=data["name"],
            description=data.get("description", ""),
            source=data.get("source"),
            user=request.user,
        )
        return self.detail(template, status_code=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary=gettext_lazy("A document template with its current source"),
        responses=TemplateDetailSerializer,
    ),
    patch=extend_schema(
        tags=TAGS,
        summary=gettext_lazy("Change a document template (admins)"),
        description=gettext_lazy(
            "A changed `source` is a new version (an unchanged one makes none); `archived` "
            "archives it or brings it back. A refused source answers 400 with the line of the "
            "problem under `source`, and nothing is saved."
        ),
        request=TemplateUpdateSerializer,
        responses=TemplateDetailSerializer,
    ),
)
class TemplateDetailView(LibraryMixin, generics.GenericAPIView):
    serializer_class = TemplateDetailSerializer

    def get(self, request, *args, **kwargs):
        return self.detail(self.get_template())

    def patch(self, request, *args, **kwargs):
        template = self.get_template()
        serializer = TemplateUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        practice_templates.template_save(
            practice=request.practice,
            template=template,
            source=data.get("source"),
            name=data.get("name"),
            description=data.get("description"),
            archived=data.get("archived"),
            user=request.user,
        )
        return self.detail(template)


class TemplateVersionListView(LibraryMixin, generics.ListAPIView):
    serializer_class = TemplateVersionSerializer
    queryset = DocumentTemplateVersion.objects.none()

    @extend_schema(tags=TAGS, summary=gettext_lazy("A document template's versions, newest first"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return practice_templates.template_versions(
            practice=self.request.practice, template=self.get_template()
        )


_TEMPLATE = "templates/<int:template_id>/"

api_patterns: list = [
    path("templates/", TemplateListView.as_view(), name="api_template_list"),
    path(_TEMPLATE, TemplateDetailView.as_view(), name="api_template_detail"),
    path(f"{_TEMPLATE}versions/", TemplateVersionListView.as_view(), name="api_template_versions"),
]
