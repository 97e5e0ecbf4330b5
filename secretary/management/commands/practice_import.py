"""``manage.py practice_import <archive.tar.gz>``: load one practice into an empty database."""

from django.core.management.base import BaseCommand, CommandError

from secretary.portability import PortabilityError, practice_import


class Command(BaseCommand):
    help = (
        "Load an archive written by practice_export into an empty, migrated database (same "
        "version of Secretary) and its files into the media storage, then check the row counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz written by practice_export.")
        parser.add_argument("--database", default="default")

    def handle(self, *args, archive: str, database: str, **options):
        try:
            manifest = practice_import(path=archive, using=database)
        except PortabilityError as error:
            raise CommandError(error.message) from error
        practice = manifest["practice"]
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {practice['name']} ({practice['slug']}): {rows} rows, "
                f"{len(manifest['files'])} files; row counts match the archive."
            )
        )
