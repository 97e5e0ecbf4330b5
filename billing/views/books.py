"""Staff pages of books: the list of books, a book's account tree with balances, its accounts,
tax codes, ledger contacts, settings, period lock and opening balances.

Who may do what: a client's books are kept by any staff member (secretary and up); the
practice's own books are seen and kept by owners and admins only (a secretary gets 403). The
lock date may be set or moved forward by whoever keeps the book; moving it back or lifting it
takes an owner or admin.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from billing.access import book_for
from billing.forms.ledger import (
    AccountCreateForm,
    AccountForm,
    BookCreateForm,
    BookLockForm,
    BookSettingsForm,
    LedgerContactCreateForm,
    LedgerContactForm,
    OpeningBalancesForm,
    TaxCodeCreateForm,
    TaxCodeForm,
)
from billing.ledger import chart, selectors
from billing.ledger.books import book_create as book_open
from billing.ledger.books import chart_templates
from billing.ledger.posting import LedgerError
from billing.models import Book
from secretary.access import staff_view
from secretary.errors import form_submit


def _render_form(request, template: str, context: dict, *, failed: bool):
    return render(request, template, context, status=400 if failed else 200)


def _to_book(request, book: Book):
    return redirect("book_detail", practice_slug=request.practice.slug, book_id=book.pk)


# --- Books -----------------------------------------------------------------------------------


def _book_list_page(request, form, *, status: int = 200):
    books = selectors.books_for_member(practice=request.practice, membership=request.membership)
    return render(
        request,
        "billing/book_list.html",
        {"books": books, "form": form, "charts": chart_templates()},
        status=status,
    )


@staff_view
def book_list(request):
    form = BookCreateForm(practice=request.practice, membership=request.membership)
    return _book_list_page(request, form)


@staff_view
@require_http_methods(["GET", "POST"])
def book_create(request):
    form = BookCreateForm(
        request.POST or None, practice=request.practice, membership=request.membership
    )
    if request.method == "GET":
        return _book_list_page(request, form)

    def create(data):
        return book_open(
            practice=request.practice,
            client=data["client"],
            name=data["name"],
            chart=data["chart"],
            currency=data["currency"] or None,
            fiscal_year_start_month=data["fiscal_year_start_month"],
            user=request.user,
            request=request,
        )

    done, book = form_submit(request, form, create, success=_("Books opened."))
    if done:
        return _to_book(request, book)
    return _book_list_page(request, form, status=400)


@staff_view
def book_detail(request, book_id: int):
    book = book_for(request, book_id)
    today = timezone.localdate()
    tree = selectors.account_tree(practice=request.practice, book=book, as_of=today)
    return render(
        request,
        "billing/book_detail.html",
        {"book": book, "tree": tree, "as_of": today},
    )


@staff_view
@require_http_methods(["GET", "POST"])
def book_settings(request, book_id: int):
    book = book_for(request, book_id)
    form = BookSettingsForm(
        request.POST or None,
        initial={"name": book.name, "fiscal_year_start_month": book.fiscal_year_start_month},
    )

    def save(data):
        return chart.book_settings_update(
            practice=request.practice,
            book=book,
            name=data["name"],
            fiscal_year_start_month=data["fiscal_year_start_month"],
            user=request.user,
            request=request,
        )

    done, _book = form_submit(request, form, save, success=_("Settings saved."))
    if done:
        return redirect("book_settings", practice_slug=request.practice.slug, book_id=book.pk)
    lock_form = BookLockForm(initial={"lock_date": book.lock_date})
    return _render_form(
        request,
        "billing/book_settings.html",
        {"book": book, "form": form, "lock_form": lock_form},
        failed=request.method == "POST",
    )


@staff_view
@require_POST
def book_lock(request, book_id: int):
    book = book_for(request, book_id)
    lock_form = BookLockForm(request.POST)

    def save(data):
        return chart.book_lock_move(
            practice=request.practice,
            book=book,
            lock_date=data["lock_date"],
            membership=request.membership,
            request=request,
        )

    done, _book = form_submit(request, lock_form, save, success=_("Lock date saved."))
    if done:
        return redirect("book_settings", practice_slug=request.practice.slug, book_id=book.pk)
    form = BookSettingsForm(
        initial={"name": book.name, "fiscal_year_start_month": book.fiscal_year_start_month}
    )
    return _render_form(
        request,
        "billing/book_settings.html",
        {"book": book, "form": form, "lock_form": lock_form},
        failed=True,
    )


@staff_view
@require_http_methods(["GET", "POST"])
def book_opening_balances(request, book_id: int):
    book = book_for(request, book_id)
    existing = selectors.opening_entry(practice=request.practice, book=book)
    accounts = list(selectors.leaf_accounts(practice=request.practice, book=book))
    accounts = [account for account in accounts if account.role != "opening_balance"]
    form = OpeningBalancesForm(request.POST or None, book=book, accounts=accounts)

    def save(data):
        return chart.opening_balances_post(
            practice=request.practice,
            book=book,
            start_date=data["start_date"],
            amounts=form.amounts(),
            user=request.user,
            request=request,
        )

    done, entry = form_submit(request, form, save, success=_("Opening balances posted."))
    if done:
        return redirect(
            "entry_detail", practice_slug=request.practice.slug, book_id=book.pk, entry_id=entry.pk
        )
    return _render_form(
        request,
        "billing/book_opening_balances.html",
        {"book": book, "form": form, "existing": existing},
        failed=request.method == "POST",
    )


# --- Accounts --------------------------------------------------------------------------------


def _account_form(request, book: Book, account=None):
    form_class = AccountCreateForm if account is None else AccountForm
    form = form_class(request.POST or None, practice=request.practice, book=book, account=account)

    def save(data):
        return chart.account_save(
            practice=request.practice,
            book=book,
            data=data,
            account=account,
            user=request.user,
            request=request,
        )

    done, _saved = form_submit(request, form, save, success=_("Account saved."))
    if done:
        return _to_book(request, book)
    return _render_form(
        request,
        "billing/account_form.html",
        {"book": book, "form": form, "account": account},
        failed=request.method == "POST",
    )


@staff_view
@require_http_methods(["GET", "POST"])
def account_create(request, book_id: int):
    return _account_form(request, book_for(request, book_id))


@staff_view
@require_http_methods(["GET", "POST"])
def account_edit(request, book_id: int, account_id: int):
    book = book_for(request, book_id)
    account = selectors.account_get(practice=request.practice, book=book, account_id=account_id)
    return _account_form(request, book, account)


@staff_view
@require_POST
def account_archive(request, book_id: int, account_id: int):
    book = book_for(request, book_id)
    account = selectors.account_get(practice=request.practice, book=book, account_id=account_id)
    archived = request.POST.get("archived", "1") == "1"
    try:
        chart.account_archive(
            practice=request.practice,
            account=account,
            archived=archived,
            user=request.user,
            request=request,
        )
    except LedgerError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Account archived.") if archived else _("Account restored."))
    return _to_book(request, book)


# --- Tax codes -------------------------------------------------------------------------------


@staff_view
def taxcode_list(request, book_id: int):
    book = book_for(request, book_id)
    codes = selectors.tax_codes_of(practice=request.practice, book=book)
    return render(request, "billing/book_taxcode_list.html", {"book": book, "codes": codes})


def _taxcode_form(request, book: Book, tax_code=None):
    form_class = TaxCodeCreateForm if tax_code is None else TaxCodeForm
    initial = (
        {
            "code": tax_code.code,
            "name": tax_code.name,
            "rate": tax_code.rate,
            "archived": tax_code.archived,
        }
        if tax_code
        else {"rate": 0}
    )
    form = form_class(request.POST or None, initial=initial)

    def save(data):
        return chart.tax_code_save(
            practice=request.practice,
            book=book,
            data=data,
            tax_code=tax_code,
            user=request.user,
            request=request,
        )

    done, _saved = form_submit(request, form, save, success=_("Tax code saved."))
    if done:
        return redirect("taxcode_list", practice_slug=request.practice.slug, book_id=book.pk)
    return _render_form(
        request,
        "billing/book_taxcode_form.html",
        {"book": book, "form": form, "tax_code": tax_code},
        failed=request.method == "POST",
    )


@staff_view
@require_http_methods(["GET", "POST"])
def taxcode_create(request, book_id: int):
    return _taxcode_form(request, book_for(request, book_id))


@staff_view
@require_http_methods(["GET", "POST"])
def taxcode_edit(request, book_id: int, tax_code_id: int):
    book = book_for(request, book_id)
    tax_code = selectors.tax_code_get(practice=request.practice, book=book, tax_code_id=tax_code_id)
    return _taxcode_form(request, book, tax_code)


# --- Ledger contacts -------------------------------------------------------------------------


@staff_view
def ledgercontact_list(request, book_id: int):
    book = book_for(request, book_id)
    contacts = selectors.contacts_of(practice=request.practice, book=book).select_related("client")
    return render(request, "billing/book_contact_list.html", {"book": book, "contacts": contacts})


def _contact_form(request, book: Book, contact=None):
    form_class = LedgerContactCreateForm if contact is None else LedgerContactForm
    initial = (
        {
            "name": contact.name,
            "email": contact.email,
            "client": contact.client_id,
            "archived": contact.archived,
        }
        if contact
        else {}
    )
    form = form_class(request.POST or None, initial=initial, practice=request.practice)

    def save(data):
        return chart.ledger_contact_save(
            practice=request.practice,
            book=book,
            data=data,
            contact=contact,
            user=request.user,
            request=request,
        )

    done, _saved = form_submit(request, form, save, success=_("Contact saved."))
    if done:
        return redirect("ledgercontact_list", practice_slug=request.practice.slug, book_id=book.pk)
    return _render_form(
        request,
        "billing/book_contact_form.html",
        {"book": book, "form": form, "contact": contact},
        failed=request.method == "POST",
    )


@staff_view
@require_http_methods(["GET", "POST"])
def ledgercontact_create(request, book_id: int):
    return _contact_form(request, book_for(request, book_id))


@staff_view
@require_http_methods(["GET", "POST"])
def ledgercontact_edit(request, book_id: int, contact_id: int):
    book = book_for(request, book_id)
    contact = selectors.contact_get(practice=request.practice, book=book, contact_id=contact_id)
    return _contact_form(request, book, contact)


B = "books/<int:book_id>/"

staff_patterns: list = [
    path("books/", book_list, name="book_list"),
    path("books/new/", book_create, name="book_create"),
    path(B, book_detail, name="book_detail"),
    path(B + "settings/", book_settings, name="book_settings"),
    path(B + "lock/", book_lock, name="book_lock"),
    path(B + "opening-balances/", book_opening_balances, name="book_opening_balances"),
    path(B + "accounts/new/", account_create, name="account_create"),
    path(B + "accounts/<int:account_id>/edit/", account_edit, name="account_edit"),
    path(B + "accounts/<int:account_id>/archive/", account_archive, name="account_archive"),
    path(B + "tax-codes/", taxcode_list, name="taxcode_list"),
    path(B + "tax-codes/new/", taxcode_create, name="taxcode_create"),
    path(B + "tax-codes/<int:tax_code_id>/edit/", taxcode_edit, name="taxcode_edit"),
    path(B + "contacts/", ledgercontact_list, name="ledgercontact_list"),
    path(B + "contacts/new/", ledgercontact_create, name="ledgercontact_create"),
    path(B + "contacts/<int:contact_id>/edit/", ledgercontact_edit, name="ledgercontact_edit"),
]
portal_patterns: list = []
