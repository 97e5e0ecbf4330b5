"""The transcription jobs API: multipart create, list, retrieve, transcript with a version
check, deliver, the recording by ranges; bad input is a 400 with field errors."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.models import Source, Status
from tasks.transcription.models import TranscriptionJob, Turnaround
from tests.tasks.factories import ClientFactory, TaskFactory
from tests.tasks.transcription.audio import job_for, wav_upload

pytestmark = pytest.mark.django_db


def api(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def test_it_checks_ownership(world, desk, secretary_client, contact_client, outsider_client):
    job = job_for(TaskFactory(practice=world.practice, client=desk.client), transcript="Secret")
    detail = api(world, "api_transcription_detail", job_id=job.pk)
    assert outsider_client.get(detail).status_code == 404
    assert secretary_client.get(detail).json()["transcript"] == "Secret"
    # The client sees its job, without the transcript, and cannot write it
    seen = contact_client.get(detail).json()
    assert seen["id"] == job.pk and "transcript" not in seen
    patch = contact_client.patch(
        api(world, "api_transcription_transcript", job_id=job.pk),
        {"transcript": "x", "version": 0},
        content_type="application/json",
    )
    assert patch.status_code == 404
    other = job_for(
        TaskFactory(practice=world.practice, client=ClientFactory(practice=world.practice))
    )
    assert (
        contact_client.get(api(world, "api_transcription_detail", job_id=other.pk)).status_code
        == 404
    )


def test_staff_create_a_job_by_multipart_upload(world, desk, secretary_client):
    response = secretary_client.post(
        api(world, "api_transcription_list"),
        {"client": desk.client.pk, "audio": wav_upload(), "turnaround": Turnaround.HOURS_24},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["duration_seconds"] == "3.00"
    assert body["audio_type"] == "audio/x-wav"
    assert body["status"] == Status.TODO
    job = TranscriptionJob.objects.for_practice(world.practice).get(pk=body["id"])
    assert job.task.source == Source.STAFF
    listed = secretary_client.get(api(world, "api_transcription_list")).json()
    assert [row["id"] for row in listed["results"]] == [job.pk]


def test_a_contact_creates_a_job_for_their_client(world, desk, contact_client):
    response = contact_client.post(
        api(world, "api_transcription_list"),
        {"audio": wav_upload(), "turnaround": Turnaround.DAYS_5, "notes": "Ana and Bo"},
    )
    assert response.status_code == 201, response.json()
    job = TranscriptionJob.objects.for_practice(world.practice).get()
    assert job.client == desk.client and job.task.source == Source.PORTAL


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {"audio": lambda: SimpleUploadedFile("a.mp3", b"%PDF-1.4 x"), "turnaround": "24h"},
            "audio",
        ),
        ({"audio": lambda: SimpleUploadedFile("a.mp3", b"words"), "turnaround": "24h"}, "audio"),
        ({"audio": wav_upload, "turnaround": "1w"}, "turnaround"),
        ({"audio": wav_upload}, "turnaround"),
        ({"turnaround": "24h"}, "audio"),
    ],
)
def test_bad_input_is_a_400_on_the_field(world, desk, secretary_client, data, field):
    body = {"client": desk.client.pk, **{k: v() if callable(v) else v for k, v in data.items()}}
    response = secretary_client.post(api(world, "api_transcription_list"), body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not TranscriptionJob.objects.for_practice(world.practice).exists()


def test_an_upload_over_the_limit_is_a_400(world, desk, secretary_client, settings):
    settings.TRANSCRIPTION_MAX_AUDIO_BYTES = 1024
    response = secretary_client.post(
        api(world, "api_transcription_list"),
        {"client": desk.client.pk, "audio": wav_upload(), "turnaround": "48h"},
    )
    assert response.status_code == 400
    assert "limit" in response.json()["errors"]["audio"][0]


def test_staff_cannot_send_for_another_practices_client(world, secretary_client):
    foreign = ClientFactory(practice=world.other_practice)
    response = secretary_client.post(
        api(world, "api_transcription_list"),
        {"client": foreign.pk, "audio": wav_upload(), "turnaround": "48h"},
    )
    assert response.status_code == 400
    assert "client" in response.json()["errors"]


def test_the_transcript_is_saved_with_its_version_and_delivered(world, desk, secretary_client):
    job = job_for(TaskFactory(practice=world.practice, client=desk.client), seconds=4)
    path = api(world, "api_transcription_transcript", job_id=job.pk)
    saved = secretary_client.patch(
        path,
        {"transcript": "[00:00:01] Hi.", "version": 0, "position_seconds": "2.00"},
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.json()
    assert saved.json()["version"] == 1 and saved.json()["progress_percent"] == 50
    stale = secretary_client.patch(
        path, {"transcript": "Other", "version": 0}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert "version" in stale.json()["errors"]
    delivered = secretary_client.post(api(world, "api_transcription_deliver", job_id=job.pk))
    assert delivered.status_code == 200, delivered.json()
    assert delivered.json()["delivery"] is not None
    again = secretary_client.post(api(world, "api_transcription_deliver", job_id=job.pk))
    assert again.status_code == 400


def test_the_recording_answers_ranges(world, desk, secretary_client):
    job = job_for(TaskFactory(practice=world.practice, client=desk.client), seconds=1)
    response = secretary_client.get(
        api(world, "api_transcription_audio", job_id=job.pk), headers={"Range": "bytes=0-3"}
    )
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == b"RIFF"


def test_an_engagement_says_how_transcription_is_billed(world, secretary_client):
    # Given a client; when staff start an engagement billed by audio minute through the API
    client = ClientFactory(practice=world.practice, primary_secretary=world.secretary)
    response = secretary_client.post(
        reverse("api_engagement_list", kwargs={"practice_slug": world.practice.slug}),
        {"client": client.pk, "transcription_billing": "audio_minutes"},
        content_type="application/json",
    )
    # Then the engagement holds it, and a wrong value is a 400 on the field
    assert response.status_code == 201, response.json()
    assert response.json()["transcription_billing"] == "audio_minutes"
    wrong = secretary_client.post(
        reverse("api_engagement_list", kwargs={"practice_slug": world.practice.slug}),
        {"client": client.pk, "transcription_billing": "per_word"},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and "transcription_billing" in wrong.json()["errors"]
