"""Bank statements pages: feed settings, uploads with progress, rules, reconciliation."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from billing.access import book_for
from billing.bank import selectors, services
from billing.forms.bank import (
    BankFeedForm,
    BankRuleForm,
    CreateEntryForm,
    MatchForm,
    ReconciliationForm,
    StatementUploadForm,
)
from billing.models import Account, ImportStatus
from secretary.access import admin_view, staff_view
from secretary.errors import ApplicationError, form_submit
from secretary.limits import parse_id

PAGE_SIZE = 25


def _page(request, rows, param: str = "page"):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get(param))


def _account_url(name: str, account: Account, *extra) -> str:
    return reverse(name, args=[account.practice.slug, account.book_id, account.pk, *extra])


def _context(request, book, account=None, **extra) -> dict:
    return {"book": book, "account": account, "css": True, **extra}


@staff_view
@require_http_methods(["GET"])
def bank_home(request):
    """Every bank account of every book, with its open statement lines."""
    accounts = selectors.bank_accounts(practice=request.practice)
    if not request.membership.is_admin:  # the practice's own books are for owners and admins
        accounts = accounts.filter(book__client__isnull=False)
    return render(request, "billing/bank_home.html", {"accounts": list(accounts)})


@staff_view
@require_http_methods(["GET"])
def bank_account(request, book_id: int, account_id: int):
    """One bank account: upload a statement, its imports."""
    book = book_for(request, book_id)
    account = selectors.bank_account_get(
        practice=request.practice, book=book, account_id=account_id
    )
    page = _page(
        request, selectors.imports_for(practice=request.practice, book=book, account=account)
    )
    feed = services.feed_for(practice=request.practice, account=account)
    return render(
        request,
        "billing/bank_account.html",
        _context(request, book, account, page=page, feed=feed, form=StatementUploadForm()),
    )


@admin_view
@require_http_methods(["GET", "POST"])
def bank_feed(request, book_id: int, account_id: int):
    book = book_for(request, book_id)
    account = selectors.bank_account_get(
        practice=request.practice, book=book, account_id=account_id
    )
    feed = services.feed_for(practice=request.practice, account=account)
    form = BankFeedForm(request.POST or None, instance=feed)
    if request.method == "POST" and form.is_valid():
        try:
            services.feed_save(
                practice=request.practice,
                account=account,
                data=form.cleaned_data,
                user=request.user,
                request=request,
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Bank feed settings saved."))
            return redirect(_account_url("bank_account", account))
    return render(
        request,
        "billing/bank_feed.html",
        _context(request, book, account, form=form),
        status=400 if request.method == "POST" else 200,
    )


@staff_view
@require_POST
def bank_upload(request, book_id: int, account_id: int):
    book = book_for(request, book_id)
    account = selectors.bank_account_get(
        practice=request.practice, book=book, account_id=account_id
    )
    form = StatementUploadForm(request.POST, request.FILES)
    done, statement_import = form_submit(
        request,
        form,
        lambda data: services.statement_upload(
            practice=request.practice,
            book=book,
            account=account,
            file=data["file"],
            user=request.user,
            request=request,
        ),
    )
    if done:
        return redirect("bank_import", request.practice.slug, book.pk, statement_import.pk)
    page = _page(
        request, selectors.imports_for(practice=request.practice, book=book, account=account)
    )
    feed = services.feed_for(practice=request.practice, account=account)
    return render(
        request,
        "billing/bank_account.html",
        _context(request, book, account, page=page, feed=feed, form=form),
        status=400,
    )


@staff_view
@require_http_methods(["GET"])
def bank_import(request, book_id: int, import_id: int):
    """An import's progress; while it runs the page polls its fragment every two seconds."""
    book = book_for(request, book_id)
    statement_import = selectors.import_get(
        practice=request.practice, book=book, import_id=import_id
    )
    running = statement_import.status in (ImportStatus.QUEUED, ImportStatus.IMPORTING)
    context = _context(
        request, book, statement_import.account, item=statement_import, running=running
    )
    if request.htmx:
        return render(request, "billing/partials/bank_import_status.html", context)
    return render(request, "billing/bank_import.html", context)


# --- Rules -----------------------------------------------------------------------------------


@staff_view
@require_http_methods(["GET"])
def bank_rules(request, book_id: int):
    book = book_for(request, book_id)
    page = _page(request, selectors.rules_for(practice=request.practice, book=book))
    accounts = selectors.bank_accounts(practice=request.practice, book=book)
    return render(
        request, "billing/bank_rules.html", _context(request, book, page=page, accounts=accounts)
    )


@staff_view
@require_http_methods(["GET", "POST"])
def bank_rule_create(request, book_id: int):
    book = book_for(request, book_id)
    form = BankRuleForm(request.POST or None, practice=request.practice, book=book)
    if request.method == "POST":
        done, _rule = form_submit(
            request,
            form,
            lambda data: services.rule_create(
                practice=request.practice, book=book, data=data, user=request.user, request=request
            ),
            success=_("Rule saved."),
        )
        if done:
            return redirect("bank_rules", request.practice.slug, book.pk)
    return render(
        request,
        "billing/bank_rule_form.html",
        _context(request, book, form=form, rule=None),
        status=400 if request.method == "POST" else 200,
    )


@staff_view
@require_http_methods(["GET", "POST"])
def bank_rule_edit(request, book_id: int, rule_id: int):
    book = book_for(request, book_id)
    rule = selectors.rule_get(practice=request.practice, book=book, rule_id=rule_id)
    form = BankRuleForm(request.POST or None, instance=rule, practice=request.practice, book=book)
    if request.method == "POST" and form.is_valid():
        try:
            data = {name: form.cleaned_data.get(name) for name in services.RULE_FIELDS}
            services.rule_update(
                practice=request.practice, rule=rule, data=data, user=request.user, request=request
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Rule saved."))
            return redirect("bank_rules", request.practice.slug, book.pk)
    return render(
        request,
        "billing/bank_rule_form.html",
        _context(request, book, form=form, rule=rule),
        status=400 if request.method == "POST" else 200,
    )


@staff_view
@require_POST
def bank_rule_delete(request, book_id: int, rule_id: int):
    book = book_for(request, book_id)
    rule = selectors.rule_get(practice=request.practice, book=book, rule_id=rule_id)
    services.rule_delete(practice=request.practice, rule=rule, user=request.user, request=request)
    messages.success(request, _("Rule deleted."))
    return redirect("bank_rules", request.practice.slug, book.pk)


@staff_view
@require_POST
def bank_rules_apply(request, book_id: int, account_id: int):
    book = book_for(request, book_id)
    account = selectors.bank_account_get(
        practice=request.practice, book=book, account_id=account_id
    )
    changed = services.rules_apply(practice=request.practice, book=book, account=account)
    messages.success(
        request, _("Rules applied again: %(count)s line(s) changed.") % {"count": changed}
    )
    return redirect(_account_url("bank_reconcile", account))


# --- Reconciliation --------------------------------------------------------------------------


def _reconcile_page(request, book, account, *, status=200, match_error=None):
    practice = request.practice
    lines = _page(
        request,
        selectors.statement_lines(practice=practice, book=book, account=account, reconciled=False),
    )
    ledger = _page(
        request, selectors.unmatched_ledger_lines(practice=practice, account=account), "ledger"
    )
    other_accounts = list(
        Account.objects.for_practice(practice)
        .filter(book=book, archived=False)
        .exclude(pk=account.pk)
        .order_by("code")
    )
    reconciled = _page(
        request,
        selectors.statement_lines(practice=practice, book=book, account=account, reconciled=True),
        "done",
    )
    context = _context(
        request,
        book,
        account,
        lines=lines,
        ledger=ledger,
        reconciled=reconciled,
        other_accounts=other_accounts,
        match_error=match_error,
        reconciliation_form=ReconciliationForm(),
        reconciliations=selectors.reconciliations_for(practice=practice, account=account)[:12],
    )
    return render(request, "billing/bank_reconcile.html", context, status=status)


@staff_view
@require_http_methods(["GET"])
def bank_reconcile(request, book_id: int, account_id: int):
    book = book_for(request, book_id)
    account = selectors.bank_account_get(
        practice=request.practice, book=book, account_id=account_id
    )
    return _reconcile_page(request, book, account)


@staff_view
@require_POST
def bank_match(request, book_id: int, account_id: int):
    """Match the chosen statement line to the chosen ledger lines."""
    practice = request.practice
    book = book_for(request, book_id)
    account = selectors.bank_account_get(practice=practice, book=book, account_id=account_id)
    line_id = parse_id(request.POST.get("statement_line"))
    line = (
        selectors.statement_lines(practice=practice, book=book, account=account)
        .filter(pk=line_id)
        .first()
        if line_id
        else None
    )
    form = MatchForm(
        request.POST,
        ledger_lines=selectors.unmatched_ledger_lines(practice=practice, account=account),
    )
    if line is None:
        return _reconcile_page(
            request, book, account, status=400, match_error=_("Choose a statement line.")
        )
    if not form.is_valid():
        return _reconcile_page(
            request, book, account, status=400, match_error=_("Choose the ledger lines to match.")
        )
    try:
        services.statement_line_match(
            practice=practice,
            line=line,
            journal_line_ids=[jl.pk for jl in form.cleaned_data["journal_lines"]],
            user=request.user,
            request=request,
        )
    except ApplicationError as error:
        return _reconcile_page(request, book, account, status=400, match_error=error.message)
    messages.success(request, _("Statement line matched."))
    return redirect(_account_url("bank_reconcile", account))


@staff_view
@require_POST
def bank_line_entry(request, book_id: int, line_id: int):
    """Post an entry for one statement line (its suggested account or the chosen one)."""
    practice = request.practice
    book = book_for(request, book_id)
    line = selectors.statement_line_get(practice=practice, book=book, line_id=line_id)
    form = CreateEntryForm(request.POST, practice=practice, book=book, bank_account=line.account)
    done, _entry = form_submit(
        request,
        form,
        lambda data: services.statement_line_create_entry(
            practice=practice,
            line=line,
            account=data.get("account"),
            user=request.user,
            request=request,
        ),
        success=_("Entry posted and matched."),
    )
    if not done:
        problems = [str(e) for errors in form.errors.values() for e in errors]
        return _reconcile_page(
            request, book, line.account, status=400, match_error=" ".join(problems)
        )
    return redirect(_account_url("bank_reconcile", line.account))


@staff_view
@require_POST
def bank_line_unmatch(request, book_id: int, line_id: int):
    practice = request.practice
    book = book_for(request, book_id)
    line = selectors.statement_line_get(practice=practice, book=book, line_id=line_id)
    try:
        services.statement_line_unmatch(
            practice=practice, line=line, user=request.user, request=request
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Match undone."))
    return redirect(_account_url("bank_reconcile", line.account))


@staff_view
@require_POST
def bank_reconciliation_start(request, book_id: int, account_id: int):
    practice = request.practice
    book = book_for(request, book_id)
    account = selectors.bank_account_get(practice=practice, book=book, account_id=account_id)
    form = ReconciliationForm(request.POST)
    done, reconciliation = form_submit(
        request,
        form,
        lambda data: services.reconciliation_save(
            practice=practice,
            account=account,
            period_end=data["period_end"],
            statement_balance=data["statement_balance"],
            user=request.user,
            request=request,
        ),
    )
    if done:
        return redirect(_account_url("bank_reconciliation", account, reconciliation.pk))
    problems = [str(e) for errors in form.errors.values() for e in errors]
    return _reconcile_page(request, book, account, status=400, match_error=" ".join(problems))


@staff_view
@require_http_methods(["GET"])
def bank_reconciliation(request, book_id: int, account_id: int, reconciliation_id: int):
    practice = request.practice
    book = book_for(request, book_id)
    account = selectors.bank_account_get(practice=practice, book=book, account_id=account_id)
    reconciliation = selectors.reconciliation_get(
        practice=practice, account=account, reconciliation_id=reconciliation_id
    )
    report = selectors.reconciliation_report(practice=practice, reconciliation=reconciliation)
    return render(
        request,
        "billing/bank_reconciliation.html",
        _context(
            request,
            book,
            account,
            report=report,
            statement_page=_page(request, report.unmatched_statement),
            ledger_page=_page(request, report.unmatched_ledger, "ledger"),
        ),
    )


@staff_view
@require_POST
def bank_reconciliation_close(request, book_id: int, account_id: int, reconciliation_id: int):
    practice = request.practice
    book = book_for(request, book_id)
    account = selectors.bank_account_get(practice=practice, book=book, account_id=account_id)
    reconciliation = selectors.reconciliation_get(
        practice=practice, account=account, reconciliation_id=reconciliation_id
    )
    try:
        services.reconciliation_close(
            practice=practice, reconciliation=reconciliation, user=request.user, request=request
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Reconciliation closed."))
    return redirect(_account_url("bank_reconciliation", account, reconciliation.pk))


_BOOK = "books/<int:book_id>/bank/"
_ACCOUNT = _BOOK + "<int:account_id>/"

staff_patterns: list = [
    path("bank/", bank_home, name="bank_home"),
    path(_ACCOUNT, bank_account, name="bank_account"),
    path(_ACCOUNT + "feed/", bank_feed, name="bank_feed"),
    path(_ACCOUNT + "upload/", bank_upload, name="bank_upload"),
    path(_ACCOUNT + "reconcile/", bank_reconcile, name="bank_reconcile"),
    path(_ACCOUNT + "match/", bank_match, name="bank_match"),
    path(_ACCOUNT + "rules/apply/", bank_rules_apply, name="bank_rules_apply"),
    path(
        _ACCOUNT + "reconciliations/",
        bank_reconciliation_start,
        name="bank_reconciliation_start",
    ),
    path(
        _ACCOUNT + "reconciliations/<int:reconciliation_id>/",
        bank_reconciliation,
        name="bank_reconciliation",
    ),
    path(
        _ACCOUNT + "reconciliations/<int:reconciliation_id>/close/",
        bank_reconciliation_close,
        name="bank_reconciliation_close",
    ),
    path(_BOOK + "imports/<int:import_id>/", bank_import, name="bank_import"),
    path(_BOOK + "lines/<int:line_id>/entry/", bank_line_entry, name="bank_line_entry"),
    path(_BOOK + "lines/<int:line_id>/unmatch/", bank_line_unmatch, name="bank_line_unmatch"),
    path(_BOOK + "rules/", bank_rules, name="bank_rules"),
    path(_BOOK + "rules/new/", bank_rule_create, name="bank_rule_create"),
    path(_BOOK + "rules/<int:rule_id>/", bank_rule_edit, name="bank_rule_edit"),
    path(_BOOK + "rules/<int:rule_id>/delete/", bank_rule_delete, name="bank_rule_delete"),
]
portal_patterns: list = []
