"""The call log's routes for the isolation harness (listed from ``tests/tasks/isolation.py``)."""

from tasks.calls.models import Call
from tests.clients.playbook.helpers import portal_contact


def call_routes(world) -> dict[str, dict]:
    contact = portal_contact(world)
    call = Call.objects.create(
        practice=world.practice,
        client=contact.client,
        caller_name="Isolated Caller",
        message="Please call back",
        message_to_client=True,
    )
    return {
        "call_list": {},
        "call_new": {},
        "call_detail": {"call_id": call.pk},
        "portal_call_messages": {},
        "api_call_list": {},
        "api_call_detail": {"call_id": call.pk},
    }
