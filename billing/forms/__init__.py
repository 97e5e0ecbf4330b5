"""Forms of the bookkeeping pages, one module per area."""
