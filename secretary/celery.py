"""The Celery app. Queues: ``default`` (email, notifications, invoice runs), ``documents``."""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretary.settings")

# Tasks that take a practice_id run inside that practice (row-level security, secretary/rls.py).
app = Celery("secretary", task_cls="secretary.rls:PracticeTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("default"), Queue("documents"))
app.autodiscover_tasks()
