"""Playbook content and objects shared by the playbook's and the call log's tests."""

from __future__ import annotations

from clients.playbook import services
from clients.selectors import contact_for_membership
from tests.clients.factories import ClientFactory, ContactFactory


def sample_content(**changes) -> dict:
    content = {
        "greeting": "Good morning, Northwind Dental, Sam speaking.",
        "hours": "Mon-Fri 8:00-17:00",
        "people": [
            {
                "name": "Dr Ana Reyes",
                "role": "Dentist",
                "phone": "+1 555 0100",
                "email": "ana@northwind.test",
                "availability": "Tue-Thu",
                "put_through": "no",
                "note": "Messages only",
            },
            {
                "name": "Bo Lind",
                "role": "Office manager",
                "phone": "",
                "email": "",
                "availability": "",
                "put_through": "yes",
                "note": "",
            },
        ],
        "inquiries": [
            {"question": "Do you take new patients?", "answer": "Yes, from next month."},
            {"question": "Where do I park?", "answer": "Behind the building."},
        ],
        "snippets": [
            {"service": "Check-up", "text": "Half an hour", "price": "120", "currency": "USD"}
        ],
        "escalation": "Pain with swelling: call Dr Reyes at once.",
        "never_say": ["Prices on the phone for crowns"],
        "spellings": [{"name": "Reyes", "say": "RAY-es"}],
    }
    content.update(changes)
    return content


def portal_contact(world, **options):
    """The world's client contact as a contact of some client of practice A."""
    contact = contact_for_membership(membership=world.client_contact)
    if contact is None:
        client = ClientFactory(practice=world.practice, primary_secretary=world.secretary)
        contact = ContactFactory(
            practice=world.practice,
            client=client,
            membership=world.client_contact,
            email="contact@client.test",
            **options,
        )
    return contact


def written_playbook(world, client, content=None):
    return services.playbook_save(
        practice=world.practice,
        client=client,
        actor=world.secretary,
        content=content or sample_content(),
    )
