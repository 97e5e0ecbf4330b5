import logging

from secretary.scope import current_practice


class PracticeContextFilter(logging.Filter):
    """Adds the practice being served (if any) to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        practice = current_practice()
        record.practice = getattr(practice, "slug", "-") if practice is not None else "-"
        return True
