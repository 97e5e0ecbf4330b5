"""The demo's transcription job: Northwind's recorded call, half transcribed, seeded once."""

import pytest

from tasks.models import Source
from tasks.transcription import demo
from tasks.transcription.models import TranscriptionJob

pytestmark = pytest.mark.django_db


def test_it_seeds_a_job_half_done_once(world, desk):
    assert demo.seed_practice(world.practice, world.client_contact, world.secretary) is True
    assert demo.seed_practice(world.practice, world.client_contact, world.secretary) is False
    job = TranscriptionJob.objects.for_practice(world.practice).get()
    assert job.client == desk.client
    assert job.task.source == Source.PORTAL
    assert job.duration_seconds == demo.SECONDS
    assert job.progress_percent == 50
    assert job.transcript.startswith("[00:00:00] Ana Ruiz")
    assert job.audio.read()[:4] == b"RIFF"


def test_it_leaves_a_practice_without_the_client_alone(world):
    assert demo.seed_practice(world.practice, world.client_contact, world.secretary) is False
    assert not TranscriptionJob.objects.for_practice(world.practice).exists()
