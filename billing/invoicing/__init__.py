"""Invoicing: invoices and credit notes, their documents, sending, reminders and payments."""
