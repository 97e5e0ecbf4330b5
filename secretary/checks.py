"""System checks of the core.

``search_indexes_usable`` (tag ``database``: run by ``migrate`` and ``check --database``, never
per request): on PostgreSQL, one catalog query says whether the full-text match function is
leak-proof; while it is not, the practice policies of row-level security keep search off its
GIN indexes (``secretary/search.py``), and the warning gives the one statement to run as a
superuser.
"""

from __future__ import annotations

from django.core.checks import Tags, Warning, register
from django.db import connections
from django.utils.translation import gettext as _

from secretary.search import LEAKPROOF_SQL, match_is_leakproof

SEARCH_INDEXES_ID = "secretary.W001"


def search_index_warning(alias: str) -> Warning:
    return Warning(
        _(
            "Search cannot use its indexes on database '%(alias)s': under row-level security "
            "PostgreSQL uses an index only for a leak-proof match, and ts_match_vq is not "
            "declared leak-proof, so every search reads all of a practice's rows."
        )
        % {"alias": alias},
        hint=_("Run once on this database, as a superuser: %(sql)s") % {"sql": LEAKPROOF_SQL},
        id=SEARCH_INDEXES_ID,
    )


@register(Tags.database)
def search_indexes_usable(app_configs=None, databases=None, **kwargs) -> list[Warning]:
    warnings = []
    for alias in databases or ():
        if connections[alias].vendor != "postgresql":
            continue
        if match_is_leakproof(alias) is False:
            warnings.append(search_index_warning(alias))
    return warnings
