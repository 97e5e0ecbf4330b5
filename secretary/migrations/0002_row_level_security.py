"""PostgreSQL row-level security on every tenant table (a no-op on SQLite).

Covers the tenant tables that exist when it runs; ``post_migrate`` (``secretary.rls``) covers
the ones other apps' migrations add, after every ``migrate``. The policy is in
``secretary.rls.POLICY_EXPRESSION``.
"""

from django.db import migrations


def enable(apps, schema_editor):
    from secretary import rls

    rls.apply_policies(schema_editor.connection.alias)


def disable(apps, schema_editor):
    from secretary import rls

    rls.remove_policies(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("secretary", "0001_initial")]

    operations = [migrations.RunPython(enable, disable, elidable=False)]
