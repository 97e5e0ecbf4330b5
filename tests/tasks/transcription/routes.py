"""Transcription routes for the isolation harness (listed from ``tests/tasks/isolation.py``)."""

from tests.tasks.factories import TaskFactory
from tests.tasks.transcription.audio import job_for


def transcription_routes(world, client) -> dict[str, dict]:
    task = TaskFactory(practice=world.practice, client=client, assignee=world.secretary)
    job = job_for(task, transcript="Hello.")
    by_job = {"job_id": job.pk}
    return {
        "transcription_list": {},
        "transcription_new": {},
        "transcription_workspace": by_job,
        "transcription_save": by_job,
        "transcription_deliver": by_job,
        "transcription_audio": by_job,
        "transcription_docx": by_job,
        "portal_transcription_list": {},
        "portal_transcription_new": {},
        "portal_transcription_audio": by_job,
        "api_transcription_list": {},
        "api_transcription_detail": by_job,
        "api_transcription_transcript": by_job,
        "api_transcription_deliver": by_job,
        "api_transcription_audio": by_job,
    }
