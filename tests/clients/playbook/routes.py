"""The playbook's routes for the isolation harness (listed from ``tests/clients/isolation.py``)."""

from clients.playbook import services
from tests.clients.playbook.helpers import portal_contact, sample_content, written_playbook


def playbook_routes(world) -> dict[str, dict]:
    contact = portal_contact(world)
    contact.portal_documents = True
    contact.save(update_fields=["portal_documents"])
    client = contact.client
    written_playbook(world, client)
    proposal = services.playbook_propose(
        practice=world.practice,
        contact=contact,
        content=sample_content(greeting="Hello, Northwind."),
    )
    c = {"client_id": client.pk}
    p = {**c, "proposal_id": proposal.pk}
    return {
        "playbook_detail": c,
        "playbook_edit": c,
        "playbook_versions": c,
        "playbook_version": {**c, "number": 1},
        "proposal_review": p,
        "client_switcher": {},
        "portal_playbook": {},
        "portal_playbook_propose": {},
        "api_playbook": c,
        "api_playbook_versions": c,
        "api_playbook_version": {**c, "number": 1},
        "api_playbook_proposals": c,
        "api_playbook_proposal_accept": p,
        "api_playbook_proposal_decline": p,
    }
