"""Publish the background jobs still waiting in the outbox (the beat runs the same relay)."""

from django.core.management.base import BaseCommand

from secretary.outbox import outbox_relay


class Command(BaseCommand):
    help = "Publish background jobs the broker never got or no worker finished."

    def handle(self, *args, **options) -> None:
        counts = outbox_relay()
        self.stdout.write(
            "sent {sent}, failed {failed}, abandoned {abandoned}, purged {purged}".format(**counts)
        )
