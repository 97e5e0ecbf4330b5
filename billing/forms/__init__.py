"""Forms of bookkeeping, one module per area (``billing.forms.ledger`` for books, accounts and
the journal). Fields that take ids use querysets of the current practice and book."""
