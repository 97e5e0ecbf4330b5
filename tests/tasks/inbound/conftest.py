import pytest

from tasks.inbound.services import inbound_address_for


@pytest.fixture
def address(world, desk):
    """Northwind's private address."""
    return inbound_address_for(practice=world.practice, client=desk.client)
