"""Bank statements: parsing CSV and OFX, importing on a worker, rules, reconciliation."""
