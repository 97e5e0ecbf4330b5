"""Month end: the pack a secretary sends a client (P&L, balance sheet, bank reconciliation
summary and a note, as a PDF), closing a month, reminders of months left open, and the
practice's bookkeeping settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from billing import reporting
from billing.ledger import reports
from billing.ledger.posting import book_lock
from billing.models import (
    Account,
    BankReconciliation,
    BillingSettings,
    Book,
    MonthEndPack,
    PackStatus,
)
from secretary.audit import activity_record
from secretary.background import enqueue_on_commit
from secretary.errors import ApplicationError
from secretary.limits import dates_out_of_range

DEFAULT_CLOSE_BY_DAY = 10


def month_label(day: date) -> str:
    return f"{MONTHS[day.month]} {day.year}"


# --- Settings -----------------------------------------------------------------------------------


def close_by_day(*, practice) -> int:
    """The day of the month by which the previous month should be closed."""
    settings = BillingSettings.objects.for_practice(practice).first()
    return settings.close_by_day if settings is not None else DEFAULT_CLOSE_BY_DAY


def billing_settings_update(*, practice, close_by_day: int, user=None, request=None):
    if not 1 <= close_by_day <= 28:
        message = _("Choose a day from 1 to 28.")
        raise ApplicationError(message, errors={"close_by_day": message})
    with transaction.atomic():
        settings, _created = BillingSettings.objects.for_practice(practice).get_or_create(
            practice=practice
        )
        settings.close_by_day = close_by_day
        settings.save(update_fields=["close_by_day"])
        activity_record(
            practice=practice,
            actor=user,
            verb="billing.settings_changed",
            target=settings,
            data={"close_by_day": close_by_day},
            request=request,
        )
    return settings


# --- Closing a month ----------------------------------------------------------------------------


def month_close(*, practice, book: Book, month: date, user=None, request=None) -> Book:
    """Lock the book up to the last day of ``month`` (nothing else changes)."""
    problems = dates_out_of_range(month=month)
    if problems:
        raise ApplicationError(next(iter(problems.values())), errors=problems)
    _start, end = reports.month_bounds(month)
    return book_lock(practice=practice, book=book, lock_date=end, user=user, request=request)


def is_month_closed(book: Book, month: date) -> bool:
    _start, end = reports.month_bounds(month)
    return book.lock_date is not None and book.lock_date >= end


# --- The month-end pack -------------------------------------------------------------------------


@dataclass
class BankSummary:
    account: Account
    statement_balance: Decimal | None
    statement_date: date | None
    ledger_balance: Decimal

    @property
    def reconciled(self) -> bool:
        return self.statement_balance is not None


def bank_summaries(*, practice, book: Book, start: date, end: date) -> list[BankSummary]:
    """Per bank account: the statement balance of the month's latest reconciliation (if any)
    and the ledger balance at the end of the month."""
    accounts = list(
        Account.objects.for_practice(practice)
        .filter(book=book, is_bank=True, archived=False)
        .order_by("code")
    )
    latest: dict[int, BankReconciliation] = {}
    reconciliations = (
        BankReconciliation.objects.for_practice(practice)
        .filter(book=book, account__in=accounts, period_end__gte=start, period_end__lte=end)
        .order_by("account_id", "-period_end", "-id")
    )
    for reconciliation in reconciliations:
        latest.setdefault(reconciliation.account_id, reconciliation)
    summaries = []
    for account in accounts:
        reconciliation = latest.get(account.pk)
        summaries.append(
            BankSummary(
                account=account,
                statement_balance=reconciliation.statement_balance if reconciliation else None,
                statement_date=reconciliation.period_end if reconciliation else None,
                ledger_balance=reports.account_balance(
                    practice=practice, book=book, account=account, as_of=end
                ),
            )
        )
    return summaries


def pack_context(*, practice, book: Book, start: date, end: date, note: str) -> dict:
    """Everything the month-end pack PDF shows, as plain strings."""
    profit_and_loss = reporting.build_table(
        practice=practice,
        book=book,
        request=reporting.ReportRequest(
            kind=reporting.PROFIT_AND_LOSS, start=start, end=end, as_of=end, compare=True
        ),
    )
    balance_sheet = reporting.build_table(
        practice=practice,
        book=book,
        request=reporting.ReportRequest(
            kind=reporting.BALANCE_SHEET, start=start, end=end, as_of=end, compare=False
        ),
    )

    def money(value):
        return reporting.money_text(value, currency=book.currency, quantum=book.quantum)

    banks = []
    for summary in bank_summaries(practice=practice, book=book, start=start, end=end):
        difference = (
            summary.statement_balance - summary.ledger_balance if summary.reconciled else None
        )
        banks.append(
            {
                "account": f"{summary.account.code} {summary.account.name}",
                "statement_balance": money(summary.statement_balance)
                if summary.reconciled
                else _("not reconciled"),
                "statement_date": summary.statement_date.isoformat()
                if summary.statement_date
                else "",
                "ledger_balance": money(summary.ledger_balance),
                "difference": money(difference) if difference is not None else "",
                "reconciled": summary.reconciled,
            }
        )
    client_name = book.client.name if book.client_id else book.practice.name
    return {
        "client_name": client_name,
        "practice_name": book.practice.name,
        "book": book.name,
        "currency": book.currency,
        "month": month_label(start),
        "period": _("%(start)s to %(end)s") % {"start": start.isoformat(), "end": end.isoformat()},
        "period_slug": start.strftime("%Y-%m"),
        "note": note,
        "profit_and_loss": reporting.table_context(profit_and_loss),
        "balance_sheet": reporting.table_context(balance_sheet),
        "banks": banks,
    }


def month_end_pack_generate(
    *, practice, book: Book, month: date, note: str = "", user=None, request=None
) -> MonthEndPack:
    """Make (or make again, while a draft) the pack of ``month`` and ask for its PDF."""
    from documents.models import DocumentKind
    from documents.services import document_request_render

    problems = dates_out_of_range(month=month)
    if problems:
        raise ApplicationError(next(iter(problems.values())), errors=problems)
    start, end = reports.month_bounds(month)
    with transaction.atomic():
        pack = (
            MonthEndPack.objects.for_practice(practice)
            .select_for_update()
            .filter(book=book, period_end=end)
            .first()
        )
        if pack is not None and pack.status == PackStatus.PUBLISHED:
            message = _("The pack of %(month)s is published already.") % {
                "month": month_label(start)
            }
            raise ApplicationError(message, errors={"month": message})
        if pack is None:
            pack = MonthEndPack(practice=practice, book=book, period_start=start, period_end=end)
        pack.note = note
        context = pack_context(practice=practice, book=book, start=start, end=end, note=note)
        pack.document = document_request_render(
            practice=practice,
            kind=DocumentKind.MONTH_END_PACK,
            title=_("Month-end pack — %(name)s — %(month)s")
            % {"name": context["client_name"], "month": context["month"]},
            client=book.client,
            subject_type=reporting.BOOK_SUBJECT,
            subject_id=book.pk,
            context=context,
            requested_by=user,
        )
        pack.save()
        activity_record(
            practice=practice,
            actor=user,
            verb="ledger.month_end_pack_generated",
            target=pack,
            data={"book": book.pk, "month": start.isoformat()},
            request=request,
        )
    return pack


def month_end_pack_publish(
    *, practice, pack: MonthEndPack, user=None, request=None
) -> MonthEndPack:
    """Show the pack to the client's billing contacts and email them (once)."""
    from billing.tasks import notify_month_end_pack_published
    from documents.models import DocumentStatus

    with transaction.atomic():
        pack = (
            MonthEndPack.objects.for_practice(practice)
            .select_for_update(of=("self",))
            .select_related("book", "document")
            .get(pk=pack.pk)
        )
        if pack.status == PackStatus.PUBLISHED:
            return pack
        if pack.book.client_id is None:
            message = _("The practice's own books have no client to publish to.")
            raise ApplicationError(message)
        if pack.document is None or pack.document.status != DocumentStatus.READY:
            message = _("The PDF of this pack is not ready yet; publish it once it is.")
            raise ApplicationError(message)
        pack.status = PackStatus.PUBLISHED
        pack.published_by = user
        pack.published_at = timezone.now()
        pack.save(update_fields=["status", "published_by", "published_at"])
        activity_record(
            practice=practice,
            actor=user,
            verb="ledger.month_end_pack_published",
            target=pack,
            data={"book": pack.book_id, "month": pack.period_start.isoformat()},
            request=request,
        )
        enqueue_on_commit(notify_month_end_pack_published, practice_id=practice.pk, pack_id=pack.pk)
    return pack


def month_end_pack_get(*, practice, book: Book, pack_id: int, published: bool = False):
    from django.http import Http404

    packs = MonthEndPack.objects.for_practice(practice).filter(book=book)
    if published:
        packs = packs.filter(status=PackStatus.PUBLISHED)
    pack = packs.select_related("document", "published_by").filter(pk=pack_id).first()
    if pack is None:
        raise Http404
    return pack


def month_end_packs(*, practice, book: Book | None = None, client=None, published=False):
    packs = MonthEndPack.objects.for_practice(practice).select_related("book", "document")
    if book is not None:
        packs = packs.filter(book=book)
    if client is not None:
        packs = packs.filter(book__client=client)
    if published:
        packs = packs.filter(status=PackStatus.PUBLISHED)
    return packs.order_by("-period_end", "-id")


# --- Reminders ------------------------------------------------------------------------------------


def books_left_open(*, practice, today: date) -> list[Book]:
    """Books whose previous month is not closed, once ``today`` is past the close-by day."""
    if today.day < close_by_day(practice=practice):
        return []
    previous_end = today.replace(day=1) - timedelta(days=1)
    return list(
        Book.objects.for_practice(practice)
        .filter(Q(lock_date__isnull=True) | Q(lock_date__lt=previous_end))
        .select_related("client__primary_secretary__user")
        .order_by("pk")
    )
