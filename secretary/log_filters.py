import logging
import re

from secretary.scope import current_practice


class PracticeContextFilter(logging.Filter):
    """Adds the practice being served (if any) to every log record.

    Django logs a request's error or 404 after its view has returned and left the practice
    scope; such records carry the request, which still names its practice.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        practice = current_practice()
        if practice is None:
            practice = getattr(getattr(record, "request", None), "practice", None)
        record.practice = getattr(practice, "slug", "-") if practice is not None else "-"
        return True


class RedactInvitationTokens(logging.Filter):
    """Masks invitation tokens in the request paths Django logs ("Gone: /invitations/…/").

    The token is the credential of a pending invitation: it must not reach log storage.
    """

    pattern = re.compile(r"(/invitations/)[^/\s?\"']+")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/invitations/" in message:
            record.msg, record.args = self.pattern.sub(r"\1[redacted]", message), ()
        return True
