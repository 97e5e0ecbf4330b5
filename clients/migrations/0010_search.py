"""Search: a stored, generated ``search_vector`` column with a GIN index on PostgreSQL (other
databases search with "contains"; see secretary.search)."""

from django.db import migrations

from secretary.search import AddSearchColumn


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0009_merge_0008_campaigns_0008_mailing_imports"),
    ]

    operations = [
        AddSearchColumn("clients_client", ["name", "billing_email"], "client_search_idx"),
        AddSearchColumn(
            "clients_contact", ["name", "email", "phone", "title"], "contact_search_idx"
        ),
    ]
