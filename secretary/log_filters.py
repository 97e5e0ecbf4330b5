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


# Secrets that travel in URLs: the credential of a pending invitation, of a private calendar
# feed, of a password reset and of an email confirmation; and any query parameter so named.
_URL_SECRETS = [
    (re.compile(r"(/invitations/)[^/\s?#\"']+"), r"\1***"),
    (re.compile(r"(/mailing/unsubscribe/)[^/\s?#\"']+"), r"\1***"),
    (re.compile(r"(/calendar/feed/)[^/\s?#\"']+?(\.ics)?(?=[/\s?#\"']|$)"), r"\1***\2"),
    (re.compile(r"(/password/reset/key/)[^/\s?#\"']+"), r"\1***"),
    (re.compile(r"(/confirm-email/)[^/\s?#\"']+"), r"\1***"),
    (
        re.compile(r"([?&](?:token|key|secret|code|password|signature)=)[^&#\s\"']+", re.I),
        r"\1***",
    ),
]


def redact_url_secrets(text: str) -> str:
    """``text`` with every secret a URL in it may carry replaced by ``***``."""
    for pattern, replacement in _URL_SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RedactUrlSecrets(logging.Filter):
    """Masks the secrets in the request paths Django logs ("Not Found: /app/…/calendar/feed/…").

    Such a path holds a credential (a calendar feed, an invitation, a password reset): it must
    not reach log storage.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_url_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
