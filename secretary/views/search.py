"""Search across the practice for staff: ``/app/<slug>/search/?q=``.

Every registered provider (``secretary.search``) is asked once; a client contact gets 404 like
on every staff page. The text is bounded (``MAX_QUERY_LENGTH``), control characters are dropped
and nothing people type reaches the database but as a parameter."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from secretary import search as core
from secretary.access import staff_view


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=core.MAX_QUERY_LENGTH,
        error_messages={
            "max_length": _(
                "Search for at most %(limit_value)d characters (this is %(show_value)d)."
            )
        },
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Clients, contacts, tasks, words")}
        ),
    )


def _shown(groups: list[core.SearchGroup], limit: int, terms: list[str]) -> list[dict]:
    """The groups as the page shows them: at most ``limit`` hits each (one more was asked
    for, to know whether there are more), titles and snippets as HTML with the matches marked."""
    return [
        {
            "key": group.key,
            "label": group.label,
            "count": min(group.count, limit),
            "more": group.count > limit,
            "more_url": group.more_url,
            "hits": [
                {
                    "hit": hit,
                    "title": core.highlighted(hit.title, terms),
                    "snippet": core.highlighted(hit.snippet, terms),
                }
                for hit in group.hits[:limit]
            ],
        }
        for group in groups
    ]


@staff_view
@require_GET
def search_page(request):
    form = SearchForm(request.GET or None)
    text = ""
    groups: list[dict] = []
    if form.is_bound and form.is_valid():
        text = core.clean_query(form.cleaned_data["q"])
        if text:
            limit = core.DEFAULT_LIMIT
            found = core.search(
                practice=request.practice,
                membership=request.membership,
                text=text,
                limit=limit + 1,
            )
            groups = _shown(found, limit, core.query_terms(text))
    context = {
        "form": form,
        "text": text,
        "groups": groups,
        "searchable": core.searchable(text),
        "no_words": core.NO_WORDS_MESSAGE,
    }
    return render(request, "secretary/search.html", context)
