"""Serializers of the billing API, one module per area."""
