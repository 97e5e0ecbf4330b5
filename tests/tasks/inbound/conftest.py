import pytest

from tasks.inbound.services import inbound_address_for


@pytest.fixture
def address(world, desk):
    """Northwind's private address."""
    return inbound_address_for(practice=world.practice, client=desk.client)


@pytest.fixture
def imap_server(tmp_path):
    """A real IMAP server (Dovecot) with an empty INBOX for the user ``inbox``."""
    from tests.infra import dovecot, services

    reason = dovecot.problem()
    if reason is not None:
        (pytest.fail if services.detect().ci else pytest.skip)(f"IMAP test: {reason}")
    server = dovecot.start(tmp_path / "dovecot")
    try:
        yield server
    finally:
        dovecot.stop(server)
