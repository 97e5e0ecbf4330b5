"""A statement imported by the real worker (PostgreSQL, Redis, Celery)."""

from __future__ import annotations

import pytest
from django.db import transaction

from billing.bank import demo as bank_demo
from billing.bank import services
from billing.models import ImportStatus, StatementImport, StatementLine

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_it_imports_the_demo_statement_on_the_worker(ledger, celery_worker_live):
    # given the demo mapping on the checking account
    account = ledger.account("1010")
    services.feed_save(practice=ledger.practice, account=account, data=bank_demo.demo_feed_data())
    # when the demo statement (and 2,000 more lines) is uploaded
    extra = "".join(f"01/06/2025,Card {i},-{i % 90 + 1}.10,C{i}\n" for i in range(2000))
    content = bank_demo.demo_statement_path().read_bytes() + extra.encode()
    with transaction.atomic():
        made = services.statement_upload_bytes(
            practice=ledger.practice,
            book=ledger.book,
            account=account,
            content=content,
            name="statement.csv",
        )

    def finished():
        item = StatementImport.objects.for_practice(ledger.practice).get(pk=made.pk)
        return item if item.status in (ImportStatus.DONE, ImportStatus.FAILED) else None

    item = celery_worker_live.wait_for(finished, timeout=120, what="the import to finish")
    # then the worker imported every line
    assert item.status == ImportStatus.DONE, item.failure_reason
    assert item.created_lines == 2016
    assert (
        StatementLine.objects.for_practice(ledger.practice).filter(account_id=account.pk).count()
        == 2016
    )
