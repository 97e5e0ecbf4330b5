"""The Celery app. Queues: ``default`` (email, notifications, invoice runs), ``documents``.

Every task runs under ``secretary.outbox.BackgroundTask``: transient database and broker errors
are retried with backoff, and a job sent through the outbox runs at most once per row.
"""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretary.settings")

app = Celery("secretary", task_cls="secretary.outbox:BackgroundTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("default"), Queue("documents"))
app.autodiscover_tasks()
