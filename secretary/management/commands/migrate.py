"""``migrate`` as the tables' owner: the app's own role (``DATABASE_APP_ROLE``) owns nothing
and cannot change the schema. After it, ``post_migrate`` (re)applies the row-level security
policies to every tenant table (``secretary.rls``)."""

from django.core.management.commands.migrate import Command as MigrateCommand

from secretary import rls


class Command(MigrateCommand):
    def handle(self, *args, **options):
        with rls.owner_role(options["database"]):
            return super().handle(*args, **options)
