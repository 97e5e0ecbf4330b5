"""Reads of transcription jobs, always through the practice (and for contacts, their client)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from clients.models import Client
from secretary.models import Practice
from tasks.models import OPEN_STATUSES
from tasks.transcription.models import TranscriptionJob

RELATED = ("task", "client", "task__assignee__user", "saved_by")


def jobs_for(*, practice: Practice) -> QuerySet[TranscriptionJob]:
    return TranscriptionJob.objects.for_practice(practice).select_related(*RELATED)


# What the job list shows: no transcript, no audio details beyond the name and length.
LIST_FIELDS = (
    "practice",
    "client",
    "client__name",
    "task",
    "task__status",
    "task__due_at",
    "task__assignee",
    "task__assignee__user",
    "task__assignee__user__full_name",
    "task__assignee__user__email",
    "audio_name",
    "duration_seconds",
    "position_seconds",
    "created_at",
)


def jobs_list(*, practice: Practice, open_only: bool = False) -> QuerySet[TranscriptionJob]:
    """The practice's jobs as the list shows them, newest first; ``open_only`` keeps those
    whose task is open."""
    jobs = (
        TranscriptionJob.objects.for_practice(practice)
        .select_related("client", "task__assignee__user")
        .only(*LIST_FIELDS)
    )
    if open_only:
        jobs = jobs.filter(task__status__in=OPEN_STATUSES)
    return jobs


def job_get(*, practice: Practice, job_id) -> TranscriptionJob:
    job = jobs_for(practice=practice).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job


def client_jobs(*, practice: Practice, client: Client) -> QuerySet[TranscriptionJob]:
    """What a client contact sees: their client's jobs on tasks visible to the client."""
    return (
        TranscriptionJob.objects.for_practice(practice)
        .filter(client=client, task__client_visible=True)
        .select_related("task", "client")
    )


def client_job_get(*, practice: Practice, client: Client, job_id) -> TranscriptionJob:
    job = client_jobs(practice=practice, client=client).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job
