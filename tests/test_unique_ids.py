"""Every page has unique element ids.

Two elements with one id break labels (a click on one form's label ticks the other form's box),
``aria-describedby`` and in-page links. The pages are those of the isolation registry
(``tests/<app>/isolation.py``), so a new page is checked as soon as it is registered: every
staff page as the owner, every portal page as the client contact.
"""

from collections import Counter
from html.parser import HTMLParser

from django.urls import reverse
from django.utils import timezone

from clients.selectors import contact_for_membership
from tasks.models import Status, TimeEntry
from tests.conftest import client_for
from tests.isolation import collect
from tests.tasks.factories import AttachmentFactory, CommentFactory, TaskFactory


class _IdCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.append(value)

    handle_startendtag = handle_starttag


def duplicate_ids(html: str) -> list[str]:
    parser = _IdCollector()
    parser.feed(html)
    return sorted(value for value, count in Counter(parser.ids).items() if count > 1)


def _extra_pages(world) -> list[str]:
    """Pages in states the registry does not make: a portal request awaiting triage (the task
    page then shows the convert form too), with files on the card and on a reply."""
    contact = contact_for_membership(membership=world.client_contact)
    task = TaskFactory(practice=world.practice, client=contact.client, status=Status.REQUESTED)
    reply = CommentFactory(practice=world.practice, task=task)
    AttachmentFactory(practice=world.practice, task=task)
    AttachmentFactory(practice=world.practice, task=task, comment=reply)
    # The owner's timer runs on it: its stop form sits in the top bar and on the task's card.
    TimeEntry.objects.create(
        practice=world.practice,
        task=task,
        client=task.client,
        membership=world.owner,
        started_at=timezone.now(),
    )
    return [
        reverse("timer", args=[world.practice.slug]),
        reverse("task_detail", args=[world.practice.slug, task.pk]),
        reverse("portal_request_detail", args=[world.practice.slug, task.pk]),
    ]


def _html_pages(world):
    """(url, html) of every registered staff and portal page its reader can open."""
    practice_routes, _ = collect(world)
    readers = {
        "/app/": client_for(world.owner.user),
        "/portal/": client_for(world.client_contact.user),
    }
    urls = [
        reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})
        for name, kwargs in sorted(practice_routes.items())
    ]
    for url in urls + _extra_pages(world):
        reader = next((c for prefix, c in readers.items() if url.startswith(prefix)), None)
        if reader is None:
            continue
        response = reader.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            yield url, response.content.decode()


def test_it_finds_a_duplicate_id():
    assert duplicate_ids('<p id="a"></p><input id="a"><b id="b"></b>') == ["a"]
    assert duplicate_ids('<p id="a"></p><input id="b">') == []


def test_it_gives_every_element_of_every_page_its_own_id(world):
    problems, staff_pages, portal_pages = {}, 0, 0
    for url, html in _html_pages(world):
        staff_pages += url.startswith("/app/")
        portal_pages += url.startswith("/portal/")
        duplicates = duplicate_ids(html)
        if duplicates:
            problems[url] = duplicates
    assert not problems, "Pages with duplicate ids: " + "; ".join(
        f"{url}: {', '.join(ids)}" for url, ids in problems.items()
    )
    # The check ran on the pages that matter, not on a registry that answered nothing.
    assert staff_pages >= 40 and portal_pages >= 5, (staff_pages, portal_pages)
