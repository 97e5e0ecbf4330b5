"""Writes of transcription jobs: submitting a recording, saving the transcript (a version
check instead of silent overwrites), and delivering it (a .docx on the task, billing)."""

from __future__ import annotations

import io
import math
import os
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Client, ServiceCategory, TranscriptionBilling
from clients.selectors import contact_for_membership, engagement_active
from secretary import limits
from secretary.audit import activity_record, register_verbs
from secretary.errors import ApplicationError
from secretary.files import AUDIO, named_for, sniff
from secretary.models import Membership, Practice
from tasks.models import Source, Status, Task, TimeEntry
from tasks.transcription.models import TranscriptionJob, Turnaround

register_verbs(
    {
        "transcription.submitted": gettext_lazy("sent a recording to transcribe"),
        "transcription.delivered": gettext_lazy("delivered a transcript"),
    }
)

AUDIO_EXTENSIONS = ("mp3", "m4a", "wav", "ogg")
CATEGORY_NAME = "Transcription"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class TranscriptConflict(ApplicationError):
    """Someone else saved the transcript since this editor loaded it."""


def max_audio_bytes() -> int:
    return settings.TRANSCRIPTION_MAX_AUDIO_BYTES


def audio_limits_text() -> str:
    return _("One recording (%(types)s) of at most %(size)s MB.") % {
        "types": ", ".join(ext.upper() for ext in AUDIO_EXTENSIONS),
        "size": max_audio_bytes() // (1024 * 1024),
    }


def _audio_error(message: str) -> ApplicationError:
    return ApplicationError(message, errors={"audio": [message]})


def audio_duration(upload) -> Decimal | None:
    """The length of a recording in seconds, read by mutagen from its bytes (a temporary
    file's path when Django streamed the upload to disk), or None when it cannot be read."""
    import mutagen  # only transcription uploads need it

    try:
        path = upload.temporary_file_path()
    except AttributeError:
        path = None
    try:
        if path is not None:
            found = mutagen.File(path)
        else:
            upload.seek(0)
            found = mutagen.File(upload)
            upload.seek(0)
    except Exception:  # mutagen raises many kinds of errors on damaged files
        return None
    length = getattr(getattr(found, "info", None), "length", None)
    if not length or length <= 0 or math.isnan(length) or math.isinf(length):
        return None
    return Decimal(str(length)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def audio_check(upload):
    """(type, duration) of an uploaded recording, or ``ApplicationError`` on the ``audio``
    field naming the rule broken: missing, empty, too large, not audio, unreadable."""
    if upload is None:
        raise _audio_error(_("Choose a recording to upload."))
    name = os.path.basename(upload.name or "")
    if upload.size > max_audio_bytes():
        raise _audio_error(
            _("“%(name)s” is larger than the %(size)s MB limit.")
            % {"name": name, "size": max_audio_bytes() // (1024 * 1024)}
        )
    if upload.size == 0:
        raise _audio_error(_("“%(name)s” is empty.") % {"name": name})
    kind = sniff(upload, name=name, also=AUDIO)
    if kind is None or kind.mime not in AUDIO:
        # The bytes decide: a PDF or a text file named .mp3 is refused.
        raise _audio_error(
            _("“%(name)s” is not an audio recording. Upload %(types)s.")
            % {"name": name, "types": ", ".join(ext.upper() for ext in AUDIO_EXTENSIONS)}
        )
    duration = audio_duration(upload)
    if duration is None:
        raise _audio_error(
            _("“%(name)s” could not be read as audio: its length is unknown. Is it damaged?")
            % {"name": name}
        )
    return kind, duration


def _add_business_days(moment: datetime, days: int) -> datetime:
    while days:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


def transcription_due(*, submitted_at: datetime, turnaround: str, time_zone: str) -> datetime:
    """When a job is due: 24 or 48 hours after it was sent, or 5 business days (Monday to
    Friday on the client's clock, same time of day; a job sent at the weekend counts from
    the next Monday's same time)."""
    if turnaround == Turnaround.HOURS_24:
        return submitted_at + timedelta(hours=24)
    if turnaround == Turnaround.HOURS_48:
        return submitted_at + timedelta(hours=48)
    if turnaround == Turnaround.DAYS_5:
        local = submitted_at.astimezone(ZoneInfo(time_zone))
        due = _add_business_days(local.replace(tzinfo=None), 5)
        return due.replace(tzinfo=ZoneInfo(time_zone)).astimezone(submitted_at.tzinfo)
    message = _("Choose a turnaround: %(choices)s.") % {
        "choices": ", ".join(str(label) for label in Turnaround.labels)
    }
    raise ApplicationError(message, errors={"turnaround": [message]})


def _category(practice: Practice) -> ServiceCategory | None:
    """The practice's "Transcription" service, when its catalog has one."""
    return (
        ServiceCategory.objects.for_practice(practice)
        .filter(name__iexact=CATEGORY_NAME, archived=False)
        .order_by("position", "id")
        .first()
    )


@transaction.atomic
def transcription_submit(
    *,
    practice: Practice,
    actor: Membership,
    client: Client | None,
    audio,
    turnaround: str,
    notes: str = "",
    request=None,
) -> TranscriptionJob:
    """A client contact (portal) or staff sends a recording to transcribe. The task's due
    time follows the turnaround; nothing is saved when the recording or a choice is refused."""
    from tasks.services import task_create, task_request_submit

    if turnaround not in Turnaround.values:
        transcription_due(submitted_at=timezone.now(), turnaround=turnaround, time_zone="UTC")
    notes = (notes or "").strip()
    if len(notes) > limits.TEXT_NOTES:
        message = _("Keep the notes under %(count)s characters.") % {"count": limits.TEXT_NOTES}
        raise ApplicationError(message, errors={"notes": [message]})
    contact = None
    if actor.is_client:
        contact = contact_for_membership(membership=actor)
        if contact is None or not contact.may_use("requests"):
            raise ApplicationError(_("You cannot send requests for this client."))
        client = contact.client
    if client is None or client.practice_id != practice.pk:
        message = _("Choose a client of this practice.")
        raise ApplicationError(message, errors={"client": [message]})
    kind, duration = audio_check(audio)
    name = named_for(os.path.basename(audio.name or ""), kind)[-200:]
    title = _("Transcription: %(name)s") % {"name": name}
    category = _category(practice)
    now = timezone.now()
    due_at = transcription_due(submitted_at=now, turnaround=turnaround, time_zone=client.time_zone)
    if contact is not None:
        task = task_request_submit(
            practice=practice,
            contact=contact,
            membership=actor,
            subject=title,
            details=notes,
            category=category,
            request=request,
        )
        task.due_at = due_at
        task.save(update_fields=["due_at", "updated_at"])
    else:
        task = task_create(
            practice=practice,
            actor=actor,
            client=client,
            title=title,
            description=notes,
            category=category,
            due_at=due_at,
            source=Source.STAFF,
            created_at=now,
            request=request,
        )
    job = TranscriptionJob(
        practice=practice,
        task=task,
        client=client,
        audio_name=name,
        audio_type=kind.mime,
        audio_size=audio.size,
        duration_seconds=duration,
        turnaround=turnaround,
        notes=notes,
        submitted_by=actor,
        created_at=now,
    )
    # Django streams the upload to storage in chunks (from its temporary file when large).
    job.audio.save(name, audio, save=False)
    job.full_clean(exclude=["audio"])
    job.save()
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="transcription.submitted",
        target=task,
        data={"job": job.pk, "seconds": str(duration), "turnaround": turnaround},
        request=request,
    )
    return job


def _lock(practice: Practice, job: TranscriptionJob) -> TranscriptionJob:
    return (
        TranscriptionJob.objects.for_practice(practice)
        .select_for_update()
        .select_related("task", "client")
        .get(pk=job.pk)
    )


def _check_staff(actor: Membership) -> None:
    if not actor.is_staff:
        raise ApplicationError(_("Only staff can work on a transcript."))


@transaction.atomic
def transcript_save(
    *,
    practice: Practice,
    actor: Membership,
    job: TranscriptionJob,
    text: str,
    version: int,
    position_seconds=None,
) -> TranscriptionJob:
    """Save the transcript (autosave or API). ``version`` is the one the editor loaded: when
    someone saved since, ``TranscriptConflict`` says who and when and nothing changes.

    Autosaves are not written to the audit log (one every few seconds would drown it); the
    submission and the delivery are."""
    _check_staff(actor)
    job = _lock(practice, job)
    if job.delivered_at is not None:
        raise ApplicationError(_("This transcript was delivered; it can no longer change."))
    text = text or ""
    if len(text) > limits.TEXT_TRANSCRIPT:
        message = _("A transcript can hold at most %(count)s characters.") % {
            "count": limits.TEXT_TRANSCRIPT
        }
        raise ApplicationError(message, errors={"transcript": [message]})
    try:
        version = int(version)
    except (TypeError, ValueError):
        version = -1
    if version != job.version:
        when = timezone.localtime(job.saved_at).strftime("%H:%M:%S") if job.saved_at else ""
        message = _(
            "%(name)s saved this transcript at %(when)s, after you opened it. Your text was "
            "not saved: copy it, reload the page and merge your changes."
        ) % {"name": job.saved_by or _("Someone else"), "when": when}
        raise TranscriptConflict(message, errors={"version": [message]})
    fields = ["transcript", "version", "saved_at", "saved_by"]
    job.transcript = text
    job.version += 1
    job.saved_at = timezone.now()
    job.saved_by = actor.user
    if position_seconds not in (None, ""):
        try:
            position = Decimal(str(position_seconds))
        except ArithmeticError:
            position = None
        if position is None or not position.is_finite():
            message = _("Enter the position in seconds.")
            raise ApplicationError(message, errors={"position_seconds": [message]})
        position = min(max(position, Decimal("0")), job.duration_seconds)
        job.position_seconds = position.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        fields.append("position_seconds")
    job.save(update_fields=fields)
    if job.task.status in (Status.REQUESTED, Status.TODO):
        from tasks.services import task_transition

        job.task = task_transition(
            practice=practice, actor=actor, task=job.task, status=Status.IN_PROGRESS
        )
    return job


def transcript_docx(job: TranscriptionJob) -> bytes:
    """The transcript as a Word document: a heading, what was transcribed, the text."""
    import docx  # python-docx: only deliveries need it

    document = docx.Document()
    document.add_heading(_("Transcript"), level=1)
    minutes, seconds = divmod(int(job.duration_seconds), 60)
    document.add_paragraph(
        _("%(client)s · %(name)s · %(minutes)s min %(seconds)s s")
        % {"client": job.client, "name": job.audio_name, "minutes": minutes, "seconds": seconds}
    )
    for paragraph in job.transcript.replace("\r\n", "\n").split("\n\n"):
        # Control characters other than tab and newline are not allowed in Word's XML.
        clean = "".join(c for c in paragraph if c in "\t\n" or ord(c) >= 32)
        document.add_paragraph(clean)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def billable_audio_minutes(job: TranscriptionJob) -> int:
    """The recording's length in whole minutes, rounded up (a started minute is billed)."""
    return max(1, math.ceil(job.duration_seconds / 60))


def _bill(practice: Practice, actor: Membership, job: TranscriptionJob, request) -> None:
    """Engagements billed by audio minute: log the recording's minutes as one billable time
    entry (the invoice run prices it like any time, at the engagement's rates) and stop
    billing the hours logged on the job, so the client pays for the audio once."""
    from tasks.timekeeping import time_entry_add

    engagement = engagement_active(practice=practice, client=job.client)
    if engagement is None or engagement.transcription_billing != (
        TranscriptionBilling.AUDIO_MINUTES
    ):
        return
    minutes = billable_audio_minutes(job)
    zone = ZoneInfo(job.client.time_zone)
    TimeEntry.objects.for_practice(practice).filter(
        task=job.task, billable=True, locked_at__isnull=True, ended_at__isnull=False
    ).update(billable=False)
    entry = time_entry_add(
        practice=practice,
        membership=actor,
        task=job.task,
        day=timezone.now().astimezone(zone).date(),
        minutes=minutes,
        description=_("Transcription: %(minutes)s audio minutes") % {"minutes": minutes},
        billable=True,
        request=request,
    )
    job.billed_minutes = minutes
    job.time_entry = entry


@transaction.atomic
def transcription_deliver(
    *, practice: Practice, actor: Membership, job: TranscriptionJob, request=None
) -> TranscriptionJob:
    """Finish the job: the transcript as a .docx on a reply the client sees in the portal,
    the task done, and, when the engagement bills by audio minute, the minutes logged."""
    from tasks.services import comment_add, task_transition

    _check_staff(actor)
    job = _lock(practice, job)
    if job.delivered_at is not None:
        raise ApplicationError(_("This transcript was already delivered."))
    if not job.transcript.strip():
        message = _("Write the transcript before delivering it.")
        raise ApplicationError(message, errors={"transcript": [message]})
    if job.task.status in (Status.DONE, Status.CANCELLED):
        raise ApplicationError(_("This job's task is closed; reopen it to deliver."))
    stem = os.path.splitext(job.audio_name)[0] or "transcript"
    upload = SimpleUploadedFile(
        f"{stem[:150]} - transcript.docx", transcript_docx(job), content_type=DOCX
    )
    comment = comment_add(
        practice=practice,
        author=actor,
        task=job.task,
        body=_("Your transcript of “%(name)s” is ready: it is attached as a Word document.")
        % {"name": job.audio_name},
        internal=False,
        files=[upload],
        request=request,
    )
    now = timezone.now()
    _bill(practice, actor, job, request)
    job.delivery = comment.attachments.first()
    job.delivered_at = job.completed_at = now
    job.position_seconds = job.duration_seconds
    job.save(
        update_fields=[
            "delivery",
            "delivered_at",
            "completed_at",
            "position_seconds",
            "billed_minutes",
            "time_entry",
        ]
    )
    task = Task.objects.for_practice(practice).get(pk=job.task_id)
    task_transition(practice=practice, actor=actor, task=task, status=Status.DONE, request=request)
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="transcription.delivered",
        target=job.task,
        data={"job": job.pk, "billed_minutes": job.billed_minutes},
        request=request,
    )
    return job
