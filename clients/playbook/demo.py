"""Demo data: Northwind Legal's playbook (six approved answers), written by the secretary."""

from __future__ import annotations

from clients.models import Client
from clients.playbook.models import Playbook
from clients.playbook.services import playbook_save

NORTHWIND_PLAYBOOK = {
    "greeting": "Good morning, Northwind Legal, this is the front desk. How may I help you?",
    "hours": "Monday to Friday, 8:30 am to 5:30 pm Pacific time. Closed on federal holidays.",
    "people": [
        {
            "name": "Nora North",
            "role": "Office manager",
            "phone": "+1 415 555 0142",
            "email": "contact@northwind.example",
            "availability": "Weekdays 8:30-17:30",
            "put_through": "yes",
            "note": "Put through for anything about appointments or invoices.",
        },
        {
            "name": "Daniel Okafor",
            "role": "Managing partner",
            "phone": "+1 415 555 0100",
            "email": "daniel@northwind.example",
            "availability": "In court most mornings",
            "put_through": "no",
            "note": "Take a message; urgent court matters go to Nora.",
        },
        {
            "name": "Mei Tanaka",
            "role": "Paralegal",
            "phone": "+1 415 555 0151",
            "email": "mei@northwind.example",
            "availability": "Tue-Fri",
            "put_through": "yes",
            "note": "Document deliveries and filing deadlines.",
        },
    ],
    "inquiries": [
        {
            "question": "Do you take new clients?",
            "answer": "Yes, for business and employment matters. I can book a 30-minute "
            "consultation; may I take your name and number?",
        },
        {
            "question": "How much is a first consultation?",
            "answer": "The first 30-minute consultation is 150 US dollars, credited to the "
            "matter if you go ahead.",
        },
        {
            "question": "Where is the office and where do I park?",
            "answer": "100 Market Street, 4th floor. The garage on Spear Street validates "
            "two hours.",
        },
        {
            "question": "Can I speak to my lawyer now?",
            "answer": "They are with clients; I will take a message and they will call you "
            "back today.",
        },
        {
            "question": "Can I drop off documents?",
            "answer": "Yes, at reception on weekdays during office hours, or securely through "
            "the client portal.",
        },
        {
            "question": "Do you handle family law?",
            "answer": "No, we do not; the San Francisco Bar's referral service can help: "
            "415 989 1616.",
        },
    ],
    "snippets": [
        {
            "service": "First consultation (30 min)",
            "text": "Credited to the matter if you instruct us.",
            "price": "150.00",
            "currency": "USD",
        },
        {
            "service": "Contract review",
            "text": "Fixed fee for contracts up to 20 pages.",
            "price": "900.00",
            "currency": "USD",
        },
    ],
    "escalation": "A court deadline today or a client in custody: call Nora at once "
    "(+1 415 555 0142), then Daniel's mobile. Anything else: a message.",
    "never_say": [
        "Legal advice of any kind, even general",
        "Whether someone is or was a client",
        "Daniel's mobile number",
    ],
    "spellings": [
        {"name": "Okafor", "say": "oh-KAH-for (O-K-A-F-O-R)"},
        {"name": "Tanaka", "say": "tah-NAH-kah"},
    ],
}


def seed(demo) -> None:
    """Write Northwind Legal's playbook once (nothing when it has one)."""
    practice = demo.practice
    northwind = Client.objects.for_practice(practice).filter(name="Northwind Legal").first()
    if northwind is None:
        return
    if Playbook.objects.for_practice(practice).filter(client=northwind, version__gt=0).exists():
        return
    content = dict(NORTHWIND_PLAYBOOK)
    content["people"] = [dict(person) for person in content["people"]]
    content["people"][0]["email"] = demo.client_contact.user.email
    content["people"][0]["name"] = demo.client_contact.user.get_full_name() or "Nora North"
    playbook_save(
        practice=practice,
        client=northwind,
        actor=demo.secretary,
        content=content,
        note="Written at onboarding",
    )
