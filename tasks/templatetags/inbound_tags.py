"""Where an email request came from, on the task page (one query, for email requests only)."""

from django import template

from tasks.models import Source

register = template.Library()


@register.inclusion_tag("tasks/inbound/email_origin.html")
def email_origin(task):
    thread = None
    if task.source == Source.EMAIL:
        from tasks.inbound.models import EmailThread

        thread = EmailThread.objects.for_practice(task.practice_id).filter(task=task).first()
    return {"thread": thread}
