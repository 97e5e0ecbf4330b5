"""The rows of the held email page, written in Python: the same markup as the template loops
they replaced (kept here), for messages of every kind."""

from datetime import timedelta

import pytest
from django.template import engines
from django.utils import timezone

from tasks.inbound import selectors
from tasks.inbound.models import InboundMessage, InboundStatus, preview_line
from tests.tasks.factories import ClientFactory

pytestmark = pytest.mark.django_db

# The loop of tasks/inbound/quarantine.html before ``held_rows`` (with the translations it read).
OLD_HELD_ROWS = """{% load i18n secretary_tags %}{% translate "(no subject)" as no_subject %}{% translate "Add the sender as a contact" as add_contact %}{% translate "Accept as a request" as accept %}{% translate "Discard this message?" as confirm_discard %}{% translate "Discard" as discard %}{% for message in held %}<tr>
<td>{% zoned message.received_at %}</td>
<td>{{ message.client.name }}</td>
<td>{% if message.sender_name %}{{ message.sender_name }}<br>{% endif %}<span class="small">{{ message.sender_email|default:"—" }}</span></td>
<td><strong>{{ message.subject|default:no_subject }}</strong><br><span class="small muted">{{ message.preview_text }}</span></td>
<td><form method="post" action="{% row_url 'inbound_accept' message.pk %}" class="stack">{% csrf_token %}
<label class="small"><input type="checkbox" name="add_contact" value="on"> {{ add_contact }}</label>
<button type="submit" class="small">{{ accept }}</button></form>
<form method="post" action="{% row_url 'inbound_discard' message.pk %}" data-confirm="{{ confirm_discard }}">{% csrf_token %}<button type="submit" class="small danger">{{ discard }}</button></form></td>
</tr>{% empty %}<tr><td colspan="5" class="empty">{% translate "No email is held." %}</td></tr>{% endfor %}"""

# The loop of the recently ignored messages, before ``ignored_rows``.
OLD_IGNORED_ROWS = """{% load secretary_tags %}{% for message in ignored %}<tr><td>{% zoned message.received_at %}</td><td>{{ message.client.name }}</td><td class="small">{{ message.sender_email|default:"—" }}</td><td>{{ message.subject|default:"—" }}</td><td class="small">{{ message.reason }}</td></tr>{% endfor %}"""

VIEWER_ZONES = ["America/Los_Angeles", "Asia/Kolkata"]


def render(text: str, **context) -> str:
    return engines["django"].from_string(text).render(context)


@pytest.fixture
def messages(world) -> dict[str, list[InboundMessage]]:
    """Held and ignored messages with and without a sender's name and address, a subject, a
    body and a reason; long and blank-filled bodies; markup everywhere."""
    practice = world.practice
    clients = [
        ClientFactory(practice=practice, name='Smith & "Sons" <LA>'),
        ClientFactory(practice=practice, name="O'Brien"),
    ]
    now = timezone.now()
    long = "Please <call> me & my 'team'\n\n  about the \"annex\".  " * 12
    kinds = [
        {"sender_name": "Ann <b>&</b> 'Lee'", "subject": "Quote <now> & 'later'", "body": long},
        {"sender_email": "", "subject": "", "body": ""},
        {"sender_name": "", "body": "  short\tbody  "},
        {"subject": "x" * 200, "body": "é" * 300},
    ]
    for status in (InboundStatus.QUARANTINED, InboundStatus.IGNORED):
        for number, kind in enumerate(kinds * 2):
            kind = dict(kind)
            InboundMessage.objects.create(
                practice=practice,
                client=clients[number % 2],
                message_id=f"{status}-{number}@elsewhere.test",
                status=status,
                sender_email=kind.pop("sender_email", f"someone+{number}@<elsewhere>.test"),
                received_at=now - timedelta(hours=17 * number),
                body_text=kind.pop("body"),
                reason="" if number % 2 else f"Auto-Submitted: <auto-replied> & {number}",
                **kind,
            )
    held = list(selectors.held_page_rows(practice=practice, membership=world.owner))
    for message in held:
        message.preview_text = preview_line(message.body_start)
    return {"held": held, "ignored": list(selectors.ignored_messages(practice=practice))}


@pytest.mark.parametrize("viewer_zone", VIEWER_ZONES)
def test_it_writes_the_held_rows_as_the_template_did(world, messages, viewer_zone):
    # Given held messages of every kind, and a CSRF token
    context = {"practice": world.practice, "held": messages["held"], "csrf_token": "t<&>"}
    with timezone.override(viewer_zone):
        # When the old loop and the tag render them
        old = render(OLD_HELD_ROWS, **context)
        new = render("{% load inbound_tags %}{% held_rows held %}", **context)
    # Then the markup is the same, byte for byte
    assert new == old
    assert old.count("<tr>") == len(messages["held"]) == 8
    for seen in ("Ann &lt;b&gt;&amp;&lt;/b&gt; &#x27;Lee&#x27;<br>", "(no subject)", "—</span>"):
        assert seen in old
    assert "Please &lt;call&gt; me &amp; my &#x27;team&#x27; about" in old
    assert 'value="t&lt;&amp;&gt;"' in old and "/accept/" in old and "/discard/" in old


@pytest.mark.parametrize("viewer_zone", VIEWER_ZONES)
def test_it_writes_the_ignored_rows_as_the_template_did(world, messages, viewer_zone):
    # Given ignored messages of every kind
    context = {"practice": world.practice, "ignored": messages["ignored"]}
    with timezone.override(viewer_zone):
        # When the old loop and the tag render them
        old = render(OLD_IGNORED_ROWS, **context)
        new = render("{% load inbound_tags %}{% ignored_rows ignored %}", **context)
    # Then the markup is the same, byte for byte
    assert new == old
    assert old.count("<tr>") == len(messages["ignored"]) == 8
    assert "Auto-Submitted: &lt;auto-replied&gt; &amp; 0" in old and "<td>—</td>" in old


def test_it_writes_the_row_of_no_held_email_as_the_template_did(world):
    context = {"practice": world.practice, "held": []}
    new = render("{% load inbound_tags %}{% held_rows held %}", **context)
    assert new == render(OLD_HELD_ROWS, **context)
    assert "No email is held." in new
    assert render("{% load inbound_tags %}{% ignored_rows ignored %}", ignored=[]) == ""
