"""Receive inbound email from a raw MIME file (or stdin), or from an IMAP mailbox.

    manage.py receive_mail --file message.eml
    manage.py receive_mail < message.eml
    manage.py receive_mail --imap imap.example.com:993 --user inbox --password ... --ssl

Every message goes to ``inbound_receive``, as the providers' webhooks do. From IMAP, the
unseen messages are fetched with ``BODY.PEEK`` (which leaves them unseen) and each is marked
seen only once it is stored, so a failure leaves it for the next run.
"""

from __future__ import annotations

import imaplib
import ssl
import sys

from django.core.management.base import BaseCommand, CommandError

from tasks.inbound.services import MAX_RECEIVED_BYTES, inbound_receive


class Command(BaseCommand):
    help = "Receive inbound email from a raw message file, stdin, or an IMAP mailbox."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="a raw MIME message (.eml); '-' or nothing: stdin")
        parser.add_argument("--imap", help="host:port of an IMAP server")
        parser.add_argument("--user", default="")
        parser.add_argument("--password", default="")
        parser.add_argument("--mailbox", default="INBOX")
        security = parser.add_mutually_exclusive_group()
        security.add_argument("--ssl", action="store_true", help="IMAP over TLS (port 993)")
        security.add_argument("--starttls", action="store_true", help="upgrade with STARTTLS")
        parser.add_argument(
            "--insecure",
            action="store_true",
            help="do not verify the server's certificate (a test server only)",
        )

    def handle(self, *args, **options):
        if options["imap"]:
            count = self._imap(options)
            self.stdout.write(f"{count} message(s) received")
            return
        path = options["file"]
        if path and path != "-":
            try:
                with open(path, "rb") as handle:
                    raw = handle.read(MAX_RECEIVED_BYTES + 1)
            except OSError as error:
                raise CommandError(f"Cannot read {path}: {error}") from error
        else:
            raw = sys.stdin.buffer.read(MAX_RECEIVED_BYTES + 1)
        if not raw.strip():
            raise CommandError("The message is empty.")
        stored = inbound_receive(raw=raw, channel="file")
        self.stdout.write("received" if stored is not None else "dropped (no client's address)")

    def _imap(self, options) -> int:
        host, _colon, port = options["imap"].rpartition(":")
        if not host or not port.isdigit():
            raise CommandError("--imap takes host:port")
        context = ssl.create_default_context()
        if options["insecure"]:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        try:
            if options["ssl"]:
                imap = imaplib.IMAP4_SSL(host, int(port), ssl_context=context, timeout=60)
            else:
                imap = imaplib.IMAP4(host, int(port), timeout=60)
                if options["starttls"]:
                    imap.starttls(ssl_context=context)
            imap.login(options["user"], options["password"])
        except (OSError, imaplib.IMAP4.error) as error:
            raise CommandError(f"Cannot open the mailbox: {error}") from error
        received = 0
        try:
            status, _data = imap.select(options["mailbox"])
            if status != "OK":
                raise CommandError(f"No mailbox {options['mailbox']}")
            _status, found = imap.uid("SEARCH", None, "UNSEEN")
            for uid in (found[0] or b"").split():
                _status, parts = imap.uid("FETCH", uid, "(BODY.PEEK[])")
                raw = next((p[1] for p in parts if isinstance(p, tuple)), None)
                if raw is None:
                    continue
                inbound_receive(raw=raw, channel="imap")
                # Stored (or dropped on purpose): only now is it seen.
                imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
                received += 1
        finally:
            try:
                imap.logout()
            except (OSError, imaplib.IMAP4.error):
                pass
        return received
