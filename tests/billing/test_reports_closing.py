"""Month end: the pack (PDF text on the real renderer), publishing it to the client's billing
contacts once, closing a month, the reminders of months left open, and the settings page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pypdf
import pytest
from django.core import mail
from django.urls import reverse

from billing import closing
from billing.models import (
    BankReconciliation,
    BillingSettings,
    CloseReminder,
    MonthEndPack,
    PackStatus,
)
from billing.tasks import close_reminders_send_for, notify_month_end_pack_published
from documents.models import DocumentStatus
from secretary.errors import ApplicationError
from secretary.models import Membership
from tests.conftest import client_for


def _url(name, world, *args):
    return reverse(name, args=[world.practice.slug, *args])


def _february(ledger):
    ledger.post(date(2026, 1, 5), ("1010", "3010", "10000.00"))
    ledger.post(date(2026, 1, 20), ("1010", "4010", "400.00"))
    ledger.post(date(2026, 2, 10), ("1010", "4010", "2500.00"), ("6070", "1010", "800.00"))
    ledger.post(date(2026, 2, 12), ("1020", "1010", "1000.00"))


def test_it_checks_ownership(world, client_ledger, outsider_client, contact_client):
    page = _url("month_end", world, client_ledger.book.pk)
    assert outsider_client.get(page).status_code == 404
    assert contact_client.get(page).status_code == 404
    assert contact_client.post(_url("month_close", world, client_ledger.book.pk)).status_code == 404
    assert client_for(world.secretary.user).get(page).status_code == 200
    settings_page = _url("billing_settings", world)
    assert client_for(world.secretary.user).get(settings_page).status_code == 403
    assert client_for(world.admin.user).get(settings_page).status_code == 200


def test_it_generates_the_month_end_pack_pdf(
    world, client_ledger, django_capture_on_commit_callbacks
):
    # Given February's activity and a reconciliation of the checking account in February
    _february(client_ledger)
    BankReconciliation.objects.create(
        practice=world.practice,
        book=client_ledger.book,
        account=client_ledger.account("1010"),
        period_start=date(2026, 2, 1),
        period_end=date(2026, 2, 28),
        statement_balance=Decimal("11100.00"),
    )
    secretary = client_for(world.secretary.user)
    # When the secretary generates the pack with a note (the renderer runs after commit)
    page = secretary.get(_url("month_end", world, client_ledger.book.pk))
    token = page.context["form"]["idempotency_token"].value()
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary.post(
            _url("month_end", world, client_ledger.book.pk),
            {"month": "2026-02", "note": "Rent went up this month.", "idempotency_token": token},
        )
    assert response.status_code == 302
    pack = MonthEndPack.objects.for_practice(world.practice).get()
    assert (pack.period_start, pack.period_end) == (date(2026, 2, 1), date(2026, 2, 28))
    assert pack.status == PackStatus.DRAFT
    pack.document.refresh_from_db()
    assert pack.document.status == DocumentStatus.READY
    # Then the PDF holds the client, the period, the figures and each bank's closing balance
    text = "".join(p.extract_text() for p in pypdf.PdfReader(pack.document.file).pages)
    assert "Northwind Legal" in text
    assert "February 2026" in text and "2026-02-01" in text
    assert "Rent went up this month." in text
    assert "AUD 2,500.00" in text and "AUD 400.00" in text  # February beside January
    assert "AUD 11,100.00" in text  # checking: statement balance and ledger balance
    assert "AUD 1,000.00" in text  # savings: its closing balance
    assert "not reconciled" in text


def test_it_says_whether_the_pack_is_ready_or_on_its_way(
    world, client_ledger, django_capture_on_commit_callbacks
):
    _february(client_ledger)
    secretary = client_for(world.secretary.user)
    page = _url("month_end", world, client_ledger.book.pk)

    def generate():
        token = secretary.get(page).context["form"]["idempotency_token"].value()
        with django_capture_on_commit_callbacks(execute=True):
            return secretary.post(
                page, {"month": "2026-02", "note": "", "idempotency_token": token}, follow=True
            )

    # When the pack is asked for, its PDF is made after the answer: it is on its way
    first = generate().content.decode()
    assert "being made; it appears below when ready" in first
    # When the same pack is asked for again, the PDF made for it is ready at once
    second = generate().content.decode()
    assert "The month-end pack is ready." in second
    assert "being made" not in second


def test_it_publishes_a_pack_and_emails_the_billing_contacts_once(
    world, client_ledger, django_capture_on_commit_callbacks
):
    _february(client_ledger)
    with django_capture_on_commit_callbacks(execute=True):
        pack = closing.month_end_pack_generate(
            practice=world.practice, book=client_ledger.book, month=date(2026, 2, 1), note=""
        )
    mail.outbox.clear()
    # When the secretary publishes it
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.secretary.user).post(
            _url("month_end_publish", world, client_ledger.book.pk, pack.pk)
        )
    assert response.status_code == 302
    pack.refresh_from_db()
    assert pack.status == PackStatus.PUBLISHED
    assert pack.published_by == world.secretary.user and pack.published_at
    # Then the billing contact hears once, even when the job runs again
    assert [m.to for m in mail.outbox] == [["contact@client.test"]]
    assert "February 2026" in mail.outbox[0].subject
    assert not notify_month_end_pack_published(practice_id=world.practice.pk, pack_id=pack.pk)
    assert len(mail.outbox) == 1
    # And a published pack is not made again
    with pytest.raises(ApplicationError):
        closing.month_end_pack_generate(
            practice=world.practice, book=client_ledger.book, month=date(2026, 2, 14)
        )


def test_it_closes_a_month_by_locking_the_book(world, client_ledger):
    secretary = client_for(world.secretary.user)
    response = secretary.post(
        _url("month_close", world, client_ledger.book.pk), {"month": "2026-02"}
    )
    assert response.status_code == 302
    client_ledger.book.refresh_from_db()
    assert client_ledger.book.lock_date == date(2026, 2, 28)
    assert closing.is_month_closed(client_ledger.book, date(2026, 2, 1))


def test_it_reminds_the_primary_secretary_once_per_book_and_month(world, client_ledger):
    # Given the client's books with February left open, on 9 and 10 March (close by the 10th)
    assert close_reminders_send_for(practice=world.practice, today=date(2026, 3, 9)) == 0
    # When the reminders run on the 10th, and again on the 11th
    assert close_reminders_send_for(practice=world.practice, today=date(2026, 3, 10)) == 1
    assert close_reminders_send_for(practice=world.practice, today=date(2026, 3, 11)) == 0
    # Then the primary secretary heard once
    assert [m.to for m in mail.outbox] == [["secretary@harbour.test"]]
    assert "February 2026" in mail.outbox[0].subject
    reminder = CloseReminder.objects.for_practice(world.practice).get()
    assert reminder.month == date(2026, 2, 1)


def test_it_does_not_remind_of_a_closed_month(world, client_ledger):
    closing.month_close(practice=world.practice, book=client_ledger.book, month=date(2026, 2, 1))
    assert close_reminders_send_for(practice=world.practice, today=date(2026, 3, 20)) == 0
    assert not mail.outbox


def test_it_reminds_the_admins_of_the_practice_books_from_the_set_day(world, ledger):
    # Given the practice's own books and a close-by day of the 3rd
    BillingSettings.objects.create(practice=world.practice, close_by_day=3)
    # When the reminders run on the 3rd
    assert close_reminders_send_for(practice=world.practice, today=date(2026, 4, 3)) == 1
    # Then the owner and the admin heard
    admins = Membership.objects.for_practice(world.practice).filter(role__in=["owner", "admin"])
    assert sorted(mail.outbox[0].to) == sorted(m.user.email for m in admins)


def test_it_saves_the_close_by_day(world):
    admin = client_for(world.admin.user)
    response = admin.post(_url("billing_settings", world), {"close_by_day": "5"})
    assert response.status_code == 302
    assert closing.close_by_day(practice=world.practice) == 5
    response = admin.post(_url("billing_settings", world), {"close_by_day": "31"})
    assert response.status_code == 200 and response.context["form"].errors


def test_it_registers_the_reminder_sweep_on_beat():
    from django.conf import settings

    from secretary.celery import app

    schedule = settings.CELERY_BEAT_SCHEDULE["billing-send-close-reminders"]
    assert schedule["task"] in app.tasks
