"""Bringing a practice's clients and contacts in from a spreadsheet, and taking them out."""
