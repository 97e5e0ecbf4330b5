"""Invoicing: invoices and credit notes, their lines, runs, hour blocks, expenses, payments."""
