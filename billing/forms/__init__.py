"""Forms of bookkeeping, one module per area."""
