"""Transcription services: recordings typed and timed by their bytes, due dates, the
transcript's version check, delivery and billing."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from clients.models import TranscriptionBilling
from secretary.errors import ApplicationError
from secretary.files import AUDIO, sniff
from tasks.models import Attachment, Source, Status, Task, TimeEntry
from tasks.services import attachment_problems
from tasks.transcription import services
from tasks.transcription.models import TranscriptionJob, Turnaround
from tasks.transcription.services import TranscriptConflict
from tests.tasks.factories import ServiceCategoryFactory, TaskFactory
from tests.tasks.transcription.audio import job_for, wav_bytes, wav_upload


def mp3_bytes(frames: int = 383) -> bytes:
    """A real MPEG-1 Layer III stream of silent frames (128 kbit/s, 44.1 kHz, mono): the
    frame header followed by zeroed side information and data, which decode as silence."""
    frame = bytes([0xFF, 0xFB, 0x90, 0xC0]) + bytes(413)  # 144 * 128000 / 44100 = 417 bytes
    return frame * frames


def test_it_reads_the_duration_of_a_generated_wav():
    # Given a 3-second WAV made with Python's wave module
    upload = wav_upload(seconds=3)
    # When it is checked, then it is audio of 3 seconds
    kind, duration = services.audio_check(upload)
    assert kind.mime == "audio/x-wav"
    assert duration == Decimal("3.00")


def test_it_reads_the_duration_of_a_generated_mp3():
    upload = SimpleUploadedFile("call.mp3", mp3_bytes(), content_type="audio/mpeg")
    kind, duration = services.audio_check(upload)
    assert kind.mime == "audio/mpeg"
    assert Decimal("9.5") < duration < Decimal("10.5")


def test_it_accepts_audio_only_where_it_is_asked_for():
    # Given a WAV: transcription accepts it, ordinary attachments do not
    upload = wav_upload()
    assert sniff(upload, name="a.wav") is None
    assert sniff(upload, name="a.wav", also=AUDIO).mime == "audio/x-wav"
    assert attachment_problems([upload]) != []


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notes.mp3", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"),
        ("notes.mp3", b"Just some words, not a recording.\n"),
        ("song.wav", b""),
    ],
)
def test_it_refuses_what_is_not_audio_whatever_its_name(name, data):
    with pytest.raises(ApplicationError) as error:
        services.audio_check(SimpleUploadedFile(name, data))
    assert "audio" in error.value.errors


def test_it_refuses_a_recording_whose_length_cannot_be_read():
    # Given a WAV header followed by nothing mutagen can read
    broken = wav_bytes(1)[:12] + b"\x00" * 64
    with pytest.raises(ApplicationError) as error:
        services.audio_check(SimpleUploadedFile("cut.wav", broken))
    assert "could not be read" in error.value.errors["audio"][0]


def test_it_refuses_a_recording_over_the_limit(settings):
    settings.TRANSCRIPTION_MAX_AUDIO_BYTES = 1000
    with pytest.raises(ApplicationError) as error:
        services.audio_check(wav_upload(seconds=1))
    assert "larger than" in error.value.errors["audio"][0]


@pytest.mark.parametrize(
    ("turnaround", "sent", "due"),
    [
        # Hours are elapsed time (a weekend counts)
        (Turnaround.HOURS_24, datetime(2026, 4, 10, 15, 0), datetime(2026, 4, 11, 15, 0)),
        (Turnaround.HOURS_48, datetime(2026, 4, 10, 15, 0), datetime(2026, 4, 12, 15, 0)),
        # Friday → the next Friday (five business days; the weekend does not count)
        (Turnaround.DAYS_5, datetime(2026, 3, 6, 15, 0), datetime(2026, 3, 13, 15, 0)),
        # Monday → the next Monday
        (Turnaround.DAYS_5, datetime(2026, 3, 2, 9, 30), datetime(2026, 3, 9, 9, 30)),
        # Saturday → the next Friday (Monday to Friday counted)
        (Turnaround.DAYS_5, datetime(2026, 3, 7, 11, 0), datetime(2026, 3, 13, 11, 0)),
    ],
)
def test_it_sets_the_due_time_from_the_turnaround(turnaround, sent, due):
    zone = ZoneInfo("America/Los_Angeles")
    submitted = sent.replace(tzinfo=zone).astimezone(UTC)
    result = services.transcription_due(
        submitted_at=submitted, turnaround=turnaround, time_zone="America/Los_Angeles"
    )
    assert result.astimezone(zone).replace(tzinfo=None) == due


def test_it_counts_business_days_on_the_wall_clock_across_daylight_saving():
    # Given a job sent on Friday 6 March 2026, 15:00 in Los Angeles (clocks move on 8 March)
    zone = ZoneInfo("America/Los_Angeles")
    sent = datetime(2026, 3, 6, 15, 0, tzinfo=zone)
    due = services.transcription_due(
        submitted_at=sent, turnaround=Turnaround.DAYS_5, time_zone="America/Los_Angeles"
    )
    # Then it is due at 15:00 local the next Friday, 167 hours later (an hour was skipped)
    assert due.astimezone(zone).hour == 15
    assert (due.astimezone(UTC) - sent.astimezone(UTC)).total_seconds() == 167 * 3600


def test_it_refuses_an_unknown_turnaround(world, desk):
    with pytest.raises(ApplicationError) as error:
        services.transcription_submit(
            practice=world.practice,
            actor=world.secretary,
            client=desk.client,
            audio=wav_upload(),
            turnaround="3d",
        )
    assert "turnaround" in error.value.errors
    assert not TranscriptionJob.objects.for_practice(world.practice).exists()


def test_a_contact_sends_a_recording_as_a_portal_request(world, desk):
    # Given the practice sells a "Transcription" service
    category = ServiceCategoryFactory(practice=world.practice, name="Transcription")
    # When the client's contact sends a 3-second WAV with a 48-hour turnaround
    job = services.transcription_submit(
        practice=world.practice,
        actor=world.client_contact,
        client=None,
        audio=wav_upload("board meeting.wav"),
        turnaround=Turnaround.HOURS_48,
        notes="Two speakers: Ana and Bo.",
    )
    # Then a portal request exists, due 48 hours after it was sent, in the Transcription service
    task = job.task
    assert task.source == Source.PORTAL
    assert task.status == Status.REQUESTED
    assert task.client == desk.client
    assert task.category == category
    assert task.due_at == job.created_at + timedelta(hours=48)
    assert job.duration_seconds == Decimal("3.00")
    assert job.audio_type == "audio/x-wav"
    assert job.audio.read()[:4] == b"RIFF"
    assert job.notes == "Two speakers: Ana and Bo."


def test_staff_send_a_recording_for_a_client(world, desk):
    job = services.transcription_submit(
        practice=world.practice,
        actor=world.secretary,
        client=desk.client,
        audio=wav_upload(),
        turnaround=Turnaround.HOURS_24,
    )
    assert job.task.source == Source.STAFF
    assert job.task.category is None  # the practice sells no "Transcription" service
    assert job.task.due_at == job.created_at + timedelta(hours=24)


def test_bad_audio_saves_nothing(world, desk):
    with pytest.raises(ApplicationError):
        services.transcription_submit(
            practice=world.practice,
            actor=world.client_contact,
            client=None,
            audio=SimpleUploadedFile("x.mp3", b"%PDF-1.7 not audio"),
            turnaround=Turnaround.HOURS_24,
        )
    assert not Task.objects.for_practice(world.practice).exists()
    assert not TranscriptionJob.objects.for_practice(world.practice).exists()


def test_it_saves_the_transcript_and_the_position_reached(world, desk):
    job = job_for(TaskFactory(practice=world.practice, client=desk.client), seconds=4)
    job = services.transcript_save(
        practice=world.practice,
        actor=world.secretary,
        job=job,
        text="[00:00:01] Hello.",
        version=0,
        position_seconds="2",
    )
    assert job.version == 1
    assert job.progress_percent == 50
    assert job.saved_by == world.secretary.user
    assert job.task.status == Status.IN_PROGRESS


def test_a_second_editor_gets_a_conflict_instead_of_overwriting(world, desk):
    # Given two editors opened version 0, and the first one saved
    job = job_for(TaskFactory(practice=world.practice, client=desk.client))
    services.transcript_save(
        practice=world.practice, actor=world.secretary, job=job, text="First.", version=0
    )
    # When the second saves from version 0
    with pytest.raises(TranscriptConflict) as error:
        services.transcript_save(
            practice=world.practice, actor=world.owner, job=job, text="Second.", version=0
        )
    # Then they are told who saved, and the first text stays
    assert str(world.secretary.user) in error.value.message
    job.refresh_from_db()
    assert job.transcript == "First."
    assert job.version == 1


def test_a_contact_cannot_edit_the_transcript(world, desk):
    job = job_for(TaskFactory(practice=world.practice, client=desk.client))
    with pytest.raises(ApplicationError):
        services.transcript_save(
            practice=world.practice, actor=world.client_contact, job=job, text="x", version=0
        )


def test_delivery_attaches_a_docx_the_client_sees_and_closes_the_task(world, desk):
    task = TaskFactory(practice=world.practice, client=desk.client, status=Status.IN_PROGRESS)
    job = job_for(task, transcript="[00:00:01] Ana: Hello.\n\n[00:00:03] Bo: Hi.")
    job = services.transcription_deliver(practice=world.practice, actor=world.secretary, job=job)
    # Then a client-visible .docx holds the transcript
    attachment = Attachment.objects.for_practice(world.practice).get(pk=job.delivery_id)
    assert attachment.internal is False
    assert attachment.original_name.endswith(".docx")
    text = [p.text for p in Document(io.BytesIO(attachment.file.read())).paragraphs]
    assert "[00:00:01] Ana: Hello." in text and "[00:00:03] Bo: Hi." in text
    task.refresh_from_db()
    assert task.status == Status.DONE
    assert job.progress_percent == 100
    # An engagement billed by the hour records no audio minutes
    assert job.billed_minutes is None


def test_delivery_needs_a_transcript(world, desk):
    job = job_for(TaskFactory(practice=world.practice, client=desk.client))
    with pytest.raises(ApplicationError) as error:
        services.transcription_deliver(practice=world.practice, actor=world.secretary, job=job)
    assert "transcript" in error.value.errors


def test_billing_by_audio_minute_logs_the_rounded_up_minutes(world, desk):
    # Given an engagement that bills transcription by audio minute, a 61-second recording,
    # and 40 minutes the secretary logged on the job
    desk.engagement.transcription_billing = TranscriptionBilling.AUDIO_MINUTES
    desk.engagement.save(update_fields=["transcription_billing"])
    task = TaskFactory(practice=world.practice, client=desk.client, status=Status.IN_PROGRESS)
    job = job_for(task, seconds=61, transcript="Text.")
    from tasks.timekeeping import time_entry_add

    logged = time_entry_add(
        practice=world.practice,
        membership=world.secretary,
        task=task,
        day=datetime.now(ZoneInfo(desk.client.time_zone)).date(),
        minutes=40,
    )
    # When it is delivered
    job = services.transcription_deliver(practice=world.practice, actor=world.secretary, job=job)
    # Then 2 audio minutes are billable time on the task, and the hours logged are not billed
    assert job.billed_minutes == 2
    entries = TimeEntry.objects.for_practice(world.practice).filter(task=task)
    billable = [(e.minutes, e.billable) for e in entries.order_by("id")]
    assert billable == [(40, False), (2, True)]
    assert job.time_entry.description == "Transcription: 2 audio minutes"
    logged.refresh_from_db()
    assert logged.billable is False


def test_billing_by_audio_minute_reaches_the_invoice_run(world, desk):
    # Given an hourly engagement billing transcription by audio minute, and a delivered job
    from billing.invoicing.runs import unbilled_entries

    desk.engagement.transcription_billing = TranscriptionBilling.AUDIO_MINUTES
    desk.engagement.save(update_fields=["transcription_billing"])
    task = TaskFactory(practice=world.practice, client=desk.client, status=Status.IN_PROGRESS)
    job = job_for(task, seconds=150, transcript="Text.")
    services.transcription_deliver(practice=world.practice, actor=world.secretary, job=job)
    # When the invoice run looks for unbilled time in this month
    entry = TimeEntry.objects.for_practice(world.practice).get(task=task)
    start = entry.started_at.replace(day=1, hour=0)
    end = entry.started_at.replace(hour=23, minute=59)
    found = unbilled_entries(world.practice, desk.engagement, start, end)
    # Then it finds the 3 audio minutes
    assert [(item.entry.pk, item.minutes) for item in found] == [(entry.pk, 3)]
