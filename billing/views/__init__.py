"""Staff and portal pages of bookkeeping, one module per area (each exposes
``staff_patterns`` and ``portal_patterns``, gathered by ``billing/urls.py``)."""
