"""API of transcription jobs, under /api/v1/practices/<practice_slug>/transcription-jobs/.

Staff see every job of the practice, save transcripts and deliver them; a client contact
allowed requests sends recordings (multipart) and sees their client's jobs, without the
transcript until it is delivered."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.models import Client
from clients.selectors import contact_for_membership
from clients.services import regulated_view_record
from secretary import limits
from secretary.api.schema import ErrorSerializer
from secretary.api_base import PracticeScopedMixin
from secretary.files import AUDIO, stored_file_response
from secretary.limits import MAX_ID
from tasks.transcription import selectors, services
from tasks.transcription.models import TranscriptionJob, Turnaround
from tasks.transcription.services import TranscriptConflict

JOB_FIELDS = [
    "id",
    "task",
    "client",
    "audio_name",
    "audio_type",
    "audio_size",
    "duration_seconds",
    "turnaround",
    "due_at",
    "status",
    "notes",
    "progress_percent",
    "position_seconds",
    "version",
    "saved_at",
    "created_at",
    "delivered_at",
    "delivery",
    "billed_minutes",
]


class JobSerializer(serializers.ModelSerializer):
    """A job as staff see it (the transcript included)."""

    due_at = serializers.DateTimeField(source="task.due_at", read_only=True, allow_null=True)
    status = serializers.CharField(source="task.status", read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = TranscriptionJob
        fields = [*JOB_FIELDS, "transcript"]
        read_only_fields = fields


class ClientJobSerializer(JobSerializer):
    """A job as its client sees it: no transcript until delivered (the .docx is ``delivery``)."""

    class Meta:
        model = TranscriptionJob
        fields = JOB_FIELDS
        read_only_fields = fields


class JobCreateSerializer(serializers.Serializer):
    client = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text=_("Staff: the client the recording is for (contacts send for their own)."),
    )
    audio = serializers.FileField(
        help_text=_(
            "The recording: MP3, M4A, WAV or OGG, typed by its bytes; at most the size the "
            "practice allows (200 MB by default)."
        )
    )
    turnaround = serializers.ChoiceField(choices=Turnaround.choices)
    notes = serializers.CharField(
        required=False, allow_blank=True, max_length=limits.TEXT_NOTES, default=""
    )


class TranscriptSerializer(serializers.Serializer):
    transcript = serializers.CharField(
        allow_blank=True, max_length=limits.TEXT_TRANSCRIPT, trim_whitespace=False
    )
    version = serializers.IntegerField(
        min_value=0,
        max_value=MAX_ID,
        help_text=_("The version the editor loaded; another save since answers 409."),
    )
    position_seconds = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text=_("How far into the recording the transcript has reached (seconds)."),
    )


class JobMixin(PracticeScopedMixin):
    allow_clients = True

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.contact = None
        if request.membership.is_client:
            self.contact = contact_for_membership(membership=request.membership)
            if self.contact is None or not self.contact.may_use("requests"):
                raise Http404

    def clients_may_write(self, request) -> bool:
        return False

    def jobs(self):
        if getattr(self, "swagger_fake_view", False):
            return TranscriptionJob.objects.none()
        practice = self.request.practice
        if self.contact is not None:
            return selectors.client_jobs(practice=practice, client=self.contact.client)
        return selectors.jobs_for(practice=practice)

    def job(self) -> TranscriptionJob:
        job = self.jobs().filter(pk=self.kwargs["job_id"]).first()
        if job is None:
            raise Http404
        if self.contact is None and job.client.is_regulated:
            regulated_view_record(request=self.request, client=job.client)
        return job

    def serializer_for(self, job):
        cls = ClientJobSerializer if self.contact is not None else JobSerializer
        return cls(job, context={"request": self.request})


@extend_schema(tags=["transcription"])
class JobList(JobMixin, generics.ListAPIView):
    """Transcription jobs, newest first (client contacts: their client's)."""

    parser_classes = [MultiPartParser, FormParser]
    upload_limit = staticmethod(services.max_audio_bytes)  # secretary.upload_limits
    filterset_class = None
    search_fields = ["audio_name"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at"]

    def clients_may_write(self, request) -> bool:
        return True

    def get_queryset(self):
        return self.jobs().order_by("-created_at", "-pk")

    def get_serializer_class(self):
        return ClientJobSerializer if getattr(self, "contact", None) else JobSerializer

    @extend_schema(
        request={"multipart/form-data": JobCreateSerializer},
        responses={201: JobSerializer, 400: ErrorSerializer},
    )
    def post(self, request, practice_slug):
        data = JobCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        client = None
        if self.contact is None:
            client_id = values.get("client")
            # None (missing or another practice's id) is refused by the service, on ``client``.
            client = (
                Client.objects.for_practice(request.practice).filter(pk=client_id).first()
                if client_id
                else None
            )
        job = services.transcription_submit(
            practice=request.practice,
            actor=request.membership,
            client=client,
            audio=values["audio"],
            turnaround=values["turnaround"],
            notes=values.get("notes", ""),
            request=request,
        )
        return Response(self.serializer_for(job).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["transcription"])
class JobDetail(JobMixin, generics.RetrieveAPIView):
    """One transcription job."""

    def get_serializer_class(self):
        return ClientJobSerializer if getattr(self, "contact", None) else JobSerializer

    def get_object(self):
        return self.job()


@extend_schema(
    tags=["transcription"],
    request=TranscriptSerializer,
    responses={
        200: JobSerializer,
        400: ErrorSerializer,
        409: OpenApiResponse(ErrorSerializer, description="Someone saved a newer version."),
    },
)
class JobTranscript(JobMixin, APIView):
    """Save the transcript (staff), with the version it was loaded at."""

    allow_clients = False
    whole_patch = True  # the transcript and its version, always

    def patch(self, request, practice_slug, job_id):
        job = self.job()  # not found before invalid
        data = TranscriptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            job = services.transcript_save(
                practice=request.practice,
                actor=request.membership,
                job=job,
                text=values["transcript"],
                version=values["version"],
                position_seconds=values.get("position_seconds"),
            )
        except TranscriptConflict as error:
            return Response(
                {"message": str(error.message), "errors": error.errors},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(self.serializer_for(job).data)


@extend_schema(
    tags=["transcription"], request=None, responses={200: JobSerializer, 400: ErrorSerializer}
)
class JobDeliver(JobMixin, APIView):
    """Deliver the transcript to the client (a .docx on a reply; the task done; billing)."""

    allow_clients = False

    def post(self, request, practice_slug, job_id):
        job = self.job()
        job = services.transcription_deliver(
            practice=request.practice, actor=request.membership, job=job, request=request
        )
        return Response(self.serializer_for(job).data)


@extend_schema(
    tags=["transcription"],
    responses={
        (code, mime): OpenApiTypes.BINARY
        for code in (200, 206)
        for mime in (*sorted(AUDIO), "application/octet-stream")
    },
)
class JobAudio(JobMixin, APIView):
    """The recording, typed by its bytes, as an attachment; ``Range`` gives 206."""

    def get(self, request, practice_slug, job_id):
        job = self.job()
        return stored_file_response(
            job.audio, filename=job.audio_name, request=request._request, also=AUDIO
        )


api_patterns: list = [
    path("transcription-jobs/", JobList.as_view(), name="api_transcription_list"),
    path("transcription-jobs/<int:job_id>/", JobDetail.as_view(), name="api_transcription_detail"),
    path(
        "transcription-jobs/<int:job_id>/transcript/",
        JobTranscript.as_view(),
        name="api_transcription_transcript",
    ),
    path(
        "transcription-jobs/<int:job_id>/deliver/",
        JobDeliver.as_view(),
        name="api_transcription_deliver",
    ),
    path(
        "transcription-jobs/<int:job_id>/audio/",
        JobAudio.as_view(),
        name="api_transcription_audio",
    ),
]
