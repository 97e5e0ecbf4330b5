"""Trust accounting: matter ledgers, client money, three-way reconciliation."""
