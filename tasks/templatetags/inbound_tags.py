"""Where an email request came from, on the task page (one query, for email requests only).

``held_rows`` and ``ignored_rows`` write the rows of the held email page themselves: a
``{% for %}`` of them cost the template language most of the page's time. Their markup is the
loops' that they replaced, byte for byte (``tests/tasks/inbound/test_rows.py`` keeps the loops
and compares).
"""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.translation import gettext

from secretary.rows import empty_row, joined, text
from secretary.templatetags.secretary_tags import row_url, zoned
from tasks.models import Source

register = template.Library()


@register.inclusion_tag("tasks/inbound/email_origin.html")
def email_origin(task):
    thread = None
    if task.source == Source.EMAIL:
        from tasks.inbound.models import EmailThread

        thread = EmailThread.objects.for_practice(task.practice_id).filter(task=task).first()
    return {"thread": thread}


_HELD_ROW = (
    "<tr>\n"
    "<td>{received}</td>\n"
    "<td>{client}</td>\n"
    '<td>{sender}<span class="small">{email}</span></td>\n'
    '<td><strong>{subject}</strong><br><span class="small muted">{preview}</span></td>\n'
    '<td><form method="post" action="{accept_url}" class="stack">{csrf}\n'
    '<label class="small"><input type="checkbox" name="add_contact" value="on"> {add_contact}'
    "</label>\n"
    '<button type="submit" class="small">{accept}</button></form>\n'
    '<form method="post" action="{discard_url}" data-confirm="{confirm_discard}">{csrf}'
    '<button type="submit" class="small danger">{discard}</button></form></td>\n'
    "</tr>"
)


@register.simple_tag(takes_context=True)
def held_rows(context, messages):
    """The ``<tr>`` of each held message (``tasks/inbound/quarantine.html``), with its
    ``preview_text``, and the forms to accept or discard it; one row saying so when none is
    held."""
    messages = list(messages)
    if not messages:
        return empty_row(5, gettext("No email is held."))
    shared = {
        "csrf": CsrfTokenNode().render(context),
        "add_contact": text(gettext("Add the sender as a contact")),
        "accept": text(gettext("Accept as a request")),
        "confirm_discard": text(gettext("Discard this message?")),
        "discard": text(gettext("Discard")),
    }
    no_subject = text(gettext("(no subject)"))
    rows = []
    for message in messages:
        sender = message.sender_name
        rows.append(
            _HELD_ROW.format(
                received=text(zoned(message.received_at)),
                client=text(message.client.name),
                sender=f"{text(sender)}<br>" if sender else "",
                email=text(message.sender_email) if message.sender_email else "—",
                subject=text(message.subject) if message.subject else no_subject,
                preview=text(getattr(message, "preview_text", "")),
                accept_url=text(row_url(context, "inbound_accept", message.pk)),
                discard_url=text(row_url(context, "inbound_discard", message.pk)),
                **shared,
            )
        )
    return joined(rows)


_IGNORED_ROW = (
    '<tr><td>{received}</td><td>{client}</td><td class="small">{email}</td>'
    '<td>{subject}</td><td class="small">{reason}</td></tr>'
)


@register.simple_tag
def ignored_rows(messages):
    """The ``<tr>`` of each recently ignored message (``tasks/inbound/quarantine.html``)."""
    return joined(
        _IGNORED_ROW.format(
            received=text(zoned(message.received_at)),
            client=text(message.client.name),
            email=text(message.sender_email) if message.sender_email else "—",
            subject=text(message.subject) if message.subject else "—",
            reason=text(message.reason),
        )
        for message in messages
    )
