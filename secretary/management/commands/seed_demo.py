"""``manage.py seed_demo``: the demo practices and logins (idempotent), then print the logins."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from secretary import rls
from secretary.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo practices, logins and app data (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off (the demo logins have a published password).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not (settings.DEBUG or force):
            raise CommandError(
                "The demo logins share a published password: run with DEBUG=1, or pass --force "
                "on a server that is not public."
            )
        with rls.cross_practice("seed_demo command"):  # it creates several practices
            demo = seed_demo()
        site = settings.SITE_URL
        out = self.stdout
        out.write(self.style.SUCCESS("Demo data is ready."))
        out.write(f"  Open {site}/ and sign in at {site}{reverse('account_login')}")
        out.write(f"  Password for every demo login: {DEMO_PASSWORD}")
        for practice_name, role, email in demo.logins():
            out.write(f"    {email:<32} {role:<16} {practice_name}")
        out.write(
            f"  Staff app: {site}{reverse('dashboard', args=[demo.practice.slug])}   "
            f"Client portal: {site}{reverse('portal_home', args=[demo.practice.slug])}"
        )
