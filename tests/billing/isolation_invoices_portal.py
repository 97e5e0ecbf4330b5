"""Routes of the portal's invoices and the invoice reminder settings, for the isolation
harness."""

from __future__ import annotations

from billing.invoicing.reminders import reminder_rules_seed
from clients.selectors import contact_for_membership
from documents.models import DocumentKind
from tests.billing.invoice_factories import issued_invoice
from tests.clients.factories import ClientFactory, ContactFactory
from tests.documents.factories import DocumentFactory


def contact_client_of(world):
    """The client the world's contact represents, made a billing contact."""
    contact = contact_for_membership(membership=world.client_contact)
    if contact is None:
        client = ClientFactory(practice=world.practice, primary_secretary=world.secretary)
        contact = ContactFactory(
            practice=world.practice, client=client, membership=world.client_contact
        )
    if not contact.portal_billing:
        contact.portal_billing = True
        contact.save(update_fields=["portal_billing"])
    return contact.client


def routes(world) -> dict[str, dict]:
    client = contact_client_of(world)
    invoice = issued_invoice(practice=world.practice, client=client)
    statement = DocumentFactory(
        practice=world.practice,
        client=client,
        kind=DocumentKind.STATEMENT_OF_ACCOUNT,
        ready=True,
        subject_type="billing.client_statement",
        subject_id=client.pk,
    )
    rule = reminder_rules_seed(practice=world.practice)[0]
    i = {"invoice_id": invoice.pk}
    return {
        # Staff (admins)
        "invoice_reminders": {},
        "invoice_reminder_edit": {"rule_id": rule.pk},
        # Portal (the client's billing contact)
        "portal_invoices": {},
        "portal_invoice": i,
        "portal_invoice_pdf": i,
        "portal_invoice_pay": i,
        "portal_statement": {},
        "portal_statement_download": {"document_id": statement.pk},
    }
