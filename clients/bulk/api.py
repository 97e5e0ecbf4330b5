"""API of client imports, under /api/v1/practices/<practice_slug>/client-imports/ (owners and
admins): upload a file (multipart), then check it with a mapping, then run it."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.parsers import FormParser, MultiPartParser

from clients.api.common import created_response, ok_response
from clients.bulk import imports
from clients.bulk.models import ClientImport
from clients.selectors import staff_memberships
from secretary.api_base import PracticeScopedMixin
from secretary.models import Role

TAG = "client imports"


class ImportProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField(read_only=True)
    reason = serializers.CharField(read_only=True)


class ImportReportSerializer(serializers.Serializer):
    clients_created = serializers.IntegerField(read_only=True)
    clients_updated = serializers.IntegerField(read_only=True)
    contacts_created = serializers.IntegerField(read_only=True)
    contacts_updated = serializers.IntegerField(read_only=True)
    unchanged = serializers.IntegerField(read_only=True)
    errors = ImportProblemSerializer(many=True, read_only=True)


class ClientImportSerializer(serializers.ModelSerializer):
    report = serializers.SerializerMethodField()
    mapping = serializers.DictField(child=serializers.CharField(), read_only=True)
    header = serializers.ListField(child=serializers.CharField(), read_only=True)
    preview = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()), read_only=True
    )

    class Meta:
        model = ClientImport
        fields = [
            "id",
            "file_name",
            "kind",
            "status",
            "header",
            "preview",
            "mapping",
            "primary_secretary",
            "report",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ImportReportSerializer(allow_null=True))
    def get_report(self, instance) -> dict | None:
        """The last check or run; null before the first check."""
        return instance.report or None


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class CheckSerializer(serializers.Serializer):
    mapping = serializers.DictField(
        child=serializers.ChoiceField(choices=[("", "")] + [(k, k) for k in imports.TARGETS]),
        help_text=_('Column index (from 0) → target, e.g. {"0": "client.name"}.'),
    )
    primary_secretary = serializers.IntegerField(required=False, allow_null=True)


class ImportMixin(PracticeScopedMixin):
    min_role = Role.ADMIN

    def job(self) -> ClientImport:
        job = (
            ClientImport.objects.for_practice(self.request.practice)
            .filter(pk=self.kwargs["job_id"])
            .first()
        )
        if job is None:
            raise Http404
        return job


@extend_schema_view(
    get=extend_schema(tags=[TAG], summary=_("Imports of clients and contacts")),
    post=extend_schema(
        tags=[TAG],
        summary=_("Upload a CSV or XLSX file of clients and contacts"),
        request={"multipart/form-data": UploadSerializer},
        responses={201: ClientImportSerializer},
    ),
)
class ClientImportListView(ImportMixin, generics.ListCreateAPIView):
    serializer_class = ClientImportSerializer
    queryset = ClientImport.objects.none()
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return ClientImport.objects.for_practice(self.request.practice)

    def create(self, request, *args, **kwargs):
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        job = imports.client_import_create(
            practice=request.practice,
            actor=request.membership,
            file=upload.validated_data["file"],
            request=request,
        )
        return created_response(ClientImportSerializer, job, request)


@extend_schema_view(get=extend_schema(tags=[TAG], summary=_("An import and its last check")))
class ClientImportDetailView(ImportMixin, generics.RetrieveAPIView):
    serializer_class = ClientImportSerializer
    queryset = ClientImport.objects.none()

    def get_object(self):
        return self.job()


@extend_schema_view(
    post=extend_schema(
        tags=[TAG],
        summary=_("Map the columns and check every row (imports nothing)"),
        request=CheckSerializer,
        responses=ClientImportSerializer,
    )
)
class ClientImportCheckView(ImportMixin, generics.GenericAPIView):
    serializer_class = ClientImportSerializer
    queryset = ClientImport.objects.none()

    def post(self, request, *args, **kwargs):
        job = self.job()
        body = CheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        secretary = None
        secretary_id = body.validated_data.get("primary_secretary")
        if secretary_id is not None:
            secretary = staff_memberships(practice=request.practice).filter(pk=secretary_id).first()
            if secretary is None:
                raise serializers.ValidationError(
                    {"primary_secretary": [_("Choose a member of the practice's staff.")]}
                )
        job = imports.client_import_check(
            practice=request.practice,
            actor=request.membership,
            job=job,
            mapping=body.validated_data["mapping"],
            primary_secretary=secretary,
            request=request,
        )
        return ok_response(ClientImportSerializer, job, request)


@extend_schema_view(
    post=extend_schema(
        tags=[TAG],
        summary=_("Import a checked file, all or nothing"),
        request=None,
        responses=ClientImportSerializer,
    )
)
class ClientImportRunView(ImportMixin, generics.GenericAPIView):
    serializer_class = ClientImportSerializer
    queryset = ClientImport.objects.none()

    def post(self, request, *args, **kwargs):
        job = imports.client_import_run(
            practice=request.practice, actor=request.membership, job=self.job(), request=request
        )
        return ok_response(ClientImportSerializer, job, request)


api_patterns: list = [
    path("client-imports/", ClientImportListView.as_view(), name="api_client_import_list"),
    path(
        "client-imports/<int:job_id>/",
        ClientImportDetailView.as_view(),
        name="api_client_import_detail",
    ),
    path(
        "client-imports/<int:job_id>/check/",
        ClientImportCheckView.as_view(),
        name="api_client_import_check",
    ),
    path(
        "client-imports/<int:job_id>/run/",
        ClientImportRunView.as_view(),
        name="api_client_import_run",
    ),
]
