"""Trust (client) money: matters, money in and out, transfers, three-way reconciliation."""
