"""Search: a stored, generated ``search_vector`` column with a GIN index on PostgreSQL (other
databases search with "contains"; see secretary.search)."""

from django.db import migrations

from secretary.search import AddSearchColumn


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0007_roster"),
    ]

    operations = [
        AddSearchColumn("tasks_task", ["title", "description"], "task_search_idx"),
        AddSearchColumn("tasks_comment", ["body"], "comment_search_idx"),
    ]
