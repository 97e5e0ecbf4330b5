"""Month end of a book (staff): generate and publish the month-end pack, close a month; and the
practice's bookkeeping settings (admins)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from billing import closing
from billing.access import book_for
from billing.views.reports import staff_book
from secretary import limits
from secretary.access import admin_view, staff_view
from secretary.errors import ApplicationError, form_submit
from secretary.idempotency import IdempotentFormMixin

PACKS_SHOWN = 24
MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]


def _month_field():
    return forms.DateField(
        label=gettext_lazy("Month"),
        input_formats=MONTH_FORMATS,
        validators=[limits.validate_date_in_range],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )


class MonthEndPackForm(IdempotentFormMixin, forms.Form):
    month = _month_field()
    note = forms.CharField(
        label=gettext_lazy("Note to the client"),
        required=False,
        max_length=limits.TEXT_NOTES,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class MonthCloseForm(forms.Form):
    month = _month_field()

    def __init__(self, *args, **kwargs):
        # It shares the month-end page with the pack form: ids of its own.
        kwargs.setdefault("auto_id", "id_close_%s")
        super().__init__(*args, **kwargs)


class BillingSettingsForm(forms.Form):
    close_by_day = forms.IntegerField(
        label=gettext_lazy("Close each month by day"),
        min_value=1,
        max_value=28,
        help_text=gettext_lazy(
            "From this day of the month on, secretaries are reminded of books whose previous "
            "month is still open."
        ),
    )


def _pack_message(pack) -> str:
    """What the person reads after asking for a pack: its state now, not the usual one."""
    document = pack.document
    if document is not None:
        document.refresh_from_db(fields=["status"])
        if document.is_ready:
            return _("The month-end pack is ready.")
        if document.is_failed:
            return _("The month-end pack could not be made; see its status below.")
    return _("The month-end pack is being made; it appears below when ready.")


def _previous_month():
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


@staff_view
@require_http_methods(["GET", "POST"])
def month_end(request: HttpRequest, book_id: int) -> HttpResponse:
    book = staff_book(request, book_id)
    initial = {"month": _previous_month()}
    form = MonthEndPackForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done, _pack = form_submit(
            request,
            form,
            lambda data: closing.month_end_pack_generate(
                practice=request.practice,
                book=book,
                month=data["month"],
                note=data["note"],
                user=request.user,
                request=request,
            ),
            success=_pack_message,
        )
        if done:
            return redirect("month_end", request.practice.slug, book.pk)
    packs = list(closing.month_end_packs(practice=request.practice, book=book)[:PACKS_SHOWN])
    return render(
        request,
        "billing/month_end.html",
        {
            "book": book,
            "form": form,
            "close_form": MonthCloseForm(initial=initial),
            "packs": packs,
            "pending": any(p.document and p.document.is_pending for p in packs),
        },
    )


@staff_view
@require_POST
def month_end_publish(request: HttpRequest, book_id: int, pack_id: int) -> HttpResponse:
    book = book_for(request, book_id)
    pack = closing.month_end_pack_get(practice=request.practice, book=book, pack_id=pack_id)
    try:
        closing.month_end_pack_publish(
            practice=request.practice, pack=pack, user=request.user, request=request
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The pack is published; the client's contacts are told."))
    return redirect("month_end", request.practice.slug, book.pk)


@staff_view
@require_POST
def month_close(request: HttpRequest, book_id: int) -> HttpResponse:
    book = book_for(request, book_id)
    form = MonthCloseForm(request.POST)
    if form.is_valid():
        try:
            book = closing.month_close(
                practice=request.practice,
                book=book,
                month=form.cleaned_data["month"],
                user=request.user,
                request=request,
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The books are locked up to %(date)s.") % {"date": book.lock_date.isoformat()},
            )
    else:
        messages.error(request, _("Choose the month to close."))
    return redirect("month_end", request.practice.slug, book.pk)


@admin_view
@require_http_methods(["GET", "POST"])
def billing_settings(request: HttpRequest) -> HttpResponse:
    initial = {"close_by_day": closing.close_by_day(practice=request.practice)}
    form = BillingSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done, _settings = form_submit(
            request,
            form,
            lambda data: closing.billing_settings_update(
                practice=request.practice,
                close_by_day=data["close_by_day"],
                user=request.user,
                request=request,
            ),
            success=_("Bookkeeping settings saved."),
        )
        if done:
            return redirect("billing_settings", request.practice.slug)
    return render(request, "billing/billing_settings.html", {"form": form})


staff_patterns: list = [
    path("books/<int:book_id>/month-end/", month_end, name="month_end"),
    path(
        "books/<int:book_id>/month-end/<int:pack_id>/publish/",
        month_end_publish,
        name="month_end_publish",
    ),
    path("books/<int:book_id>/close-month/", month_close, name="month_close"),
    path("settings/bookkeeping/", billing_settings, name="billing_settings"),
]
portal_patterns: list = []
