"""Search providers of the tasks app: tasks and their comments (see ``secretary.search``).

A regulated client's tasks and comments are found only by staff who signed its agreement.
Search is a staff page: internal notes are searched too. Newest first
(``secretary.search.newest_first``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext

from clients.search import newest_matches
from secretary.search import (
    SearchContext,
    SearchHit,
    query_terms,
    snippet,
)
from tasks.models import Comment, Task

TASK_FIELDS = ("title", "description")
COMMENT_FIELDS = ("body",)


def search_tasks(context: SearchContext) -> list[SearchHit]:
    rows = newest_matches(
        Task,
        context,
        TASK_FIELDS,
        columns=("practice", "title", "description", "status", "created_at", "client__name"),
    )
    terms = query_terms(context.text)
    slug = context.practice.slug
    return [
        SearchHit(
            kind=gettext("Task"),
            title=task.title,
            url=reverse("task_detail", args=[slug, task.pk]),
            snippet=snippet(
                " · ".join(filter(None, [task.client.name, task.get_status_display()]))
                + (" — " + task.description if task.description else ""),
                terms,
            ),
            when=task.created_at,
            rank=float(task.search_rank),
        )
        for task in rows
    ]


def search_comments(context: SearchContext) -> list[SearchHit]:
    rows = newest_matches(
        Comment,
        context,
        COMMENT_FIELDS,
        columns=("practice", "body", "internal", "created_at", "task__title", "task__client__name"),
        related=("task__client",),
        client_field="task__client",
    )
    terms = query_terms(context.text)
    slug = context.practice.slug
    hits = []
    for comment in rows:
        title = (
            gettext("Internal note on “%(task)s”") if comment.internal else gettext("On “%(task)s”")
        ) % {"task": comment.task.title}
        hits.append(
            SearchHit(
                kind=gettext("Comment"),
                title=title,
                url=reverse("task_detail", args=[slug, comment.task_id]),
                snippet=snippet(comment.body, terms),
                when=comment.created_at,
                rank=float(comment.search_rank),
            )
        )
    return hits


def tasks_more_url(practice_slug: str, text: str) -> str:
    """The task list (every status) searching the same text in titles, descriptions and
    client names."""
    return f"{reverse('task_list', args=[practice_slug])}?{urlencode({'q': text})}"
