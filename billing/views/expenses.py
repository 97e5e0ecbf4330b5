"""Staff pages of expenses: the list with a form to record one, the receipt, and deleting an
expense not billed yet."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing.forms.expenses import ExpenseForm
from billing.invoicing import expenses as services
from billing.models import Expense
from secretary.access import staff_view
from secretary.errors import ApplicationError, form_submit
from secretary.files import stored_file_response
from secretary.limits import parse_id

PAGE_SIZE = 50


def _expense(request, expense_id) -> Expense:
    expense = Expense.objects.for_practice(request.practice).filter(pk=parse_id(expense_id)).first()
    if expense is None:
        raise Http404
    return expense


@staff_view
@require_http_methods(["GET", "HEAD", "POST"])
def expense_list(request: HttpRequest) -> HttpResponse:
    practice = request.practice
    form = ExpenseForm(request.POST or None, request.FILES or None, practice=practice)

    def save(data):
        return services.expense_create(
            practice=practice,
            client=data["client"],
            date=data["date"],
            description=data["description"],
            amount=data["amount"],
            tax_rate=data.get("tax_rate"),
            markup_percent=data.get("markup_percent") or 0,
            billable=data.get("billable", False),
            receipt=data.get("receipt"),
            user=request.user,
            request=request,
        )

    if request.method == "POST":
        done, _saved = form_submit(request, form, save, success=_("Expense recorded."))
        if done:
            return redirect("expense_list", practice_slug=practice.slug)
    expenses = (
        Expense.objects.for_practice(practice)
        .select_related("client", "tax_rate")
        .order_by("-date", "-id")
    )
    page = Paginator(expenses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "billing/expense_list.html",
        {"form": form, "page": page},
        status=400 if request.method == "POST" else 200,
    )


@staff_view
@require_GET
def expense_receipt(request: HttpRequest, expense_id: int) -> HttpResponse:
    expense = _expense(request, expense_id)
    if not expense.receipt:
        raise Http404
    return stored_file_response(expense.receipt, filename=expense.receipt.name.rsplit("/", 1)[-1])


@staff_view
@require_POST
def expense_delete(request: HttpRequest, expense_id: int) -> HttpResponse:
    from django.contrib import messages

    expense = _expense(request, expense_id)
    try:
        services.expense_delete(
            practice=request.practice, expense=expense, user=request.user, request=request
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Expense deleted."))
    return redirect("expense_list", practice_slug=request.practice.slug)


staff_patterns: list = [
    path("billing/expenses/", expense_list, name="expense_list"),
    path("billing/expenses/<int:expense_id>/receipt/", expense_receipt, name="expense_receipt"),
    path("billing/expenses/<int:expense_id>/delete/", expense_delete, name="expense_delete"),
]
portal_patterns: list = []
