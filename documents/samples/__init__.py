"""Sample contexts of the built-in document kinds, in the shape every kind's template receives
(see ``documents/builtin_templates``): for demos, previews, new documents and tests.

The samples are written for Northwind Legal, an Australian law firm and a client of the
practice. Every image is a small generated PNG as a ``data:`` URI, so a sample renders with no
file and no network.
"""

from __future__ import annotations

from typing import Any

from documents.samples.print_kinds import SAMPLES as PRINT_SAMPLES
from documents.samples.text_kinds import SAMPLES as TEXT_SAMPLES

SAMPLES = {**TEXT_SAMPLES, **PRINT_SAMPLES}


def sample_context(kind: str, *, paper: str = "A4") -> dict[str, Any]:
    """A fresh sample context of ``kind`` on ``paper`` (``A4``, ``letter`` or ``A5``)."""
    try:
        build = SAMPLES[str(kind)]
    except KeyError:
        raise LookupError(f"There is no sample for the document kind {kind!r}.") from None
    return build(paper=paper)
