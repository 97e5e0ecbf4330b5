"""Search: a stored, generated ``search_vector`` column with a GIN index on PostgreSQL (other
databases search with "contains"; see secretary.search)."""

from django.db import migrations

from secretary.search import AddSearchColumn


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0011_list_order_index"),
    ]

    operations = [
        AddSearchColumn("documents_document", ["title"], "document_search_idx"),
    ]
