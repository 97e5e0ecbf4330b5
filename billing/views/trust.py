"""Trust (client) money pages of a book: matters, money in and out, transfers, a matter's ledger
and three-way reconciliations.

Staff read, open matters, record money received and reconcile; paying money out of trust,
moving it between matters and closing a matter take an admin or the owner.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from billing.access import book_for
from billing.forms.trust import (
    DepositForm,
    MatterCloseForm,
    MatterForm,
    ReconciliationForm,
    ReconciliationPreviewForm,
    TransferForm,
    WithdrawalForm,
)
from billing.trust import selectors, services
from secretary.access import admin_view, staff_view
from secretary.errors import ApplicationError, form_submit
from secretary.limits import parse_id

PAGE_SIZE = 50


def _render(request, template: str, context: dict, *, failed: bool = False):
    """A page with a form; a rejected submission answers 400 (nothing was saved)."""
    return render(request, template, context, status=400 if failed else 200)


def _book(request, book_id):
    return book_for(request, book_id)


def _to_matter(request, book, matter_id):
    return redirect(
        "trust_matter_detail",
        practice_slug=request.practice.slug,
        book_id=book.pk,
        matter_id=matter_id,
    )


# --- Matters ---------------------------------------------------------------------------------


@staff_view
def matter_list(request, book_id: int):
    practice = request.practice
    book = _book(request, book_id)
    matters = selectors.matters_with_balances(practice=practice, book=book)
    page = Paginator(matters, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "billing/trust_matter_list.html",
        {
            "book": book,
            "page": page,
            "bank_accounts": list(selectors.trust_bank_accounts(practice=practice, book=book)),
            "held": selectors.trust_held(practice=practice, book=book),
            "last_reconciliation": selectors.reconciliations(practice=practice, book=book).first(),
        },
    )


def _matter_form(request, book, matter):
    form = MatterForm(request.POST or None, instance=matter, book=book)

    def save(data):
        fields = {
            "practice": request.practice,
            "reference": data["reference"],
            "name": data["name"],
            "description": data.get("description", ""),
            "opened_on": data["opened_on"],
            "user": request.user,
            "request": request,
        }
        if matter is None:
            return services.matter_create(book=book, **fields)
        return services.matter_update(matter=matter, **fields)

    done, saved = form_submit(request, form, save, success=_("Matter saved."))
    if done:
        return _to_matter(request, book, saved.pk)
    return _render(
        request,
        "billing/trust_matter_form.html",
        {"form": form, "book": book, "matter": matter},
        failed=request.method == "POST",
    )


@staff_view
@require_http_methods(["GET", "POST"])
def matter_create(request, book_id: int):
    return _matter_form(request, _book(request, book_id), None)


@staff_view
@require_http_methods(["GET", "POST"])
def matter_edit(request, book_id: int, matter_id: int):
    book = _book(request, book_id)
    matter = selectors.matter_get(practice=request.practice, book=book, matter_id=matter_id)
    return _matter_form(request, book, matter)


@staff_view
def matter_detail(request, book_id: int, matter_id: int):
    """The matter's ledger: its lines, newest first, with the balance after each."""
    practice = request.practice
    book = _book(request, book_id)
    matter = selectors.matter_get(practice=practice, book=book, matter_id=matter_id)
    lines = selectors.matter_ledger(practice=practice, matter=matter)
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    template = (
        "billing/partials/trust_ledger_rows.html" if request.htmx else "billing/trust_matter.html"
    )
    return render(
        request,
        template,
        {"book": book, "matter": matter, "page": page, "close_form": MatterCloseForm()},
    )


@admin_view
@require_POST
def matter_close(request, book_id: int, matter_id: int):
    book = _book(request, book_id)
    matter = selectors.matter_get(practice=request.practice, book=book, matter_id=matter_id)
    form = MatterCloseForm(request.POST)
    if form.is_valid():
        try:
            services.matter_close(
                practice=request.practice,
                matter=matter,
                closed_on=form.cleaned_data["closed_on"],
                user=request.user,
                request=request,
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Matter closed."))
    else:
        messages.error(request, _("Enter the date the matter closed."))
    return _to_matter(request, book, matter.pk)


# --- Money in, money out, transfers ------------------------------------------------------------


def _posted(entry) -> str:
    return _("Posted as entry #%(number)s.") % {"number": entry.number}


def _money_page(request, book_id, *, form_class, action, title: str, preset: str | None):
    practice = request.practice
    book = _book(request, book_id)
    initial = {}
    if preset and request.method == "GET":
        chosen = parse_id(request.GET.get("matter"))
        if chosen is not None:
            initial[preset] = chosen
    form = form_class(request.POST or None, practice=practice, book=book, initial=initial)

    def save(data):
        return action(practice=practice, book=book, user=request.user, request=request, **data)

    done, entry = form_submit(request, form, save, success=_posted)
    if done:
        matter_id = next(
            (line.matter_id for line in entry.lines.all() if line.matter_id is not None), None
        )
        return _to_matter(request, book, matter_id)
    return _render(
        request,
        "billing/trust_money_form.html",
        {
            "form": form,
            "book": book,
            "title": title,
            "has_trust_accounts": selectors.trust_bank_accounts(
                practice=practice, book=book
            ).exists(),
        },
        failed=request.method == "POST",
    )


def _deposit(*, practice, book, user, request, matter, date, amount, memo, reference, **rest):
    return services.trust_deposit(
        practice=practice,
        book=book,
        matter=matter,
        date=date,
        amount=amount,
        bank_account=rest.get("bank_account"),
        memo=memo,
        reference=reference,
        user=user,
        request=request,
    )


def _withdrawal(*, practice, book, user, request, matter, purpose, date, amount, **rest):
    return services.trust_withdrawal(
        practice=practice,
        book=book,
        matter=matter,
        purpose=purpose,
        date=date,
        amount=amount,
        bank_account=rest.get("bank_account"),
        memo=rest.get("memo", ""),
        reference=rest.get("reference", ""),
        user=user,
        request=request,
    )


def _transfer(*, practice, book, user, request, from_matter, to_matter, date, amount, **rest):
    return services.trust_transfer(
        practice=practice,
        book=book,
        from_matter=from_matter,
        to_matter=to_matter,
        date=date,
        amount=amount,
        memo=rest.get("memo", ""),
        reference=rest.get("reference", ""),
        user=user,
        request=request,
    )


@staff_view
@require_http_methods(["GET", "POST"])
def deposit(request, book_id: int):
    return _money_page(
        request,
        book_id,
        form_class=DepositForm,
        action=_deposit,
        title=_("Money received into trust"),
        preset="matter",
    )


@admin_view
@require_http_methods(["GET", "POST"])
def withdrawal(request, book_id: int):
    return _money_page(
        request,
        book_id,
        form_class=WithdrawalForm,
        action=_withdrawal,
        title=_("Money paid out of trust"),
        preset="matter",
    )


@admin_view
@require_http_methods(["GET", "POST"])
def transfer(request, book_id: int):
    return _money_page(
        request,
        book_id,
        form_class=TransferForm,
        action=_transfer,
        title=_("Transfer between matters"),
        preset="from_matter",
    )


# --- Three-way reconciliation ----------------------------------------------------------------


@staff_view
def reconciliation_list(request, book_id: int):
    practice = request.practice
    book = _book(request, book_id)
    rows = selectors.reconciliations(practice=practice, book=book)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "billing/trust_reconciliation_list.html", {"book": book, "page": page})


@staff_view
@require_http_methods(["GET", "POST"])
def reconcile(request, book_id: int):
    """Show the three figures for an account and date (GET), record them (POST)."""
    practice = request.practice
    book = _book(request, book_id)
    figures = None
    if request.method == "GET" and "as_of" in request.GET:
        preview = ReconciliationPreviewForm(request.GET, practice=practice, book=book)
        if preview.is_valid():
            data = preview.cleaned_data
            figures = selectors.three_way(
                practice=practice,
                book=book,
                account=data["account"],
                as_of=data["as_of"],
                statement_balance=data.get("statement_balance"),
            )
        form = ReconciliationForm(initial=request.GET.dict(), practice=practice, book=book)
        if request.htmx:
            return render(
                request,
                "billing/partials/trust_three_way.html",
                {"book": book, "figures": figures, "preview_errors": preview.errors},
            )
    else:
        form = ReconciliationForm(request.POST or None, practice=practice, book=book)

    def save(data):
        return services.trust_reconcile(
            practice=practice,
            book=book,
            account=data["account"],
            as_of=data["as_of"],
            statement_balance=data["statement_balance"],
            user=request.user,
            request=request,
        )

    done, saved = form_submit(request, form, save, success=_("Reconciliation recorded."))
    if done:
        return redirect(
            "trust_reconciliation_detail",
            practice_slug=practice.slug,
            book_id=book.pk,
            reconciliation_id=saved.pk,
        )
    return _render(
        request,
        "billing/trust_reconcile.html",
        {"form": form, "book": book, "figures": figures},
        failed=request.method == "POST",
    )


@staff_view
def reconciliation_detail(request, book_id: int, reconciliation_id: int):
    practice = request.practice
    book = _book(request, book_id)
    reconciliation = selectors.reconciliation_get(
        practice=practice, book=book, reconciliation_id=reconciliation_id
    )
    figures = selectors.three_way(
        practice=practice,
        book=book,
        account=reconciliation.account,
        as_of=reconciliation.as_of,
        statement_balance=reconciliation.statement_balance,
    )
    return render(
        request,
        "billing/trust_reconciliation.html",
        {"book": book, "reconciliation": reconciliation, "figures": figures},
    )


P = "books/<int:book_id>/trust/"

staff_patterns: list = [
    path(P, matter_list, name="trust_matter_list"),
    path(P + "matters/new/", matter_create, name="trust_matter_create"),
    path(P + "matters/<int:matter_id>/", matter_detail, name="trust_matter_detail"),
    path(P + "matters/<int:matter_id>/edit/", matter_edit, name="trust_matter_edit"),
    path(P + "matters/<int:matter_id>/close/", matter_close, name="trust_matter_close"),
    path(P + "deposit/", deposit, name="trust_deposit"),
    path(P + "withdrawal/", withdrawal, name="trust_withdrawal"),
    path(P + "transfer/", transfer, name="trust_transfer"),
    path(P + "reconciliations/", reconciliation_list, name="trust_reconciliation_list"),
    path(P + "reconciliations/new/", reconcile, name="trust_reconcile"),
    path(
        P + "reconciliations/<int:reconciliation_id>/",
        reconciliation_detail,
        name="trust_reconciliation_detail",
    ),
]
portal_patterns: list = []
