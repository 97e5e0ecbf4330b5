"""Helpers shared by the HTML views of the tasks app."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse
from django.urls import reverse

from clients.services import regulated_view_record
from secretary.errors import ApplicationError
from secretary.files import stored_file_response
from tasks import selectors

PAGE_SIZE = 25


def _task_url(request, task) -> str:
    return reverse("task_detail", args=[request.practice.slug, task.pk])


def _fail(request, error: ApplicationError) -> None:
    messages.error(request, error.message)


def _staff_task(request, task_id):
    task = selectors.task_get(practice=request.practice, task_id=task_id)
    if task.client.is_regulated:
        regulated_view_record(request=request, client=task.client)
    return task


def _serve(attachment) -> FileResponse:
    return stored_file_response(attachment.file, filename=attachment.original_name)


def _feed_url(request, token: str) -> str:
    return request.build_absolute_uri(reverse("calendar_feed", args=[request.practice.slug, token]))
