"""Demo transcription: Northwind Legal's recorded call (a few seconds of generated audio),
sent through the portal with a 48-hour turnaround and transcribed half-way. Idempotent: a
practice with a transcription job is left as it is."""

from __future__ import annotations

import io
import math
import struct
import wave
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from clients.models import Client
from clients.selectors import contact_for_membership
from secretary.models import Membership, Practice
from tasks.transcription import services
from tasks.transcription.models import TranscriptionJob, Turnaround

CLIENT_NAME = "Northwind Legal"
SECONDS = 8
HALF_TRANSCRIPT = (
    "[00:00:00] Ana Ruiz: Good morning, this is Ana from Northwind Legal.\n\n"
    "[00:00:02] Ana Ruiz: Please book the deposition room for Thursday at ten."
)


def demo_wav(seconds: int = SECONDS, rate: int = 8000) -> bytes:
    """A mono WAV of gliding tones in short bursts (something to play and seek through)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        samples = []
        for i in range(seconds * rate):
            t = i / rate
            envelope = 1.0 if (t % 1.0) < 0.7 else 0.0  # a pause each second, like speech
            pitch = 220 + 40 * math.sin(2 * math.pi * 0.5 * t)
            samples.append(int(6000 * envelope * math.sin(2 * math.pi * pitch * t)))
        out.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return buffer.getvalue()


def seed_practice(practice: Practice, contact: Membership, secretary: Membership) -> bool:
    """Seed one practice's job; False when it had one already or lacks the client."""
    if TranscriptionJob.objects.for_practice(practice).exists():
        return False
    linked = contact_for_membership(membership=contact)
    client = Client.objects.for_practice(practice).filter(name=CLIENT_NAME).first()
    if client is None or linked is None or linked.client_id != client.pk:
        return False
    job = services.transcription_submit(
        practice=practice,
        actor=contact,
        client=None,
        audio=SimpleUploadedFile("northwind-call.wav", demo_wav(), content_type="audio/wav"),
        turnaround=Turnaround.HOURS_48,
        notes="Two speakers: Ana Ruiz (Northwind) and our receptionist. Spell it Northwind.",
    )
    services.transcript_save(
        practice=practice,
        actor=secretary,
        job=job,
        text=HALF_TRANSCRIPT,
        version=job.version,
        position_seconds=Decimal(SECONDS) / 2,
    )
    return True


def seed(demo) -> None:
    seed_practice(demo.practice, demo.client_contact, demo.secretary)
