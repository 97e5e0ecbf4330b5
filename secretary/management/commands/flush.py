"""``flush`` as the tables' owner: truncating every practice's rows is no right of the app's
role (``DATABASE_APP_ROLE``). Tests that commit (``transactional_db``) flush after each test."""

from django.core.management.commands.flush import Command as FlushCommand

from secretary import rls


class Command(FlushCommand):
    def handle(self, **options):
        with rls.owner_role(options["database"]):
            return super().handle(**options)
