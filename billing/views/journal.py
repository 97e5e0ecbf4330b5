"""Staff pages of the journal: the entries of a book, one entry, the manual entry form (lines
added and removed in place with HTMX, running totals from the server), post, reverse, delete.

The same access rule as the book pages (``book_for``): a client's books for staff, the
practice's own for owners and admins.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from billing.access import book_for
from billing.forms.ledger import (
    BookChoices,
    EntryCreateForm,
    EntryForm,
    JournalFilterForm,
    LineFormSet,
    ReverseForm,
    parse_amount,
)
from billing.ledger import posting, selectors
from billing.ledger.posting import LedgerError, LineInput
from billing.models import Book, JournalEntry
from billing.models.ledger import ZERO
from secretary.access import staff_view
from secretary.errors import ApplicationError
from secretary.idempotency import submit_once
from secretary.limits import parse_id

PAGE_SIZE = 50
LINE_PREFIX = "lines"
NEW_ENTRY_LINES = 2


def _to_entry(request, entry: JournalEntry):
    return redirect(
        "entry_detail",
        practice_slug=request.practice.slug,
        book_id=entry.book_id,
        entry_id=entry.pk,
    )


# --- The list ----------------------------------------------------------------------------------


@staff_view
def journal_list(request, book_id: int):
    book = book_for(request, book_id)
    accounts = {
        account.pk: account
        for account in selectors.accounts_of(practice=request.practice, book=book)
    }
    form = JournalFilterForm(request.GET or None, accounts=accounts)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if set(request.GET) <= {"page"}:
        # The journal as it opens, no filter chosen: read as prepared.
        entries = selectors.journal_as_opened(practice=request.practice.pk, book=book.pk)
    else:
        entries = selectors.journal_entries(
            practice=request.practice,
            book=book,
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
            account=filters.get("account"),
            source=filters.get("source") or "",
            status=filters.get("status") or "",
            text=(filters.get("q") or "").strip(),
        )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"book": book, "form": form, "page": page, "query": query.urlencode()}
    template = "billing/partials/journal_rows.html" if request.htmx else "billing/journal_list.html"
    return render(request, template, context)


# --- One entry -----------------------------------------------------------------------------------


@staff_view
def entry_detail(request, book_id: int, entry_id: int):
    book = book_for(request, book_id)
    entry = selectors.entry_get(practice=request.practice, book=book, entry_id=entry_id)
    lines = selectors.entry_lines(practice=request.practice, entry=entry)
    return render(
        request,
        "billing/entry_detail.html",
        {
            "book": book,
            "entry": entry,
            "lines": lines,
            "total_debits": sum((line.debit for line in lines), ZERO),
            "total_credits": sum((line.credit for line in lines), ZERO),
            "reversed_by": selectors.entry_reversal(practice=request.practice, entry=entry),
            "reverse_form": ReverseForm(initial={"date": _reversal_date(book, entry)}),
        },
    )


def _reversal_date(book: Book, entry: JournalEntry):
    """The entry's own date, or the day after the lock date when that period is closed."""
    if book.lock_date is not None and entry.date <= book.lock_date:
        return book.lock_date + timedelta(days=1)
    return entry.date


@staff_view
@require_POST
def entry_post(request, book_id: int, entry_id: int):
    book = book_for(request, book_id)
    entry = selectors.entry_get(practice=request.practice, book=book, entry_id=entry_id)
    try:
        entry = posting.entry_post(
            practice=request.practice, entry=entry, user=request.user, request=request
        )
    except LedgerError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Entry #%(number)s posted.") % {"number": entry.number})
    return _to_entry(request, entry)


@staff_view
@require_POST
def entry_delete(request, book_id: int, entry_id: int):
    book = book_for(request, book_id)
    entry = selectors.entry_get(practice=request.practice, book=book, entry_id=entry_id)
    try:
        posting.entry_delete_draft(practice=request.practice, entry=entry, user=request.user)
    except LedgerError as error:
        messages.error(request, error.message)
        return _to_entry(request, entry)
    messages.success(request, _("Draft deleted."))
    return redirect("journal_list", practice_slug=request.practice.slug, book_id=book.pk)


@staff_view
@require_http_methods(["GET", "POST"])
def entry_reverse(request, book_id: int, entry_id: int):
    book = book_for(request, book_id)
    entry = selectors.entry_get(practice=request.practice, book=book, entry_id=entry_id)
    form = ReverseForm(request.POST or None, initial={"date": _reversal_date(book, entry)})
    if request.method == "POST" and form.is_valid():
        try:
            reversal = posting.entry_reverse(
                practice=request.practice,
                entry=entry,
                date=form.cleaned_data["date"],
                memo=form.cleaned_data["memo"],
                user=request.user,
                request=request,
            )
        except LedgerError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Entry reversed."))
            return _to_entry(request, reversal)
    return render(
        request,
        "billing/entry_reverse.html",
        {"book": book, "entry": entry, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- The manual entry form ---------------------------------------------------------------------


def _line_inputs(formset) -> tuple[list[LineInput], list]:
    forms = formset.filled_forms()
    lines = [
        LineInput(
            account=form.cleaned_data["account"],
            debit=form.cleaned_data["debit"] or None,
            credit=form.cleaned_data["credit"] or None,
            description=form.cleaned_data["description"],
            contact=form.cleaned_data["contact"],
            tax_code=form.cleaned_data["tax_code"],
            matter=form.cleaned_data["matter"],
        )
        for form in forms
    ]
    return lines, forms


def _show_error(error: ApplicationError, form, formset, line_forms) -> None:
    """A ledger error on the field it names: ``lines.<n>.<field>`` on the n-th filled line,
    ``lines`` above the lines, anything else on the entry form."""
    if not error.errors:
        form.add_error(None, error.message)
        return
    for key, texts in error.errors.items():
        parts = key.split(".")
        for text in texts:
            if parts[0] == "lines" and len(parts) == 3 and parts[1].isdigit():
                index = int(parts[1])
                if index < len(line_forms) and parts[2] in line_forms[index].fields:
                    line_forms[index].add_error(parts[2], text)
                    continue
            if parts[0] == "lines":
                formset._non_form_errors = formset.error_class(
                    [*formset.non_form_errors(), text],
                    error_class="nonform",
                    renderer=formset.renderer,
                )
            else:
                form.add_error(key if key in form.fields else None, text)


def _totals(formset_data, book: Book) -> dict:
    """Debits, credits and their difference of the lines as typed (lenient: an amount that
    does not parse counts as zero and is flagged)."""
    debits = credits = ZERO
    invalid = False
    total = parse_id(formset_data.get(f"{LINE_PREFIX}-TOTAL_FORMS")) or 0
    for index in range(min(total, 500)):
        if formset_data.get(f"{LINE_PREFIX}-{index}-DELETE"):
            continue
        for side in ("debit", "credit"):
            raw = formset_data.get(f"{LINE_PREFIX}-{index}-{side}", "")
            if not raw or not str(raw).strip():
                continue
            try:
                amount = parse_amount(str(raw)[:24], book=book)
            except ValidationError:
                invalid = True
                continue
            if side == "debit":
                debits += amount
            else:
                credits += amount
    return {
        "debits": debits,
        "credits": credits,
        "difference": debits - credits,
        "invalid": invalid,
        "book": book,
    }


def _entry_form_page(request, book: Book, entry: JournalEntry | None):
    choices = BookChoices(practice=request.practice, book=book)
    form_class = EntryCreateForm if entry is None else EntryForm
    if request.method == "POST":
        form = form_class(request.POST)
        formset = LineFormSet(request.POST, prefix=LINE_PREFIX, choices=choices)
    else:
        if entry is None:
            form = form_class()
            initial_lines = [{} for _ in range(NEW_ENTRY_LINES)]
        else:
            form = form_class(
                initial={"date": entry.date, "memo": entry.memo, "reference": entry.reference}
            )
            initial_lines = [
                {
                    "account": line.account_id,
                    "description": line.description,
                    "debit": line.debit or "",
                    "credit": line.credit or "",
                    "contact": line.contact_id,
                    "tax_code": line.tax_code_id,
                    "matter": line.matter_id,
                }
                for line in selectors.entry_lines(practice=request.practice, entry=entry)
            ]
        formset = LineFormSet(prefix=LINE_PREFIX, choices=choices, initial=initial_lines)

    if request.method == "POST" and "add_line" in request.POST:
        # Without JavaScript, "Add line" sends the form: show it again with one more line.
        data = request.POST.copy()
        data[f"{LINE_PREFIX}-TOTAL_FORMS"] = str(
            (parse_id(data.get(f"{LINE_PREFIX}-TOTAL_FORMS")) or 0) + 1
        )
        formset = LineFormSet(data, prefix=LINE_PREFIX, choices=choices)
        form = form_class(request.POST)
        return _render_entry_form(request, book, entry, form, formset, failed=False)

    if request.method == "POST":
        post = "post" in request.POST
        if form.is_valid() and formset.is_valid():
            lines, line_forms = _line_inputs(formset)
            data = form.cleaned_data

            @transaction.atomic
            def save():
                if entry is None:
                    return posting.entry_create(
                        practice=request.practice,
                        book=book,
                        date=data["date"],
                        lines=lines,
                        memo=data["memo"],
                        reference=data["reference"],
                        user=request.user,
                        post=post,
                        request=request,
                    )
                saved = posting.entry_update_draft(
                    practice=request.practice,
                    entry=entry,
                    date=data["date"],
                    lines=lines,
                    memo=data["memo"],
                    reference=data["reference"],
                    user=request.user,
                )
                if post:
                    saved = posting.entry_post(
                        practice=request.practice, entry=saved, user=request.user, request=request
                    )
                return saved

            try:
                saved = submit_once(request, form, save)
            except ApplicationError as error:
                _show_error(error, form, formset, line_forms)
            else:
                messages.success(
                    request,
                    _("Entry #%(number)s posted.") % {"number": saved.number}
                    if saved.is_posted
                    else _("Draft saved."),
                )
                return _to_entry(request, saved)
        return _render_entry_form(request, book, entry, form, formset, failed=True)
    return _render_entry_form(request, book, entry, form, formset, failed=False)


def _render_entry_form(request, book, entry, form, formset, *, failed: bool):
    if formset.is_bound:
        totals = _totals(formset.data, book)
    else:
        totals = {
            "debits": sum((Decimal(str(i.get("debit") or 0)) for i in formset.initial), ZERO),
            "credits": sum((Decimal(str(i.get("credit") or 0)) for i in formset.initial), ZERO),
            "invalid": False,
            "book": book,
        }
        totals["difference"] = totals["debits"] - totals["credits"]
    return render(
        request,
        "billing/entry_form.html",
        {"book": book, "entry": entry, "form": form, "formset": formset, "totals": totals},
        status=400 if failed else 200,
    )


@staff_view
@require_http_methods(["GET", "POST"])
def entry_new(request, book_id: int):
    return _entry_form_page(request, book_for(request, book_id), None)


@staff_view
@require_http_methods(["GET", "POST"])
def entry_edit(request, book_id: int, entry_id: int):
    book = book_for(request, book_id)
    entry = selectors.entry_get(practice=request.practice, book=book, entry_id=entry_id)
    if entry.is_posted:
        messages.error(request, _("This entry is posted and cannot be edited: reverse it instead."))
        return _to_entry(request, entry)
    return _entry_form_page(request, book, entry)


# --- HTMX fragments of the entry form ----------------------------------------------------------


@staff_view
@require_http_methods(["GET", "POST"])
def entry_line(request, book_id: int):
    """A blank line for the entry form, numbered after the lines already there, and the
    formset's TOTAL_FORMS raised by one (an out-of-band swap)."""
    book = book_for(request, book_id)
    source = request.POST if request.method == "POST" else request.GET
    index = min(parse_id(source.get(f"{LINE_PREFIX}-TOTAL_FORMS")) or 0, 499)
    choices = BookChoices(practice=request.practice, book=book)
    formset = LineFormSet(prefix=LINE_PREFIX, choices=choices)
    line = formset._construct_form(index, **formset.get_form_kwargs(index))
    line.empty_permitted = True
    response = render(
        request,
        "billing/partials/entry_line.html",
        {"book": book, "line": line, "index": index, "total_forms": index + 1, "oob": True},
    )
    response["HX-Trigger"] = "entry-lines-changed"
    return response


@staff_view
@require_http_methods(["GET", "POST"])
def entry_line_remove(request, book_id: int):
    """What replaces a removed line: its DELETE flag alone, so the other lines keep their
    numbers and the formset skips this one."""
    book_for(request, book_id)
    source = request.POST if request.method == "POST" else request.GET
    index = parse_id(source.get("index"))
    if index is None and source.get("index") == "0":
        index = 0
    response = render(
        request,
        "billing/partials/entry_line_removed.html",
        {"index": min(index or 0, 499), "prefix": LINE_PREFIX},
    )
    response["HX-Trigger"] = "entry-lines-changed"
    return response


@staff_view
@require_http_methods(["GET", "POST"])
def entry_totals(request, book_id: int):
    """The running totals of the entry form as typed (debits, credits, difference)."""
    book = book_for(request, book_id)
    source = request.POST if request.method == "POST" else request.GET
    return render(request, "billing/partials/entry_totals.html", {"totals": _totals(source, book)})


B = "books/<int:book_id>/journal/"

staff_patterns: list = [
    path(B, journal_list, name="journal_list"),
    path(B + "new/", entry_new, name="entry_new"),
    path(B + "line/", entry_line, name="entry_line"),
    path(B + "line/remove/", entry_line_remove, name="entry_line_remove"),
    path(B + "totals/", entry_totals, name="entry_totals"),
    path(B + "<int:entry_id>/", entry_detail, name="entry_detail"),
    path(B + "<int:entry_id>/edit/", entry_edit, name="entry_edit"),
    path(B + "<int:entry_id>/post/", entry_post, name="entry_post"),
    path(B + "<int:entry_id>/delete/", entry_delete, name="entry_delete"),
    path(B + "<int:entry_id>/reverse/", entry_reverse, name="entry_reverse"),
]
portal_patterns: list = []
