"""A client's mailing lists: its own customers (not portal contacts), their consent, imports,
exports and segments. Campaigns that send to them live in ``clients.mailing.campaigns``."""
