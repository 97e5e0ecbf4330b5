"""Values kept under a practice's version (``secretary.versions``): kept until the version is
renewed, renewed at commit, read around while the writing transaction is open or on request."""

import itertools

import pytest
from django.db import transaction

from secretary.versions import PracticeVersions

pytestmark = pytest.mark.django_db(transaction=True)


_names = itertools.count()


@pytest.fixture
def versions():
    """Versions of their own name: no other test's keys."""
    return PracticeVersions(f"test:versions:{next(_names)}", shared=("all",))


def counter():
    calls = itertools.count(1)
    return lambda: next(calls)


def test_a_value_is_kept_until_its_practice_or_a_shared_version_is_renewed(versions):
    compute = counter()
    assert versions.kept(1, "n", compute, 60) == 1
    assert versions.kept(1, "n", compute, 60) == 1
    # Another practice's renewal leaves it; its own, or a shared one, renews it
    versions.bump(2)
    assert versions.kept(1, "n", compute, 60) == 1
    versions.bump(1)
    assert versions.kept(1, "n", compute, 60) == 2
    versions.bump("all")
    assert versions.kept(1, "n", compute, 60) == 3


def test_a_transaction_reads_around_what_it_changed_and_renews_it_at_commit(versions):
    compute = counter()
    assert versions.kept(1, "n", compute, 60) == 1
    with transaction.atomic():
        versions.bump(1)
        assert versions.pending(1)
        # Computed afresh, and not stored
        assert versions.kept(1, "n", compute, 60) == 2
        assert versions.kept(1, "n", compute, 60) == 3
    assert not versions.pending(1)
    assert versions.kept(1, "n", compute, 60) == 4
    assert versions.kept(1, "n", compute, 60) == 4


def test_a_rolled_back_write_renews_nothing(versions):
    compute = counter()
    assert versions.kept(1, "n", compute, 60) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        versions.bump(1)
        raise RuntimeError
    assert not versions.pending(1)
    assert versions.kept(1, "n", compute, 60) == 1


def test_afresh_computes_without_storing(versions):
    compute = counter()
    assert versions.kept(1, "n", compute, 60) == 1
    with versions.afresh():
        assert versions.kept(1, "n", compute, 60) == 2
    assert versions.kept(1, "n", compute, 60) == 1
