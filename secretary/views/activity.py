"""The practice's audit log for owners and admins: newest first, filtered by what and who."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from secretary import selectors
from secretary.access import admin_view
from secretary.forms import ActivityFilterForm

PAGE_SIZE = 50


@admin_view
@require_GET
def activity_log(request):
    form = ActivityFilterForm(request.GET or None, practice=request.practice)
    verb = person = None
    if form.is_valid():
        verb = form.cleaned_data["verb"] or None
        person = form.cleaned_data["person"]
    events = selectors.activity_events(practice=request.practice, verb=verb, actor=person)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    # Filters stay on when paging.
    query = request.GET.copy()
    query.pop("page", None)
    template = (
        "secretary/partials/activity_rows.html" if request.htmx else "secretary/activity.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "filter_query": query.urlencode(),
            "filtered": bool(verb or person),
        },
    )
