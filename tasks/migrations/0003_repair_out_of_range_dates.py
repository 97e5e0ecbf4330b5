"""Dates stored before they were held to 1900..2200 cannot be shown in every time zone (and a
page listing one failed). Optional ones are cleared; a recurring rule starting outside the
years is paused. Calendar events and time entries outside them are left as they are: lists,
pages and feeds leave them out."""

from datetime import UTC, date, datetime, time

from django.db import migrations
from django.db.models import Q

EARLIEST = datetime.combine(date(1900, 1, 1), time.min, tzinfo=UTC)
LATEST = datetime.combine(date(2200, 12, 31), time.max, tzinfo=UTC)


def repair(apps, schema_editor):
    Task = apps.get_model("tasks", "Task")
    RecurringTask = apps.get_model("tasks", "RecurringTask")
    tasks = Task._base_manager
    tasks.filter(Q(due_at__lt=EARLIEST) | Q(due_at__gt=LATEST)).update(due_at=None)
    tasks.filter(Q(wanted_by__lt=EARLIEST.date()) | Q(wanted_by__gt=LATEST.date())).update(
        wanted_by=None
    )
    RecurringTask._base_manager.filter(
        Q(start_date__lt=EARLIEST.date()) | Q(start_date__gt=LATEST.date())
    ).update(active=False)


class Migration(migrations.Migration):
    dependencies = [("tasks", "0002_input_limits")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
