"""The Celery app. Queues: ``default`` (email, notifications, invoice runs), ``documents``."""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretary.settings")

app = Celery("secretary")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("default"), Queue("documents"))
app.autodiscover_tasks()
