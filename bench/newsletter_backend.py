"""The benchmark's email backend: builds each message's bytes (what any backend must do) and
keeps nothing — an in-memory sink, so 50,000 messages cost neither disk nor memory."""

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            message.message().as_bytes()
        return len(email_messages)
