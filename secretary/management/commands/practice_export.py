"""``manage.py practice_export <slug> [-o archive.tar.gz]``: one practice, its rows and files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from secretary.models import Practice
from secretary.portability import PortabilityError, practice_export


class Command(BaseCommand):
    help = (
        "Write one practice (its rows, the users they name, and its files) to a .tar.gz "
        "archive that practice_import loads into an empty database. The archive holds "
        "password hashes: keep it as safe as a database backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The practice's address (its slug).")
        parser.add_argument(
            "-o", "--output", help="Archive path (default: <slug>-<UTC timestamp>.tar.gz)."
        )

    def handle(self, *args, slug: str, output: str | None, **options):
        practice = Practice.objects.filter(slug=slug).first()
        if practice is None:
            raise CommandError(f"No practice with the address '{slug}'.")
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        path = Path(output or f"{slug}-{stamp}.tar.gz")
        try:
            result = practice_export(practice=practice, path=path)
        except PortabilityError as error:
            raise CommandError(error.message) from error
        rows = sum(result.counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {practice.name} ({slug}): {rows} rows in {len(result.counts)} "
                f"tables, {result.files} files -> {result.path}"
            )
        )
        for name in result.missing_files:
            self.stderr.write(f"  missing from the media storage (not in the archive): {name}")
