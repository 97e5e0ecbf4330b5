"""``manage.py receive_mail --imap`` against a real IMAP server (Dovecot): unseen messages
are received and marked seen only once stored; seen ones are left alone."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from tasks.inbound.models import InboundMessage
from tests.tasks.inbound.helpers import raw_mail

pytestmark = pytest.mark.django_db


def receive(server, **extra):
    out = io.StringIO()
    call_command(
        "receive_mail",
        "--imap",
        f"127.0.0.1:{server.port}",
        "--user",
        server.user,
        "--password",
        server.password,
        stdout=out,
        **extra,
    )
    return out.getvalue()


def test_it_receives_the_unseen_messages_and_marks_them_seen(world, address, imap_server):
    # Given a mailbox with two unseen messages (one for Northwind, one for nobody) and a seen one
    imap_server.deliver(raw_mail(to=address.email, message_id="<new@client.test>"))
    imap_server.deliver(raw_mail(to="stranger@elsewhere.test", message_id="<other@client.test>"))
    imap_server.deliver(raw_mail(to=address.email, message_id="<old@client.test>"), seen=True)
    # When the command reads the mailbox
    assert "2 message(s) received" in receive(imap_server)
    # Then Northwind's message is stored, the seen one is not, and nothing is left unseen
    stored = InboundMessage.objects.for_practice(world.practice)
    assert list(stored.values_list("message_id", flat=True)) == ["new@client.test"]
    assert stored.get().channel == "imap"
    assert imap_server.unseen() == 0
    # And a second run finds nothing new
    assert "0 message(s) received" in receive(imap_server)


def test_it_leaves_a_message_unseen_when_storing_it_fails(world, address, imap_server, monkeypatch):
    imap_server.deliver(raw_mail(to=address.email))

    def broken(**kwargs):
        raise OSError("storage unavailable")

    monkeypatch.setattr("tasks.management.commands.receive_mail.inbound_receive", broken)
    with pytest.raises(OSError):
        receive(imap_server)
    assert imap_server.unseen() == 1


def test_it_refuses_a_wrong_password(imap_server):
    with pytest.raises(CommandError):
        call_command(
            "receive_mail",
            "--imap",
            f"127.0.0.1:{imap_server.port}",
            "--user",
            imap_server.user,
            "--password",
            "wrong",
            stdout=io.StringIO(),
        )
