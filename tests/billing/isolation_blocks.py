"""Hour-block routes for the isolation harness."""

from __future__ import annotations

from tests.clients.factories import ClientFactory


def routes(world) -> dict:
    client = ClientFactory(practice=world.practice)
    return {"hour_block_balance": {"client_id": client.pk}, "portal_hour_blocks": {}}
