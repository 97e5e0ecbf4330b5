"""Serializers of the billing API, one module per area (output describes rows; input only
parses and validates, then a service writes)."""
