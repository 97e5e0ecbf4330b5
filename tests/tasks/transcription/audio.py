"""Recordings made in the test itself (Python's ``wave``), and a job factory."""

from __future__ import annotations

import io
import math
import struct
import wave
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from tasks.models import Task
from tasks.transcription.models import TranscriptionJob, Turnaround


def wav_bytes(seconds: float = 3.0, *, rate: int = 8000) -> bytes:
    """A mono 16-bit WAV of a 440 Hz tone lasting ``seconds``."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = int(seconds * rate)
        out.writeframes(
            b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
                for i in range(frames)
            )
        )
    return buffer.getvalue()


def wav_upload(name: str = "interview.wav", seconds: float = 3.0) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, wav_bytes(seconds), content_type="audio/wav")


def job_for(
    task: Task, *, seconds: float = 4.0, position: str = "0", transcript: str = ""
) -> TranscriptionJob:
    """A job on ``task`` with a real WAV of ``seconds`` stored as its recording."""
    job = TranscriptionJob(
        practice=task.practice,
        task=task,
        client=task.client,
        audio_name="meeting.wav",
        audio_type="audio/x-wav",
        audio_size=0,
        duration_seconds=Decimal(str(seconds)),
        turnaround=Turnaround.HOURS_48,
        position_seconds=Decimal(position),
        transcript=transcript,
    )
    data = wav_bytes(seconds)
    job.audio_size = len(data)
    job.audio.save("meeting.wav", ContentFile(data), save=False)
    job.save()
    return job
