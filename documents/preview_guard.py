"""Renders made while someone waits in the web process (the editor's live preview, a
template's preview) are bounded per person: one at a time, and at most
``PREVIEWS_PER_MINUTE`` a minute. A live preview is asked for as people type; without a bound, a
held-down key or a script would keep a web process laying out pages for nobody.

The counters live in the cache (Redis in production), so every web process shares them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from documents.rendering import RENDER_SECONDS

PREVIEWS_PER_MINUTE = 40
# A slot left taken by a process that died frees itself after the longest render.
BUSY_SECONDS = RENDER_SECONDS + 5
clock = time.time  # the minute a preview is counted in (a test sets it)


class PreviewRefused(Exception):
    """Not now: ``message`` says why, ``retry_after`` in how many seconds to ask again."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def _count_this_minute(user_id: int) -> tuple[int, int]:
    now = clock()
    key = f"documents:previews:{user_id}:{int(now // 60)}"
    cache.add(key, 0, 120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 120)
        count = 1
    return count, max(1, 60 - int(now % 60))


@contextmanager
def preview_slot(user_id: int) -> Iterator[None]:
    """Hold the person's one preview slot while the block runs, or raise ``PreviewRefused``."""
    count, rest_of_minute = _count_this_minute(user_id)
    if count > PREVIEWS_PER_MINUTE:
        raise PreviewRefused(
            _("The preview pauses: it was asked for %(n)s times this minute.")
            % {"n": PREVIEWS_PER_MINUTE},
            retry_after=rest_of_minute,
        )
    busy = f"documents:preview-busy:{user_id}"
    if not cache.add(busy, 1, BUSY_SECONDS):
        raise PreviewRefused(_("Your previous preview is still being made."), retry_after=2)
    try:
        yield
    finally:
        cache.delete(busy)


def preview_paused(request: HttpRequest, refused: PreviewRefused) -> HttpResponse:
    """The answer to a refused live preview: the pages shown stay, a line under the title
    says why, and the page asks again after ``retry_after`` seconds (``preview-retry``)."""
    response = render(request, "documents/partials/preview_paused.html", {"refused": refused})
    response["HX-Retarget"] = "#preview-status"
    response["HX-Reswap"] = "innerHTML"
    response["HX-Trigger"] = "preview-retry"
    return response
