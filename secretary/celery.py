"""The Celery app. Queues: ``default`` (email, notifications, invoice runs), ``documents``.

Every task runs under ``secretary.outbox.BackgroundTask``: transient database and broker errors
are retried with backoff, and a job sent through the outbox runs at most once per row.
"""

import os
from pathlib import Path

from celery import Celery
from celery.signals import beat_init, worker_init
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretary.settings")

# The app's task class: jobs run at most once per outbox row, retry transient errors, and a
# task called with practice_id runs inside that practice (row-level security, secretary/rls.py).
app = Celery("secretary", task_cls="secretary.outbox:BackgroundTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("default"), Queue("documents"))
app.autodiscover_tasks()

# Folders of the embedded filesystem broker that kombu expects to exist.
BROKER_FOLDERS = ("data_folder_in", "data_folder_out", "control_folder", "processed_folder")


@app.on_after_configure.connect
def _make_broker_folders(sender: Celery, **kwargs) -> None:
    if not str(sender.conf.broker_url).startswith("filesystem://"):
        return
    options = sender.conf.broker_transport_options or {}
    for name in BROKER_FOLDERS:
        if options.get(name):
            Path(options[name]).mkdir(parents=True, exist_ok=True)


def unreachable_broker_problem(conf) -> str | None:
    """Why a worker or beat on this configuration would wait on a queue that no web process
    sends to, or None when the broker is shared.

    The in-memory broker lives inside one process, and with ``task_always_eager`` the web runs
    every task itself. The filesystem broker of the embedded default is shared by every process
    started from the same checkout (the same ``CELERY_BROKER_DIR``); Redis by every host.
    """
    broker = str(conf.broker_url or "")
    if broker.startswith("memory://"):
        return (
            "the broker is in-memory (memory://): no other process can send it a task. "
            "Unset SECRETARY_TESTING and CELERY_BROKER_URL to use the embedded filesystem "
            "broker under var/broker (make run starts web, worker and beat together), or set "
            "REDIS_URL to the Redis the web app uses."
        )
    if conf.task_always_eager:
        return (
            "tasks run inside the web process (task_always_eager): this process would never "
            "receive one. Set REDIS_URL, or use the embedded filesystem broker."
        )
    return None


@worker_init.connect
def _refuse_an_unreachable_worker(sender=None, **kwargs) -> None:
    problem = unreachable_broker_problem(app.conf)
    if problem:
        # SystemExit passes through Celery's signal dispatch, which logs other exceptions.
        raise SystemExit(f"Refusing to start a worker: {problem}")


@beat_init.connect
def _refuse_an_unreachable_beat(sender=None, **kwargs) -> None:
    problem = unreachable_broker_problem(app.conf)
    if problem:
        raise SystemExit(f"Refusing to start beat: {problem}")
