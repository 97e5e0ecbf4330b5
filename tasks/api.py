"""API routes of this app, mounted under /api/v1/practices/<practice_slug>/.

Staff reach every task of the practice; client contacts (``allow_clients``) reach only their
client's client-visible tasks and the replies on them, and may send requests and replies.
"""

from __future__ import annotations

import django_filters
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.selectors import contact_for_membership
from clients.services import regulated_view_record
from secretary.api_base import PracticeScopedMixin
from secretary.api_filters import FilterSet, IdFilter, InstantFilter
from secretary.files import served_types
from secretary.idempotency import IdempotentCreateMixin
from secretary.models import Role
from tasks import events as event_services
from tasks import selectors, services, timekeeping
from tasks.calls import api as calls_api
from tasks.events import EVENT_COMPUTED_FIELDS, EVENT_FIELDS_FOR_STAFF
from tasks.inbound import api as inbound_api
from tasks.models import Attachment, CalendarEvent, CalendarFeed, Comment, Status, Task, TimeEntry
from tasks.roster import api as roster_api
from tasks.serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    ClientEventSerializer,
    ClientTaskSerializer,
    CommentSerializer,
    EventSerializer,
    FeedSerializer,
    TaskSerializer,
    TimeEntrySerializer,
    TimerStartSerializer,
    TransitionSerializer,
    task_representations,
)
from tasks.transcription import api as transcription_api
from tasks.views.common import _serve


class TaskFilterSet(FilterSet):
    client = IdFilter(field_name="client_id")
    assignee = IdFilter(field_name="assignee_id")
    category = IdFilter(field_name="category_id")
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    due_after = InstantFilter(field_name="due_at", lookup_expr="gte")
    due_before = InstantFilter(field_name="due_at", lookup_expr="lte")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", max_length=200)

    class Meta:
        model = Task
        fields = [
            "client",
            "assignee",
            "category",
            "status",
            "source",
            "due_after",
            "due_before",
            "q",
        ]


class ClientTaskFilterSet(FilterSet):
    """What a client contact may filter by: nothing staff-only (assignee, response times)."""

    category = IdFilter(field_name="category_id")
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", max_length=200)

    class Meta:
        model = Task
        fields = ["category", "status", "q"]


class ContactMixin(PracticeScopedMixin):
    """Client contacts come in with their Contact; a membership without one, or a contact not
    allowed the portal part (``contact_part``, as in ``clients.access.contact_view``), gets 404.
    """

    allow_clients = True
    contact_part: str | None = "requests"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.contact = None
        if request.membership.is_client:
            self.contact = contact_for_membership(membership=request.membership)
            if self.contact is None or not self.contact.may_use(self.contact_part):
                raise Http404

    def clients_may_write(self, request) -> bool:
        return True

    @property
    def is_contact(self) -> bool:
        return getattr(self, "contact", None) is not None

    def visible_tasks(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no practice
            return Task.objects.none()
        practice = self.request.practice
        if self.is_contact:
            return selectors.client_tasks(practice=practice, client=self.contact.client)
        return selectors.tasks_for(practice=practice).prefetch_related("checklist")

    def task(self) -> Task:
        task = self.visible_tasks().filter(pk=self.kwargs["task_id"]).first()
        if task is None:
            raise Http404
        return task


@extend_schema(tags=["tasks"])
class TaskList(IdempotentCreateMixin, ContactMixin, generics.ListCreateAPIView):
    """Tasks of the practice (staff), or the client's visible requests (client contacts).

    Staff create tasks; a client contact's POST sends a request (its title is the subject).
    """

    ordering = ["-created_at"]
    search_fields = ["title", "description"]

    # A contact can neither filter nor sort by staff-only fields (that would reveal them).
    @property
    def filterset_class(self):
        return ClientTaskFilterSet if self.is_contact else TaskFilterSet

    @property
    def ordering_fields(self):
        if self.is_contact:
            return ["created_at", "title"]
        return ["created_at", "due_at", "sla_due_at", "priority", "title"]

    def get_queryset(self):
        return self.visible_tasks().order_by("-created_at", "-pk")

    def get_serializer_class(self):
        return ClientTaskSerializer if self.is_contact else TaskSerializer

    def list(self, request, *args, **kwargs):
        if self.is_contact:
            return super().list(request, *args, **kwargs)
        # Staff's page of tasks, as TaskSerializer gives it, written without DRF's fields. The
        # list as it comes with no filter nor sort chosen is read as prepared.
        if set(request.query_params) <= {"page", "page_size"}:
            rows = selectors.newest_task_rows(practice=request.practice.pk)
        else:
            rows = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(rows)
        if page is None:  # not paged (no pagination class): DRF's own answer
            return super().list(request, *args, **kwargs)
        prefetch_related_objects(page, "checklist")
        return self.get_paginated_response(task_representations(page))

    def perform_create(self, serializer):
        data = serializer.validated_data
        request = self.request
        if self.is_contact:
            task = services.task_request_submit(
                practice=request.practice,
                contact=self.contact,
                membership=request.membership,
                subject=data.get("title", ""),
                details=data.get("description", ""),
                category=data.get("category"),
                wanted_by=data.get("wanted_by"),
                request=request,
            )
        else:
            task = services.task_create(
                practice=request.practice,
                actor=request.membership,
                client=data["client"],
                title=data.get("title", ""),
                description=data.get("description", ""),
                category=data.get("category"),
                priority=data.get("priority", 2),
                assignee=data.get("assignee"),
                due_at=data.get("due_at"),
                client_visible=data.get("client_visible", True),
                checklist=data.get("checklist_items"),
                status=data.get("status", Status.TODO),
                request=request,
            )
        serializer.instance = task


@extend_schema(tags=["tasks"])
class TaskDetail(ContactMixin, generics.RetrieveUpdateAPIView):
    """One task. Staff edit it; ``status`` moves only along the allowed transitions.

    ``client`` changes only while the client has seen nothing of the task: a portal request,
    or a task with a reply or a file visible to the client, stays with its client (400 with
    an error on ``client``; create a new task for the other client instead).
    """

    http_method_names = ["get", "patch", "head", "options"]

    def clients_may_write(self, request) -> bool:
        return False

    def get_object(self):
        task = self.task()
        if not self.is_contact and task.client.is_regulated:
            regulated_view_record(request=self.request, client=task.client)
        return task

    def get_serializer_class(self):
        return ClientTaskSerializer if self.is_contact else TaskSerializer

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        fields.pop("checklist_items", None)
        serializer.instance = services.task_update(
            practice=self.request.practice,
            actor=self.request.membership,
            task=serializer.instance,
            request=self.request,
            **fields,
        )


@extend_schema(tags=["tasks"], request=TransitionSerializer, responses=TaskSerializer)
class TaskTransition(ContactMixin, APIView):
    """Move a task to another status (only along the allowed transitions; staff)."""

    allow_clients = False

    def post(self, request, practice_slug, task_id):
        task = self.task()  # not found before invalid
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_transition(
            practice=request.practice,
            actor=request.membership,
            task=task,
            status=data.validated_data["status"],
            request=request,
        )
        return Response(TaskSerializer(task, context={"request": request}).data)


@extend_schema(tags=["tasks"])
class CommentList(IdempotentCreateMixin, ContactMixin, generics.ListCreateAPIView):
    """A task's conversation: replies to the client and, for staff, internal notes."""

    serializer_class = CommentSerializer
    filterset_class = None
    search_fields: list = []
    ordering_fields = ["created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Comment.objects.none()
        return selectors.comments_for(
            task=self.task(), include_internal=not self.is_contact
        ).prefetch_related("attachments")

    def create(self, request, *args, **kwargs):
        self.task()  # not found before invalid
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.comment_add(
            practice=self.request.practice,
            author=self.request.membership,
            task=self.task(),
            body=serializer.validated_data.get("body", ""),
            internal=serializer.validated_data.get("internal", False),
            request=self.request,
        )


@extend_schema(tags=["tasks"])
class AttachmentList(IdempotentCreateMixin, ContactMixin, generics.ListCreateAPIView):
    """Files on a task or one of its comments; uploads are checked against the size and type
    limits, named in the error."""

    serializer_class = AttachmentSerializer
    parser_classes = [MultiPartParser, FormParser]
    filterset_class = None
    search_fields: list = []
    ordering_fields = ["created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attachment.objects.none()
        return selectors.attachments_for(task=self.task(), include_internal=not self.is_contact)

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer(many=True)},
    )
    def post(self, request, practice_slug, task_id):
        task = self.task()  # not found before invalid
        upload = AttachmentUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        internal = data["internal"] and not self.is_contact
        comment_id = data.get("comment")
        files = data["files"]
        if comment_id is not None:
            comment = (
                selectors.comments_for(task=task, include_internal=not self.is_contact)
                .filter(pk=comment_id)
                .first()
            )
            if comment is None:
                raise serializers.ValidationError(
                    {"comment": [_("Choose a comment of this task.")]}
                )
            stored = services.attachment_add(
                practice=request.practice,
                task=task,
                comment=comment,
                files=files,
                user=request.user,
                internal=comment.internal,
                request=request,
            )
        else:
            stored = services.attachment_add(
                practice=request.practice,
                task=task,
                files=files,
                user=request.user,
                internal=internal,
                request=request,
            )
        return Response(
            AttachmentSerializer(stored, many=True, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(
    tags=["tasks"], responses={(200, mime): OpenApiTypes.BINARY for mime in served_types()}
)
class AttachmentDownload(ContactMixin, APIView):
    """Download one attachment (client contacts: only the visible ones of their client)."""

    def get(self, request, practice_slug, attachment_id):
        client = self.contact.client if self.is_contact else None
        attachment = selectors.attachment_get(
            practice=request.practice, attachment_id=attachment_id, client=client
        )
        return _serve(attachment)


class TimeEntryFilterSet(FilterSet):
    task = IdFilter(field_name="task_id")
    client = IdFilter(field_name="client_id")
    member = IdFilter(field_name="membership_id")
    started_after = InstantFilter(field_name="started_at", lookup_expr="gte")
    started_before = InstantFilter(field_name="started_at", lookup_expr="lt")

    class Meta:
        model = TimeEntry
        fields = ["task", "client", "member", "billable", "started_after", "started_before"]


@extend_schema(tags=["time"])
class TimeEntryList(IdempotentCreateMixin, PracticeScopedMixin, generics.ListCreateAPIView):
    """Time entries (staff). POST logs time by hand: 1 minute to 24 hours, current period."""

    serializer_class = TimeEntrySerializer
    filterset_class = TimeEntryFilterSet
    ordering_fields = ["started_at", "minutes"]
    search_fields = ["description"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TimeEntry.objects.none()
        return (
            TimeEntry.objects.for_practice(self.request.practice)
            .select_related("membership__user")
            .order_by("-started_at", "-pk")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = timekeeping.time_entry_add(
            practice=self.request.practice,
            membership=self.request.membership,
            task=data["task"],
            day=data.get("day") or timezone.localdate(),
            minutes=data.get("minutes"),
            description=data.get("description", ""),
            billable=data.get("billable", True),
            request=self.request,
        )


@extend_schema(tags=["time"])
class TimeEntryDetail(PracticeScopedMixin, generics.RetrieveUpdateDestroyAPIView):
    """One time entry; entries of a closed period cannot be changed or deleted."""

    serializer_class = TimeEntrySerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self):
        entry = (
            TimeEntry.objects.for_practice(self.request.practice)
            .select_related("membership__user", "client", "task")
            .filter(pk=self.kwargs["entry_id"])
            .first()
        )
        if entry is None:
            raise Http404
        return entry

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = timekeeping.time_entry_update(
            practice=self.request.practice,
            actor=self.request.membership,
            entry=serializer.instance,
            day=data.get("day"),
            minutes=data.get("minutes"),
            description=data.get("description"),
            billable=data.get("billable"),
            request=self.request,
        )

    def perform_destroy(self, instance):
        timekeeping.time_entry_delete(
            practice=self.request.practice,
            actor=self.request.membership,
            entry=instance,
            request=self.request,
        )


@extend_schema(tags=["time"], request=TimerStartSerializer, responses={201: TimeEntrySerializer})
class TimerStart(PracticeScopedMixin, APIView):
    """Start your timer on a task (one running timer per member)."""

    def post(self, request, practice_slug):
        data = TimerStartSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        entry = timekeeping.timer_start(
            practice=request.practice,
            membership=request.membership,
            task=data.validated_data["task"],
            description=data.validated_data.get("description", ""),
            request=request,
        )
        return Response(
            TimeEntrySerializer(entry, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["time"], request=None, responses=TimeEntrySerializer)
class TimerStop(PracticeScopedMixin, APIView):
    """Stop your running timer; it becomes a time entry."""

    def post(self, request, practice_slug, entry_id):
        entry = TimeEntry.objects.for_practice(request.practice).filter(pk=entry_id).first()
        if entry is None:
            raise Http404
        entry = timekeeping.timer_stop(
            practice=request.practice, membership=request.membership, entry=entry, request=request
        )
        return Response(TimeEntrySerializer(entry, context={"request": request}).data)


class EventFilterSet(FilterSet):
    client = IdFilter(field_name="client_id")
    task = IdFilter(field_name="task_id")
    starts_after = InstantFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = InstantFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = CalendarEvent
        fields = ["client", "task", "kind", "starts_after", "starts_before"]


class EventMixin(ContactMixin):
    serializer_class = EventSerializer
    contact_part = None  # the calendar is every contact's, as in the portal

    def clients_may_write(self, request) -> bool:
        return False

    def get_serializer_class(self):
        return ClientEventSerializer if self.is_contact else EventSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CalendarEvent.objects.none()
        client = self.contact.client if self.is_contact else None
        return selectors.events_for(practice=self.request.practice, client=client)

    def save_event(self, serializer, event=None):
        data = dict(serializer.validated_data)
        if event is not None:
            current = {
                name: getattr(event, name)
                for name in EVENT_FIELDS_FOR_STAFF
                if name not in EVENT_COMPUTED_FIELDS
            }
            data = {**current, **data}
        serializer.instance = event_services.event_save(
            practice=self.request.practice,
            actor=self.request.membership,
            event=event,
            request=self.request,
            **data,
        )


@extend_schema(tags=["calendar"])
class EventList(IdempotentCreateMixin, EventMixin, generics.ListCreateAPIView):
    """Calendar events (client contacts: their client's). Times are stored as instants; each
    event keeps the time zone it was planned in."""

    filterset_class = EventFilterSet
    ordering_fields = ["starts_at"]
    search_fields = ["title", "location"]

    def perform_create(self, serializer):
        self.save_event(serializer)


@extend_schema(tags=["calendar"])
class EventDetail(EventMixin, generics.RetrieveUpdateDestroyAPIView):
    """One calendar event."""

    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self):
        event = self.get_queryset().filter(pk=self.kwargs["event_id"]).first()
        if event is None:
            raise Http404
        return event

    def perform_update(self, serializer):
        self.save_event(serializer, event=serializer.instance)

    def perform_destroy(self, instance):
        event_services.event_delete(
            practice=self.request.practice,
            actor=self.request.membership,
            event=instance,
            request=self.request,
        )


@extend_schema(tags=["calendar"], responses={(200, "text/calendar"): OpenApiTypes.STR})
class CalendarIcs(ContactMixin, APIView):
    """The signed-in member's events (or, for a client contact, the client's) as ICS."""

    contact_part = None

    def get(self, request, practice_slug):
        if self.is_contact:
            body = event_services.feed_body(practice=request.practice, client=self.contact.client)
        else:
            body = event_services.feed_body(
                practice=request.practice, membership=request.membership
            )
        return HttpResponse(body, content_type="text/calendar; charset=utf-8")


def _feeds(request, contact):
    """Active feeds the caller may manage: a contact their client's, staff their own, admins
    every feed of the practice."""
    feeds = (
        CalendarFeed.objects.for_practice(request.practice)
        .filter(revoked_at__isnull=True)
        .order_by("-created_at", "-pk")
    )
    if contact is not None:
        return feeds.filter(client=contact.client)
    if request.membership.has_role_at_least(Role.ADMIN):
        return feeds
    return feeds.filter(membership=request.membership)


@extend_schema(tags=["calendar"])
class FeedList(ContactMixin, generics.ListCreateAPIView):
    """Private feed links. Creating one returns its ``url`` once; the previous one stops."""

    contact_part = None

    serializer_class = FeedSerializer
    filterset_class = None
    search_fields: list = []
    ordering_fields = ["created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CalendarFeed.objects.none()
        return _feeds(self.request, self.contact)

    @extend_schema(
        request=FeedSerializer,
        responses={
            201: inline_serializer(
                "FeedCreated", {"id": serializers.IntegerField(), "url": serializers.URLField()}
            )
        },
    )
    def post(self, request, practice_slug):
        data = FeedSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        client = data.validated_data.get("client")
        if self.is_contact:
            client = self.contact.client
        owner = {"client": client} if client else {"membership": request.membership}
        feed, token = event_services.feed_create(
            practice=request.practice, actor=request.membership, request=request, **owner
        )
        url = request.build_absolute_uri(
            reverse("calendar_feed", args=[request.practice.slug, token])
        )
        return Response({"id": feed.pk, "url": url}, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["calendar"], request=None, responses={204: OpenApiResponse(description="Revoked")}
)
class FeedRevoke(ContactMixin, APIView):
    contact_part = None

    def post(self, request, practice_slug, feed_id):
        feed = _feeds(request, self.contact).filter(pk=feed_id).first()
        if feed is None:
            raise Http404
        event_services.feed_revoke(
            practice=request.practice, actor=request.membership, feed=feed, request=request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


api_patterns: list = [
    path("tasks/", TaskList.as_view(), name="api_task_list"),
    path("tasks/<int:task_id>/", TaskDetail.as_view(), name="api_task_detail"),
    path("tasks/<int:task_id>/transition/", TaskTransition.as_view(), name="api_task_transition"),
    path("tasks/<int:task_id>/comments/", CommentList.as_view(), name="api_task_comments"),
    path("tasks/<int:task_id>/attachments/", AttachmentList.as_view(), name="api_task_attachments"),
    path(
        "attachments/<int:attachment_id>/",
        AttachmentDownload.as_view(),
        name="api_attachment_download",
    ),
    path("time-entries/", TimeEntryList.as_view(), name="api_time_entry_list"),
    path("time-entries/<int:entry_id>/", TimeEntryDetail.as_view(), name="api_time_entry_detail"),
    path("time-entries/timer/", TimerStart.as_view(), name="api_timer_start"),
    path("time-entries/<int:entry_id>/stop/", TimerStop.as_view(), name="api_timer_stop"),
    path("events/", EventList.as_view(), name="api_event_list"),
    path("events/<int:event_id>/", EventDetail.as_view(), name="api_event_detail"),
    path("calendar.ics", CalendarIcs.as_view(), name="api_calendar_ics"),
    path("calendar-feeds/", FeedList.as_view(), name="api_feed_list"),
    path("calendar-feeds/<int:feed_id>/revoke/", FeedRevoke.as_view(), name="api_feed_revoke"),
    *roster_api.api_patterns,
    *transcription_api.api_patterns,
    *inbound_api.api_patterns,
    *calls_api.api_patterns,
]
