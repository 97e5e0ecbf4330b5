"""Search providers of the tasks app: tasks and their comments (see ``secretary.search``).

A regulated client's tasks and comments are found only by staff who signed its agreement.
Search is a staff page: internal notes are searched too. Both come newest first (registered
with ``newest="created_at"``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext

from clients.search import without_closed
from secretary.choices import label_of
from secretary.search import (
    SearchContext,
    SearchHit,
    query_terms,
    snippet,
)
from tasks.models import Comment, Task

TASK_FIELDS = ("title", "description")
COMMENT_FIELDS = ("body",)


def task_rows(context: SearchContext) -> QuerySet:
    return without_closed(Task.objects.for_practice(context.practice), context)


TASK_COLUMNS = ("pk", "title", "description", "status", "created_at", "client__name", "search_rank")


def task_hits(context: SearchContext, rows: list[dict]) -> list[SearchHit]:
    terms = query_terms(context.text)
    slug = context.practice.slug
    status = Task._meta.get_field("status")
    return [
        SearchHit(
            kind=gettext("Task"),
            title=row["title"],
            url=reverse("task_detail", args=[slug, row["pk"]]),
            snippet=snippet(
                " · ".join(filter(None, [row["client__name"], label_of(status, row["status"])]))
                + (" — " + row["description"] if row["description"] else ""),
                terms,
            ),
            when=row["created_at"],
            rank=float(row["search_rank"]),
        )
        for row in rows
    ]


def comment_rows(context: SearchContext) -> QuerySet:
    return without_closed(
        Comment.objects.for_practice(context.practice), context, client_field="task__client"
    )


COMMENT_COLUMNS = ("body", "internal", "created_at", "task_id", "task__title", "search_rank")


def comment_hits(context: SearchContext, rows: list[dict]) -> list[SearchHit]:
    terms = query_terms(context.text)
    slug = context.practice.slug
    hits = []
    for row in rows:
        title = (
            gettext("Internal note on “%(task)s”") if row["internal"] else gettext("On “%(task)s”")
        ) % {"task": row["task__title"]}
        hits.append(
            SearchHit(
                kind=gettext("Comment"),
                title=title,
                url=reverse("task_detail", args=[slug, row["task_id"]]),
                snippet=snippet(row["body"], terms),
                when=row["created_at"],
                rank=float(row["search_rank"]),
            )
        )
    return hits


def tasks_more_url(practice_slug: str, text: str) -> str:
    """The task list (every status) searching the same text in titles, descriptions and
    client names."""
    return f"{reverse('task_list', args=[practice_slug])}?{urlencode({'q': text})}"
