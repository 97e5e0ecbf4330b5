"""Invoicing engine: pricing, numbering, drafts and their issue, credit notes, payments and
client credit, posting into the practice's books, and the reads of receivables.

Writes go through ``billing.invoicing.services``, reads through ``billing.invoicing.selectors``.
"""
