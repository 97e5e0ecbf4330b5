"""Demo data: a day of calls for Northwind Legal (two messages for the client, one call that
needs a follow-up), logged by the secretary through the call service."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from clients.models import Client, Contact
from clients.playbook.selectors import playbook_of
from tasks.calls.models import Call
from tasks.calls.services import call_log


def _calls(contact: Contact | None) -> list[dict]:
    return [
        {
            "hours_ago": 7,
            "caller_name": "Jordan Ellis",
            "caller_company": "Ellis Freight",
            "caller_number": "+1 415 555 0190",
            "reason": "New client: a dispute with a supplier",
            "inquiry": "Do you take new clients?",
            "answer_given": "Yes, for business and employment matters. I can book a 30-minute "
            "consultation; may I take your name and number?",
            "duration_minutes": 4,
            "billable": True,
        },
        {
            "hours_ago": 6,
            "caller_name": "Priya Raman",
            "caller_number": "+1 650 555 0117",
            "reason": "Asked about parking for tomorrow's meeting",
            "inquiry": "Where is the office and where do I park?",
            "answer_given": "100 Market Street, 4th floor. The garage on Spear Street validates "
            "two hours.",
        },
        {
            "hours_ago": 5,
            "caller_name": "Sam Whitaker",
            "caller_company": "Whitaker & Sons",
            "caller_number": "+1 415 555 0133",
            "reason": "Wants to speak to Daniel about the lease review",
            "message": "Sam Whitaker asks Daniel to call back about the lease review before "
            "Thursday.",
            "message_for_name": "Daniel Okafor",
            "message_to_client": True,
            "urgency": "normal",
            "duration_minutes": 3,
            "billable": True,
        },
        {
            "hours_ago": 3,
            "caller_name": "Clerk of the Superior Court",
            "caller_number": "+1 415 555 0105",
            "reason": "Hearing moved: Ellis v. Harbor Supply",
            "message": "The hearing moved from 10:00 to 14:00 tomorrow, Department 302.",
            "message_for_contact": contact,
            "message_to_client": True,
            "urgency": "urgent",
            "follow_up": True,
            "duration_minutes": 6,
            "billable": True,
        },
        {
            "hours_ago": 1,
            "caller_name": "Lee Morgan",
            "reason": "Family law question",
            "inquiry": "Do you handle family law?",
            "answer_given": "No, we do not; the San Francisco Bar's referral service can help: "
            "415 989 1616.",
        },
    ]


def seed(demo) -> None:
    """Log today's calls once (nothing when Northwind has calls already)."""
    practice = demo.practice
    northwind = Client.objects.for_practice(practice).filter(name="Northwind Legal").first()
    if northwind is None or Call.objects.for_practice(practice).filter(client=northwind).exists():
        return
    if playbook_of(practice=practice, client=northwind) is None:
        return  # the calls answer from the playbook (clients' demo writes it)
    contact = (
        Contact.objects.for_practice(practice)
        .filter(client=northwind, membership=demo.client_contact)
        .first()
    )
    now = timezone.now()
    for spec in _calls(contact):
        data = dict(spec)
        data["received_at"] = now - timedelta(hours=data.pop("hours_ago"))
        if data.get("message_for_contact") is None:
            data.pop("message_for_contact", None)
        call_log(practice=practice, actor=demo.secretary, client=northwind, data=data)
