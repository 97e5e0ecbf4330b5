"""Transcription pages: the send form's bad input, the recording served by ranges, autosave,
delivery, the portal flow, ownership and query counts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks.models import Status, Task
from tasks.transcription.models import TranscriptionJob, Turnaround
from tests.conftest import client_for
from tests.tasks.factories import ClientFactory, TaskFactory
from tests.tasks.transcription.audio import job_for, wav_bytes, wav_upload

pytestmark = pytest.mark.django_db


def url(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def jobs(world):
    return TranscriptionJob.objects.for_practice(world.practice)


def test_it_checks_ownership(world, desk, secretary_client, contact_client, outsider_client):
    job = job_for(TaskFactory(practice=world.practice, client=desk.client))
    workspace = url(world, "transcription_workspace", job_id=job.pk)
    assert secretary_client.get(workspace).status_code == 200
    assert contact_client.get(workspace).status_code == 404
    assert outsider_client.get(workspace).status_code == 404
    assert contact_client.get(url(world, "transcription_list")).status_code == 404
    assert outsider_client.get(url(world, "portal_transcription_list")).status_code == 404
    # Another client's contact cannot reach this client's recording
    other = ClientFactory(practice=world.practice)
    other_job = job_for(TaskFactory(practice=world.practice, client=other))
    audio = url(world, "portal_transcription_audio", job_id=other_job.pk)
    assert contact_client.get(audio).status_code == 404


def test_staff_send_a_recording_and_land_in_the_workspace(world, desk, secretary_client):
    page = secretary_client.get(url(world, "transcription_new"))
    assert "200 MB" in page.content.decode()  # the limit is named on the form
    response = secretary_client.post(
        url(world, "transcription_new"),
        {
            "client": desk.client.pk,
            "audio": wav_upload(),
            "turnaround": Turnaround.DAYS_5,
            "notes": "Speakers: Ana, Bo.",
        },
    )
    job = jobs(world).get()
    assert response.status_code == 302
    assert response["Location"] == url(world, "transcription_workspace", job_id=job.pk)
    assert job.turnaround == Turnaround.DAYS_5


def test_the_task_page_links_to_its_transcription_workspace(world, desk, secretary_client):
    # Given a transcription job's task, and a task without a job
    job = job_for(TaskFactory(practice=world.practice, client=desk.client))
    plain = TaskFactory(practice=world.practice, client=desk.client)
    workspace = url(world, "transcription_workspace", job_id=job.pk)
    # When staff open each task's page
    with_job = secretary_client.get(url(world, "task_detail", task_id=job.task_id))
    without = secretary_client.get(url(world, "task_detail", task_id=plain.pk))
    # Then only the job's task links to its workspace
    assert f'href="{workspace}"' in with_job.content.decode()
    assert "transcription workspace" not in without.content.decode()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: SimpleUploadedFile("memo.mp3", b"%PDF-1.4\n%%EOF\n"), "is not an audio"),
        (lambda: SimpleUploadedFile("memo.mp3", b"plain words\n"), "is not an audio"),
        (lambda: wav_upload(seconds=2), "larger than the 0 MB limit"),
    ],
)
def test_the_form_refuses_bad_recordings_and_saves_nothing(
    world, desk, contact_client, settings, upload, message
):
    settings.TRANSCRIPTION_MAX_AUDIO_BYTES = 20_000  # a 2-second WAV at 8 kHz is 32 KB
    response = contact_client.post(
        url(world, "portal_transcription_new"),
        {"audio": upload(), "turnaround": Turnaround.HOURS_24},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not jobs(world).exists()
    assert not Task.objects.for_practice(world.practice).exists()


def test_the_form_needs_a_turnaround(world, desk, contact_client):
    response = contact_client.post(url(world, "portal_transcription_new"), {"audio": wav_upload()})
    assert response.status_code == 400
    assert response.context["form"].errors["turnaround"] == ["This field is required."]
    assert not jobs(world).exists()


def test_the_portal_flow_from_recording_to_delivered_transcript(
    world, desk, contact_client, secretary_client
):
    # Given the client's contact sends a recording
    response = contact_client.post(
        url(world, "portal_transcription_new"),
        {"audio": wav_upload("call.wav"), "turnaround": Turnaround.HOURS_48},
    )
    assert response.status_code == 302
    job = jobs(world).get()
    assert job.task.status == Status.REQUESTED
    listing = contact_client.get(url(world, "portal_transcription_list")).content.decode()
    assert "call.wav" in listing and "Not delivered yet" in listing
    # When the secretary autosaves half-way and delivers
    saved = secretary_client.post(
        url(world, "transcription_save", job_id=job.pk),
        {"transcript": "[00:00:01] Hello.", "version": "0", "position_seconds": "1.5"},
    )
    assert saved.status_code == 200
    assert saved.json()["progress"] == 50
    assert saved.json()["version"] == 1
    delivered = secretary_client.post(url(world, "transcription_deliver", job_id=job.pk))
    assert delivered.status_code == 302
    # Then the portal offers the .docx, which the contact can download
    job.refresh_from_db()
    listing = contact_client.get(url(world, "portal_transcription_list")).content.decode()
    link = url(world, "portal_attachment", attachment_id=job.delivery_id)
    assert link in listing
    download = contact_client.get(link)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


def test_autosave_answers_409_when_someone_saved_since(world, desk, secretary_client):
    job = job_for(TaskFactory(practice=world.practice, client=desk.client))
    first = secretary_client.post(
        url(world, "transcription_save", job_id=job.pk), {"transcript": "A", "version": "0"}
    )
    assert first.status_code == 200
    owner = client_for(world.owner.user)
    second = owner.post(
        url(world, "transcription_save", job_id=job.pk), {"transcript": "B", "version": "0"}
    )
    assert second.status_code == 409
    assert "after you opened it" in second.json()["message"]
    job.refresh_from_db()
    assert job.transcript == "A"


def test_the_recording_is_served_as_an_attachment_of_its_sniffed_type(
    world, desk, secretary_client
):
    job = job_for(TaskFactory(practice=world.practice, client=desk.client), seconds=2)
    response = secretary_client.get(url(world, "transcription_audio", job_id=job.pk))
    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/x-wav"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Accept-Ranges"] == "bytes"
    assert body == wav_bytes(2)


def test_a_range_request_gets_206_with_those_bytes(world, desk, secretary_client):
    job = job_for(TaskFactory(practice=world.practice, client=desk.client), seconds=2)
    data = wav_bytes(2)
    audio = url(world, "transcription_audio", job_id=job.pk)
    # A span in the middle
    response = secretary_client.get(audio, headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert response["Content-Length"] == "100"
    assert response["Content-Type"] == "audio/x-wav"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == data[100:200]
    # From an offset to the end, and the last bytes
    tail = secretary_client.get(audio, headers={"Range": f"bytes={len(data) - 10}-"})
    assert b"".join(tail.streaming_content) == data[-10:]
    last = secretary_client.get(audio, headers={"Range": "bytes=-4"})
    assert b"".join(last.streaming_content) == data[-4:]
    # Past the end: 416 with the size
    beyond = secretary_client.get(audio, headers={"Range": f"bytes={len(data)}-"})
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{len(data)}"
    # Several ranges: the whole file (allowed by RFC 9110)
    several = secretary_client.get(audio, headers={"Range": "bytes=0-1,5-6"})
    assert several.status_code == 200


def test_the_submitting_client_may_play_the_recording(world, desk, contact_client):
    job = job_for(TaskFactory(practice=world.practice, client=desk.client), seconds=1)
    response = contact_client.get(
        url(world, "portal_transcription_audio", job_id=job.pk), headers={"Range": "bytes=0-3"}
    )
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == b"RIFF"


def test_the_workspace_lists_the_shortcuts_and_shows_progress(world, desk, secretary_client):
    job = job_for(TaskFactory(practice=world.practice, client=desk.client), seconds=4, position="2")
    html = secretary_client.get(url(world, "transcription_workspace", job_id=job.pk))
    text = html.content.decode()
    assert 'value="50"' in text and "50 %" in text
    assert "Ctrl+T" in text and "Back 5 seconds" in text
    assert "js/transcription.js" in text
    assert url(world, "transcription_audio", job_id=job.pk) in text


def test_the_docx_download_holds_the_transcript(world, desk, secretary_client):
    import io

    from docx import Document

    job = job_for(TaskFactory(practice=world.practice, client=desk.client), transcript="Hi there.")
    response = secretary_client.get(url(world, "transcription_docx", job_id=job.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    paragraphs = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert "Hi there." in paragraphs


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_lists_cost_the_same_queries_whatever_their_length(
    world, desk, secretary_client, contact_client
):
    for _ in range(2):
        job_for(TaskFactory(practice=world.practice, client=desk.client, assignee=world.secretary))
    staff_few = _count(secretary_client, url(world, "transcription_list"))
    portal_few = _count(contact_client, url(world, "portal_transcription_list"))
    for _ in range(5):
        job_for(TaskFactory(practice=world.practice, client=desk.client, assignee=world.owner))
    assert _count(secretary_client, url(world, "transcription_list")) == staff_few
    assert _count(contact_client, url(world, "portal_transcription_list")) == portal_few


# --- An upload over the limit, refused before it is read -------------------------------------

READ = []


class RecordingUploadHandler(FileUploadHandler):
    """Notes every upload Django starts reading (the test's proof that none was)."""

    def new_file(self, field_name, file_name, *args, **kwargs):
        READ.append(file_name)
        super().new_file(field_name, file_name, *args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture
def tiny_limit(settings):
    """A 1 KB limit for recordings, and the handler that records what is read first."""
    settings.TRANSCRIPTION_MAX_AUDIO_BYTES = 1024
    settings.FILE_UPLOAD_HANDLERS = [
        f"{__name__}.RecordingUploadHandler",
        *settings.FILE_UPLOAD_HANDLERS,
    ]
    READ.clear()
    # Over the limit and the allowance for the rest of the form.
    return SimpleUploadedFile("long.wav", wav_bytes(1.0) * 130, content_type="audio/wav")  # 2 MB


@pytest.mark.parametrize("who", ["staff", "contact"])
def test_an_upload_over_the_limit_is_refused_unread(
    world, desk, secretary_client, contact_client, tiny_limit, who
):
    browser, name = (
        (secretary_client, "transcription_new")
        if who == "staff"
        else (contact_client, "portal_transcription_new")
    )
    body = {"client": desk.client.pk, "audio": tiny_limit, "turnaround": Turnaround.HOURS_24}

    response = browser.post(url(world, name), body)

    assert response.status_code == 413
    assert "larger than the 0 MB limit: nothing was uploaded" in response.content.decode()
    assert READ == []
    assert not jobs(world).exists()
    assert not Task.objects.for_practice(world.practice).exists()


def test_the_api_refuses_an_upload_over_the_limit_unread(world, desk, tiny_limit):
    api = client_for(world.secretary.user)

    response = api.post(
        url(world, "api_transcription_list"),
        {"client": desk.client.pk, "audio": tiny_limit, "turnaround": Turnaround.HOURS_24},
    )

    assert response.status_code == 413
    assert "nothing was uploaded" in response.json()["detail"]
    assert READ == []
    assert not jobs(world).exists()


def test_an_upload_within_the_bound_is_read_and_checked_by_the_form(
    world, desk, contact_client, tiny_limit
):
    # A body within limit + allowance reaches the form, whose own check names the file.
    response = contact_client.post(
        url(world, "portal_transcription_new"),
        {"audio": wav_upload(seconds=1), "turnaround": Turnaround.HOURS_24},
    )
    assert response.status_code == 400
    assert "“interview.wav” is larger than the 0 MB limit" in response.content.decode()
    assert READ == ["interview.wav"]


def test_the_limit_is_checked_before_the_csrf_check_reads_the_body():
    from django.conf import settings

    order = settings.MIDDLEWARE
    assert order.index("secretary.upload_limits.UploadLimitMiddleware") < order.index(
        "django.middleware.csrf.CsrfViewMiddleware"
    )
