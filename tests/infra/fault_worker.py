"""The real Celery app, for fault-injection tests (``celery -A tests.infra.fault_worker``).

Two knobs, from the worker's environment, so a test can kill a worker in the middle of a
render without sleeping: ``RENDER_GATE`` (a path) makes every render touch ``<gate>.started``
and then wait until the gate file exists; ``DOCUMENT_RENDER_LEASE_SECONDS`` shortens the
render lease so its expiry comes within the test's time.
"""

import os
import threading
import time
from pathlib import Path

from celery.signals import worker_init

from secretary.celery import app  # noqa: F401  (what ``celery -A`` loads)

GATE_TIMEOUT = 120.0


@worker_init.connect
def _install_knobs(**kwargs) -> None:
    from django.conf import settings

    from documents import rendering

    lease = os.environ.get("DOCUMENT_RENDER_LEASE_SECONDS")
    if lease:
        settings.DOCUMENT_RENDER_LEASE_SECONDS = int(lease)
    gate = os.environ.get("RENDER_GATE")
    if not gate:
        return
    render = rendering.render_document

    def gated_render(**render_kwargs):
        Path(f"{gate}.started").touch()
        deadline = time.monotonic() + GATE_TIMEOUT
        while not Path(gate).exists() and time.monotonic() < deadline:
            threading.Event().wait(0.02)
        return render(**render_kwargs)

    rendering.render_document = gated_render
