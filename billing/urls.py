"""Routes of this app, mounted by the root urlconf under the practice prefixes."""

from billing.views import (
    bank,
    books,
    closing,
    expenses,
    invoices,
    invoices_portal,
    invoices_settings,
    invoices_setup,
    journal,
    payments,
    portal,
    reports,
    trust,
)
from billing.views import blocks as hour_blocks

AREAS = (
    books,
    journal,
    reports,
    bank,
    trust,
    portal,
    closing,
    hour_blocks,
    expenses,
    invoices_portal,
    invoices_settings,
    invoices,
    payments,
    invoices_setup,
)

# Under /app/<practice_slug>/ (staff).
staff_patterns: list = [pattern for area in AREAS for pattern in area.staff_patterns]
# Under /portal/<practice_slug>/ (client contacts).
portal_patterns: list = [pattern for area in AREAS for pattern in area.portal_patterns]
# Outside any practice (``/billing/``): payment providers' webhooks.
public_patterns: list = list(invoices_portal.public_patterns)
