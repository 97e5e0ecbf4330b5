"""API serializers of bookkeeping, one module per area."""
