"""Inbound email's routes for the isolation harness (listed from ``tests/tasks/isolation.py``)."""

from tasks.inbound.models import InboundMessage, InboundStatus
from tests.tasks.factories import ClientFactory


def inbound_routes(world) -> dict[str, dict]:
    practice = world.practice
    client = ClientFactory(practice=practice, name="Client with email")
    held = InboundMessage.objects.create(
        practice=practice,
        client=client,
        message_id="held@elsewhere.test",
        status=InboundStatus.QUARANTINED,
        sender_email="someone@elsewhere.test",
        subject="Held",
    )
    by_client = {"client_id": client.pk}
    by_message = {"inbound_id": held.pk}
    return {
        "inbound_quarantine": {},
        "inbound_accept": by_message,
        "inbound_discard": by_message,
        "inbound_address_rotate": by_client,
        "api_inbound_address": by_client,
        "api_inbound_address_rotate": by_client,
        "api_inbound_held_list": {},
        "api_inbound_held_accept": by_message,
        "api_inbound_held_discard": by_message,
    }
