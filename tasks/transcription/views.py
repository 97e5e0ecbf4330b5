"""Pages of transcription jobs: the staff list, the send form (staff and portal), the
workspace (player and transcript editor with autosave), the recording and the .docx."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clients.access import contact_view
from clients.services import regulated_view_record
from secretary.access import staff_view
from secretary.errors import ApplicationError, form_submit
from secretary.files import AUDIO, stored_file_response
from secretary.upload_limits import upload_limit
from tasks.transcription import selectors, services
from tasks.transcription.forms import TranscriptionForm
from tasks.transcription.services import DOCX, TranscriptConflict

PAGE_SIZE = 50


def _shortcuts():
    return [
        (_("Esc or Ctrl+Space"), _("Play or pause")),
        (_("Ctrl+←"), _("Back 5 seconds")),
        (_("Ctrl+→"), _("Forward 5 seconds")),
        (_("Ctrl+↑ / Ctrl+↓"), _("Faster / slower")),
        (_("Ctrl+T or Alt+T"), _("Insert the current time, e.g. [00:12:34]")),
        (_("Ctrl+S"), _("Save now")),
    ]


def _staff_job(request, job_id):
    job = selectors.job_get(practice=request.practice, job_id=job_id)
    if job.client.is_regulated:
        regulated_view_record(request=request, client=job.client)
    return job


@staff_view
@require_GET
def transcription_list(request):
    open_only = request.GET.get("show") != "all"
    jobs = selectors.jobs_list(practice=request.practice, open_only=open_only)
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "jobs": list(page.object_list),
        "open_only": open_only,
        "query": "" if open_only else "show=all",
    }
    return render(request, "tasks/transcription/list.html", context)


def _send(request, form):
    def action(data):
        return services.transcription_submit(
            practice=request.practice,
            actor=request.membership,
            client=data.get("client"),
            audio=data["audio"],
            turnaround=data["turnaround"],
            notes=data["notes"],
            request=request,
        )

    return form_submit(request, form, action, success=_("The recording was sent."))


@upload_limit(services.max_audio_bytes)
@staff_view
@require_http_methods(["GET", "POST"])
def transcription_new(request):
    form = TranscriptionForm(
        request.POST or None, request.FILES or None, practice=request.practice, staff=True
    )
    if request.method == "POST":
        done, job = _send(request, form)
        if done:
            return redirect(
                "transcription_workspace", practice_slug=request.practice.slug, job_id=job.pk
            )
    return render(
        request,
        "tasks/transcription/form.html",
        {"form": form, "base": "app_base.html"},
        status=400 if request.method == "POST" else 200,
    )


@staff_view
@require_GET
def transcription_workspace(request, job_id: int):
    job = _staff_job(request, job_id)
    return render(
        request,
        "tasks/transcription/workspace.html",
        {"job": job, "shortcuts": _shortcuts(), "delivered": job.delivered_at is not None},
    )


def _saved_label(job) -> str:
    if job.saved_at is None:
        return ""
    return _("Saved at %(time)s") % {"time": date_format(timezone.localtime(job.saved_at), "H:i:s")}


@staff_view
@require_POST
def transcription_save(request, job_id: int):
    """Autosave: answers JSON (200 saved, 409 someone saved since, 400 refused)."""
    job = _staff_job(request, job_id)
    try:
        job = services.transcript_save(
            practice=request.practice,
            actor=request.membership,
            job=job,
            text=request.POST.get("transcript", ""),
            version=request.POST.get("version"),
            position_seconds=request.POST.get("position_seconds"),
        )
    except TranscriptConflict as error:
        return JsonResponse({"message": error.message, "errors": error.errors}, status=409)
    except ApplicationError as error:
        return JsonResponse({"message": error.message, "errors": error.errors}, status=400)
    return JsonResponse(
        {
            "version": job.version,
            "saved": _saved_label(job),
            "progress": job.progress_percent,
        }
    )


@staff_view
@require_POST
def transcription_deliver(request, job_id: int):
    job = _staff_job(request, job_id)
    try:
        services.transcription_deliver(
            practice=request.practice, actor=request.membership, job=job, request=request
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The transcript was delivered to the client."))
    return redirect("transcription_workspace", practice_slug=request.practice.slug, job_id=job.pk)


@staff_view
@require_GET
def transcription_audio(request, job_id: int):
    job = _staff_job(request, job_id)
    return stored_file_response(job.audio, filename=job.audio_name, request=request, also=AUDIO)


@staff_view
@require_GET
def transcription_docx(request, job_id: int):
    job = _staff_job(request, job_id)
    response = HttpResponse(services.transcript_docx(job), content_type=DOCX)
    stem = job.audio_name.rsplit(".", 1)[0] or "transcript"
    response["Content-Disposition"] = f'attachment; filename="{_ascii(stem)}-transcript.docx"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _ascii(text: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_ ") else "_" for c in text)[:100]


@upload_limit(services.max_audio_bytes)
@contact_view("requests")
@require_http_methods(["GET", "POST"])
def portal_transcription_new(request):
    form = TranscriptionForm(
        request.POST or None, request.FILES or None, practice=request.practice, staff=False
    )
    if request.method == "POST":
        done, _job = _send(request, form)
        if done:
            return redirect("portal_transcription_list", practice_slug=request.practice.slug)
    return render(
        request,
        "tasks/transcription/form.html",
        {"form": form, "base": "portal_base.html"},
        status=400 if request.method == "POST" else 200,
    )


@contact_view("requests")
@require_GET
def portal_transcription_list(request):
    jobs = list(
        selectors.client_jobs(practice=request.practice, client=request.client)
        .select_related("delivery")
        .order_by("-created_at", "-id")[:100]
    )
    return render(request, "tasks/transcription/portal_list.html", {"jobs": jobs})


@contact_view("requests")
@require_GET
def portal_transcription_audio(request, job_id: int):
    job = selectors.client_job_get(practice=request.practice, client=request.client, job_id=job_id)
    return stored_file_response(job.audio, filename=job.audio_name, request=request, also=AUDIO)
