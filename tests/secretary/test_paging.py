"""``BoundedPaginator``: a long list is counted only as far as its pager needs, on a queryset
as on a prepared list, and a page past the bound is counted in full."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from secretary.paging import BoundedPaginator
from secretary.prepared import prepared_list
from tasks.models import Task
from tests.clients.factories import ClientFactory
from tests.factories import PracticeFactory
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db


class _Bounded(BoundedPaginator):
    bound = 4  # two pages of two


@prepared_list()
def _listed(*, practice):
    return Task.objects.for_practice(practice).select_related("client").order_by("pk")


@pytest.fixture
def tasks():
    practice = PracticeFactory()
    client = ClientFactory(practice=practice)
    stranger = ClientFactory()  # another practice's tasks are never counted
    for i in range(3):
        TaskFactory(client=stranger, title=f"stranger {i}")
    return practice, [TaskFactory(client=client, title=f"task {i}") for i in range(11)]


def _rows(kind, practice):
    if kind == "list":
        return list(Task.objects.for_practice(practice).select_related("client").order_by("pk"))
    if kind == "queryset":
        return Task.objects.for_practice(practice).select_related("client").order_by("pk")
    return _listed(practice=practice.pk)


@pytest.mark.parametrize("kind", ["queryset", "prepared"])
def test_a_page_within_the_bound_counts_one_row_past_it(tasks, kind):
    practice, made = tasks
    pages = _Bounded(_rows(kind, practice), 2)
    with CaptureQueriesContext(connection) as queries:
        page = pages.get_page("2")
    # Five rows counted of eleven: "Page 2 of more than 2", and the next page is there.
    assert pages.count == 5
    assert pages.more is True
    assert pages.counted_pages == 2
    assert page.number == 2 and page.has_next() and page.next_page_number() == 3
    assert [t.pk for t in page] == [t.pk for t in made[2:4]]
    count_sql = queries.captured_queries[0]["sql"]
    assert "COUNT(" in count_sql and "LIMIT 5" in count_sql


@pytest.mark.parametrize("kind", ["queryset", "prepared", "list"])
@pytest.mark.parametrize("asked", ["3", "7", "99", "0", "-1"])
def test_a_page_past_the_bound_counts_every_row(tasks, kind, asked):
    practice, made = tasks
    pages = _Bounded(_rows(kind, practice), 2)
    page = pages.get_page(asked)
    assert pages.count == 11
    assert pages.more is False
    assert pages.counted_pages == pages.num_pages == 6
    # A page past the last, or below the first, is the last, as with Django's paginator.
    expected = min(int(asked), 6) if int(asked) > 0 else 6
    assert page.number == expected
    assert [t.pk for t in page] == [t.pk for t in made[(expected - 1) * 2 : expected * 2]]


@pytest.mark.parametrize("kind", ["queryset", "prepared", "list"])
@pytest.mark.parametrize("asked", [None, "", "abc", "1.5"])
def test_a_page_that_is_no_number_is_the_first_of_the_bound(tasks, kind, asked):
    practice, made = tasks
    pages = _Bounded(_rows(kind, practice), 2)
    page = pages.get_page(asked)
    assert page.number == 1
    assert pages.more is True
    assert [t.pk for t in page] == [t.pk for t in made[:2]]


@pytest.mark.parametrize("kind", ["queryset", "prepared", "list"])
def test_a_list_within_the_bound_is_counted_exactly(tasks, kind):
    practice, _made = tasks
    pages = BoundedPaginator(_rows(kind, practice), 2)
    page = pages.get_page("1")
    assert pages.count == 11
    assert pages.more is False
    assert pages.counted_pages == 6
    assert page.has_next()


def test_exactly_the_bound_is_no_more(tasks):
    """Four rows and a bound of four: the count is exact and the last page is known."""
    practice, made = tasks
    Task.objects.for_practice(practice).filter(pk__in=[t.pk for t in made[4:]]).delete()
    pages = _Bounded(_rows("prepared", practice), 2)
    page = pages.get_page("2")
    assert pages.count == 4
    assert pages.more is False
    assert not page.has_next()


def test_a_list_is_counted_as_far_as_the_bound_too(tasks):
    practice, made = tasks
    pages = _Bounded(_rows("list", practice), 2)
    page = pages.get_page("2")
    assert (pages.count, pages.more, pages.counted_pages) == (5, True, 2)
    assert [t.pk for t in page] == [t.pk for t in made[2:4]]
